/** Headers on every API answer (`/trpc`, `/healthz`, `/readyz`): never cached, never rendered. */
export const API_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  // A JSON answer opened as a page runs nothing and cannot be framed.
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

/**
 * The dashboard's Content-Security-Policy. It loads only its own scripts and styles (Vite emits
 * no inline script, and React sets `style={…}` through the CSSOM, which CSP does not govern);
 * `data:` images are the favicon and the search field's icon in the CSS. The call view talks to
 * the LiveKit server that `session.start` names (LIVEKIT_URL): its WebSocket, and HTTP for
 * livekit-client's `/rtc/validate` probe after a failed connect. Media arrive as `srcObject`
 * streams, which no directive covers. No frames, plugins, `<base>` or foreign form targets.
 */
export function contentSecurityPolicy(options: { livekitUrl?: string } = {}): string {
  const connect = ["'self'", ...(options.livekitUrl ? liveKitSources(options.livekitUrl) : [])];
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${connect.join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers on the dashboard's page and files. */
export function documentHeaders(options: { livekitUrl?: string } = {}): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(options),
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    // For browsers without CSP's frame-ancestors.
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  };
}

/**
 * LiveKit's origin as a WebSocket and as HTTP. On LiveKit Cloud livekit-client also asks
 * `/settings/regions` and may fail over to another region's host under the same domain.
 */
function liveKitSources(livekitUrl: string): string[] {
  const url = new URL(livekitUrl);
  const secure = url.protocol === 'wss:' || url.protocol === 'https:';
  const [ws, http] = secure ? ['wss', 'https'] : ['ws', 'http'];
  const sources = [`${ws}://${url.host}`, `${http}://${url.host}`];
  const cloud = /\.(livekit\.cloud|livekit\.run)$/.exec(url.hostname)?.[1];
  if (cloud) sources.push(`${ws}://*.${cloud}`, `${http}://*.${cloud}`);
  return sources;
}
