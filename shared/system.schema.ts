import { z } from 'zod';

/** Which store answers `agents.*`: the dashboard shows a banner for anything but `mongodb`. */
export const storageKindSchema = z.enum(['mongodb', 'memory', 'unconfigured']);
export type StorageKind = z.output<typeof storageKindSchema>;

export const systemInfoSchema = z.object({
  storage: storageKindSchema,
  livekitConfigured: z.boolean(),
  agentName: z.string(),
  version: z.string(),
});
export type SystemInfo = z.output<typeof systemInfoSchema>;
