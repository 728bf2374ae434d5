import type { ConfigChange } from '../../shared/agent-version.schema.ts';
import type { AuditList, AuditListQuery, AuditVia } from '../../shared/audit.schema.ts';
import { diffConfigs } from '../../shared/config-diff.ts';
import type { Logger } from '../logger.ts';
import type { Actor, AuditRecord, AuditStore, NewAuditRecord } from '../ports/audit-store.port.ts';
import { decodeCursor, encodeCursor } from './agent.service.ts';

/** Who a change is recorded as when no caller made it (start-up work, tests). */
export const SYSTEM_ACTOR: Actor = { kind: 'system', id: 'switchboard' };

/** What a service says about a change it made: everything but who, when and the workspace. */
export type AuditChange = Omit<NewAuditRecord, 'at' | 'actor' | 'via' | 'agentId'> & {
  agentId?: string | null;
};

/**
 * The audit log. Services `record` a change AFTER it succeeded: there are no transactions on
 * FerretDB to write both at once, so an entry follows its change, and an entry that cannot be
 * written is logged at error level and neither undoes nor fails the change (a log outage must
 * not stop people from working; the error log is where a missed entry shows).
 */
export interface AuditLog {
  /** Never throws: a failed write is logged. `by` undefined: the system. */
  record(workspaceId: string, by: Actor | undefined, change: AuditChange): Promise<void>;
  /** The workspace's entries, newest first, keyset paged with an opaque cursor. */
  list(workspaceId: string, query: AuditListQuery): Promise<AuditList>;
}

export function createAuditLog({
  store,
  now = () => new Date(),
  logger,
}: {
  store: AuditStore;
  now?: () => Date;
  logger?: Logger;
}): AuditLog {
  return {
    async record(workspaceId, by = SYSTEM_ACTOR, { agentId = null, ...change }) {
      try {
        await store.append(workspaceId, {
          at: now(),
          actor: { kind: by.kind, id: by.id, ...(by.name !== undefined && { name: by.name }) },
          via: viaOf(by),
          agentId,
          ...change,
        });
      } catch (error) {
        logger?.error('an audit entry could not be written; the change itself stands', {
          workspaceId,
          action: change.action,
          targetId: change.target.id,
          error,
        });
      }
    },

    async list(workspaceId, { agentId, actorId, limit, cursor }) {
      const after = cursor ? decodeCursor(cursor) : undefined;
      // One extra row tells whether another page exists without a count query.
      const rows = await store.list(workspaceId, {
        limit: limit + 1,
        ...(after && { after: { at: after.createdAt, id: after.id } }),
        ...(agentId !== undefined && { agentId }),
        ...(actorId !== undefined && { actorId }),
      });
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return {
        items: items.map(toAuditEntry),
        nextCursor:
          rows.length > limit && last ? encodeCursor({ createdAt: last.at, id: last.id }) : null,
      };
    },
  };
}

/** Through what the actor acted: a person's session, the key itself, the local owner, the system. */
export function viaOf(actor: Actor): AuditVia {
  switch (actor.kind) {
    case 'user':
      return { kind: 'session', id: actor.sessionId ?? 'unknown' };
    case 'api-key':
    case 'publishable-key':
    case 'system':
      return { kind: actor.kind, id: actor.id };
    case 'local':
      return { kind: 'local', id: actor.id };
  }
}

/**
 * Path by path, what differs between two states of something (config-diff's entries without
 * their segments): for an agent `{ name, description, config }` gives `name`, `description` and
 * `config.…` paths (only `config.…` when only configs are given).
 */
export function changesBetween(before: object, after: object): ConfigChange[] {
  return diffConfigs(before, after).map((change) => {
    const { segments: _segments, ...rest } = change;
    return rest;
  });
}

function toAuditEntry(record: AuditRecord) {
  return {
    id: record.id,
    at: record.at.toISOString(),
    actor: record.actor,
    via: record.via,
    action: record.action,
    target: record.target,
    agentId: record.agentId,
    ...(record.changes && { changes: record.changes }),
    ...(record.details && { details: record.details }),
  };
}
