import type { IncomingMessage, ServerResponse } from 'node:http';

/** A person's account: what sign-in knows about them. */
export interface AccountUser {
  id: string;
  email: string;
  name: string;
}

export type CreateAccountOutcome =
  { status: 'created'; user: AccountUser } | { status: 'email_taken' };

/**
 * People's accounts, passwords and dashboard sessions: a well-kept library's job (better-auth in
 * `server/auth/`), behind this port so the services never see it. Nobody signs up over HTTP:
 * accounts are made by setup, `npm run admin`, or accepting an invitation, through `create`.
 */
export interface Accounts {
  /** A new account with an e-mail (stored lower-case) and a password (hashed with scrypt). */
  create(account: { email: string; password: string; name: string }): Promise<CreateAccountOutcome>;
  findByEmail(email: string): Promise<AccountUser | null>;
  /**
   * The person a request's session cookie belongs to, with the session's id (for the audit log);
   * null without a live session.
   */
  sessionUser(req: IncomingMessage): Promise<(AccountUser & { sessionId?: string }) | null>;
  /**
   * Answers `/api/auth/*` (sign-in, sign-out, sessions, password change); false for a path it
   * does not serve. Requests reach it after the HTTP layer's Host and Origin checks.
   */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /**
   * Signs `email` in without its password and answers with the session cookie: only for the
   * development sign-in (`npm run dev`, loopback), never reachable otherwise.
   */
  signInForDevelopment(email: string, res: ServerResponse): Promise<boolean>;
}
