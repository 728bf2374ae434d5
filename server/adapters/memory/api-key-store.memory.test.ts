import { describeApiKeyStoreContract } from '../../ports/api-key-store.contract.ts';
import { createMemoryApiKeyStore } from './api-key-store.memory.ts';

describeApiKeyStoreContract('memory', async () => createMemoryApiKeyStore());
