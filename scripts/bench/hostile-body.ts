// What a hostile `agents.create` costs the server: bodies of ~938 KiB (under the 1 MiB body limit,
// far over the 64 KiB config limit) shaped to make a per-node walk expensive. The server runs in a
// child process (in-memory store) so that its longest event-loop block and its peak memory are its
// own; four bodies at once are sent while `/healthz` is polled. Prints figures, asserts nothing.
//
//   npm run bench                     (this is one of its parts)
//   tsx scripts/bench/hostile-body.ts runs it alone

import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const BODY_BYTES = 938 * 1024;
const REPEATS = 3;
const CONCURRENT = 4;

/** `agents.create` bodies of about BODY_BYTES, each a different way to have many nodes. */
export function hostileBodies(bytes = BODY_BYTES): Record<string, string> {
  const wrap = (config: string) => `{"name":"hostile","config":${config}}`;
  const fill = (unit: string) =>
    Array(Math.floor((bytes - 64) / (unit.length + 1)))
      .fill(unit)
      .join(',');
  // Small binary trees 24 levels down: many nodes, each at a depth that made paths long.
  let tree = '0';
  for (let i = 0; i < 3; i++) tree = `[${tree},${tree}]`;
  const nested = `${'['.repeat(24)}${fill(tree)}${']'.repeat(24)}`;
  const deep = Math.floor((bytes - 64) / 2);
  return {
    'nested arrays': wrap(`{"x":${nested}}`),
    'empty arrays': wrap(`{"x":[${fill('[]')}]}`),
    'empty objects': wrap(`{"x":[${fill('{}')}]}`),
    'one deep array': wrap(`{"x":${'['.repeat(deep)}${']'.repeat(deep)}}`),
  };
}

interface ServerStats {
  maxBlockMs: number;
  peakRssMiB: number;
  rssMiB: number;
}

type Request = { type: 'reset' } | { type: 'stats' };

/** The child: an in-memory Switchboard that reports its event-loop delay and memory on request. */
async function serve(): Promise<void> {
  const [{ buildApp }, { loadEnv }, { createLogger }, { createTestOwner }] = await Promise.all([
    import('../../server/app.ts'),
    import('../../server/env.ts'),
    import('../../server/logger.ts'),
    import('../../server/testing/auth.ts'),
  ]);
  const app = buildApp(loadEnv({ NODE_ENV: 'development' }), createLogger({ level: 'error' }));
  const { port } = await app.http.listen(0, '127.0.0.1');
  // Signed in, so the bodies reach validation (a stranger's are refused before it).
  const { headers } = await createTestOwner(app.services);
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  process.on('message', (message: Request) => {
    if (message.type === 'reset') {
      globalThis.gc?.();
      resetPeakRss();
      delay.reset();
      process.send?.({ type: 'reset' });
    } else {
      process.send?.({
        type: 'stats',
        stats: {
          maxBlockMs: delay.max / 1e6,
          peakRssMiB: procStatusMiB('VmHWM'),
          rssMiB: procStatusMiB('VmRSS'),
        } satisfies ServerStats,
      });
    }
  });
  process.on('disconnect', () => void app.close().then(() => process.exit(0)));
  process.send?.({ type: 'ready', port, headers });
}

/** Linux: writing 5 to clear_refs resets the peak RSS (VmHWM) to the current RSS. */
function resetPeakRss(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // not Linux, or not allowed: the peak then counts from the start
  }
}

function procStatusMiB(field: 'VmHWM' | 'VmRSS'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync('/proc/self/status', 'utf8'),
    );
    return match?.[1] ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

function ask<T>(child: ChildProcess, request: Request, reply: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (message: { type: string; stats?: T }) => {
      if (message.type !== reply) return;
      child.off('message', onMessage);
      resolve(message.stats as T);
    };
    child.on('message', onMessage);
    child.send(request);
  });
}

export async function runHostileBodyBench(): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], {
    execArgv: [...process.execArgv, '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const { port, headers } = await new Promise<{
      port: number;
      headers: Record<string, string>;
    }>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the server child exited (${code})`)));
      child.on(
        'message',
        (message: { type: string; port?: number; headers?: Record<string, string> }) => {
          if (message.type === 'ready' && message.port && message.headers) {
            resolve({ port: message.port, headers: message.headers });
          }
        },
      );
    });
    const base = `http://127.0.0.1:${port}`;
    const create = (body: string) =>
      fetch(`${base}/trpc/agents.create`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...headers },
      }).then(async (res) => ({ status: res.status, text: await res.text() }));

    const lines = [
      '',
      `hostile agents.create bodies (~${Math.round(BODY_BYTES / 1024)} KiB, limit 64 KiB), in-memory server in a child process, median of ${REPEATS}`,
      `${'body'.padEnd(16)}${'answer'.padStart(7)}${'time'.padStart(10)}${'loop block'.padStart(12)}${'peak RSS +'.padStart(12)}${'JSON.parse'.padStart(12)}`,
    ];
    const bodies = hostileBodies();
    for (const [name, body] of Object.entries(bodies)) {
      const runs: { ms: number; block: number; rss: number; status: number }[] = [];
      for (let i = 0; i < REPEATS; i++) {
        await ask(child, { type: 'reset' }, 'reset');
        const before = await ask<ServerStats>(child, { type: 'stats' }, 'stats');
        const started = performance.now();
        const { status } = await create(body);
        const ms = performance.now() - started;
        const after = await ask<ServerStats>(child, { type: 'stats' }, 'stats');
        runs.push({ ms, block: after.maxBlockMs, rss: after.peakRssMiB - before.rssMiB, status });
      }
      const med = (pick: (run: (typeof runs)[number]) => number) =>
        runs.map(pick).sort((a, b) => a - b)[Math.floor(runs.length / 2)] ?? NaN;
      lines.push(
        `${name.padEnd(16)}${String(runs[0]?.status).padStart(7)}${ms(med((r) => r.ms))}${ms(
          med((r) => r.block),
          12,
        )}${`${med((r) => r.rss).toFixed(0)} MiB`.padStart(12)}${ms(parseMs(body), 12)}`,
      );
    }

    // Several at once, while a health check is polled: how long does /healthz wait?
    const body = bodies['nested arrays']!;
    let slowestHealth = 0;
    let done = false;
    const poll = (async () => {
      while (!done) {
        const started = performance.now();
        await fetch(`${base}/healthz`).then((res) => res.text());
        slowestHealth = Math.max(slowestHealth, performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await ask(child, { type: 'reset' }, 'reset');
    const started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENT }, () => create(body)));
    const total = performance.now() - started;
    done = true;
    await poll;
    const after = await ask<ServerStats>(child, { type: 'stats' }, 'stats');
    lines.push(
      `${CONCURRENT} "nested arrays" at once: all answered in ${total.toFixed(0)} ms; slowest /healthz meanwhile ${slowestHealth.toFixed(0)} ms; longest loop block ${after.maxBlockMs.toFixed(0)} ms`,
      '(JSON.parse: the same body parsed once in this process, the part tRPC cannot avoid)',
      '',
    );
    process.stdout.write(lines.join('\n'));
  } finally {
    child.disconnect();
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

function parseMs(body: string): number {
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const started = performance.now();
    JSON.parse(body);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? NaN;
}

function ms(value: number, width = 10): string {
  return `${value.toFixed(0)} ms`.padStart(width);
}

if (process.argv.includes('--serve')) await serve();
else if (import.meta.url === `file://${process.argv[1]}`) await runHostileBodyBench();
