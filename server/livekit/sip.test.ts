import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
  ValidationError,
} from '../errors.ts';
import { createMemoryLogger } from '../logger.ts';
import type { DispatchRuleInput } from '../ports/sip-dispatch.port.ts';
import { createLiveKitSip, SIP_NEEDS_REDIS } from './sip.ts';

// The real SIP adapter against servers that are not LiveKit: how it maps what LiveKit answers.
// (Its behaviour against a real LiveKit + Redis is sip.int.test.ts.)

const API_KEY = 'APIunit';
const API_SECRET = 'unit-test-secret-that-must-never-be-logged-0123456789';
const RULE: DispatchRuleInput = {
  name: 'switchboard:0123456789abcdef01234567',
  trunkId: 'ST_unit',
  number: '+15550000001',
  roomPrefix: 'call',
  agents: [{ agentName: 'agent', metadata: '{}' }],
};

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

/** A Twirp-like server: every call answers `status` with `body`; requests are recorded. */
async function twirp(status: number, body: unknown) {
  const requests: { path: string; body: string }[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', body: text });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    sip: createLiveKitSip({ url, apiKey: API_KEY, apiSecret: API_SECRET, timeoutMs: 2000 }),
  };
}

describe('what LiveKit answers, as AppErrors', () => {
  test('"sip not connected" (a LiveKit without Redis) is SERVICE_UNAVAILABLE saying Redis is needed', async () => {
    const { sip } = await twirp(500, {
      code: 'internal',
      msg: 'sip not connected (redis required)',
    });
    await expect(sip.listDispatchRules()).rejects.toThrow(SIP_NEEDS_REDIS);
    await expect(sip.createDispatchRule(RULE)).rejects.toBeInstanceOf(ServiceUnavailableError);
  });

  test('a colliding rule is a CONFLICT carrying LiveKit’s message', async () => {
    const msg =
      'Dispatch rule for the same trunk, inbound number, number, and PIN combination already exists in dispatch rule "SDR_1" "x"';
    const { sip } = await twirp(400, { code: 'invalid_argument', msg });
    const error = await failure(sip.createDispatchRule(RULE));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe(`LiveKit refused: ${msg}`);
  });

  test('another refusal is a BAD_REQUEST; a missing rule NOT_FOUND; a 5xx SERVICE_UNAVAILABLE', async () => {
    const bad = await twirp(400, { code: 'invalid_argument', msg: 'trunk ID must be empty' });
    await expect(
      bad.sip.createInboundTrunk({ name: 'x', numbers: ['+15550000001'] }),
    ).rejects.toBeInstanceOf(ValidationError);
    const missing = await twirp(404, {
      code: 'not_found',
      msg: 'requested sip dispatch rule does not exist',
    });
    await expect(missing.sip.replaceDispatchRule('SDR_x', RULE)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(missing.sip.deleteDispatchRule('SDR_x')).resolves.toBe(false);
    const down = await twirp(503, { code: 'unavailable', msg: 'no response' });
    await expect(down.sip.listInboundTrunks()).rejects.toThrow(
      'LiveKit is not answering (HTTP 503); try again shortly',
    );
  });

  test('rejected credentials: the echoed token is in no message or log line', async () => {
    const logger = createMemoryLogger();
    let echoed = '';
    const server = createServer((req, res) => {
      echoed = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      req.resume();
      req.on('end', () => {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'unauthenticated', msg: `invalid token: ${echoed}` }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const sip = createLiveKitSip({
      url,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      timeoutMs: 2000,
      logger,
    });
    const error = await failure(sip.createDispatchRule(RULE));
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(echoed).toMatch(/^eyJ/);
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(echoed);
    expect(logger.lines.join('\n')).not.toContain(echoed);
    expect(logger.lines.join('\n')).not.toContain(API_SECRET);
  });
});

describe('the rule Switchboard sends', () => {
  test('CreateSIPDispatchRule carries the whole rule as dispatch_rule: number, trunk, room per caller, agent', async () => {
    const { sip, requests } = await twirp(200, {
      sip_dispatch_rule_id: 'SDR_new',
      name: RULE.name,
      trunk_ids: ['ST_unit'],
      numbers: ['+15550000001'],
      rule: { dispatch_rule_individual: { room_prefix: 'call' } },
      room_config: { agents: [{ agent_name: 'agent', metadata: '{}' }] },
    });
    const rule = await sip.createDispatchRule(RULE);
    expect(requests[0]?.path).toBe('/twirp/livekit.SIP/CreateSIPDispatchRule');
    expect(JSON.parse(requests[0]?.body ?? '{}')).toEqual({
      dispatchRule: {
        name: RULE.name,
        trunkIds: ['ST_unit'],
        numbers: ['+15550000001'],
        rule: { dispatchRuleIndividual: { roomPrefix: 'call' } },
        roomConfig: { agents: [{ agentName: 'agent', metadata: '{}' }] },
      },
    });
    expect(rule).toMatchObject({
      id: 'SDR_new',
      numbers: ['+15550000001'],
      kind: 'individual',
      roomPrefix: 'call',
    });
  });
});
