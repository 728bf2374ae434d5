import { describeCallReportStoreContract } from '../../ports/call-report-store.contract.ts';
import { createMemoryCallReportStore } from './call-report-store.memory.ts';

describeCallReportStoreContract('memory', async () => createMemoryCallReportStore());
