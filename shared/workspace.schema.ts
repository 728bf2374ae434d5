import { z } from 'zod';
import { permissionSchema, roleSchema, workspaceIdSchema } from './auth.schema.ts';

/**
 * Workspaces, members, invitations and API keys on the wire: what the identity routers take and
 * return, shared by the server and the dashboard. Dates are ISO strings.
 */

export { WORKSPACE_HEADER } from './access.ts';

export const emailSchema = z.string().trim().toLowerCase().max(254).email();
export const personNameSchema = z.string().trim().min(1).max(100);
/** better-auth's minimum is configured to match (server/auth). */
export const PASSWORD_MIN_LENGTH = 12;
export const passwordSchema = z.string().min(PASSWORD_MIN_LENGTH).max(256);
export const workspaceNameSchema = z.string().trim().min(1).max(80);

export const workspaceSchema = z.object({
  id: workspaceIdSchema,
  name: z.string(),
  createdAt: z.string(),
});
export type Workspace = z.output<typeof workspaceSchema>;

/** A workspace the signed-in person belongs to, with their role in it. */
export const membershipSchema = workspaceSchema.extend({ role: roleSchema });
export type Membership = z.output<typeof membershipSchema>;

export const memberSchema = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  joinedAt: z.string(),
});
export type Member = z.output<typeof memberSchema>;

export const invitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: roleSchema,
  invitedBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export type Invitation = z.output<typeof invitationSchema>;

/** Invitations carry a one-time secret in their link; ids are never enough to accept one. */
export const invitationTokenSchema = z.string().regex(/^sb_inv_[A-Za-z0-9_-]{20,80}$/);

export const apiKeyKindSchema = z.enum(['secret', 'publishable']);
export type ApiKeyKind = z.output<typeof apiKeyKindSchema>;

export const SECRET_KEY_PREFIX = 'sb_sk_';
export const PUBLISHABLE_KEY_PREFIX = 'sb_pk_';

/** A browser origin a publishable key may be used from: scheme://host[:port], nothing else. */
export const originSchema = z
  .string()
  .trim()
  .max(200)
  .regex(/^https?:\/\/[^/\s?#]+$/, 'an origin is scheme://host[:port], e.g. https://example.com');

export const apiKeySchema = z.object({
  id: z.string(),
  kind: apiKeyKindSchema,
  name: z.string(),
  /** The first characters of the key (e.g. `sb_sk_Ab12`): enough to recognise it, never to use it. */
  start: z.string(),
  /** Secret keys: what the key may do. Publishable keys: always `['sessions:start']`. */
  scopes: z.array(permissionSchema),
  /** Publishable keys: the browser origins it works from. Empty for secret keys. */
  origins: z.array(z.string()),
  /** Publishable keys: the agents it may start; null = every agent of the workspace. */
  agentIds: z.array(z.string()).nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiKey = z.output<typeof apiKeySchema>;

// ---- Procedure inputs -------------------------------------------------------------------------

export const workspaceCreateInputSchema = z.object({ name: workspaceNameSchema });
export const workspaceRenameInputSchema = z.object({ name: workspaceNameSchema });
export const memberSetRoleInputSchema = z.object({
  userId: z.string().min(1).max(64),
  role: roleSchema,
});
export const memberRemoveInputSchema = z.object({ userId: z.string().min(1).max(64) });
export const invitationCreateInputSchema = z.object({ email: emailSchema, role: roleSchema });
export const invitationRevokeInputSchema = z.object({ id: z.string().min(1).max(64) });
export const invitationTokenInputSchema = z.object({ token: invitationTokenSchema });
export const invitationAcceptInputSchema = z.object({
  token: invitationTokenSchema,
  /** Only when the invited e-mail has no account yet: the account to create. */
  newAccount: z.object({ name: personNameSchema, password: passwordSchema }).optional(),
});

export const MAX_KEY_ORIGINS = 20;
export const MAX_KEY_AGENTS = 50;
export const keyNameSchema = z.string().trim().min(1).max(80);
export const keyCreateInputSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('secret'),
    name: keyNameSchema,
    scopes: z.array(permissionSchema).min(1).max(permissionSchema.options.length),
  }),
  z.object({
    kind: z.literal('publishable'),
    name: keyNameSchema,
    origins: z.array(originSchema).min(1).max(MAX_KEY_ORIGINS),
    /** null: every agent of the workspace. */
    agentIds: z
      .array(z.string().regex(/^[0-9a-f]{24}$/))
      .min(1)
      .max(MAX_KEY_AGENTS)
      .nullable(),
  }),
]);
export type KeyCreateInput = z.input<typeof keyCreateInputSchema>;
export const keyRevokeInputSchema = z.object({ id: z.string().min(1).max(64) });

export const setupClaimInputSchema = z.object({
  token: z.string().min(1).max(200),
  email: emailSchema,
  name: personNameSchema,
  password: passwordSchema,
  workspaceName: workspaceNameSchema,
});
