import { createHash, randomBytes } from 'node:crypto';
import type { Permission } from '../../shared/auth.schema.ts';
import {
  PUBLISHABLE_KEY_PREFIX,
  SECRET_KEY_PREFIX,
  type ApiKey,
} from '../../shared/workspace.schema.ts';
import type { AuthFailure, Caller } from '../context.ts';
import { NotFoundError, ForbiddenError, invalidInput } from '../errors.ts';
import type { ApiKeyRecord, ApiKeyStore } from '../ports/api-key-store.port.ts';
import type { Actor } from '../ports/audit-store.port.ts';
import type { AgentService } from './agent.service.ts';
import type { AuditLog } from './audit.service.ts';

/** Characters of a key kept in clear to recognise it (`sb_sk_` + 4). */
const START_LENGTH = 10;
/** Keys listed per workspace at most (a keys page, not an archive). */
export const KEYS_LIST_LIMIT = 200;
/** `lastUsedAt` is written at most this often per key: reads must not become writes. */
const TOUCH_INTERVAL_MS = 60_000;

export type NewKey =
  | { kind: 'secret'; name: string; scopes: Permission[] }
  | { kind: 'publishable'; name: string; origins: string[]; agentIds: string[] | null };

/** Who creates a key: its workspace, what they may grant, and how the keys page names them. */
export interface KeyCreator {
  workspaceId: string;
  /** A secret key's scopes must be among these (`all`: the operator's command line). */
  mayGrant: ReadonlySet<Permission> | 'all';
  /** An e-mail, `API key sb_sk_Ab12`, or `npm run admin`. */
  createdBy: string;
}

export interface ApiKeyService {
  /** The key in clear once (`secret`), and its record as lists show it. `by`: for the audit log. */
  create(creator: KeyCreator, key: NewKey, by?: Actor): Promise<{ key: ApiKey; secret: string }>;
  list(workspaceId: string): Promise<ApiKey[]>;
  revoke(workspaceId: string, id: string, by?: Actor): Promise<ApiKey>;
  /**
   * The caller an `Authorization: Bearer` value stands for, or why it is refused. `origin` is the
   * request's Origin header: a publishable key answers only to the origins it lists.
   */
  authenticate(bearer: string, origin: string | undefined): Promise<Caller | AuthFailure>;
}

export interface ApiKeyServiceDeps {
  store: ApiKeyStore;
  agents: Pick<AgentService, 'getRecord'>;
  /** Where changes are recorded (after they succeed); never a key's secret. */
  audit?: AuditLog;
  now?: () => Date;
  random?: (size: number) => Buffer;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function createApiKeyService(deps: ApiKeyServiceDeps): ApiKeyService {
  const now = deps.now ?? (() => new Date());
  const random = deps.random ?? randomBytes;

  return {
    async create(creator, input, by) {
      const { mayGrant } = creator;
      if (input.kind === 'secret' && mayGrant !== 'all') {
        // A key never holds more than its creator may do.
        const beyond = input.scopes.find((scope) => !mayGrant.has(scope));
        if (beyond) throw new ForbiddenError(beyond);
      }
      if (input.kind === 'publishable' && input.agentIds) {
        for (const [index, agentId] of input.agentIds.entries()) {
          try {
            await deps.agents.getRecord(creator.workspaceId, agentId);
          } catch (error) {
            if (error instanceof NotFoundError) {
              throw invalidInput(['agentIds', String(index)], 'No such agent in this workspace');
            }
            throw error;
          }
        }
      }
      const prefix = input.kind === 'secret' ? SECRET_KEY_PREFIX : PUBLISHABLE_KEY_PREFIX;
      const secret = `${prefix}${random(32).toString('base64url')}`;
      const record = await deps.store.create({
        workspaceId: creator.workspaceId,
        kind: input.kind,
        name: input.name,
        hash: hashApiKey(secret),
        start: secret.slice(0, START_LENGTH),
        scopes: input.kind === 'secret' ? unique(input.scopes) : ['sessions:start'],
        origins: input.kind === 'publishable' ? unique(input.origins) : [],
        agentIds: input.kind === 'publishable' ? input.agentIds && unique(input.agentIds) : null,
        createdBy: creator.createdBy,
      });
      await deps.audit?.record(creator.workspaceId, by, {
        action: 'key.create',
        target: { type: 'key', id: record.id, name: record.name },
        details: {
          kind: record.kind,
          start: record.start,
          scopes: record.scopes,
          ...(record.kind === 'publishable' && {
            origins: record.origins,
            agentIds: record.agentIds,
          }),
        },
      });
      return { key: toApiKey(record), secret };
    },

    async list(workspaceId) {
      return (await deps.store.list(workspaceId, KEYS_LIST_LIMIT)).map(toApiKey);
    },

    async revoke(workspaceId, id, by) {
      const revoked = await deps.store.revoke(workspaceId, id, now());
      if (!revoked) {
        throw new NotFoundError('No such key, or it is already revoked', {
          details: { reason: 'not-found', resource: 'key', id },
        });
      }
      await deps.audit?.record(workspaceId, by, {
        action: 'key.revoke',
        target: { type: 'key', id, name: revoked.name },
        details: { kind: revoked.kind, start: revoked.start },
      });
      return toApiKey(revoked);
    },

    async authenticate(bearer, origin) {
      const record =
        bearer.startsWith(SECRET_KEY_PREFIX) || bearer.startsWith(PUBLISHABLE_KEY_PREFIX)
          ? await deps.store.findByHash(hashApiKey(bearer))
          : null;
      if (!record) {
        return { reason: 'invalid-key', message: 'This API key is not valid' };
      }
      if (record.revokedAt) {
        return { reason: 'key-revoked', message: 'This API key was revoked' };
      }
      if (
        record.kind === 'publishable' &&
        (origin === undefined || !record.origins.includes(origin))
      ) {
        return {
          reason: 'origin-not-allowed',
          message: origin
            ? `This publishable key is not allowed on ${origin}: add the origin to the key`
            : 'A publishable key works only from the browser origins it lists',
        };
      }
      const at = now();
      if (!record.lastUsedAt || at.getTime() - record.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) {
        await deps.store.touch(record.id, at);
      }
      const permissions = new Set<Permission>(record.scopes);
      return record.kind === 'secret'
        ? {
            workspaceId: record.workspaceId,
            actor: { kind: 'api-key', id: record.id },
            actorName: record.name,
            permissions,
            scopes: record.scopes,
          }
        : {
            workspaceId: record.workspaceId,
            actor: { kind: 'publishable-key', id: record.id },
            actorName: record.name,
            permissions,
            scopes: record.scopes,
            limits: { agentIds: record.agentIds },
          };
    },
  };
}

export function toApiKey(record: ApiKeyRecord): ApiKey {
  return {
    id: record.id,
    kind: record.kind,
    name: record.name,
    start: record.start,
    scopes: record.scopes,
    origins: record.origins,
    agentIds: record.agentIds,
    createdBy: record.createdBy,
    createdAt: record.createdAt.toISOString(),
    lastUsedAt: record.lastUsedAt?.toISOString() ?? null,
    revokedAt: record.revokedAt?.toISOString() ?? null,
  };
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
