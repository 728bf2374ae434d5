// The test worker's call report, done as a worker in any language would do it (README "Call
// history"): validate the job metadata against the published JSON Schema, and at the job's
// shutdown POST a transcript and usage to `report.url` with `report.token` as a bearer token.

import { readFileSync } from 'node:fs';
import type { JobContext } from '@livekit/agents';
import { Ajv2020 } from 'ajv/dist/2020.js';

/** What the job metadata's `report` is (schemas/agent-job-metadata.schema.json). */
interface JobReportTarget {
  url: string;
  token: string;
  expiresAt: string;
}

interface JobMetadata {
  agentId: string | null;
  config: { greeting?: string; instructions: string };
  report?: JobReportTarget;
}

const schemaFile = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../../../schemas/${name}.schema.json`, import.meta.url), 'utf8'),
  ) as object;

// Formats are not checked (no ajv-formats): zod writes a `pattern` beside each date-time anyway.
const ajv = new Ajv2020({ allErrors: true, validateFormats: false });
const validateMetadata = ajv.compile<JobMetadata>(schemaFile('agent-job-metadata'));
const validateReport = ajv.compile(schemaFile('call-report'));

/** How the worker logs what happened (its WorkerReport lines). */
export type ReportLog = (event: {
  event: 'reported' | 'error';
  jobId: string;
  roomName?: string;
  status?: number;
  message?: string;
}) => void;

/**
 * Validates the job's metadata and, when it carries `report`, posts the call's report at shutdown.
 * Returns the parsed metadata (null when it does not match the schema: logged as an error).
 */
export function reportCallAtShutdown(ctx: JobContext, log: ReportLog): JobMetadata | null {
  const { job } = ctx;
  const roomName = job.room?.name;
  let metadata: unknown;
  try {
    metadata = JSON.parse(job.metadata);
  } catch {
    metadata = undefined;
  }
  if (!validateMetadata(metadata)) {
    log({
      event: 'error',
      jobId: job.id,
      message: `the job metadata does not match schemas/agent-job-metadata.schema.json: ${ajv.errorsText(validateMetadata.errors)}`,
    });
    return null;
  }
  const target = metadata.report;
  if (!target) return metadata;

  const greeting = metadata.config.greeting ?? 'Hello!';
  const jobStarted = new Date();
  ctx.addShutdownCallback(async () => {
    const ended = new Date();
    const report = {
      transcript: [
        { role: 'agent', text: greeting, startedAt: jobStarted.toISOString() },
        {
          role: 'user',
          text: 'Hi, this is the test participant.',
          startedAt: new Date(jobStarted.getTime() + 1).toISOString(),
          endedAt: ended.toISOString(),
        },
      ],
      usage: { llmPromptTokens: 0, llmCompletionTokens: 0, ttsCharacters: greeting.length },
    };
    if (!validateReport(report)) {
      log({ event: 'error', jobId: job.id, message: ajv.errorsText(validateReport.errors) });
      return;
    }
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${target.token}` },
        body: JSON.stringify(report),
        signal: AbortSignal.timeout(10_000),
      });
      log({
        event: 'reported',
        jobId: job.id,
        ...(roomName !== undefined && { roomName }),
        status: response.status,
        ...(!response.ok && { message: await response.text() }),
      });
    } catch (error) {
      log({ event: 'error', jobId: job.id, message: `report failed: ${(error as Error).message}` });
    }
  });
  return metadata;
}
