import { z } from 'zod';
import {
  agentIdSchema,
  LIST_LIMIT_DEFAULT,
  LIST_LIMIT_MAX,
  refusingUnsafeCharacters,
  type KnownFields,
} from './agent.schema.ts';
import { resolvedAgentConfigSchema, type ResolvedAgentConfig } from './session.schema.ts';

/** E.164: a country code and number of at most 15 digits; fewer than 8 is no real DID. */
export const DID_MIN_DIGITS = 8;
export const DID_MAX_DIGITS = 15;
export const ROUTE_LABEL_MAX_LENGTH = 120;
/** How long a `did` may be as typed, separators included, before it is even looked at. */
const DID_INPUT_MAX_LENGTH = 64;

/** Separators people type inside phone numbers: whitespace, dashes (ASCII and Unicode), dots, parentheses. */
const DID_SEPARATORS = /[\s.()\-\u2010-\u2015\u2212]/g;

const E164_HINT = 'in E.164 form: "+", the country code, then the number, e.g. +14155550100';

/**
 * Normalises a phone number to E.164 (`+14155550100`), or says why it cannot: separators are
 * removed, the `+` and country code are required (a number without them is ambiguous: `4155550100`
 * is a US number, `+4155550100` a Swiss one), then 8–15 digits, the first not 0.
 */
export function normaliseDid(raw: string): { did: string } | { problem: string } {
  const compact = raw.trim().replace(DID_SEPARATORS, '');
  if (compact === '') return { problem: `did must be a phone number ${E164_HINT}` };
  if (!compact.startsWith('+')) {
    return {
      problem: `did must start with "+" and the country code (${E164_HINT}; got "${raw.trim()}")`,
    };
  }
  const digits = compact.slice(1);
  if (!/^\d+$/.test(digits)) {
    return {
      problem: `did may contain only digits after the "+" (spaces, dashes, dots and parentheses are ignored; got "${raw.trim()}")`,
    };
  }
  if (digits.startsWith('0')) {
    return {
      problem: `did: a country code never starts with 0 (${E164_HINT}; got "${raw.trim()}")`,
    };
  }
  if (digits.length < DID_MIN_DIGITS || digits.length > DID_MAX_DIGITS) {
    return {
      problem: `did must have ${DID_MIN_DIGITS}–${DID_MAX_DIGITS} digits after the "+" (got ${digits.length})`,
    };
  }
  return { did: `+${digits}` };
}

/** A phone number (DID) as typed; the output is its E.164 form. */
export const didSchema = z
  .string({ error: `did must be a phone number ${E164_HINT}` })
  .max(DID_INPUT_MAX_LENGTH, `did must be at most ${DID_INPUT_MAX_LENGTH} characters`)
  .transform((value, ctx) => {
    const result = normaliseDid(value);
    if ('did' in result) return result.did;
    ctx.addIssue({ code: 'custom', message: result.problem, input: value });
    return z.NEVER;
  });

export const routeIdSchema = z
  .string({ error: 'routeId must be a valid Mongo ObjectId' })
  .regex(/^[0-9a-fA-F]{24}$/, 'routeId must be a valid Mongo ObjectId')
  .transform((id) => id.toLowerCase());

/**
 * Trimmed, inner whitespace collapsed, at most 120 characters, no control characters or lone
 * surrogates; empty means "no label".
 */
export const routeLabelSchema = z
  .string()
  .transform((label) => label.trim().replace(/\s+/g, ' '))
  .pipe(
    z
      .string()
      .max(ROUTE_LABEL_MAX_LENGTH, `label must be at most ${ROUTE_LABEL_MAX_LENGTH} characters`)
      .superRefine(refusingUnsafeCharacters('label', { lineBreaks: false })),
  );

/**
 * Whether LiveKit has the route's dispatch rule as the route says:
 * - `synced`: LiveKit was updated (or found already right) after the route's last change;
 * - `pending`: the change is saved and LiveKit not yet updated (in progress, or interrupted);
 * - `error`: the last attempt failed; `error` says why. `telephony.sync` repairs both.
 */
export const routeSyncStateSchema = z.enum(['synced', 'pending', 'error']);
export type RouteSyncState = z.output<typeof routeSyncStateSchema>;

export const didRouteSyncSchema = z.object({
  state: routeSyncStateSchema,
  /** The LiveKit SIP dispatch rule (`SDR_…`) that answers the number, once there is one. */
  ruleId: z.string().optional(),
  /** Why the last attempt failed (state `error`). */
  error: z.string().optional(),
  /** When LiveKit was last confirmed in step with the route. */
  syncedAt: z.iso.datetime().optional(),
});
export type DidRouteSync = z.output<typeof didRouteSyncSchema>;

/** The agent a route points at, named so that a page of routes needs no request per agent. */
export const routeAgentSchema = z.object({
  id: z.string(),
  /**
   * The agent's current name (a deleted agent's last one); null only when no agent with that id
   * is stored at all (removed from the database by hand).
   */
  name: z.string().nullable(),
});
export type RouteAgent = z.output<typeof routeAgentSchema>;

/** A phone number routed to an agent, as every API answers it. */
export const didRouteSchema = z.object({
  id: z.string(),
  /** E.164, e.g. `+14155550100`. */
  did: z.string(),
  /** The same as `agent.id`, kept for clients written before `agent`. */
  agentId: z.string(),
  agent: routeAgentSchema,
  /**
   * The agent version calls to the number run: null follows "published" (each new publish reaches
   * the number's dispatch rule), a number pins that version.
   */
  agentVersion: z.int().min(1).nullable(),
  label: z.string().optional(),
  sync: didRouteSyncSchema,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  deletedAt: z.iso.datetime().optional(),
});
export type DidRoute = z.output<typeof didRouteSchema>;

export const didRouteListInputSchema = z.object({
  limit: z.int().min(1).max(LIST_LIMIT_MAX).default(LIST_LIMIT_DEFAULT),
  cursor: z.string().min(1).max(512).nullish(),
  /** Only the routes of this agent. */
  agentId: agentIdSchema.optional(),
});
export type DidRouteListInput = z.input<typeof didRouteListInputSchema>;
/** What the service receives: the input after the router parsed it. */
export type DidRouteListQuery = z.output<typeof didRouteListInputSchema>;

export const didRouteListOutputSchema = z.object({
  items: z.array(didRouteSchema),
  nextCursor: z.string().nullable(),
});
export type DidRouteList = z.output<typeof didRouteListOutputSchema>;

export const didRouteIdInputSchema = z.object({ routeId: routeIdSchema });

/** A route's version: a published version's number, or null to follow "published". */
export const routeAgentVersionSchema = z.int().min(1).max(1_000_000).nullable();

export const didRouteCreateInputSchema = z.object({
  did: didSchema,
  agentId: agentIdSchema,
  /** Pin a published version; omitted or null: follow "published". */
  agentVersion: routeAgentVersionSchema.default(null),
  label: routeLabelSchema.optional(),
});
export type DidRouteCreateInput = z.input<typeof didRouteCreateInputSchema>;
export type DidRouteCreateData = z.output<typeof didRouteCreateInputSchema>;

export const didRouteUpdateInputSchema = z
  .object({
    routeId: routeIdSchema,
    did: didSchema.optional(),
    agentId: agentIdSchema.optional(),
    /**
     * A version to pin, or null to follow "published". Changing `agentId` without it follows the
     * new agent's published version.
     */
    agentVersion: routeAgentVersionSchema.optional(),
    /** `null` or `""` removes the label. */
    label: routeLabelSchema.nullable().optional(),
  })
  .refine(
    (input) =>
      input.did !== undefined ||
      input.agentId !== undefined ||
      input.agentVersion !== undefined ||
      input.label !== undefined,
    { message: 'nothing to update: give did, agentId, agentVersion or label' },
  );
export type DidRouteUpdateInput = z.input<typeof didRouteUpdateInputSchema>;
export type DidRouteUpdateData = z.output<typeof didRouteUpdateInputSchema>;

export const didRouteDeleteOutputSchema = z.object({
  id: z.string(),
  did: z.string(),
  deletedAt: z.iso.datetime(),
  sync: didRouteSyncSchema,
});
export type DidRouteDeleted = z.output<typeof didRouteDeleteOutputSchema>;

export const telephonyResolveInputSchema = z.object({ did: didSchema });
export type TelephonyResolveInput = z.input<typeof telephonyResolveInputSchema>;
export type TelephonyResolveData = z.output<typeof telephonyResolveInputSchema>;

/** The agent a call to `did` reaches, and its config resolved as `session.start` resolves it. */
export const telephonyResolveOutputSchema = z.object({
  routeId: z.string(),
  did: z.string(),
  agentId: z.string(),
  /** The published version calls run (the pinned one, or the latest). */
  agentVersion: z.int().min(1),
  config: resolvedAgentConfigSchema,
});
export type TelephonyResolveOutput = Omit<
  z.output<typeof telephonyResolveOutputSchema>,
  'config'
> & {
  config: KnownFields<ResolvedAgentConfig>;
};

/**
 * The job metadata an agent worker receives for an inbound call (a JSON string, carried by the
 * number's SIP dispatch rule): the agent, the number that was called, and the agent's resolved
 * config as it was when the rule was last synced. New keys may be added: ignore unknown ones.
 */
export const telephonyJobMetadataSchema = z.looseObject({
  agentId: z.string().regex(/^[0-9a-f]{24}$/),
  did: z.string(),
  /** The published version `config` is (absent in rules synced before versions). */
  agentVersion: z.int().min(1).optional(),
  config: resolvedAgentConfigSchema,
});
export type TelephonyJobMetadata = z.output<typeof telephonyJobMetadataSchema>;

const syncedRuleSchema = z.object({ routeId: z.string(), did: z.string(), ruleId: z.string() });

/** What `telephony.sync` found and did. Every list names DIDs so a person can act on it. */
export const telephonySyncReportSchema = z.object({
  trunk: z.object({
    /** The inbound trunk the rules are limited to; null while there is none (no routes yet). */
    id: z.string().nullable(),
    /** True when Switchboard keeps the trunk (named `switchboard-inbound`), false for LIVEKIT_SIP_TRUNK_ID. */
    managed: z.boolean(),
    action: z.enum(['created', 'updated', 'unchanged', 'none']),
    numbers: z.array(z.string()),
  }),
  /** Rules that were missing and were created. */
  created: z.array(syncedRuleSchema),
  /** Rules that differed from their route (`changed` names what) and were replaced. */
  updated: z.array(syncedRuleSchema.extend({ changed: z.array(z.string()) })),
  /** Switchboard's rules that answer no live route (deleted routes, duplicates), now deleted. */
  deleted: z.array(
    z.object({
      ruleId: z.string(),
      routeId: z.string(),
      did: z.string().nullable(),
      reason: z.string(),
    }),
  ),
  /** Rules Switchboard does not own: reported, never changed. */
  unknown: z.array(
    z.object({
      ruleId: z.string(),
      name: z.string(),
      numbers: z.array(z.string()),
      trunkIds: z.array(z.string()),
    }),
  ),
  /** Routes that could not be brought in step, and why (they stay marked `error`). */
  failed: z.array(z.object({ routeId: z.string(), did: z.string(), error: z.string() })),
  /** How many live routes were already in step. */
  unchanged: z.int().min(0),
  /** Things a person should look at that sync does not change (e.g. the trunk's numbers). */
  warnings: z.array(z.string()),
  syncedAt: z.iso.datetime(),
});
export type TelephonySyncReport = z.output<typeof telephonySyncReportSchema>;
