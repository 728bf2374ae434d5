import { describeAgentVersionStoreContract } from '../../ports/agent-version-store.contract.ts';
import { createMemoryAgentVersionStore } from './agent-version-store.memory.ts';

describeAgentVersionStoreContract('memory', async () => createMemoryAgentVersionStore());
