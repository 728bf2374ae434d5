// The agent dashboard in a real Chromium against the built app, a real database behind it.

import { TRPCClientError } from '@trpc/client';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  apiClient,
  connectBrowser,
  DESKTOP,
  horizontalOverflow,
  openPage,
  PHONE,
  screenshot,
  uniqueName,
} from './support/browser.ts';

let browser: Browser;
const api = apiClient();

beforeAll(async () => {
  browser = await connectBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** The agent id in a page's URL (`/agents/<id>`). */
function agentIdOf(page: Page): string {
  const id = /\/agents\/([0-9a-f]{24})$/.exec(new URL(page.url()).pathname)?.[1];
  if (!id) throw new Error(`not on an agent page: ${page.url()}`);
  return id;
}

/** A text field by its accessible name (one with suggestions is a combobox). */
function textbox(scope: Page | Locator, name: string) {
  return scope
    .getByRole('textbox', { name, exact: true })
    .or(scope.getByRole('combobox', { name, exact: true }));
}

/** Requests to one procedure, batched or not (`/trpc/system.info,agents.list?batch=1`). */
function procedure(name: string) {
  return (url: URL) =>
    url.pathname.startsWith('/trpc/') && url.pathname.split(/[/,]/).includes(name);
}

/** Longer than the list's search debounce (SEARCH_DEBOUNCE_MS, 300 ms). */
const SEARCH_SETTLED_MS = 1000;

async function waitForUrl(page: Page, pattern: RegExp): Promise<void> {
  await page.waitForURL((url) => pattern.test(url.pathname + url.search));
}

describe('agents', () => {
  test('an agent is created in the form, listed, edited, and the edit survives a reload', async () => {
    const { context, page } = await openPage(browser);
    const name = uniqueName('Front desk');
    try {
      await page.goto('/');
      await waitForUrl(page, /^\/agents$/);
      await page.getByRole('link', { name: 'New agent' }).click();
      await waitForUrl(page, /^\/agents\/new$/);

      await textbox(page, 'Name').fill(name);
      await textbox(page, 'Description').fill('Answers the phone for Acme Dental.');
      await textbox(page, 'Instructions').fill(
        'You are the front desk of Acme Dental. Keep answers short.',
      );
      await textbox(page, 'Provider').fill('openai');
      await textbox(page, 'Model').fill('gpt-4.1-mini');
      await textbox(page, 'Temperature').fill('0.4');
      await textbox(page, 'Voice').fill('alloy');
      await page.getByRole('button', { name: 'Add tool' }).click();
      const tool = page.getByRole('group', { name: 'Tool 1' });
      await tool.getByRole('textbox', { name: 'Name' }).fill('lookup_booking');
      await tool
        .getByRole('textbox', { name: 'Description' })
        .fill('Finds a booking by the caller’s phone number');
      await screenshot(page, 'desktop-agent-new');

      await page.getByRole('button', { name: /create agent/i }).click();
      await waitForUrl(page, /^\/agents\/[0-9a-f]{24}$/);
      const agentId = agentIdOf(page);
      await page
        .getByRole('status')
        .filter({ hasText: `Created “${name}”` })
        .waitFor();
      await page.getByRole('heading', { level: 1, name }).waitFor();
      expect(await page.title()).toBe(`${name} · Switchboard`);
      await screenshot(page, 'desktop-agent-page');
      await screenshot(page, 'desktop-agent-page-full', { fullPage: true });

      // It is in the list, which links back to it.
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Agents' })
        .click();
      await waitForUrl(page, /^\/agents$/);
      await page.getByRole('link', { name }).waitFor();
      await screenshot(page, 'desktop-agents-list');
      await page.getByRole('link', { name }).click();
      await waitForUrl(page, new RegExp(`^/agents/${agentId}$`));

      await textbox(page, 'Temperature').fill('0.9');
      await textbox(page, 'Greeting').fill('Hello, Acme Dental, how can I help?');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByRole('status').filter({ hasText: 'version 2' }).first().waitFor();

      // A real URL: the production server answers index.html for it, and the data is stored.
      await page.reload();
      await page.getByRole('heading', { level: 1, name }).waitFor();
      expect(await textbox(page, 'Temperature').inputValue()).toBe('0.9');
      expect(await textbox(page, 'Greeting').inputValue()).toBe(
        'Hello, Acme Dental, how can I help?',
      );
      await page.getByText(/^Version 2 · updated/).waitFor();

      const stored = await api.agents.get.query({ agentId });
      expect(stored).toMatchObject({
        name,
        description: 'Answers the phone for Acme Dental.',
        version: 2,
      });
      expect(stored.config).toEqual({
        instructions: 'You are the front desk of Acme Dental. Keep answers short.',
        greeting: 'Hello, Acme Dental, how can I help?',
        llm: { provider: 'openai', model: 'gpt-4.1-mini', temperature: 0.9 },
        tts: { voice: 'alloy' },
        tools: [
          { name: 'lookup_booking', description: 'Finds a booking by the caller’s phone number' },
        ],
      });
    } finally {
      await context.close();
    }
  });

  test('keys the form does not know survive a form edit, and the raw JSON is validated as you type', async () => {
    const created = await api.agents.create.mutate({
      name: uniqueName('Router'),
      config: {
        llm: { model: 'gpt-4o-mini', seed: 7 },
        routing: { fallback: 'human', weights: [1, 2] },
      },
    });
    const { context, page } = await openPage(browser);
    try {
      await page.goto(`/agents/${created.id}`);
      await textbox(page, 'Model').fill('gpt-4.1');

      await page.getByRole('tab', { name: /raw json/i }).click();
      const json = textbox(page, 'Config (JSON)');
      const shown = JSON.parse(await json.inputValue()) as unknown;
      expect(shown).toEqual({
        llm: { model: 'gpt-4.1', seed: 7 },
        routing: { fallback: 'human', weights: [1, 2] },
      });

      await json.fill('{ "llm": { "temperature": 5 }');
      await page.getByText(/Not valid JSON/).waitFor();
      await json.fill('{ "llm": { "temperature": 5 } }');
      await page.getByText('Must be at most 2').waitFor();
      expect(await page.locator('.json-status code').textContent()).toBe('llm.temperature');
      await json.fill('{ "llm": { "$where": 1 } }');
      await page.getByText(/keys may not start with "\$"/).waitFor();
      await screenshot(page, 'desktop-json-invalid');
      // The form cannot show an invalid config: the tab stays put and says why.
      await page.getByRole('tab', { name: 'Form' }).click();
      await page.getByRole('alert').filter({ hasText: 'Fix the JSON first' }).waitFor();

      await json.fill(
        JSON.stringify(
          {
            llm: { model: 'gpt-4.1', seed: 7 },
            routing: { fallback: 'voicemail' },
            future: { on: true },
          },
          null,
          2,
        ),
      );
      await page.getByText('Valid config').waitFor();
      await page.getByRole('tab', { name: 'Form' }).click();
      expect(await textbox(page, 'Model').inputValue()).toBe('gpt-4.1');
      await textbox(page, 'Voice').fill('verse');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByRole('status').filter({ hasText: 'version 2' }).first().waitFor();

      const stored = await api.agents.get.query({ agentId: created.id });
      expect(stored.config).toEqual({
        llm: { model: 'gpt-4.1', seed: 7 },
        routing: { fallback: 'voicemail' },
        future: { on: true },
        tts: { voice: 'verse' },
      });
    } finally {
      await context.close();
    }
  });

  test('a save against a stale version opens the "changed elsewhere" dialog and overwrites nothing', async () => {
    const created = await api.agents.create.mutate({
      name: uniqueName('Shared'),
      config: { greeting: 'Original' },
    });
    const first = await openPage(browser);
    const second = await openPage(browser);
    try {
      await first.page.goto(`/agents/${created.id}`);
      await second.page.goto(`/agents/${created.id}`);
      await textbox(second.page, 'Greeting').waitFor();

      await textbox(first.page, 'Greeting').fill('From the first tab');
      await first.page.getByRole('button', { name: 'Save changes' }).click();
      await first.page.getByRole('status').filter({ hasText: 'version 2' }).first().waitFor();

      await textbox(second.page, 'Greeting').fill('From the second tab');
      await second.page.getByRole('button', { name: 'Save changes' }).click();
      const dialog = second.page.getByRole('alertdialog', {
        name: 'This agent was changed elsewhere',
      });
      await dialog.waitFor();
      await dialog.getByText('Your changes were not saved').waitFor();
      await dialog.getByText(/someone has since saved version 2/).waitFor();
      expect(await api.agents.get.query({ agentId: created.id })).toMatchObject({
        version: 2,
        config: { greeting: 'From the first tab' },
      });

      await dialog.getByRole('button', { name: 'Show the difference' }).click();
      const row = dialog.getByRole('row', { name: /config\.greeting/ });
      await row.getByText('From the first tab').waitFor();
      await row.getByText('From the second tab').waitFor();
      await screenshot(second.page, 'desktop-conflict-diff');

      await dialog.getByRole('button', { name: 'Reload their version' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect(await textbox(second.page, 'Greeting').inputValue()).toBe('From the first tab');

      // From the reloaded version a save goes through.
      await textbox(second.page, 'Greeting').fill('Agreed greeting');
      await second.page.getByRole('button', { name: 'Save changes' }).click();
      await second.page.getByRole('status').filter({ hasText: 'version 3' }).first().waitFor();
      expect(await api.agents.get.query({ agentId: created.id })).toMatchObject({
        version: 3,
        config: { greeting: 'Agreed greeting' },
      });
    } finally {
      await first.context.close();
      await second.context.close();
    }
  });

  test('after seeing the difference, "Save mine over theirs" saves knowingly on top of the newer version', async () => {
    const created = await api.agents.create.mutate({
      name: uniqueName('Contested'),
      config: { greeting: 'Original' },
    });
    const { context, page } = await openPage(browser);
    try {
      await page.goto(`/agents/${created.id}`);
      await textbox(page, 'Greeting').fill('Mine');
      // Someone else saves meanwhile.
      await api.agents.update.mutate({
        agentId: created.id,
        expectedVersion: 1,
        config: { greeting: 'Theirs', tts: { voice: 'x' } },
      });

      await page.getByRole('button', { name: 'Save changes' }).click();
      const dialog = page.getByRole('alertdialog', { name: 'This agent was changed elsewhere' });
      await dialog.getByRole('button', { name: 'Show the difference' }).click();
      // The difference has the focus, not the destructive button that took the old button's place.
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
        'Differences',
      );
      await dialog.getByRole('row', { name: /config\.tts\.voice/ }).waitFor();
      await dialog.getByRole('button', { name: 'Save mine over theirs' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await page.getByRole('status').filter({ hasText: 'version 3' }).first().waitFor();
      expect(await api.agents.get.query({ agentId: created.id })).toMatchObject({
        version: 3,
        config: { greeting: 'Mine' },
      });
    } finally {
      await context.close();
    }
  });

  test('validation errors — the shared schema in the browser, and the server’s answer — show beside their fields', async () => {
    const created = await api.agents.create.mutate({
      name: uniqueName('Strict'),
      config: { tools: ['hang_up', 'lookup'] },
    });
    const { context, page } = await openPage(browser);
    try {
      await page.goto(`/agents/${created.id}`);
      await textbox(page, 'Temperature').fill('5');
      await textbox(page, 'Speed').fill('fast');
      await page.getByRole('button', { name: 'Save changes' }).click();
      const summary = page.getByRole('alert').filter({ hasText: 'problems stop the save' });
      await summary.waitFor();
      expect(await textbox(page, 'Temperature').getAttribute('aria-invalid')).toBe('true');
      await page.getByText('Must be at most 2').first().waitFor();
      await page.getByText('Enter a number').first().waitFor();

      // A fixed problem leaves the summary at once; the other stays until it is fixed too.
      await textbox(page, 'Speed').fill('');
      await page.getByRole('alert').filter({ hasText: 'One problem stops the save' }).waitFor();
      expect(await summary.count()).toBe(0);
      expect(await textbox(page, 'Speed').getAttribute('aria-invalid')).toBeNull();
      await textbox(page, 'Temperature').fill('1');
      await page
        .getByRole('alert')
        .filter({ hasText: 'stops the save' })
        .waitFor({ state: 'detached' });

      // What the server refuses is filed by each issue's path, through the real client link:
      // the browser's checks are bypassed by rewriting a valid save in flight.
      await page.route(procedure('agents.update'), async (route) => {
        const body = route.request().postDataJSON() as Record<
          string,
          { name: string; config: { llm: { temperature: number }; tools: unknown[] } }
        >;
        const call = body['0'];
        if (call) {
          call.name = '   ';
          call.config.llm.temperature = 7;
          call.config.tools[1] = 'hang_up';
        }
        await route.continue({ postData: JSON.stringify(body) });
      });
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page
        .getByRole('alert')
        .filter({ hasText: 'The server did not accept the agent' })
        .waitFor();
      /** The error text a field points at (aria-describedby), after checking it is invalid. */
      const errorOf = async (field: Locator) => {
        expect(await field.getAttribute('aria-invalid')).toBe('true');
        const describedBy = (await field.getAttribute('aria-describedby')) ?? '';
        return page.locator(`[id="${describedBy.split(' ')[0]}"]`).textContent();
      };
      expect(await errorOf(textbox(page, 'Temperature'))).toContain('Must be at most 2');
      const basics = page.getByRole('region', { name: 'Basics' });
      expect(await errorOf(textbox(basics, 'Name'))).toContain('must not be empty');
      const tool2 = page.getByRole('group', { name: 'Tool 2' });
      expect(await errorOf(tool2.getByRole('textbox', { name: 'Name' }))).toContain(
        'tool "hang_up" is listed twice',
      );
      const serverSummary = page.getByRole('alert').filter({ hasText: '3 problems stop the save' });
      await serverSummary.waitFor();
      await serverSummary.getByRole('link', { name: /^Tool 2 name:/ }).waitFor();
      await screenshot(page, 'desktop-server-validation');

      // The server's problem goes once the value it was about changes.
      await textbox(page, 'Temperature').fill('0.5');
      await page.getByRole('alert').filter({ hasText: '2 problems stop the save' }).waitFor();
      expect(await textbox(page, 'Temperature').getAttribute('aria-invalid')).toBeNull();
      expect((await api.agents.get.query({ agentId: created.id })).version).toBe(1);
    } finally {
      await context.close();
    }
  });

  test('a raw-JSON config the server refuses is shown under the JSON, by its path', async () => {
    const created = await api.agents.create.mutate({ name: uniqueName('Raw') });
    const { context, page } = await openPage(browser);
    try {
      await page.goto(`/agents/${created.id}`);
      await page.getByRole('tab', { name: /raw json/i }).click();
      await textbox(page, 'Config (JSON)').fill('{ "variables": { "city": "Lyon" } }');
      await page.getByText('Valid config').waitFor();
      // A value the browser would refuse, put in by rewriting the save in flight.
      await page.route(procedure('agents.update'), async (route) => {
        const body = route.request().postDataJSON() as Record<
          string,
          { config: { variables: Record<string, unknown> } }
        >;
        const call = body['0'];
        if (call) call.config.variables.city = 42;
        await route.continue({ postData: JSON.stringify(body) });
      });
      await page.getByRole('button', { name: 'Save changes' }).click();
      const summary = page.getByRole('alert').filter({ hasText: 'One problem stops the save' });
      await summary.getByRole('link', { name: 'Config: variables.city: Must be text' }).waitFor();
      const json = page.locator('.field--invalid').filter({ has: textbox(page, 'Config (JSON)') });
      await json.getByText('variables.city: Must be text').waitFor();
      await screenshot(page, 'desktop-server-validation-json');
    } finally {
      await context.close();
    }
  });

  test('leaving with unsaved changes asks first, by link and by the back button', async () => {
    const created = await api.agents.create.mutate({ name: uniqueName('Guarded') });
    const { context, page } = await openPage(browser);
    try {
      await page.goto('/agents');
      await page.getByRole('searchbox', { name: 'Search agents by name' }).fill(created.name);
      await page.getByRole('link', { name: created.name }).click();
      await textbox(page, 'Greeting').fill('Not saved yet');

      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Agents' })
        .click();
      const dialog = page.getByRole('alertdialog', { name: 'Leave without saving?' });
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Stay on this page' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect(new URL(page.url()).pathname).toBe(`/agents/${created.id}`);
      expect(await textbox(page, 'Greeting').inputValue()).toBe('Not saved yet');

      await page.evaluate(() => window.history.back());
      await dialog.waitFor();
      expect(new URL(page.url()).pathname).toBe(`/agents/${created.id}`);
      await dialog.getByRole('button', { name: 'Discard changes' }).click();
      await waitForUrl(page, /^\/agents(\?|$)/);
      await page.getByRole('heading', { level: 1, name: 'Agents' }).waitFor();
    } finally {
      await context.close();
    }
  });

  test('opening an agent while a search is still settling stays on the agent', async () => {
    const created = await api.agents.create.mutate({ name: uniqueName('Racer') });
    const { context, page } = await openPage(browser);
    try {
      // Time flows as usual, but the test can also move it on (and fire due timers) at once.
      await page.clock.install();
      await page.goto('/agents');
      await page.getByRole('link', { name: created.name }).waitFor();
      // The agent page's code is held back, so the list stays on screen (React Router renders the
      // next page in a transition) for longer than the search's debounce.
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      const agentPagesChunk = (url: URL) => /\/assets\/agent-pages-[^/]*\.js$/.test(url.pathname);
      let requested = () => {};
      const chunkRequested = new Promise<void>((resolve) => (requested = resolve));
      await page.route(agentPagesChunk, async (route) => {
        requested();
        await held;
        await route.continue();
      });
      await page.getByRole('searchbox', { name: 'Search agents by name' }).fill(created.name);
      await page.getByRole('link', { name: created.name }).click();
      await chunkRequested;
      expect(new URL(page.url()).pathname).toBe(`/agents/${created.id}`);
      // Past the debounce, with the list still mounted: its timer fires, and must write nothing.
      await page.clock.runFor(SEARCH_SETTLED_MS);
      release();
      await page.getByRole('heading', { level: 1, name: created.name }).waitFor();
      expect(new URL(page.url()).pathname).toBe(`/agents/${created.id}`);
      // Back returns to the list the click left.
      await page.goBack();
      await waitForUrl(page, /^\/agents$/);
    } finally {
      await context.close();
    }
  });

  test('search runs on the server as you type, and "Load more" pages through the results', async () => {
    const tag = `pager${Math.random().toString(36).slice(2, 7)}`;
    for (let i = 1; i <= 23; i++) {
      await api.agents.create.mutate({ name: `Pager ${tag} ${String(i).padStart(2, '0')}` });
    }
    const { context, page } = await openPage(browser);
    try {
      await page.goto('/agents');
      await page.getByRole('searchbox', { name: 'Search agents by name' }).fill(tag);
      await waitForUrl(page, new RegExp(`^/agents\\?q=${tag}$`));
      const rows = page.getByRole('list', { name: 'Agents' }).getByRole('listitem');
      await page.getByRole('link', { name: `Pager ${tag} 23` }).waitFor();
      expect(await rows.count()).toBe(20);
      // Newest first.
      expect(await rows.first().getByRole('link').textContent()).toBe(`Pager ${tag} 23`);

      await page.getByRole('button', { name: 'Load more agents' }).click();
      await page.getByRole('link', { name: `Pager ${tag} 01` }).waitFor();
      expect(await rows.count()).toBe(23);
      expect(await page.getByRole('button', { name: 'Load more agents' }).count()).toBe(0);

      // The search is in the URL: a reload shows the same list.
      await page.reload();
      expect(
        await page.getByRole('searchbox', { name: 'Search agents by name' }).inputValue(),
      ).toBe(tag);
      await page.getByRole('link', { name: `Pager ${tag} 23` }).waitFor();

      await page.getByRole('searchbox', { name: 'Search agents by name' }).fill(`${tag}-nothing`);
      await page.getByRole('heading', { name: `No agents match “${tag}-nothing”` }).waitFor();
      await page.getByRole('button', { name: 'Clear search' }).click();
      await waitForUrl(page, /^\/agents$/);
    } finally {
      await context.close();
    }
  });

  test('delete asks first; the agent leaves the list at once, comes back if the server refuses, and toasts say so', async () => {
    const doomed = await api.agents.create.mutate({ name: uniqueName('Doomed') });
    const { context, page } = await openPage(browser);
    try {
      await page.goto(`/agents?q=${encodeURIComponent(doomed.name)}`);
      await page.getByRole('link', { name: doomed.name }).waitFor();

      // The server refuses: the row comes back and the toast says why.
      const deleteCalls = procedure('agents.delete');
      await page.route(deleteCalls, (route) =>
        route.fulfill({
          status: 503,
          contentType: 'application/json',
          body: JSON.stringify([
            {
              error: {
                message: 'The database is not answering',
                code: -32603,
                data: {
                  code: 'SERVICE_UNAVAILABLE',
                  httpStatus: 503,
                  issues: [],
                  details: { reason: 'unavailable', service: 'database' },
                },
              },
            },
          ]),
        }),
      );
      await page.getByRole('button', { name: `Delete ${doomed.name}` }).click();
      await page
        .getByRole('alertdialog', { name: `Delete “${doomed.name}”?` })
        .getByRole('button', { name: 'Delete agent' })
        .click();
      await page
        .getByRole('alert')
        .filter({
          hasText: `Could not delete “${doomed.name}”: The database is not answering. Try again in a moment.`,
        })
        .waitFor();
      await page.getByRole('link', { name: doomed.name }).waitFor();
      await page.unroute(deleteCalls);

      await page.getByRole('button', { name: `Delete ${doomed.name}` }).click();
      const dialog = page.getByRole('alertdialog', { name: `Delete “${doomed.name}”?` });
      await screenshot(page, 'desktop-delete-confirm');
      await dialog.getByRole('button', { name: 'Delete agent' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: `Deleted “${doomed.name}”` })
        .waitFor();
      await page.getByRole('link', { name: doomed.name }).waitFor({ state: 'detached' });

      const error = await api.agents.get.query({ agentId: doomed.id }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TRPCClientError);
      expect((error as TRPCClientError<never>).data).toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await context.close();
    }
  });

  test('a failing list shows an error state whose "Try again" recovers', async () => {
    const { context, page } = await openPage(browser);
    try {
      const listCalls = procedure('agents.list');
      await page.route(listCalls, (route) => route.abort('connectionrefused'));
      await page.goto('/agents');
      const error = page.getByRole('alert').filter({ hasText: 'Could not load agents' });
      await error.waitFor({ timeout: 20_000 });
      await screenshot(page, 'desktop-list-error');
      await page.unroute(listCalls);
      await error.getByRole('button', { name: 'Try again' }).click();
      await page.getByRole('list', { name: 'Agents' }).waitFor();
    } finally {
      await context.close();
    }
  });

  test('an agent is created with the keyboard alone', async () => {
    const { context, page } = await openPage(browser);
    const name = uniqueName('Keyboard');
    try {
      await page.goto('/agents');
      await page.getByRole('heading', { level: 1, name: 'Agents' }).waitFor();
      // Past the skip link, the brand, the owner's nav links, the account menu, then the list's
      // actions (Import agent, New agent).
      for (let i = 0; i < 15; i++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
        if (focused === 'New agent') break;
      }
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('New agent');
      await page.keyboard.press('Enter');
      await waitForUrl(page, /^\/agents\/new$/);
      // The name field has focus on arrival.
      await page.getByRole('textbox', { name: 'Name' }).waitFor();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('field-name');
      await page.keyboard.type(name);
      await page.keyboard.press('Tab');
      await page.keyboard.type('Made without a mouse');
      await page.keyboard.press('Control+s');
      await waitForUrl(page, /^\/agents\/[0-9a-f]{24}$/);
      await page.getByRole('heading', { level: 1, name }).waitFor();
      expect(await api.agents.get.query({ agentId: agentIdOf(page) })).toMatchObject({
        name,
        description: 'Made without a mouse',
      });
    } finally {
      await context.close();
    }
  });

  test('at 375 px wide the list and the agent page fit the screen', async () => {
    const created = await api.agents.create.mutate({
      name: uniqueName('Pocket receptionist with a rather long name'),
      description:
        'Checks in patients and answers questions about opening hours, parking and prices.',
      config: {
        instructions: 'You are a receptionist.',
        llm: { provider: 'anthropic', model: 'claude-sonnet-4-5', temperature: 0.3 },
        tts: { provider: 'cartesia', voice: 'sonic-english-female' },
        tools: [
          'hang_up',
          { name: 'transfer_call', description: 'Transfers the caller to a human' },
        ],
      },
    });
    const { context, page } = await openPage(browser, PHONE);
    try {
      await page.goto(`/agents?q=${encodeURIComponent(created.name)}`);
      await page.getByRole('link', { name: created.name }).waitFor();
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'phone-agents-list');

      await page.getByRole('link', { name: created.name }).click();
      await page.getByRole('heading', { level: 1, name: created.name }).waitFor();
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'phone-agent-page');
      await screenshot(page, 'phone-agent-page-full', { fullPage: true });

      await page.getByRole('tab', { name: /raw json/i }).click();
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'phone-agent-json');
    } finally {
      await context.close();
    }
  });

  test('at 375 px wide the "changed elsewhere" dialog shows the whole difference', async () => {
    const created = await api.agents.create.mutate({
      name: uniqueName('Narrow'),
      config: { greeting: 'Original', llm: { provider: 'openai', model: 'gpt-4o-mini' } },
    });
    const { context, page } = await openPage(browser, PHONE);
    try {
      await page.goto(`/agents/${created.id}`);
      await textbox(page, 'Greeting').fill('Good morning, you have reached the front desk.');
      await textbox(page, 'Model').fill('claude-sonnet-4-5-20250929');
      await api.agents.update.mutate({
        agentId: created.id,
        expectedVersion: 1,
        config: {
          greeting: 'Theirs: hello and welcome to Acme Dental, how may I help?',
          llm: { provider: 'anthropic', model: 'claude-haiku-4-5' },
          knowledgeBase: { documentIds: ['faq-2025-opening-hours-and-prices'] },
        },
      });
      await page.getByRole('button', { name: 'Save changes' }).click();
      const dialog = page.getByRole('alertdialog', { name: 'This agent was changed elsewhere' });
      await dialog.getByRole('button', { name: 'Show the difference' }).click();
      const diff = dialog.getByRole('region', { name: 'Differences' });
      await diff.getByRole('row', { name: /config\.greeting/ }).waitFor();
      await screenshot(page, 'phone-conflict-diff');
      // Nothing sticks out of the screen or of the difference's own box: every column is readable.
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      const box = await dialog.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= PHONE.width).toBe(true);
      expect(await diff.evaluate((element) => element.scrollWidth - element.clientWidth)).toBe(0);
      for (const cell of await diff.getByRole('cell').all()) {
        const cellBox = await cell.boundingBox();
        expect(cellBox && cellBox.x >= 0 && cellBox.x + cellBox.width <= PHONE.width).toBe(true);
      }
    } finally {
      await context.close();
    }
  });

  test('the new-agent form shows, as placeholders, the defaults a call really gets', async () => {
    const { context, page } = await openPage(browser);
    try {
      await page.goto('/agents/new');
      const placeholder = (name: string) => textbox(page, name).getAttribute('placeholder');
      expect(await placeholder('Model')).toBe('gpt-4o-mini');
      expect(await placeholder('Language')).toBe('en');
      expect(await placeholder('Passages per answer (top K)')).toBe('5');
      expect(await placeholder('Temperature')).toBe('model default');
      // Naming a provider means that provider's defaults: Switchboard adds none.
      await textbox(page, 'Provider').fill('anthropic');
      expect(await placeholder('Model')).toBe('provider default');
      await screenshot(page, 'desktop-agent-new-placeholders', { fullPage: true });
    } finally {
      await context.close();
    }
  });

  test('at desktop width the agent page keeps the talk panel beside the form', async () => {
    const created = await api.agents.create.mutate({ name: uniqueName('Wide') });
    const { context, page } = await openPage(browser, DESKTOP);
    try {
      await page.goto(`/agents/${created.id}`);
      const aside = page.getByRole('complementary', { name: 'Talk to this agent' });
      const form = page.getByRole('form', { name: `Edit ${created.name}` });
      const [asideBox, formBox] = [await aside.boundingBox(), await form.boundingBox()];
      expect(asideBox && formBox && asideBox.x > formBox.x + formBox.width - 1).toBe(true);
    } finally {
      await context.close();
    }
  });
});
