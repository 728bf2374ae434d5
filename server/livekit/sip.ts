import {
  RoomAgentDispatch,
  RoomConfiguration,
  ServerError,
  SIPDispatchRule,
  SIPDispatchRuleIndividual,
  SIPDispatchRuleInfo,
  SIPInboundTrunkInfo,
  SipClient,
} from 'livekit-server-sdk';
import {
  AppError,
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
  ValidationError,
} from '../errors.ts';
import type { Logger } from '../logger.ts';
import type {
  DispatchRule,
  DispatchRuleInput,
  InboundTrunk,
  SipDispatch,
} from '../ports/sip-dispatch.port.ts';
import { toAppError } from './livekit-rooms.ts';
import { redactTokens, toHttpUrl } from './participant-token.ts';

export interface LiveKitSipOptions {
  /** LIVEKIT_URL: ws(s):// or http(s)://. */
  url: string;
  apiKey: string;
  apiSecret: string;
  /** LIVEKIT_TIMEOUT_MS: the longest one call may take. */
  timeoutMs: number;
  logger?: Logger;
}

export const SIP_NEEDS_REDIS =
  'LiveKit’s SIP API is not available: the LiveKit server must be configured with Redis (it answered "sip not connected")';

/**
 * SipDispatch over LiveKit's SIP API (Twirp) with livekit-server-sdk's SipClient.
 *
 * One call goes around the SDK: `createSipDispatchRule` (v2.19) still sends the legacy request
 * fields, which cannot limit a rule to the called number (`numbers`). The rule is therefore sent
 * whole as `dispatch_rule` (the protocol's current form, `SIPDispatchRuleInfo`) to the same Twirp
 * endpoint, signed by the SDK's own `authHeader`. Creating the rule already limited to its number
 * matters: LiveKit refuses two rules for the same trunk, number and PIN, so a rule created
 * without its number and narrowed afterwards would collide with any catch-all rule on the trunk.
 */
export function createLiveKitSip(options: LiveKitSipOptions): SipDispatch {
  const { apiKey, apiSecret, timeoutMs, logger } = options;
  const httpUrl = toHttpUrl(options.url).replace(/\/+$/, '');
  const sip = new SipClient(httpUrl, apiKey, apiSecret, {
    requestTimeout: timeoutMs / 1000,
    failover: false,
  });

  const call = async <T>(operation: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      const converted = toSipAppError(error, timeoutMs);
      logger?.warn('LiveKit SIP request failed', {
        operation,
        url: httpUrl,
        code: converted instanceof AppError ? converted.code : 'INTERNAL_SERVER_ERROR',
        error: converted.cause ?? converted,
      });
      throw converted;
    }
  };

  const createRule = async (info: SIPDispatchRuleInfo): Promise<SIPDispatchRuleInfo> => {
    const headers = await sip.authHeader({}, { admin: true });
    const response = await fetch(`${httpUrl}/twirp/livekit.SIP/CreateSIPDispatchRule`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ dispatchRule: info.toJson() }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) {
      let body: { code?: string; msg?: string } = {};
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        // not a Twirp error body: the status says enough
      }
      throw new ServerError(response.statusText, body.msg ?? text, response.status, body.code);
    }
    return SIPDispatchRuleInfo.fromJsonString(text, { ignoreUnknownFields: true });
  };

  return {
    listInboundTrunks: (filter) =>
      call('ListSIPInboundTrunk', async () =>
        (await sip.listSipInboundTrunk(filter?.ids ? { trunkIds: filter.ids } : {}))
          // Asked for by id, LiveKit leaves a missing trunk as an empty entry.
          .filter((trunk) => trunk?.sipTrunkId)
          .map(toTrunk),
      ),

    createInboundTrunk: ({ name, numbers }) =>
      call('CreateSIPInboundTrunk', async () =>
        toTrunk(await sip.createSipInboundTrunk(name, numbers)),
      ),

    setInboundTrunkNumbers: (trunkId, numbers) =>
      call('UpdateSIPInboundTrunk', async () => {
        const [current] = (await sip.listSipInboundTrunk({ trunkIds: [trunkId] })).filter(
          (trunk) => trunk?.sipTrunkId,
        );
        if (!current) throw new NotFoundError(`LiveKit has no inbound trunk ${trunkId}`);
        const replacement = new SIPInboundTrunkInfo({ ...current, numbers });
        return toTrunk(await sip.updateSipInboundTrunk(trunkId, replacement));
      }),

    deleteInboundTrunk: (trunkId) =>
      call('DeleteSIPTrunk', async () => {
        // LiveKit answers a delete of a missing trunk with success: ask first.
        const existing = await sip.listSipInboundTrunk({ trunkIds: [trunkId] });
        if (!existing.some((trunk) => trunk?.sipTrunkId === trunkId)) return false;
        return ignoreNotFound(() => sip.deleteSipTrunk(trunkId));
      }),

    listDispatchRules: () =>
      call('ListSIPDispatchRule', async () =>
        (await sip.listSipDispatchRule())
          .filter((rule) => rule?.sipDispatchRuleId)
          .map(toDispatchRule),
      ),

    createDispatchRule: (input) =>
      call('CreateSIPDispatchRule', async () =>
        toDispatchRule(await createRule(toRuleInfo(input))),
      ),

    replaceDispatchRule: (ruleId, input) =>
      call('UpdateSIPDispatchRule', async () =>
        toDispatchRule(await sip.updateSipDispatchRule(ruleId, toRuleInfo(input))),
      ),

    deleteDispatchRule: (ruleId) =>
      call('DeleteSIPDispatchRule', async () =>
        ignoreNotFound(() => sip.deleteSipDispatchRule(ruleId)),
      ),
  };
}

/** Runs a delete; true when it deleted something, false when LiveKit had nothing by that id. */
async function ignoreNotFound(run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
    return true;
  } catch (error) {
    if (error instanceof ServerError && error.status === 404) return false;
    throw error;
  }
}

function toTrunk(info: SIPInboundTrunkInfo): InboundTrunk {
  return { id: info.sipTrunkId, name: info.name, numbers: [...info.numbers] };
}

function toRuleInfo(input: DispatchRuleInput): SIPDispatchRuleInfo {
  return new SIPDispatchRuleInfo({
    name: input.name,
    trunkIds: [input.trunkId],
    numbers: [input.number],
    rule: new SIPDispatchRule({
      rule: {
        case: 'dispatchRuleIndividual',
        value: new SIPDispatchRuleIndividual({ roomPrefix: input.roomPrefix }),
      },
    }),
    roomConfig: new RoomConfiguration({
      agents: input.agents.map(
        (agent) => new RoomAgentDispatch({ agentName: agent.agentName, metadata: agent.metadata }),
      ),
    }),
  });
}

export function toDispatchRule(info: SIPDispatchRuleInfo): DispatchRule {
  const rule = info.rule?.rule;
  let kind: DispatchRule['kind'] = 'unknown';
  let roomPrefix = '';
  let pin = '';
  switch (rule?.case) {
    case 'dispatchRuleIndividual':
      kind = 'individual';
      roomPrefix = rule.value.roomPrefix;
      pin = rule.value.pin;
      break;
    case 'dispatchRuleDirect':
      kind = 'direct';
      roomPrefix = rule.value.roomName;
      pin = rule.value.pin;
      break;
    case 'dispatchRuleCallee':
      kind = 'callee';
      roomPrefix = rule.value.roomPrefix;
      pin = rule.value.pin;
      break;
    default:
      break;
  }
  return {
    id: info.sipDispatchRuleId,
    name: info.name,
    trunkIds: [...info.trunkIds],
    numbers: [...info.numbers],
    inboundNumbers: [...info.inboundNumbers],
    kind,
    roomPrefix,
    pin,
    agents: (info.roomConfig?.agents ?? []).map((agent) => ({
      agentName: agent.agentName,
      metadata: agent.metadata,
    })),
  };
}

/**
 * What a client should see for a failed SIP call. LiveKit answers "invalid_argument" both for a
 * rule or trunk that collides with another and for one it finds malformed; the first is a
 * CONFLICT (LiveKit's message names the other rule or trunk), the second a BAD_REQUEST.
 */
export function toSipAppError(error: unknown, timeoutMs: number): Error {
  if (error instanceof AppError) return error;
  if (error instanceof ServerError) {
    const message = redactTokens(error.message);
    if (/sip not connected/i.test(message)) {
      return new ServiceUnavailableError(SIP_NEEDS_REDIS, {
        service: 'livekit-sip',
        reason: 'not-configured',
        cause: toPlainError(error),
      });
    }
    if (error.status === 404) {
      return new NotFoundError(`LiveKit: ${message}`, { cause: toPlainError(error) });
    }
    if (error.status === 400 || error.code === 'invalid_argument') {
      return /already exists|conflicting/i.test(message)
        ? new ConflictError(`LiveKit refused: ${message}`, { cause: toPlainError(error) })
        : new ValidationError(`LiveKit refused: ${message}`, { cause: toPlainError(error) });
    }
  }
  return toAppError(error, timeoutMs);
}

function toPlainError(error: ServerError): Error {
  const copy = new Error(`${redactTokens(error.message)} (HTTP ${error.status})`);
  copy.name = error.name;
  return copy;
}
