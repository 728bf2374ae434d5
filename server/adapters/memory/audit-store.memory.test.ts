import { describeAuditStoreContract } from '../../ports/audit-store.contract.ts';
import { createMemoryAuditStore } from './audit-store.memory.ts';

describeAuditStoreContract('memory', async () => createMemoryAuditStore());
