// Talking to an agent from the browser: the built app, a real LiveKit server, the test agent worker.

import {
  AgentDispatchClient,
  ParticipantInfo_State,
  RoomServiceClient,
  TrackSource,
} from 'livekit-server-sdk';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestWorker, type TestWorker } from '../scripts/testing/agent-worker/spawn.ts';
import { AGENT_JOIN_TIMEOUT_MS } from '../client/features/session/call-errors.ts';
import {
  apiClient,
  connectBrowser,
  DESKTOP,
  e2eContext,
  openPage,
  PHONE,
  screenshot,
  uniqueName,
} from './support/browser.ts';
import { startSignedInApp } from './support/sign-in.ts';

let browser: Browser;
let worker: TestWorker;
const api = apiClient();

function livekitClients() {
  const { livekit } = e2eContext();
  const httpUrl = livekit.url.replace(/^ws(s?):\/\//, 'http$1://');
  return {
    rooms: new RoomServiceClient(httpUrl, livekit.apiKey, livekit.apiSecret),
    dispatches: new AgentDispatchClient(httpUrl, livekit.apiKey, livekit.apiSecret),
  };
}

beforeAll(async () => {
  const { livekit, agentName } = e2eContext();
  // Registered before any call: LiveKit does not retry a dispatch made while no worker is there.
  [browser, worker] = await Promise.all([
    connectBrowser(),
    startTestWorker({ livekit, agentName }),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

async function startCall(page: Page, overrides: { greeting?: string } = {}): Promise<void> {
  if (overrides.greeting) {
    await page.getByText('Per-call overrides').click();
    await page.getByRole('textbox', { name: 'Greeting for this call' }).fill(overrides.greeting);
  }
  await page.getByRole('button', { name: 'Start call' }).click();
}

async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('talking to an agent', () => {
  test('a call joins the room, the agent is dispatched with the resolved config and joins, and ending it leaves the room', async () => {
    const agent = await api.agents.create.mutate({
      name: uniqueName('Caller'),
      config: {
        instructions: 'You answer calls for the e2e test.',
        greeting: 'Stored greeting',
        llm: { provider: 'openai', model: 'gpt-4.1-mini', temperature: 0.3 },
        tools: ['hang_up'],
      },
    });
    const { rooms, dispatches } = livekitClients();
    const { context, page } = await openPage(browser);
    try {
      await page.goto(`/agents/${agent.id}`);
      await startCall(page, { greeting: 'Hello from the browser test' });

      const call = page.getByRole('region', { name: `Call with ${agent.name}` });
      await call.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 20_000 });
      const roomName = (await call.getByTestId('call-room').textContent()) ?? '';
      const identity = (await call.getByTestId('call-identity').textContent()) ?? '';
      expect(roomName).toMatch(/\S/);

      // The page's participant is in the room, publishing its (fake) microphone.
      const me = await waitUntil(
        'the page to be an active participant with a microphone',
        async () => {
          const participants = await rooms.listParticipants(roomName);
          const found = participants.find((p) => p.identity === identity);
          return found?.state === ParticipantInfo_State.ACTIVE && found.tracks.length > 0
            ? found
            : undefined;
        },
      );
      expect(me.tracks.some((track) => track.source === TrackSource.MICROPHONE)).toBe(true);

      // The dispatch carries the stored config with this call's override merged in.
      const [dispatch] = await dispatches.listDispatch(roomName);
      expect(dispatch?.agentName).toBe(e2eContext().agentName);
      const metadata = JSON.parse(dispatch?.metadata ?? '{}') as {
        agentId: string;
        config: Record<string, unknown>;
      };
      expect(metadata.agentId).toBe(agent.id);
      expect(metadata.config).toMatchObject({
        instructions: 'You answer calls for the e2e test.',
        greeting: 'Hello from the browser test',
        llm: { provider: 'openai', model: 'gpt-4.1-mini', temperature: 0.3 },
        tools: [{ name: 'hang_up' }],
      });

      // The worker got that job, joined, and the page sees the agent.
      const job = await worker.waitFor(
        (report) => report.event === 'job' && report.roomName === roomName,
        20_000,
      );
      expect(JSON.parse(job.metadata ?? '{}')).toEqual(metadata);
      await worker.waitFor(
        (report) => report.event === 'connected' && report.roomName === roomName,
        20_000,
      );
      await call.getByText(/^Agent joined/).waitFor({ timeout: 20_000 });
      await call.getByRole('meter', { name: 'Agent audio level' }).waitFor();
      await screenshot(page, 'desktop-call-connected');

      // The mic switch works while connected.
      await call.getByRole('button', { name: 'Turn microphone off' }).click();
      await call.getByRole('meter', { name: 'Your microphone is off' }).waitFor();
      await call.getByRole('button', { name: 'Turn microphone on' }).click();
      await call.getByRole('meter', { name: 'Your microphone level' }).waitFor();

      await call.getByRole('button', { name: 'End call' }).click();
      await call.getByText('The call has ended.').waitFor();
      await waitUntil('the page to leave the room', async () => {
        const participants = await rooms.listParticipants(roomName).catch(() => []);
        return participants.some((p) => p.identity === identity) ? undefined : true;
      });
      await call.getByRole('button', { name: 'Done' }).click();
      await page.getByRole('button', { name: 'Start call' }).waitFor();
    } finally {
      await context.close();
    }
  });

  test('at 375 px the call fits the screen', async () => {
    const agent = await api.agents.create.mutate({ name: uniqueName('Pocket caller') });
    const { context, page } = await openPage(browser, PHONE);
    try {
      await page.goto(`/agents/${agent.id}`);
      await startCall(page);
      const call = page.getByRole('region', { name: `Call with ${agent.name}` });
      await call.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 20_000 });
      await call.getByText(/^Agent joined/).waitFor({ timeout: 20_000 });
      expect(
        await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
      ).toBeLessThanOrEqual(0);
      await screenshot(page, 'phone-call-connected');
      await call.getByRole('button', { name: 'End call' }).click();
      await call.getByText('The call has ended.').waitFor();
    } finally {
      await context.close();
    }
  });

  test('a denied microphone is explained, and the call still connects to listen', async () => {
    const agent = await api.agents.create.mutate({ name: uniqueName('No mic') });
    const { context, page } = await openPage(browser);
    try {
      // What Chromium answers when the user blocks the microphone.
      await page.addInitScript(() => {
        navigator.mediaDevices.getUserMedia = () =>
          Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
      });
      await page.goto(`/agents/${agent.id}`);
      await startCall(page);
      const call = page.getByRole('region', { name: `Call with ${agent.name}` });
      await call
        .getByRole('alert')
        .filter({ hasText: 'Microphone access is blocked' })
        .waitFor({ timeout: 20_000 });
      await call.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
      await call.getByRole('button', { name: 'Turn microphone on' }).waitFor();
      await screenshot(page, 'desktop-call-mic-denied');
      await call.getByRole('button', { name: 'End call' }).click();
      await call.getByText('The call has ended.').waitFor();
    } finally {
      await context.close();
    }
  });

  test('an unreachable LiveKit server is explained, with a way to try again', async () => {
    const agent = await api.agents.create.mutate({ name: uniqueName('Unreachable') });
    // The page's CSP allows only the LIVEKIT_URL the app was started with, so it also blocks the
    // closed port below; the browser reports that as the same failed connection.
    const { context, page } = await openPage(browser, DESKTOP, {
      expectedCspViolations: /^connect-src blocked (ws|http):\/\/127\.0\.0\.1:9\//,
    });
    try {
      // The server answers normally; the LiveKit URL it hands out points at a closed port.
      await page.route(
        (url) => url.pathname.includes('session.start'),
        async (route) => {
          const response = await route.fetch();
          const body = (await response.json()) as { result?: { data?: { serverUrl?: string } } }[];
          for (const item of body)
            if (item.result?.data) item.result.data.serverUrl = 'ws://127.0.0.1:9';
          await route.fulfill({ response, json: body });
        },
      );
      await page.goto(`/agents/${agent.id}`);
      await startCall(page);
      const call = page.getByRole('region', { name: `Call with ${agent.name}` });
      const alert = call
        .getByRole('alert')
        .filter({ hasText: 'Could not reach the LiveKit server at ws://127.0.0.1:9' });
      await alert.waitFor({ timeout: 30_000 });
      await alert.getByRole('button', { name: 'Try again' }).waitFor();
      await screenshot(page, 'desktop-call-unreachable');
      await alert.getByRole('button', { name: 'Close' }).click();
      await page.getByRole('button', { name: 'Start call' }).waitFor();
    } finally {
      await context.close();
    }
  });

  test('when no worker takes the call, it says so after a while and what to check', async () => {
    // The same LiveKit, but an AGENT_NAME no worker registers: the dispatch reaches nobody.
    const { livekit } = e2eContext();
    const agentName = `sb-e2e-nobody-${Math.random().toString(36).slice(2, 8)}`;
    const { app, owner, apiKey } = await startSignedInApp({
      NODE_ENV: 'development',
      LIVEKIT_URL: livekit.url,
      LIVEKIT_API_KEY: livekit.apiKey,
      LIVEKIT_API_SECRET: livekit.apiSecret,
      AGENT_NAME: agentName,
    });
    const agent = await apiClient(app.baseUrl, apiKey).agents.create.mutate({
      name: uniqueName('Alone'),
    });
    const { context, page } = await openPage(browser, DESKTOP, { session: owner.cookie });
    try {
      await page.goto(`${app.baseUrl}/agents/${agent.id}`);
      await startCall(page);
      const call = page.getByRole('region', { name: `Call with ${agent.name}` });
      await call.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 20_000 });
      await call.getByText('Waiting for the agent to join…').waitFor();
      const alert = call.getByRole('alert').filter({ hasText: 'No agent worker took this call' });
      await alert.waitFor({ timeout: AGENT_JOIN_TIMEOUT_MS + 20_000 });
      expect(await alert.textContent()).toContain(agentName);
      await call.getByText('No agent has joined').waitFor();
      await screenshot(page, 'desktop-call-no-worker');
      await call.getByRole('button', { name: 'End call' }).click();
      await call.getByText('The call has ended.').waitFor();
    } finally {
      await context.close();
      await app.stop();
    }
  });
});
