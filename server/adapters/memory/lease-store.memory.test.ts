import { describeLeaseStoreContract } from '../../ports/lease-store.contract.ts';
import { createMemoryLeaseStore } from './lease-store.memory.ts';

describeLeaseStoreContract('memory', async (now) => createMemoryLeaseStore({ now }));
