// What one `session.start` costs: a few hundred calls over HTTP with a tRPC client against a real
// LiveKit server (loopback), next to the same number of `system.info` calls — a trivial procedure
// through the same HTTP server and client — as a same-run baseline. Prints figures, asserts nothing.
//
//   npm run bench                       starts a LiveKit server of its own
//   npm run bench -- --count 500        calls per procedure (20–2000, default 300)
//   TEST_LIVEKIT_URL=… TEST_LIVEKIT_API_KEY=… TEST_LIVEKIT_API_SECRET=… npm run bench
//                                       reuses a running LiveKit (its rooms are deleted afterwards)
//
// No agent worker is registered: dispatches are made (that is part of session.start) but no job
// runs, so the figures are the control plane's, not a worker's start-up.

import { performance } from 'node:perf_hooks';
import { createTRPCClient, httpLink } from '@trpc/client';
import { RoomServiceClient } from 'livekit-server-sdk';
import { buildApp } from '../../server/app.ts';
import { loadEnv } from '../../server/env.ts';
import { createLogger } from '../../server/logger.ts';
import type { AppRouter } from '../../server/routers/_app.ts';
import { startLiveKit, type LiveKitService } from '../lib/processes.ts';

const WARM_UP = 20;

interface Stats {
  count: number;
  median: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

export async function runSessionStartBench(
  argv: readonly string[] = process.argv.slice(2),
): Promise<void> {
  const count = parseCount(argv);
  const { livekit, stopLiveKit } = await liveKit();
  const app = buildApp(
    loadEnv({
      NODE_ENV: 'development',
      LIVEKIT_URL: livekit.url,
      LIVEKIT_API_KEY: livekit.apiKey,
      LIVEKIT_API_SECRET: livekit.apiSecret,
      AGENT_NAME: 'bench-agent',
    }),
    createLogger({ level: 'error' }), // the in-memory store's warning is expected here
  );
  const rooms: string[] = [];
  try {
    const address = await app.http.listen(0, '127.0.0.1');
    const client = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `http://127.0.0.1:${address.port}/trpc` })],
    });
    const agent = await client.agents.create.mutate({
      name: 'Bench',
      config: {
        instructions: 'You are a helpful receptionist. '.repeat(20),
        llm: { provider: 'openai', model: 'gpt-4o-mini', temperature: 0.4 },
        tools: ['lookup_booking', { name: 'transfer', description: 'Transfer the call' }],
        knowledgeBase: { documentIds: ['faq', 'prices'] },
        variables: { company: 'Acme', city: 'Paris' },
      },
    });
    const startSession = async () => {
      const session = await client.session.start.mutate({
        agentId: agent.id,
        agentConfig: {
          greeting: 'Bonjour',
          llm: { temperature: 0.9 },
          variables: { city: 'Lyon' },
        },
      });
      rooms.push(session.roomName);
      return session;
    };
    const info = () => client.system.info.query();

    const metadataBytes = Buffer.byteLength(
      JSON.stringify({ agentId: agent.id, config: (await startSession()).config }),
    );
    for (let i = 0; i < WARM_UP; i++) {
      await info();
      await startSession();
    }

    // Interleaved, one call at a time: both series see the same machine state.
    const infoTimes: number[] = [];
    const startTimes: number[] = [];
    for (let i = 0; i < count; i++) {
      infoTimes.push(await timed(info));
      startTimes.push(await timed(startSession));
    }

    const startStats = stats(startTimes);
    const infoStats = stats(infoTimes);
    print(count, livekit.url, metadataBytes, startStats, infoStats);
  } finally {
    await app.close();
    if (stopLiveKit) await stopLiveKit();
    else await deleteRooms(livekit, rooms);
  }
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const pick = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return {
    count: sorted.length,
    median: pick(0.5),
    p95: pick(0.95),
    p99: pick(0.99),
    min: sorted[0] ?? NaN,
    max: sorted.at(-1) ?? NaN,
    mean: sorted.reduce((sum, x) => sum + x, 0) / sorted.length,
  };
}

function print(count: number, url: string, metadataBytes: number, start: Stats, info: Stats): void {
  const ms = (x: number) => `${x.toFixed(2)} ms`.padStart(10);
  const row = (name: string, s: Stats) =>
    `${name.padEnd(15)}${ms(s.median)}${ms(s.p95)}${ms(s.p99)}${ms(s.min)}${ms(s.max)}${ms(s.mean)}`;
  const lines = [
    '',
    `session.start benchmark: ${count} calls each, sequential, HTTP + tRPC client on 127.0.0.1, LiveKit ${url}`,
    `node ${process.version}, job metadata ${metadataBytes} bytes, ${WARM_UP} warm-up calls each not counted`,
    '',
    `${'procedure'.padEnd(15)}${'median'.padStart(10)}${'p95'.padStart(10)}${'p99'.padStart(10)}${'min'.padStart(10)}${'max'.padStart(10)}${'mean'.padStart(10)}`,
    row('session.start', start),
    row('system.info', info),
    '',
    `session.start / system.info: ${(start.median / info.median).toFixed(1)}× at the median, ${(start.p95 / info.p95).toFixed(1)}× at p95`,
    `(session.start = validate + load agent + resolve + 3 LiveKit API calls: ListRooms, CreateRoom with the dispatch, ListDispatch + sign a token)`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

function parseCount(argv: readonly string[]): number {
  const index = argv.indexOf('--count');
  if (index === -1) return 300;
  const count = Number(argv[index + 1]);
  if (!Number.isInteger(count) || count < 20 || count > 2000) {
    throw new Error('--count must be an integer from 20 to 2000');
  }
  return count;
}

async function liveKit(): Promise<{
  livekit: { url: string; apiKey: string; apiSecret: string };
  stopLiveKit?: () => Promise<void>;
}> {
  const {
    TEST_LIVEKIT_URL: url,
    TEST_LIVEKIT_API_KEY: apiKey,
    TEST_LIVEKIT_API_SECRET: apiSecret,
  } = process.env;
  if (url && apiKey && apiSecret) {
    if (!/^(wss?|https?):\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(`${url}/`)) {
      throw new Error(`TEST_LIVEKIT_URL must be on loopback for the benchmark (got ${url})`);
    }
    return { livekit: { url, apiKey, apiSecret } };
  }
  const started: LiveKitService = await startLiveKit();
  return { livekit: started, stopLiveKit: () => started.stop() };
}

async function deleteRooms(
  livekit: { url: string; apiKey: string; apiSecret: string },
  rooms: string[],
) {
  const service = new RoomServiceClient(livekit.url, livekit.apiKey, livekit.apiSecret);
  for (const room of rooms) await service.deleteRoom(room).catch(() => undefined);
}
