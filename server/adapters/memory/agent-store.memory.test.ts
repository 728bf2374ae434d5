import { describeAgentStoreContract } from '../../ports/agent-store.contract.ts';
import { createMemoryAgentStore } from './agent-store.memory.ts';

describeAgentStoreContract('memory', async () => createMemoryAgentStore());
