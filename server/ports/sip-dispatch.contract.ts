import { randomBytes, randomInt } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { DispatchRuleInput, SipDispatch } from './sip-dispatch.port.ts';

/** A random North-American test number (+1 555 …), so parallel files never share one. */
export function randomTestDid(): string {
  return `+1555${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
}

/**
 * The behaviour every SipDispatch adapter must have; the memory adapter's test runs it, and so
 * does the real adapter's integration test against LiveKit + Redis. Names and numbers are fresh
 * per test and everything a test makes is deleted after it, so a shared server is fine.
 */
export function describeSipDispatchContract(
  name: string,
  makeSip: () => Promise<SipDispatch>,
): void {
  describe(`SipDispatch contract: ${name}`, () => {
    let sip: SipDispatch;
    const madeTrunks: string[] = [];
    const madeRules: string[] = [];
    beforeAll(async () => {
      sip = await makeSip();
    });
    afterEach(async () => {
      for (const id of madeRules.splice(0)) await sip.deleteDispatchRule(id);
      for (const id of madeTrunks.splice(0)) await sip.deleteInboundTrunk(id);
    });

    const tag = () => randomBytes(4).toString('hex');
    const trunkWith = async (numbers: string[]) => {
      const trunk = await sip.createInboundTrunk({ name: `contract-${tag()}`, numbers });
      madeTrunks.push(trunk.id);
      return trunk;
    };
    const ruleInput = (
      trunkId: string,
      number: string,
      metadata = '{"n":1}',
    ): DispatchRuleInput => ({
      name: `contract:${tag()}`,
      trunkId,
      number,
      roomPrefix: 'contract-call',
      agents: [{ agentName: 'contract-agent', metadata }],
    });
    const ruleOf = async (input: DispatchRuleInput) => {
      const rule = await sip.createDispatchRule(input);
      madeRules.push(rule.id);
      return rule;
    };
    const failure = async (promise: Promise<unknown>): Promise<Error> => {
      try {
        await promise;
      } catch (error) {
        return error as Error;
      }
      throw new Error('expected a failure');
    };

    test('an inbound trunk with numbers is created and listed, all or by id', async () => {
      const numbers = [randomTestDid(), randomTestDid()];
      const trunk = await trunkWith(numbers);
      expect(trunk.id).toMatch(/^ST_/);
      expect(trunk).toEqual({ id: trunk.id, name: trunk.name, numbers });
      expect(await sip.listInboundTrunks({ ids: [trunk.id] })).toEqual([trunk]);
      expect(await sip.listInboundTrunks()).toContainEqual(trunk);
      expect(await sip.listInboundTrunks({ ids: ['ST_doesnotexist'] })).toEqual([]);
    });

    test('a trunk without numbers (nor auth, nor allowed addresses) is refused as a BAD_REQUEST', async () => {
      const error = await failure(
        sip.createInboundTrunk({ name: `contract-${tag()}`, numbers: [] }),
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toMatch(/for security/);
    });

    test('two trunks sharing a number: the second is a CONFLICT naming the first', async () => {
      const number = randomTestDid();
      const first = await trunkWith([number]);
      const error = await failure(trunkWith([randomTestDid(), number]));
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toContain(first.id);
    });

    test("setting a trunk's numbers replaces them and keeps the trunk", async () => {
      const trunk = await trunkWith([randomTestDid()]);
      const numbers = [randomTestDid(), randomTestDid(), randomTestDid()];
      const updated = await sip.setInboundTrunkNumbers(trunk.id, numbers);
      expect(updated).toEqual({ ...trunk, numbers });
      expect(await sip.listInboundTrunks({ ids: [trunk.id] })).toEqual([updated]);
      expect(await failure(sip.setInboundTrunkNumbers('ST_doesnotexist', numbers))).toBeInstanceOf(
        NotFoundError,
      );
    });

    test('a dispatch rule keeps exactly what it was given: one number, one trunk, a room per caller, the agent', async () => {
      const number = randomTestDid();
      const trunk = await trunkWith([number]);
      const metadata = JSON.stringify({
        agentId: 'a'.repeat(24),
        did: number,
        note: 'héllo ☎',
        pad: 'x'.repeat(20_000),
      });
      const input = ruleInput(trunk.id, number, metadata);
      const rule = await ruleOf(input);
      expect(rule.id).toMatch(/^SDR_/);
      expect(rule).toEqual({
        id: rule.id,
        name: input.name,
        trunkIds: [trunk.id],
        numbers: [number],
        inboundNumbers: [],
        kind: 'individual',
        roomPrefix: 'contract-call',
        pin: '',
        agents: [{ agentName: 'contract-agent', metadata }],
      });
      const listed = (await sip.listDispatchRules()).filter((r) => r.id === rule.id);
      expect(listed).toEqual([rule]);
    });

    test('a second rule for the same trunk and number is a CONFLICT naming the first; another trunk may have it', async () => {
      const number = randomTestDid();
      const trunk = await trunkWith([number]);
      const first = await ruleOf(ruleInput(trunk.id, number));
      const error = await failure(ruleOf(ruleInput(trunk.id, number)));
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toContain(first.id);
      const other = await trunkWith([randomTestDid()]);
      await expect(ruleOf(ruleInput(other.id, number))).resolves.toMatchObject({
        numbers: [number],
      });
    });

    test('replace changes the rule whole and keeps its id; into a conflict or a missing id it fails', async () => {
      const [a, b, c] = [randomTestDid(), randomTestDid(), randomTestDid()];
      const trunk = await trunkWith([a, b, c]);
      const rule = await ruleOf(ruleInput(trunk.id, a));
      const input = ruleInput(trunk.id, b, '{"n":2}');
      const replaced = await sip.replaceDispatchRule(rule.id, input);
      expect(replaced).toMatchObject({
        id: rule.id,
        name: input.name,
        numbers: [b],
        agents: [{ metadata: '{"n":2}' }],
      });
      expect((await sip.listDispatchRules()).filter((r) => r.id === rule.id)).toEqual([replaced]);

      const other = await ruleOf(ruleInput(trunk.id, c));
      expect(
        await failure(sip.replaceDispatchRule(other.id, ruleInput(trunk.id, b))),
      ).toBeInstanceOf(ConflictError);
      expect(await failure(sip.replaceDispatchRule('SDR_doesnotexist', input))).toBeInstanceOf(
        NotFoundError,
      );
    });

    test('deleting a rule or a trunk is idempotent: true, then false', async () => {
      const number = randomTestDid();
      const trunk = await trunkWith([number]);
      const rule = await ruleOf(ruleInput(trunk.id, number));
      expect(await sip.deleteDispatchRule(rule.id)).toBe(true);
      expect(await sip.deleteDispatchRule(rule.id)).toBe(false);
      expect((await sip.listDispatchRules()).some((r) => r.id === rule.id)).toBe(false);
      expect(await sip.deleteInboundTrunk(trunk.id)).toBe(true);
      expect(await sip.deleteInboundTrunk(trunk.id)).toBe(false);
    });
  });
}
