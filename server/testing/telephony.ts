import { telephonyJobMetadataSchema } from '../../shared/telephony.schema.ts';
import { createMemorySip, type MemorySip } from '../adapters/memory/sip-dispatch.memory.ts';
import { ServiceUnavailableError } from '../errors.ts';
import { createMemoryLogger } from '../logger.ts';
import type { DispatchRule } from '../ports/sip-dispatch.port.ts';
import { buildAgentInput, buildServices, TEST_WORKSPACE_ID } from './builders.ts';

/** The error the real adapter gives when LiveKit does not answer. */
export const livekitDown = () =>
  new ServiceUnavailableError('LiveKit is not answering (cannot connect); try again shortly', {
    service: 'livekit-sip',
    reason: 'unavailable',
  });

/** Services over memory stores and a memory LiveKit SIP API, and a way to add an agent. */
export function setupTelephony(options: { sipTrunkId?: string; sip?: MemorySip } = {}) {
  const sip = options.sip ?? createMemorySip();
  const logger = createMemoryLogger();
  const services = buildServices({
    sip,
    logger,
    ...(options.sipTrunkId && { sipTrunkId: options.sipTrunkId }),
  });
  const agent = () => services.agents.create(TEST_WORKSPACE_ID, buildAgentInput());
  return { sip, logger, services, telephony: services.telephony, agents: services.agents, agent };
}

export const rulesOf = async (sip: MemorySip) => sip.listDispatchRules();

/** The job metadata a rule's agent dispatch carries, parsed as a worker would. */
export const metadataOf = (rule: DispatchRule | undefined) =>
  telephonyJobMetadataSchema.parse(JSON.parse(rule?.agents[0]?.metadata ?? 'null'));
