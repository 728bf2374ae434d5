import type { StorageKind, SystemInfo } from '../../shared/system.schema.ts';

export interface SystemService {
  info(): SystemInfo;
}

export function createSystemService(info: {
  storage: StorageKind;
  livekitConfigured: boolean;
  agentName: string;
  version: string;
}): SystemService {
  const frozen = Object.freeze({ ...info });
  return { info: () => ({ ...frozen }) };
}
