import { describeCallSessionStoreContract } from '../../ports/call-session-store.contract.ts';
import { createMemoryCallSessionStore } from './call-session-store.memory.ts';

describeCallSessionStoreContract('memory', async () => createMemoryCallSessionStore());
