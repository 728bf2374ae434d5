import {
  invitationAcceptInputSchema,
  invitationCreateInputSchema,
  invitationRevokeInputSchema,
  invitationTokenInputSchema,
  memberRemoveInputSchema,
  memberSetRoleInputSchema,
  setupClaimInputSchema,
  workspaceCreateInputSchema,
  workspaceRenameInputSchema,
} from '../../shared/workspace.schema.ts';
import { invalidInput } from '../errors.ts';
import { actorOf } from '../identity.ts';
import { publicProcedure, router, userProcedure, workspaceProcedure } from '../trpc.ts';

/** The signed-in person: who they are and the workspaces they may switch between. */
export const accountRouter = router({
  me: userProcedure.meta({ permission: 'user' }).query(async ({ ctx }) => ({
    user: ctx.user,
    workspaces: await ctx.services.workspaces.memberships(ctx.user.id),
  })),
});

export const workspacesRouter = router({
  /** Anyone signed in may start a workspace of their own (they are its owner). */
  create: userProcedure
    .meta({ permission: 'user' })
    .input(workspaceCreateInputSchema)
    .mutation(({ ctx, input }) => ctx.services.workspaces.create(ctx.user, input.name)),
  rename: workspaceProcedure
    .meta({ permission: 'members:admin' })
    .input(workspaceRenameInputSchema)
    .mutation(({ ctx, input }) =>
      ctx.services.workspaces.rename(ctx.caller.workspaceId, input.name, actorOf(ctx.caller)),
    ),
});

export const membersRouter = router({
  list: workspaceProcedure
    .meta({ permission: 'members:admin' })
    .query(({ ctx }) => ctx.services.workspaces.listMembers(ctx.caller.workspaceId)),
  setRole: workspaceProcedure
    .meta({ permission: 'members:admin' })
    .input(memberSetRoleInputSchema)
    .mutation(({ ctx, input }) =>
      ctx.services.workspaces.setRole(
        ctx.caller.workspaceId,
        input.userId,
        input.role,
        actorOf(ctx.caller),
      ),
    ),
  remove: workspaceProcedure
    .meta({ permission: 'members:admin' })
    .input(memberRemoveInputSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.workspaces.removeMember(
        ctx.caller.workspaceId,
        input.userId,
        actorOf(ctx.caller),
      );
      return { removed: true as const };
    }),
});

export const invitationsRouter = router({
  /** The one-time link's token is in the answer once; only its hash is stored. */
  create: workspaceProcedure
    .meta({ permission: 'members:admin' })
    .input(invitationCreateInputSchema)
    .mutation(({ ctx, input }) =>
      ctx.services.workspaces.invite(
        ctx.caller.workspaceId,
        {
          email: input.email,
          role: input.role,
          invitedBy: ctx.user?.email ?? `${ctx.caller.actor.kind}:${ctx.caller.actor.id}`,
        },
        actorOf(ctx.caller),
      ),
    ),
  list: workspaceProcedure
    .meta({ permission: 'members:admin' })
    .query(({ ctx }) => ctx.services.workspaces.listInvitations(ctx.caller.workspaceId)),
  revoke: workspaceProcedure
    .meta({ permission: 'members:admin' })
    .input(invitationRevokeInputSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.workspaces.revokeInvitation(
        ctx.caller.workspaceId,
        input.id,
        actorOf(ctx.caller),
      );
      return { revoked: true as const };
    }),
  /** Public: the link's token is the credential (what the invitation page shows first). */
  preview: publicProcedure
    .input(invitationTokenInputSchema)
    .query(({ ctx, input }) => ctx.services.workspaces.previewInvitation(input.token)),
  /** Public: as the signed-in person, or creating the invited e-mail's account. */
  accept: publicProcedure.input(invitationAcceptInputSchema).mutation(({ ctx, input }) => {
    if (ctx.user) {
      return ctx.services.workspaces.acceptInvitation(input.token, { user: ctx.user });
    }
    if (!input.newAccount) {
      throw invalidInput(
        ['newAccount'],
        'Sign in, or choose a name and password for the new account',
      );
    }
    return ctx.services.workspaces.acceptInvitation(input.token, { newAccount: input.newAccount });
  }),
});

/** First start: public, but useless without the token the server printed. */
export const setupRouter = router({
  status: publicProcedure.query(async ({ ctx }) => ({
    needed: await ctx.services.setup.needed(),
    developmentSignIn: ctx.developmentSignIn,
  })),
  claim: publicProcedure.input(setupClaimInputSchema).mutation(({ ctx, input }) => {
    const { token, ...owner } = input;
    return ctx.services.setup.claim(token, owner);
  }),
});
