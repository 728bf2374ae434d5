import type { AuditAction, AuditEntry as WireEntry } from '../../../shared/audit.schema.ts';

/** An entry as the dashboard reads it (the parts these labels use). */
type AuditEntry = Pick<WireEntry, 'actor' | 'via' | 'action' | 'details'>;

/** Each action as a sentence's verb phrase ("… changed the agent"). */
export const AUDIT_ACTION_LABELS: Readonly<Record<AuditAction, string>> = {
  'agent.create': 'created the agent',
  'agent.update': 'changed the agent',
  'agent.delete': 'deleted the agent',
  'agent.publish': 'published the agent',
  'agent.restore': 'restored a version of the agent',
  'agent.version-delete': 'deleted a version of the agent',
  'number.create': 'added the number',
  'number.update': 'changed the number',
  'number.delete': 'deleted the number',
  'member.invite': 'invited',
  'member.invitation-revoke': 'revoked an invitation',
  'member.join': 'joined the workspace',
  'member.role': 'changed the role of',
  'member.remove': 'removed',
  'key.create': 'created the API key',
  'key.revoke': 'revoked the API key',
  'workspace.rename': 'renamed the workspace to',
};

/** Who acted, as the table names them. */
export function actorLabel(actor: AuditEntry['actor']): string {
  switch (actor.kind) {
    case 'user':
      return actor.name ?? `Person ${actor.id}`;
    case 'api-key':
    case 'publishable-key':
      return `API key “${actor.name ?? actor.id}”`;
    case 'local':
      return 'Local owner';
    case 'system':
      return 'Switchboard';
  }
}

/** Through what they acted. */
export function viaLabel(via: AuditEntry['via']): string {
  switch (via.kind) {
    case 'session':
      return `dashboard session ${via.id.slice(0, 8)}`;
    case 'api-key':
    case 'publishable-key':
      return 'the API';
    case 'local':
      return 'this machine';
    case 'system':
      return 'the server';
  }
}

/** A few details as short text ("v3", "member → admin"). */
export function detailsLabel(entry: AuditEntry): string | null {
  const details = entry.details ?? {};
  switch (entry.action) {
    case 'agent.publish':
      return typeof details.version === 'number' ? `as version ${details.version}` : null;
    case 'agent.version-delete':
      return typeof details.version === 'number' ? `version ${details.version}` : null;
    case 'agent.restore': {
      const from = details.restoredFrom;
      const published = details.published;
      return typeof from === 'number'
        ? `from version ${from}${typeof published === 'number' ? `, published as version ${published}` : ''}`
        : null;
    }
    case 'member.role': {
      const role = details.role as { from?: string; to?: string } | undefined;
      return role?.from && role.to ? `${role.from} → ${role.to}` : null;
    }
    case 'member.invite':
    case 'member.join':
    case 'member.remove':
      return typeof details.role === 'string' ? `as ${details.role}` : null;
    case 'key.create':
      return Array.isArray(details.scopes) ? `scopes: ${details.scopes.join(', ')}` : null;
    default:
      return null;
  }
}
