import { describeDidRouteStoreContract } from '../../ports/did-route-store.contract.ts';
import { createMemoryDidRouteStore } from './did-route-store.memory.ts';

describeDidRouteStoreContract('memory', async () => createMemoryDidRouteStore());
