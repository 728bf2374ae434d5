// Call history in the dashboard: a call made in the browser (the built app, a real LiveKit, the
// test agent worker and LiveKit's webhooks to the app) shows its live transcript, appears in
// Calls while live, ends with its reason and duration, and opens to its detail page.

import { RoomServiceClient } from 'livekit-server-sdk';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CALL_ENDED_REASON_LABELS } from '../client/features/calls/call-labels.ts';
import { TEST_AGENT_LINES } from '../scripts/testing/agent-worker/transcription.ts';
import { startTestWorker, type TestWorker } from '../scripts/testing/agent-worker/spawn.ts';
import { registerWebhookTarget } from '../scripts/testing/services.ts';
import { LIVEKIT_WEBHOOK_PATH } from '../server/http/server.ts';
import {
  apiClient,
  connectBrowser,
  e2eContext,
  horizontalOverflow,
  openPage,
  PHONE,
  screenshot,
  uniqueName,
} from './support/browser.ts';
import { cookieHeader, inviteMember, trpcPost } from './support/sign-in.ts';

let browser: Browser;
let worker: TestWorker;
let unregisterWebhooks: (() => Promise<void>) | undefined;
const api = apiClient();

/** LiveKit closes a room some time after its last caller leaves; then its webhook arrives. */
const ROOM_CLOSE_TIMEOUT_MS = 60_000;
const ENDED_REASON = new RegExp(Object.values(CALL_ENDED_REASON_LABELS).join('|'));

beforeAll(async () => {
  const { livekit, agentName, baseUrl } = e2eContext();
  // The app records calls from LiveKit's webhooks: the test LiveKit's relay forwards them to it.
  unregisterWebhooks = await registerWebhookTarget(`${baseUrl}${LIVEKIT_WEBHOOK_PATH}`);
  [browser, worker] = await Promise.all([
    connectBrowser(),
    startTestWorker({ livekit, agentName }),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  await unregisterWebhooks?.();
});

function rooms(): RoomServiceClient {
  const { livekit } = e2eContext();
  return new RoomServiceClient(
    livekit.url.replace(/^ws(s?):\/\//, 'http$1://'),
    livekit.apiKey,
    livekit.apiSecret,
  );
}

/** The Calls table's rows (the header row among them). */
function callRows(page: Page) {
  return page.getByRole('table').getByRole('row');
}

describe('calls in the dashboard', () => {
  test('a browser call: live transcript, live in Calls, ended with reason and duration, its detail page and a diff after the agent changed', async () => {
    const agent = await api.agents.create.mutate({
      name: uniqueName('History'),
      config: {
        instructions: 'You answer calls for the call history test.',
        llm: { provider: 'openai', model: 'gpt-4.1-mini', temperature: 0.3 },
      },
    });
    const { context, page } = await openPage(browser);
    try {
      await page.goto(`/agents/${agent.id}`);
      const recent = page.getByRole('region', { name: 'Recent calls' });
      await recent.getByText('No calls yet.').waitFor();
      await page.getByRole('button', { name: 'Start call' }).click();

      const call = page.getByRole('region', { name: `Call with ${agent.name}` });
      await call.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 20_000 });
      const roomName = (await call.getByTestId('call-room').textContent()) ?? '';
      const identity = (await call.getByTestId('call-identity').textContent()) ?? '';

      // What the worker publishes on lk.transcription shows as the agent's lines, in order.
      const transcript = call.getByRole('region', { name: 'Live transcript' });
      for (const line of TEST_AGENT_LINES) {
        await transcript.getByText(line).waitFor({ timeout: 30_000 });
      }
      const shown = await transcript.getByRole('listitem').allTextContents();
      expect(shown).toEqual(TEST_AGENT_LINES.map((line) => `${agent.name}${line}`));
      const transcribed = await worker.waitFor(
        (report) => report.event === 'transcribed' && report.roomName === roomName,
      );
      expect(transcribed.identity).toBe(identity);

      // The agent page's recent calls and the Calls page show it live.
      await recent.getByText('Live').waitFor({ timeout: 20_000 });
      await call.getByText(/^Agent joined/).waitFor({ timeout: 20_000 });
      await screenshot(page, 'desktop-call-live-transcript');

      const calls = await context.newPage();
      await calls.goto(`/calls?agent=${agent.id}`);
      await calls.getByRole('heading', { name: 'Calls', level: 1 }).waitFor();
      const row = callRows(calls).filter({ hasText: agent.name });
      await row.getByText('Live').waitFor();
      expect(await row.count()).toBe(1);
      await expect.poll(() => row.textContent()).toContain('In progress');
      await screenshot(calls, 'desktop-calls-live');

      // Hang up: LiveKit closes the room, its webhook ends the call, the call view says why.
      await call.getByRole('button', { name: 'End call' }).click();
      await call.getByText('The call has ended.').waitFor();
      const outcome = call.getByRole('status').filter({ hasText: ENDED_REASON });
      await outcome.waitFor({ timeout: ROOM_CLOSE_TIMEOUT_MS });
      await screenshot(page, 'desktop-call-ended-outcome');

      // The Calls page was polling while the call was live: it shows it ended, with a duration.
      await row.getByText('Ended', { exact: true }).waitFor({ timeout: 20_000 });
      expect(await row.textContent()).toMatch(/\d+ s|\d+ min/);
      expect(await row.textContent()).toMatch(ENDED_REASON);
      await screenshot(calls, 'desktop-calls-ended');
      await calls.close();

      // The call's page: summary, participants, timeline, the config that ran.
      await outcome.getByRole('link', { name: 'Call details' }).click();
      await page.getByRole('heading', { name: `Call with ${agent.name}`, level: 1 }).waitFor();
      const participants = page.getByRole('list', { name: 'Participants' });
      await participants.getByText(identity).waitFor();
      expect(await participants.getByText('Agent', { exact: true }).count()).toBe(1);
      const timeline = page.getByRole('list', { name: 'Timeline' });
      expect(await timeline.getByText('Joined').count()).toBeGreaterThanOrEqual(2);
      await timeline.getByText(/Room finished|Room found gone/).waitFor();
      expect(await page.getByText(roomName, { exact: true }).count()).toBe(1);
      expect(await page.getByLabel('Config that ran').textContent()).toContain(
        'You answer calls for the call history test.',
      );
      // The worker reports its transcript once its room has closed; the page shows it when loaded
      // after that report (it stops refreshing once the call has ended).
      await worker.waitFor(
        (report) => report.event === 'reported' && report.roomName === roomName,
        ROOM_CLOSE_TIMEOUT_MS,
      );
      await page.reload();
      await page.getByText('Hi, this is the test participant.').waitFor();
      await screenshot(page, 'desktop-call-detail', { fullPage: true });

      // Edit the agent, then compare what ran with it, path by path.
      await api.agents.update.mutate({
        agentId: agent.id,
        config: {
          instructions: 'You answer calls for the call history test.',
          llm: { provider: 'openai', model: 'gpt-4.1', temperature: 0.3 },
          greeting: 'A new greeting',
        },
      });
      await page.getByRole('button', { name: 'Diff against the agent now' }).click();
      const diff = page.getByRole('region', { name: 'Differences from the agent now' });
      const model = diff.getByRole('row').filter({ hasText: 'llm.model' });
      await model.waitFor();
      expect(await model.textContent()).toMatch(/changed.*"gpt-4\.1-mini".*"gpt-4\.1"/);
      const greeting = diff.getByRole('row').filter({ hasText: /^greeting/ });
      expect(await greeting.textContent()).toMatch(/added.*\(not set\).*"A new greeting"/);
      expect(await diff.getByRole('row').filter({ hasText: 'instructions' }).count()).toBe(0);
      // What the call got from the defaults (the agent never set stt) is listed apart, folded.
      expect(await diff.getByRole('row').filter({ hasText: /^stt/ }).count()).toBe(0);
      await diff.getByText(/values the call got from the defaults/).click();
      const stt = diff.getByRole('row').filter({ hasText: /^stt/ });
      await stt.getByText('default', { exact: true }).waitFor();
      expect(await stt.textContent()).toContain('"deepgram"');
      await screenshot(page, 'desktop-call-detail-diff', { fullPage: true });

      // At phone width the call page fits.
      await page.setViewportSize(PHONE);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, 'phone-call-detail');
      await model.scrollIntoViewIfNeeded();
      await screenshot(page, 'phone-call-detail-diff');
    } finally {
      await context.close();
    }
  });

  test('filters narrow the table and live in the URL', async () => {
    const [first, second] = await Promise.all([
      api.agents.create.mutate({ name: uniqueName('Filter one') }),
      api.agents.create.mutate({ name: uniqueName('Filter two') }),
    ]);
    // Calls started through the API: nobody but the agent joins, so they stay "Starting".
    const started = [
      await api.session.start.mutate({ agentId: first.id }),
      await api.session.start.mutate({ agentId: second.id }),
      await api.session.start.mutate({ agentId: second.id }),
    ];
    const { context, page } = await openPage(browser);
    try {
      await page.goto('/calls');
      await page.getByRole('table').waitFor();
      const search = page.getByRole('search', { name: 'Filter calls' });

      // The agent filter: pick by name; the URL keeps it.
      await search.getByRole('combobox', { name: 'Agent' }).fill(second.name);
      await page.getByRole('option', { name: second.name }).click();
      await page.waitForURL((url) => url.searchParams.get('agent') === second.id);
      await expect.poll(() => callRows(page).filter({ hasText: second.name }).count()).toBe(2);
      await expect.poll(() => callRows(page).count()).toBe(3); // the header row and two calls
      await screenshot(page, 'desktop-calls-filtered');

      // A reload shows the same filtered list.
      await page.reload();
      await expect.poll(() => callRows(page).filter({ hasText: second.name }).count()).toBe(2);

      // Status: none of these calls has ended.
      await search.getByRole('combobox', { name: 'Status' }).selectOption('ended');
      await page.getByRole('heading', { name: 'No calls match these filters' }).waitFor();
      expect(new URL(page.url()).searchParams.get('status')).toBe('ended');
      await search.getByRole('combobox', { name: 'Status' }).selectOption('started');
      await expect.poll(() => callRows(page).filter({ hasText: second.name }).count()).toBe(2);

      // Type: they are web calls.
      await search.getByRole('combobox', { name: 'Type' }).selectOption('inbound-phone');
      await page.getByRole('heading', { name: 'No calls match these filters' }).waitFor();
      await search.getByRole('combobox', { name: 'Type' }).selectOption('web');
      await expect.poll(() => callRows(page).filter({ hasText: second.name }).count()).toBe(2);

      // A phone number that is not one is explained beside the box; a real one filters (to none).
      const phone = search.getByRole('textbox', { name: 'Phone number' });
      await phone.fill('12');
      await phone.press('Enter');
      await search.getByText(/^The number must start with "\+"/).waitFor();
      expect(await phone.getAttribute('aria-invalid')).toBe('true');
      // The list is asked for calls to or from that number (the server's filter; none of these
      // web calls has a phone leg).
      const asked = page.waitForRequest(
        (request) =>
          request.url().includes('sessions.list') &&
          decodeURIComponent(request.url()).includes('"phoneNumber":"+15551234567"'),
      );
      await phone.fill('+1 555 123 4567');
      await phone.press('Enter');
      await asked;
      expect(new URL(page.url()).searchParams.get('phone')).toBe('+15551234567');
      expect(await phone.inputValue()).toBe('+15551234567');

      // A time range that ends before these calls began leaves none.
      await page.goto(`/calls?agent=${second.id}&to=2020-01-01T00:00:00.000Z`);
      await page.getByRole('heading', { name: 'No calls match these filters' }).waitFor();
      await page.getByRole('button', { name: 'Clear filters' }).first().click();
      await expect.poll(() => new URL(page.url()).search).toBe('');
      await expect.poll(() => callRows(page).filter({ hasText: first.name }).count()).toBe(1);

      // At phone width the table is one card per call and nothing sticks out.
      await page.goto(`/calls?agent=${second.id}`);
      await page.setViewportSize(PHONE);
      await expect.poll(() => callRows(page).filter({ hasText: second.name }).count()).toBe(2);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'phone-calls-filtered');
      await callRows(page).filter({ hasText: second.name }).first().scrollIntoViewIfNeeded();
      await screenshot(page, 'phone-calls-filtered-rows');

      // The agent page lists its recent calls and links to them all in Calls.
      await page.setViewportSize({ width: 1280, height: 860 });
      await page.goto(`/agents/${second.id}`);
      const recent = page.getByRole('region', { name: 'Recent calls' });
      await expect.poll(() => recent.getByRole('listitem').count()).toBe(2);
      await recent.getByRole('link', { name: 'All calls' }).click();
      await page.waitForURL((url) => url.pathname === '/calls');
      expect(new URL(page.url()).searchParams.get('agent')).toBe(second.id);
    } finally {
      await context.close();
      const service = rooms();
      await Promise.all(
        started.map((call) => service.deleteRoom(call.roomName).catch(() => undefined)),
      );
    }
  });

  test('an unknown or malformed call id is a clear not-found page', async () => {
    const { context, page } = await openPage(browser);
    try {
      await page.goto('/calls/0123456789abcdef01234567');
      await page.getByRole('heading', { name: 'Call not found' }).waitFor();
      await screenshot(page, 'desktop-call-not-found');
      await page.goto('/calls/not-an-id');
      await page.getByRole('heading', { name: 'Call not found' }).waitFor();
      await page.getByRole('link', { name: 'Back to calls' }).click();
      await page.getByRole('heading', { name: 'Calls', level: 1 }).waitFor();
    } finally {
      await context.close();
    }
  });

  test('a call of another workspace is not found there, and not listed', async () => {
    const { baseUrl, owner } = e2eContext();
    // A member of the e2e workspace who also owns a workspace of their own, and works in that one.
    const member = await inviteMember(baseUrl, owner, 'member');
    const elsewhere = await trpcPost<{ id: string }>(
      baseUrl,
      'workspaces.create',
      { name: uniqueName('Elsewhere') },
      cookieHeader(member.cookie),
    );
    const agent = await api.agents.create.mutate({ name: uniqueName('Not yours') });
    const theirs = await api.session.start.mutate({ agentId: agent.id });
    expect(theirs.sessionId).toMatch(/^[0-9a-f]{24}$/);
    const { context, page } = await openPage(browser, undefined, { session: member.cookie });
    try {
      await page.addInitScript(
        (id) => window.localStorage.setItem('switchboard.workspace', id),
        elsewhere.id,
      );
      await page.goto(`/calls/${theirs.sessionId}`);
      await page.getByRole('heading', { name: 'Call not found' }).waitFor();
      await page.goto('/calls');
      await page.getByRole('heading', { name: 'No calls yet' }).waitFor();
    } finally {
      await context.close();
      await rooms()
        .deleteRoom(theirs.roomName)
        .catch(() => undefined);
    }
  });

  test('a viewer has no Calls: no link in the menu, a clear page at its address, no recent calls', async () => {
    const { baseUrl, owner } = e2eContext();
    const viewer = await inviteMember(baseUrl, owner, 'viewer');
    const agent = await api.agents.create.mutate({ name: uniqueName('Viewed') });
    const { context, page } = await openPage(browser, undefined, { session: viewer.cookie });
    try {
      await page.goto(`/agents/${agent.id}`);
      await page.getByRole('heading', { name: agent.name, level: 1 }).waitFor();
      const nav = page.getByRole('navigation', { name: 'Main' });
      await nav.getByRole('link', { name: 'Agents' }).waitFor();
      expect(await nav.getByRole('link', { name: 'Calls' }).count()).toBe(0);
      expect(await page.getByRole('region', { name: 'Recent calls' }).count()).toBe(0);

      await page.goto('/calls');
      await page.getByRole('heading', { name: 'Calls', level: 1 }).waitFor();
      await page.getByText('sessions:read').waitFor();
      expect(await page.getByRole('table').count()).toBe(0);
      await screenshot(page, 'desktop-calls-viewer');
    } finally {
      await context.close();
    }
  });
});
