import {
  auditListInputSchema,
  auditListOutputSchema,
  type AuditList,
} from '../../shared/audit.schema.ts';
import { outputAs, router, workspaceProcedure } from '../trpc.ts';

const tags = ['audit'];

/** The audit log: read only. Entries are written by the services that make the changes. */
export const auditRouter = router({
  list: workspaceProcedure
    .meta({
      permission: 'audit:read',
      openapi: {
        method: 'GET',
        path: '/audit',
        tags,
        summary: 'The audit log, newest first: who changed which agent, number, member or key',
        description:
          'Filter by `agentId` (entries about the agent, and numbers routed to it) and `actorId` ' +
          "(a member's user id or a key's id). Keyset paged: pass `nextCursor` back as `cursor`.",
      },
    })
    // prefault: no input parses as `{}`, so the defaults apply.
    .input(auditListInputSchema.prefault({}))
    .output(outputAs<AuditList>(auditListOutputSchema))
    .query(({ ctx, input }) => ctx.services.audit.list(ctx.caller.workspaceId, input)),
});
