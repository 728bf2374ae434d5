import { describeRoomStoreContract } from '../../ports/room-store.contract.ts';
import { createMemoryRoomStore } from './room-store.memory.ts';

describeRoomStoreContract('memory', async () => createMemoryRoomStore());
