import { describe, expect, test } from 'vitest';
import { ServiceUnavailableError } from '../../errors.ts';
import { describeSipDispatchContract, randomTestDid } from '../../ports/sip-dispatch.contract.ts';
import { createMemorySip } from './sip-dispatch.memory.ts';

describeSipDispatchContract('memory', async () => createMemorySip());

describe('the memory fake itself', () => {
  test('failWith makes every call fail until cleared', async () => {
    const sip = createMemorySip();
    sip.failWith(
      new ServiceUnavailableError('LiveKit is not answering', {
        service: 'livekit-sip',
        reason: 'unavailable',
      }),
    );
    await expect(sip.listDispatchRules()).rejects.toBeInstanceOf(ServiceUnavailableError);
    sip.failWith(undefined);
    await expect(sip.listDispatchRules()).resolves.toEqual([]);
    expect(sip.calls).toBe(2);
  });

  test('a foreign rule is listed as given', async () => {
    const sip = createMemorySip();
    const rule = sip.addForeignRule({
      name: 'someone else',
      trunkIds: [],
      numbers: [randomTestDid()],
      inboundNumbers: [],
      kind: 'direct',
      roomPrefix: 'lobby',
      pin: '',
      agents: [],
    });
    expect(await sip.listDispatchRules()).toEqual([rule]);
  });
});
