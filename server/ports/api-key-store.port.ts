import type { Permission } from '../../shared/auth.schema.ts';
import type { ApiKeyKind } from '../../shared/workspace.schema.ts';

/** An API key as stores keep it: the key itself is never stored, only its SHA-256. */
export interface ApiKeyRecord {
  id: string;
  workspaceId: string;
  kind: ApiKeyKind;
  name: string;
  /** SHA-256 (hex) of the whole key: the only way a key is found. Unique. */
  hash: string;
  /** The key's first characters, shown to recognise it. */
  start: string;
  scopes: Permission[];
  origins: string[];
  /** null: every agent of the workspace. */
  agentIds: string[] | null;
  /** Who created it, as the keys page names them (an e-mail, a key's start, `npm run admin`). */
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export type NewApiKeyRecord = Omit<ApiKeyRecord, 'id' | 'createdAt' | 'lastUsedAt' | 'revokedAt'>;

/**
 * API keys. `findByHash` is the per-request lookup (a unique index on `hash`); everything else is
 * by workspace (indexes lead with `workspaceId`).
 */
export interface ApiKeyStore {
  create(key: NewApiKeyRecord): Promise<ApiKeyRecord>;
  /** The key with this hash, revoked ones included (the caller tells them apart). */
  findByHash(hash: string): Promise<ApiKeyRecord | null>;
  /** The workspace's keys, newest first, revoked ones included. */
  list(workspaceId: string, limit: number): Promise<ApiKeyRecord[]>;
  /** Sets `revokedAt` on a live key of the workspace; null when missing, another's or revoked. */
  revoke(workspaceId: string, id: string, at: Date): Promise<ApiKeyRecord | null>;
  /** Records use; callers throttle it (not every request writes). */
  touch(id: string, at: Date): Promise<void>;
  ping(): Promise<void>;
}
