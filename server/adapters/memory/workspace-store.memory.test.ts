import { describeWorkspaceStoreContract } from '../../ports/workspace-store.contract.ts';
import { createMemoryWorkspaceStore } from './workspace-store.memory.ts';

describeWorkspaceStoreContract('memory', async () => createMemoryWorkspaceStore());
