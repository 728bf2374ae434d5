import 'swagger-ui-dist/swagger-ui.css';
import './api-reference.css';
import { useEffect, useRef, useState } from 'react';
import { requestWorkspaceId } from '../../lib/current-workspace.ts';

/** Served by the server (server/http/rest.ts), generated from the procedures. */
const OPENAPI_URL = '/api/v1/openapi.json';

/**
 * The REST API's reference: the server's OpenAPI document rendered by Swagger UI (bundled, in this
 * page's own chunk: nothing from a CDN, nothing loaded before the page opens). "Try it out" calls
 * the API as the signed-in person, in the current workspace, or with a key given under Authorize.
 */
export function ApiReferencePage() {
  const container = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    import('swagger-ui-dist/swagger-ui-es-bundle.js')
      .then(({ default: SwaggerUI }) => {
        if (cancelled || !container.current) return;
        SwaggerUI({
          url: OPENAPI_URL,
          domNode: container.current,
          deepLinking: false,
          withCredentials: true,
          requestInterceptor: (request) => {
            const workspaceId = requestWorkspaceId();
            // A key under Authorize decides alone (the server ignores the cookie then).
            if (workspaceId && !request.headers.Authorization) {
              request.headers['x-switchboard-workspace'] = workspaceId;
            }
            return request;
          },
        });
      })
      .catch((error: unknown) => {
        if (!cancelled) setFailed(error instanceof Error ? error.message : String(error));
      });
    return () => {
      cancelled = true;
    };
  }, []);
  return (
    <div className="page">
      <title>API reference · Switchboard</title>
      <header className="page-header">
        <div className="page-header__text">
          <h1 className="page-header__title">API reference</h1>
          <p className="page-header__subtitle">
            The REST routes under <code>/api/v1</code> (<a href={OPENAPI_URL}>OpenAPI document</a>).
            Programs send an API key as <code>Authorization: Bearer sb_sk_…</code>; here, “Try it
            out” acts as you, in this workspace.
          </p>
        </div>
      </header>
      {failed !== null && (
        <div className="state state--error" role="alert">
          The reference could not load: {failed}
        </div>
      )}
      <div className="api-reference" ref={container} />
    </div>
  );
}
