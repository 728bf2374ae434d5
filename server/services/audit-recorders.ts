import type { DidRoute } from '../../shared/telephony.schema.ts';
import type { Logger } from '../logger.ts';
import type { Actor } from '../ports/audit-store.port.ts';
import type { AgentService } from './agent.service.ts';
import type { AgentVersionService } from './agent-version.service.ts';
import { changesBetween, type AuditLog } from './audit.service.ts';
import type { TelephonyService } from './telephony.service.ts';

/**
 * The audit log's recording for agents' versions and phone numbers, wrapped around those services
 * (compose.ts) instead of written into them: they change often (version pinning), and their
 * methods stay exactly as they were. Each wrapper calls the service and, once it succeeded,
 * records the change; what a wrapper reads for the entry (the state before, a version's config)
 * can fail without failing the change: the entry is then written without it.
 */

/**
 * `agent.publish` (a version was stored) and `agent.restore`, with their config diffs, and
 * `agent.version-delete`.
 */
export function auditAgentVersions(
  service: AgentVersionService,
  deps: { audit: AuditLog; agents: Pick<AgentService, 'getRecord'>; logger?: Logger },
): AgentVersionService {
  const optional = optionalRead(deps.logger);
  return {
    ...service,

    async publish(workspaceId, input, by?: Actor) {
      const result = await service.publish(workspaceId, input, by && versionAuthor(by));
      if (result.status !== 'published') return result;
      const { version, parentVersion, note } = result.version;
      const [before, after] = await Promise.all([
        parentVersion === null
          ? null
          : optional(() => service.get(workspaceId, input.agentId, parentVersion)),
        optional(() => service.get(workspaceId, input.agentId, version)),
      ]);
      const agent = await optional(() => deps.agents.getRecord(workspaceId, input.agentId));
      await deps.audit.record(workspaceId, by, {
        action: 'agent.publish',
        target: { type: 'agent', id: input.agentId, ...(agent && { name: agent.name }) },
        agentId: input.agentId,
        ...(before &&
          after && {
            changes: changesBetween({ config: before.config }, { config: after.config }),
          }),
        details: { version, parentVersion, ...(note !== null && { note }) },
      });
      return result;
    },

    async deleteVersion(workspaceId, input, by?: Actor) {
      const deleted = await service.deleteVersion(workspaceId, input);
      const agent = await optional(() => deps.agents.getRecord(workspaceId, input.agentId));
      await deps.audit.record(workspaceId, by, {
        action: 'agent.version-delete',
        target: { type: 'agent', id: input.agentId, ...(agent && { name: agent.name }) },
        agentId: input.agentId,
        details: { version: input.version },
      });
      return deleted;
    },

    async restore(workspaceId, input, by?: Actor) {
      const before = await optional(() => deps.agents.getRecord(workspaceId, input.agentId));
      const result = await service.restore(workspaceId, input, by && versionAuthor(by));
      const published = result.published?.status === 'published' ? result.published.version : null;
      await deps.audit.record(workspaceId, by, {
        action: 'agent.restore',
        target: { type: 'agent', id: input.agentId, name: result.agent.name },
        agentId: input.agentId,
        ...(before && {
          changes: changesBetween({ config: before.config }, { config: result.agent.config }),
        }),
        details: {
          restoredFrom: input.version,
          version: { from: before?.version ?? null, to: result.agent.version },
          published: published?.version ?? null,
        },
      });
      return result;
    },
  };
}

/** `number.create`, `number.update` (what changed) and `number.delete`. */
export function auditTelephony(
  service: TelephonyService,
  deps: { audit: AuditLog; logger?: Logger },
): TelephonyService {
  const optional = optionalRead(deps.logger);
  return {
    ...service,

    async createRoute(workspaceId, input, by) {
      const route = await service.createRoute(workspaceId, input);
      await deps.audit.record(workspaceId, by, {
        action: 'number.create',
        target: { type: 'number', id: route.id, name: route.did },
        agentId: route.agentId,
        changes: changesBetween({}, routeParts(route)),
      });
      return route;
    },

    async updateRoute(workspaceId, input, by) {
      const before = await optional(() => service.getRoute(workspaceId, input.routeId));
      const route = await service.updateRoute(workspaceId, input);
      await deps.audit.record(workspaceId, by, {
        action: 'number.update',
        target: { type: 'number', id: route.id, name: route.did },
        agentId: route.agentId,
        ...(before && { changes: changesBetween(routeParts(before), routeParts(route)) }),
      });
      return route;
    },

    async deleteRoute(workspaceId, routeId, by) {
      const before = await optional(() => service.getRoute(workspaceId, routeId));
      const deleted = await service.deleteRoute(workspaceId, routeId);
      await deps.audit.record(workspaceId, by, {
        action: 'number.delete',
        target: { type: 'number', id: deleted.id, name: deleted.did },
        agentId: before?.agentId ?? null,
      });
      return deleted;
    },
  };
}

/** What a version records as its author: kind and id only (no name or session). */
function versionAuthor(by: Actor) {
  return { kind: by.kind, id: by.id };
}

/**
 * A route's own settings, as the log diffs them: everything but its sync state, timestamps and
 * the agent's name (so settings added to routes later are diffed too).
 */
function routeParts(route: DidRoute): Record<string, unknown> {
  const {
    id: _id,
    agent: _agent,
    sync: _sync,
    createdAt: _createdAt,
    updatedAt: _updatedAt,
    deletedAt: _deletedAt,
    ...parts
  } = route;
  return parts;
}

/** A read made only for an audit entry: its failure is logged and answered as null. */
function optionalRead(logger: Logger | undefined) {
  return async <T>(read: () => Promise<T>): Promise<T | null> => {
    try {
      return await read();
    } catch (error) {
      logger?.warn('a read for an audit entry failed; the entry is written without it', { error });
      return null;
    }
  };
}
