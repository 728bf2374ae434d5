import type { IncomingMessage, ServerResponse } from 'node:http';
import { getErrorShape } from '@trpc/server/unstable-core-do-not-import';
import {
  generateOpenApiDocument,
  getInputOutputParsers,
  getPathRegExp,
  type OpenAPIObject,
} from 'trpc-to-openapi';
import type { SchemaObject } from 'openapi3-ts/oas31';
import type { z } from 'zod';
import { agentExportFileSchema } from '../../shared/agent-export.schema.ts';
import { agentConfigShapeSchema } from '../../shared/agent.schema.ts';
import type { ApiErrorData, ApiErrorDetails } from '../../shared/errors.ts';
import { agentConfigOverridesShapeSchema } from '../../shared/session.schema.ts';
import type { Context } from '../context.ts';
import type { Logger } from '../logger.ts';
import type { AppRouter } from '../routers/_app.ts';
import { invalidInput } from '../errors.ts';
import { toTRPCError, type RestRouteMeta } from '../trpc.ts';
import { hasBearerKey, type RequestGuard } from './request-guard.ts';
import { readBody } from './read-body.ts';

/**
 * The REST face: every procedure with `.meta({ openapi })` (server/routers/*.router.ts) served as
 * a resource route under `/api/v1`, with the same schemas, services, context, authorization and
 * errors as `/trpc`. trpc-to-openapi writes the OpenAPI document and its path rules are used
 * here; its own HTTP handler is not: it sets `coerce` on every number and boolean field of an
 * input schema it serves (shared with `/trpc`, so `"false"` would become `true` there too) and
 * reads no body sent as `application/json; charset=utf-8`.
 */
export const REST_PREFIX = '/api/v1';
export const OPENAPI_PATH = `${REST_PREFIX}/openapi.json`;

/** Where a saved agent answers its ETag, and the update that honours If-Match. */
const VERSIONED_PROCEDURES = new Set(['agents.get', 'agents.create', 'agents.update']);
const IF_MATCH_PROCEDURE = 'agents.update';
/** The routes a page on another site may call with a (publishable) key: CORS without credentials. */
const CORS_PROCEDURES = new Set(['session.start', 'session.connectionDetails']);
const CORS_PREFLIGHT_HEADERS = {
  'access-control-allow-methods': 'POST',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-max-age': '600',
  vary: 'Origin',
} as const;

interface RestRoute {
  procedurePath: string;
  type: 'query' | 'mutation';
  meta: RestRouteMeta;
  pattern: RegExp;
  /** The input object's fields, to read query strings as numbers and booleans where they are. */
  inputShape: Record<string, z.ZodType> | undefined;
  hasInput: boolean;
}

export interface RestError {
  code: ApiErrorData['code'];
  httpStatus: number;
  message: string;
  details: ApiErrorDetails | null;
}

export interface RestHandlerOptions {
  router: AppRouter;
  createContext: (options: { req: IncomingMessage }) => Promise<Context>;
  guard: RequestGuard;
  logger: Logger;
  bodyLimitBytes: number;
  requestTimeoutMs: number;
  /** Answers 413 from `Content-Length` and drains the body (server.ts). */
  rejectTooLarge: (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    limit: number,
    declared: number,
  ) => void;
}

/** The structured error body of a REST answer: the contract's `ApiErrorData` under `data`. */
export function restErrorBody(error: RestError, path?: string): string {
  const data: ApiErrorData = {
    code: error.code,
    httpStatus: error.httpStatus,
    ...(path && { path }),
    issues: [],
    details: error.details,
  };
  return JSON.stringify({ code: error.code, message: error.message, data });
}

export function createRestHandler(options: RestHandlerOptions) {
  const { router, logger, guard, bodyLimitBytes } = options;
  const routes = collectRoutes(router);
  let document: string | undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const subPath = url.pathname.slice(REST_PREFIX.length) || '/';
    if (url.pathname === OPENAPI_PATH) {
      if (req.method !== 'GET') return sendMethodNotAllowed(res, ['GET']);
      document ??= JSON.stringify(createOpenApiDocument(router));
      return sendText(res, 200, document);
    }
    const matches = routes.flatMap((route) => {
      const match = route.pattern.exec(subPath);
      return match ? [{ route, params: match.groups ?? {} }] : [];
    });
    const found = matches.find(({ route }) => route.meta.method === req.method);
    if (!found) {
      if (matches.length === 0) {
        return sendError(res, {
          code: 'NOT_FOUND',
          httpStatus: 404,
          message: `No route ${url.pathname}: see ${OPENAPI_PATH}`,
          details: null,
        });
      }
      const allowed = matches.map(({ route }) => route.meta.method);
      const origin = req.headers.origin;
      if (req.method === 'OPTIONS' && origin !== undefined) {
        if (matches.some(({ route }) => CORS_PROCEDURES.has(route.procedurePath))) {
          res.writeHead(204, {
            'access-control-allow-origin': origin,
            ...CORS_PREFLIGHT_HEADERS,
            'content-length': 0,
          });
          return void res.end();
        }
      }
      return sendMethodNotAllowed(res, allowed);
    }
    const { route } = found;
    const origin = req.headers.origin;
    if (
      CORS_PROCEDURES.has(route.procedurePath) &&
      origin !== undefined &&
      hasBearerKey(req.headers)
    ) {
      // On refusals too (415, 429…), so the page can read why.
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', 'Retry-After');
      res.setHeader('vary', 'Origin');
    }

    const takesBody = route.meta.method !== 'GET' && route.meta.method !== 'DELETE';
    if (req.method !== 'GET') {
      // A bodiless DELETE has no Content-Type to check; the Origin and Sec-Fetch-Site checks stay.
      const refused = guard.checkMutation(
        takesBody ? req.headers : { ...req.headers, 'content-type': 'application/json' },
      );
      if (refused) {
        logger.info('request refused', { reason: refused.code, path: url.pathname });
        req.resume();
        return sendError(res, { ...refused, details: null });
      }
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > bodyLimitBytes) {
      return options.rejectTooLarge(req, res, url, bodyLimitBytes, declared);
    }

    const timer = setTimeout(() => {
      if (res.headersSent) return;
      logger.warn('request timed out', { path: url.pathname, timeoutMs: options.requestTimeoutMs });
      sendError(res, {
        code: 'SERVICE_UNAVAILABLE',
        httpStatus: 503,
        message: `The request took longer than ${options.requestTimeoutMs} ms`,
        details: { reason: 'timeout', service: 'server' },
      });
    }, options.requestTimeoutMs);
    res.on('close', () => clearTimeout(timer));

    let ifMatch: number | undefined;
    let ctx: Context | undefined;
    let input: Record<string, unknown> | undefined;
    try {
      if (takesBody) {
        const body = await readBody(req, bodyLimitBytes);
        if (body === undefined) {
          return options.rejectTooLarge(req, res, url, bodyLimitBytes, declared);
        }
        input = parseJsonObject(body);
      } else {
        req.resume();
        input = queryInput(url.searchParams, route.inputShape);
      }
      for (const [name, value] of Object.entries(found.params)) {
        // A numeric path parameter (`/versions/{version}`) is a number, as in a query string.
        const decoded = decodePathSegment(name, value);
        const numeric =
          fieldType(route.inputShape?.[name]) === 'number' && /^\d{1,9}$/.test(decoded);
        input[name] = numeric ? Number(decoded) : decoded;
      }
      if (route.procedurePath === IF_MATCH_PROCEDURE) {
        ifMatch = applyIfMatch(req.headers['if-match'], input);
      }
      ctx = await options.createContext({ req });
      const caller = router.createCaller(ctx) as unknown as Record<string, unknown>;
      const call = route.procedurePath
        .split('.')
        .reduce<unknown>((at, key) => (at as Record<string, unknown>)[key], caller) as (
        input?: unknown,
      ) => Promise<unknown>;
      const data = await call(route.hasInput ? input : undefined);
      if (res.headersSent) return;
      const headers: Record<string, string> = {};
      const status = route.meta.successStatus ?? 200;
      const record = data as { id?: unknown; version?: unknown };
      if (VERSIONED_PROCEDURES.has(route.procedurePath) && typeof record.version === 'number') {
        headers.etag = `"${record.version}"`;
      }
      if (status === 201 && typeof record.id === 'string') {
        headers.location = `${REST_PREFIX}${route.meta.path}/${record.id}`;
      }
      sendText(res, status, JSON.stringify(data), headers);
    } catch (cause) {
      if (res.headersSent) return;
      const error = toTRPCError(cause);
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        logger.error('request failed', { path: route.procedurePath, error: error.cause ?? error });
      }
      const shape = getErrorShape({
        config: router._def._config,
        error,
        type: route.type,
        path: route.procedurePath,
        input,
        ctx,
      });
      const data = shape.data;
      const details = data.details;
      let httpStatus = data.httpStatus;
      // RFC 9110: a failed If-Match is 412; the body is the same version conflict.
      if (ifMatch !== undefined && details?.reason === 'version-conflict') httpStatus = 412;
      const headers: Record<string, string> = {};
      if (details && 'retryAfterSeconds' in details) {
        headers['retry-after'] = String(details.retryAfterSeconds);
      }
      const body = { code: data.code, message: shape.message, data: { ...data, httpStatus } };
      sendText(res, httpStatus, JSON.stringify(body), headers);
    }
  };

  return { handle, routes: routes.map(({ meta, procedurePath }) => ({ ...meta, procedurePath })) };
}

function collectRoutes(router: AppRouter): RestRoute[] {
  const procedures = router._def.procedures as unknown as Record<
    string,
    { _def: { type: 'query' | 'mutation' | 'subscription'; meta?: { openapi?: RestRouteMeta } } }
  >;
  const routes: RestRoute[] = [];
  for (const [procedurePath, procedure] of Object.entries(procedures)) {
    const meta = procedure._def.meta?.openapi;
    if (!meta || procedure._def.type === 'subscription') continue;
    const parsers = getInputOutputParsers(procedure as never);
    const inputShape = objectShape(parsers.inputParser);
    routes.push({
      procedurePath,
      type: procedure._def.type,
      meta,
      pattern: getPathRegExp(meta.path),
      inputShape,
      hasInput: parsers.hasInputsDefined,
    });
  }
  return routes;
}

/** The object inside `.prefault()`, `.default()`, `.optional()`, `.refine()`. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let current: { _zod: { def: Record<string, unknown> } } = schema as never;
  for (let depth = 0; depth < 8; depth += 1) {
    const def = current._zod.def;
    if (def.type === 'object') return def.shape as Record<string, z.ZodType>;
    const inner = def.innerType ?? def.in;
    if (!inner) return undefined;
    current = inner as never;
  }
  return undefined;
}

/** The innermost type of a field (`.optional()`, `.nullable()`, `.default()` unwrapped). */
function fieldType(schema: z.ZodType | undefined): string | undefined {
  let current = schema as { _zod: { def: Record<string, unknown> } } | undefined;
  for (let depth = 0; current && depth < 8; depth += 1) {
    const def = current._zod.def;
    const inner = def.innerType;
    if (!inner) return def.type as string;
    current = inner as never;
  }
  return undefined;
}

/**
 * A query string as the procedure's input: `limit=5` is the number 5 where the schema wants a
 * number, `true`/`false` booleans where it wants one; anything else stays a string for the schema
 * to refuse with its own message. A repeated name is refused (no field takes a list).
 */
function queryInput(
  params: URLSearchParams,
  shape: Record<string, z.ZodType> | undefined,
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    if (values.length > 1) {
      throw invalidInput([name], `${name} is given ${values.length} times: give it once`);
    }
    const value = values[0] ?? '';
    const type = fieldType(shape?.[name]);
    if (type === 'number' && /^-?\d+(\.\d+)?$/.test(value)) input[name] = Number(value);
    else if (type === 'boolean' && (value === 'true' || value === 'false')) {
      input[name] = value === 'true';
    } else input[name] = value;
  }
  return input;
}

function decodePathSegment(name: string, value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw invalidInput([name], `${name} is not a valid URL path segment`);
  }
}

function parseJsonObject(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw invalidInput([], 'The body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidInput([], 'The body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/**
 * `If-Match: "<version>"` as `expectedVersion` (weak `W/"…"` accepted: versions are exact).
 * Returns the version, or undefined without the header (`*` matches any version).
 */
function applyIfMatch(
  header: string | undefined,
  input: Record<string, unknown>,
): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"([1-9]\d{0,15})"\s*$/.exec(header);
  const version = match?.[1] === undefined ? undefined : Number(match[1]);
  if (version === undefined) {
    throw invalidInput(['If-Match'], 'If-Match must be one ETag of this agent, like "3"');
  }
  if (input.expectedVersion !== undefined && input.expectedVersion !== version) {
    throw invalidInput(['expectedVersion'], 'expectedVersion and If-Match name different versions');
  }
  input.expectedVersion = version;
  return version;
}

/**
 * The OpenAPI 3.1 document of every REST route: trpc-to-openapi's, with Switchboard's statuses
 * (201 on create, the ones every route may answer), its error body, the ETag and If-Match
 * headers, both ways to authenticate, and the config shapes where a schema validates a config
 * before parsing its shape (which zod cannot describe on its own).
 */
export function createOpenApiDocument(router: AppRouter): OpenAPIObject {
  const document = generateOpenApiDocument(router, {
    title: 'Switchboard',
    version: '1',
    description:
      'The control plane for LiveKit voice agents. Every route is also a tRPC procedure (`/trpc`); errors are `{ code, message, data: { code, httpStatus, issues, details } }`.',
    baseUrl: REST_PREFIX,
    securitySchemes: {
      apiKey: {
        type: 'http',
        scheme: 'bearer',
        description:
          'An API key (`sb_sk_…`; `npm run admin -- create-key` or the dashboard) or, for `POST /session` and the token endpoint, a publishable key (`sb_pk_…`).',
      },
      dashboardSession: {
        type: 'apiKey',
        in: 'cookie',
        name: 'sb.session_token',
        description: 'The dashboard’s sign-in cookie (`__Secure-` prefixed over HTTPS).',
      },
    },
    defs: {
      AgentConfig: agentConfigShapeSchema,
      AgentConfigOverrides: agentConfigOverridesShapeSchema,
      AgentExportFile: agentExportFileSchema,
    },
  });
  const components = (document.components ??= {});
  components.schemas = { ...components.schemas, Error: ERROR_SCHEMA };
  const errorResponse = (description: string) => ({
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  });
  const routes = collectRoutes(router);
  for (const route of routes) {
    const operation = document.paths?.[route.meta.path]?.[
      route.meta.method.toLowerCase() as 'get'
    ] as {
      responses: Record<string, unknown>;
      parameters?: unknown[];
    };
    const responses = operation.responses;
    const success = responses['200'] as { headers?: Record<string, unknown> };
    if (VERSIONED_PROCEDURES.has(route.procedurePath)) {
      success.headers = {
        ETag: { description: 'The agent’s version, quoted', schema: { type: 'string' } },
      };
    }
    if (route.meta.successStatus === 201) {
      delete responses['200'];
      responses['201'] = success;
    }
    const own = route.meta.errorResponses ?? {};
    for (const status of Object.keys(responses)) {
      if (status !== '200' && status !== '201') delete responses[status];
    }
    const common: Record<number, string | undefined> = {
      400: 'Invalid input: `data.issues` says where',
      401: 'No key or session, or a key that is unknown or revoked',
      403: 'The key or role lacks the permission (`data.details.permission`)',
      ...(route.meta.path.includes('{') && { 404: 'Not found (or another workspace’s)' }),
      ...(route.meta.method !== 'GET' && {
        413: 'Body over the limit',
        415: 'Not `application/json`',
      }),
      429: 'Over a rate (`Retry-After`)',
      500: 'Unexpected: a generic message (the cause is in the server’s log)',
      503: 'The database or LiveKit does not answer, or is not configured',
      ...own,
    };
    for (const [status, description] of Object.entries(common)) {
      if (description !== undefined) responses[status] = errorResponse(description);
    }
    if (route.procedurePath === IF_MATCH_PROCEDURE) {
      operation.parameters = [
        ...(operation.parameters ?? []),
        {
          in: 'header',
          name: 'If-Match',
          description: 'The ETag of the copy you edited: a stale one is 412 and nothing changes.',
          schema: { type: 'string' },
        },
      ];
    }
  }
  return replaceMarkers(document) as OpenAPIObject;
}

/** `{ "x-switchboard-schema": "AgentConfig" }` (see shared/agent.schema.ts) → a `$ref`. */
function replaceMarkers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(replaceMarkers);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  const marker = record['x-switchboard-schema'];
  if (typeof marker === 'string') return { $ref: `#/components/schemas/${marker}` };
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, replaceMarkers(v)]));
}

const ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['code', 'message', 'data'],
  properties: {
    code: { type: 'string', description: 'Branch on this (BAD_REQUEST, NOT_FOUND, CONFLICT…)' },
    message: { type: 'string', description: 'For people; may change at any time' },
    data: {
      type: 'object',
      required: ['code', 'httpStatus', 'issues', 'details'],
      properties: {
        code: { type: 'string' },
        httpStatus: { type: 'integer' },
        path: { type: 'string', description: 'The procedure' },
        issues: {
          type: 'array',
          items: {
            type: 'object',
            required: ['path', 'message'],
            properties: {
              path: { type: 'array', items: { type: 'string' } },
              message: { type: 'string' },
            },
          },
        },
        details: {
          description: 'Facts about a domain error, told apart by `reason` (README "Errors")',
          anyOf: [
            { type: 'null' },
            { type: 'object', required: ['reason'], properties: { reason: { type: 'string' } } },
          ],
        },
      },
    },
  },
};

function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: RestError): void {
  if (error.code === 'TOO_MANY_REQUESTS' && error.details && 'retryAfterSeconds' in error.details) {
    res.setHeader('retry-after', String(error.details.retryAfterSeconds));
  }
  sendText(res, error.httpStatus, restErrorBody(error));
}

function sendMethodNotAllowed(res: ServerResponse, allowed: string[]): void {
  res.setHeader('allow', allowed.join(', '));
  sendError(res, {
    code: 'METHOD_NOT_SUPPORTED',
    httpStatus: 405,
    message: `Use ${allowed.join(' or ')} here`,
    details: null,
  });
}
