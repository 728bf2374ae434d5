import type { Agent, AgentConfig } from '../../shared/agent.schema.ts';
import {
  AGENT_EXPORT_FORMAT,
  AGENT_EXPORT_FORMAT_VERSION,
  agentExportFileSchema,
  SUPPORTED_EXPORT_VERSIONS,
  type AgentDuplicateData,
  type AgentExportFile,
  type AgentImportData,
  type AgentImportOutput,
} from '../../shared/agent-export.schema.ts';
import { jsonEqual } from '../../shared/json-guard.ts';
import { invalidInput, parseWith, ValidationError } from '../errors.ts';
import type { AgentRecord } from '../ports/agent-store.port.ts';
import type { Actor } from '../ports/audit-store.port.ts';
import type { AgentService } from './agent.service.ts';
import type { AgentVersionService } from './agent-version.service.ts';
import { configHash } from './session.service.ts';

/**
 * Copies of agents: an export file (the draft and the published config), an import of such a
 * file, and a duplicate. Every method works inside the caller's workspace: another workspace's
 * agent is NOT_FOUND. A file is checked whole (format, every field, the published config's hash)
 * before anything is written, so a bad file changes nothing.
 */
export interface AgentTransferService {
  export(workspaceId: string, agentId: string): Promise<AgentExportFile>;
  import(
    workspaceId: string,
    input: AgentImportData,
    /** Who acts: the versions' author, and who the audit log records. */
    by?: Actor,
  ): Promise<AgentImportOutput>;
  duplicate(
    workspaceId: string,
    input: AgentDuplicateData,
    /** Who acts: the versions' author, and who the audit log records. */
    by?: Actor,
  ): Promise<AgentImportOutput>;
}

export function createAgentTransferService({
  agents,
  agentVersions,
  now = () => new Date(),
}: {
  agents: Pick<AgentService, 'create' | 'getRecord' | 'update'>;
  agentVersions: Pick<AgentVersionService, 'published' | 'publishFirst'>;
  now?: () => Date;
}): AgentTransferService {
  /** The published version, read through the version service (which makes an old agent's v1). */
  const published = (workspaceId: string, agentId: string) =>
    agentVersions.published(workspaceId, agentId);

  /**
   * A new agent whose version 1 is `publishedConfig` and whose draft is `draft`. `agents.create`
   * publishes what it creates as version 1, so the agent is created with the published config and
   * its draft is changed afterwards (under expectedVersion: the agent is one request old). A
   * failure in between leaves an agent whose draft is its published version 1: nothing live
   * differs from the source, only the draft's unpublished changes are missing.
   */
  const createWithVersions = async (
    workspaceId: string,
    source: { name: string; description: string; draft: AgentConfig; published: AgentConfig },
    by: Actor | undefined,
  ): Promise<AgentImportOutput> => {
    const created = await agents.create(
      workspaceId,
      { name: source.name, description: source.description, config: source.published },
      by,
    );
    // create only logs a failed version 1 (an agent without versions gets its config as v1 when
    // read); here it must hold before the draft changes, or that lazy v1 would be the draft.
    await agentVersions.publishFirst(
      workspaceId,
      recordOf(workspaceId, created),
      by && { kind: by.kind, id: by.id },
    );
    const agent = jsonEqual(source.draft, source.published)
      ? created
      : await agents.update(
          workspaceId,
          {
            agentId: created.id,
            expectedVersion: created.version,
            config: source.draft,
          },
          by,
        );
    return { status: 'created', agent, publishedVersion: 1 };
  };

  return {
    async export(workspaceId, agentId) {
      const agent = await agents.getRecord(workspaceId, agentId);
      const live = await published(workspaceId, agentId);
      return {
        format: AGENT_EXPORT_FORMAT,
        formatVersion: AGENT_EXPORT_FORMAT_VERSION,
        exportedAt: now().toISOString(),
        agent: { name: agent.name, description: agent.description },
        draft: agent.config,
        published: { version: live.version, configHash: live.configHash, config: live.config },
      };
    },

    async import(workspaceId, { file, agentId, expectedVersion, name }, by) {
      const parsed = readExportFile(file);
      if (agentId === undefined) {
        return createWithVersions(
          workspaceId,
          {
            name: name ?? parsed.agent.name,
            description: parsed.agent.description ?? '',
            draft: parsed.draft,
            published: parsed.published.config,
          },
          by,
        );
      }
      // Only the draft changes: the person reviews it, then publishes (agents.publish).
      const agent = await agents.update(
        workspaceId,
        {
          agentId,
          ...(expectedVersion !== undefined && { expectedVersion }),
          config: parsed.draft,
        },
        by,
      );
      return {
        status: 'draft',
        agent,
        publishedVersion: (await published(workspaceId, agentId)).version,
      };
    },

    async duplicate(workspaceId, { agentId, name }, by) {
      const source = await agents.getRecord(workspaceId, agentId);
      const live = await published(workspaceId, agentId);
      return createWithVersions(
        workspaceId,
        { name, description: source.description, draft: source.config, published: live.config },
        by,
      );
    },
  };
}

/**
 * An export file checked in the order that gives the clearest error: which format and version it
 * is (a newer file would fail on fields it is right to have), then every field at its path under
 * `file`, then the published config against its hash.
 */
export function readExportFile(file: unknown): AgentExportFile {
  const { format, formatVersion } = file as Record<string, unknown>;
  const details = {
    reason: 'unsupported-format' as const,
    format: typeof format === 'string' ? format.slice(0, 100) : null,
    formatVersion: typeof formatVersion === 'number' ? formatVersion : null,
    supportedVersions: [...SUPPORTED_EXPORT_VERSIONS],
  };
  if (format !== AGENT_EXPORT_FORMAT) {
    const message = `format must be "${AGENT_EXPORT_FORMAT}": this is not a Switchboard agent export`;
    throw new ValidationError(`file.${message}`, {
      issues: [{ path: ['file', 'format'], message }],
      details,
    });
  }
  if (typeof formatVersion !== 'number' || !SUPPORTED_EXPORT_VERSIONS.includes(formatVersion)) {
    const newer =
      typeof formatVersion === 'number' && formatVersion > Math.max(...SUPPORTED_EXPORT_VERSIONS);
    const message = `formatVersion ${JSON.stringify(formatVersion) ?? 'is missing'}${newer ? ' is newer than this server reads' : ' is not one this server reads'} (it reads ${SUPPORTED_EXPORT_VERSIONS.join(', ')})${newer ? ': update Switchboard, or export from the same version' : ''}`;
    throw new ValidationError(`file.${message}`, {
      issues: [{ path: ['file', 'formatVersion'], message }],
      details,
    });
  }
  const parsed = parseWith(agentExportFileSchema, file, ['file']);
  if (configHash(parsed.published.config) !== parsed.published.configHash) {
    throw invalidInput(
      ['file', 'published', 'configHash'],
      'does not match published.config: the file was edited by hand. Export the agent again, or put your changes in draft (it has no hash) and publish after importing',
    );
  }
  return parsed;
}

/** What `publishFirst` reads of a just-created agent (its id and config), as a store record. */
function recordOf(workspaceId: string, agent: Agent): AgentRecord {
  return {
    id: agent.id,
    workspaceId,
    name: agent.name,
    description: agent.description,
    config: agent.config,
    version: agent.version,
    createdAt: new Date(agent.createdAt),
    updatedAt: new Date(agent.updatedAt),
    deletedAt: null,
  };
}
