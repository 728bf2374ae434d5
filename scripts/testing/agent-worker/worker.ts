// A minimal agent worker for the integration tests, built on @livekit/agents like a production
// worker: it registers under AGENT_NAME (explicit dispatch) and reports what it receives, one JSON
// line per event, to WORKER_REPORT_FILE:
//   {"event":"registered","workerId":…}                       once, when LiveKit accepted it
//   {"event":"job","jobId":…,"roomName":…,"agentName":…,"metadata":"<the job metadata>"}
//   {"event":"connected","jobId":…,"roomName":…,"identity":…}   after it joined the room
//   {"event":"reported","jobId":…,"roomName":…,"status":200}    its call report was posted (report.ts)
//   {"event":"transcribed","jobId":…,"roomName":…,"identity":<the caller>}  after it published
//     its transcription segments (transcription.ts) to the first caller
//
// Run: node --import tsx scripts/testing/agent-worker/worker.ts   (env: LIVEKIT_URL, LIVEKIT_API_KEY,
// LIVEKIT_API_SECRET, AGENT_NAME, WORKER_REPORT_FILE). Each job runs in a child process that
// re-imports this file (it inherits `--import tsx`); only the main process starts the server.

import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  AgentServer,
  defineAgent,
  initializeLogger,
  ServerOptions,
  type JobContext,
} from '@livekit/agents';
import { RoomEvent } from '@livekit/rtc-node';
import { reportCallAtShutdown } from './report.ts';
import { publishTestTranscription } from './transcription.ts';

export interface WorkerReport {
  event: 'registered' | 'job' | 'connected' | 'transcribed' | 'reported' | 'error' | 'refused';
  at: number;
  workerId?: string;
  jobId?: string;
  dispatchId?: string;
  roomName?: string;
  agentName?: string;
  metadata?: string;
  identity?: string;
  message?: string;
  /** `reported`: the HTTP status the server answered the call report with. */
  status?: number;
}

function report(event: Omit<WorkerReport, 'at'>): void {
  const file = process.env.WORKER_REPORT_FILE;
  if (!file) throw new Error('WORKER_REPORT_FILE is not set');
  appendFileSync(file, `${JSON.stringify({ ...event, at: Date.now() })}\n`);
}

export default defineAgent({
  entry: async (ctx: JobContext) => {
    const job = ctx.job;
    report({
      event: 'job',
      jobId: job.id,
      dispatchId: job.dispatchId,
      roomName: job.room?.name,
      agentName: job.agentName,
      metadata: job.metadata,
    });
    reportCallAtShutdown(ctx, report);
    try {
      await ctx.connect();
      report({
        event: 'connected',
        jobId: job.id,
        roomName: ctx.room.name,
        identity: ctx.room.localParticipant?.identity,
      });
      void publishTestTranscription(ctx).then(
        (identity) =>
          report({ event: 'transcribed', jobId: job.id, roomName: ctx.room.name, identity }),
        (error: unknown) => report({ event: 'error', jobId: job.id, message: String(error) }),
      );
      // Stay in the room until it closes (the test deletes it) or the worker stops.
      await new Promise<void>((resolve) => {
        ctx.room.once(RoomEvent.Disconnected, () => resolve());
        ctx.addShutdownCallback(async () => resolve());
      });
    } catch (error) {
      report({ event: 'error', jobId: job.id, message: (error as Error).message });
    }
  },
});

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const env = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
  initializeLogger({ pretty: false, level: process.env.WORKER_LOG_LEVEL ?? 'warn' });
  // WORKER_REFUSE_JOBS=n: the first n job requests are refused, as a worker pool at capacity does.
  // LiveKit then offers the job to no other worker (there is none) and never again: a room whose
  // agent never comes unless someone dispatches it again.
  let refuseJobs = Number(process.env.WORKER_REFUSE_JOBS ?? '0');
  const server = new AgentServer(
    new ServerOptions({
      agent: fileURLToPath(import.meta.url),
      agentName: env('AGENT_NAME'),
      wsURL: env('LIVEKIT_URL'),
      apiKey: env('LIVEKIT_API_KEY'),
      apiSecret: env('LIVEKIT_API_SECRET'),
      // On two busy cores the default CPU-based load marks the worker unavailable.
      loadFunc: async () => 0,
      requestFunc: async (request) => {
        if (refuseJobs > 0) {
          refuseJobs--;
          report({
            event: 'refused',
            jobId: request.id,
            dispatchId: request.job.dispatchId,
            roomName: request.room?.name,
          });
          await request.reject();
          return;
        }
        await request.accept();
      },
      numIdleProcesses: 1,
      host: '127.0.0.1',
      port: 0,
    }),
  );
  server.event.once('worker_registered', (workerId: string) =>
    report({ event: 'registered', workerId }),
  );
  const stop = () => {
    server
      .close()
      .catch(() => undefined)
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await server.run();
}
