// On the agents list, in the first load: no zod here (nor the shared schemas that would bring
// it), so the server's limits the import needs are repeated, and a test keeps them equal.

/** AGENT_EXPORT_MAX_BYTES in shared/agent-export.schema.ts. */
export const AGENT_EXPORT_MAX_BYTES = 144 * 1024;
/** NAME_MAX_LENGTH in shared/agent.schema.ts. */
export const NAME_MAX_LENGTH = 120;

/**
 * The name an agent's export file is saved under: `support-bot.switchboard-agent.json` (accents
 * dropped, anything but letters and digits a dash, at most 60 characters before the suffix).
 */
export function exportFileName(agentName: string): string {
  const slug = agentName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${slug || 'agent'}.switchboard-agent.json`;
}
