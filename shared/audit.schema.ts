import { z } from 'zod';
import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX, agentIdSchema } from './agent.schema.ts';
import { configChangeSchema } from './agent-version.schema.ts';

/**
 * The audit log: one entry per change to an agent, a phone number, a member, a key or the
 * workspace, saying who made it, from which session or key, when, and what changed. Entries are
 * append-only: no procedure changes or removes one.
 */

/** What was done. `agent.update` carries the diff of name, description and config. */
export const AUDIT_ACTIONS = [
  'agent.create',
  'agent.update',
  'agent.delete',
  'agent.publish',
  'agent.restore',
  'agent.version-delete',
  'number.create',
  'number.update',
  'number.delete',
  'member.invite',
  'member.invitation-revoke',
  'member.join',
  'member.role',
  'member.remove',
  'key.create',
  'key.revoke',
  'workspace.rename',
] as const;
export const auditActionSchema = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.output<typeof auditActionSchema>;

export const ACTOR_KINDS = ['user', 'api-key', 'publishable-key', 'local', 'system'] as const;

/** Who acted: a person (their user id and name), an API key (its id and name), the local owner. */
export const auditActorSchema = z.object({
  kind: z.enum(ACTOR_KINDS),
  id: z.string(),
  name: z.string().optional(),
});
export type AuditActor = z.output<typeof auditActorSchema>;

/** Through what: a person's dashboard session (its id), the key itself, or neither. */
export const auditViaSchema = z.object({
  kind: z.enum(['session', 'api-key', 'publishable-key', 'local', 'system']),
  id: z.string(),
});
export type AuditVia = z.output<typeof auditViaSchema>;

export const AUDIT_TARGET_TYPES = ['agent', 'number', 'member', 'key', 'workspace'] as const;
export const auditTargetSchema = z.object({
  type: z.enum(AUDIT_TARGET_TYPES),
  /** The agent's, route's, member's (user id), key's or workspace's id. */
  id: z.string(),
  /** How it was called then: the agent's name, the number, the member's e-mail, the key's name. */
  name: z.string().optional(),
});
export type AuditTarget = z.output<typeof auditTargetSchema>;

export const auditEntrySchema = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  actor: auditActorSchema,
  via: auditViaSchema,
  action: auditActionSchema,
  target: auditTargetSchema,
  /** The agent concerned: the target agent, or the agent a number routes to; else null. */
  agentId: z.string().nullable(),
  /**
   * Path by path (`shared/config-diff.ts`): for agents the paths are the agent's `name`,
   * `description` and `config.…`.
   */
  changes: z.array(configChangeSchema).optional(),
  /** A few facts about the change: the version published, a role from and to, a key's scopes. */
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AuditEntry = z.output<typeof auditEntrySchema>;

/** Newest first, keyset paged (`cursor` from the previous page); filters combine. */
export const auditListInputSchema = z.object({
  agentId: agentIdSchema.optional(),
  /** Entries made by this actor: a member's user id, or a key's id. */
  actorId: z.string().min(1).max(64).optional(),
  limit: z.int().min(1).max(LIST_LIMIT_MAX).default(LIST_LIMIT_DEFAULT),
  cursor: z.string().min(1).max(512).nullish(),
});
export type AuditListInput = z.input<typeof auditListInputSchema>;
export type AuditListQuery = z.output<typeof auditListInputSchema>;

export const auditListOutputSchema = z.object({
  items: z.array(auditEntrySchema),
  nextCursor: z.string().nullable(),
});
export type AuditList = z.output<typeof auditListOutputSchema>;
