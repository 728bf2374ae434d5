// The phone numbers page in a real Chromium against the built app, with a real database and a
// LiveKit whose SIP API (backed by Redis) receives each number's dispatch rule.

import { TRPCClientError } from '@trpc/client';
import type { Browser, Page } from 'playwright-core';
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
import { startSignedInApp } from './support/sign-in.ts';

let browser: Browser;
const api = apiClient();

beforeAll(async () => {
  browser = await connectBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** A US number no other test uses: `{ e164: '+1415555xxxx', readable: '+1 415 555 xxxx' }`. */
function freshNumber() {
  const line = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
  const exchange = String(200 + Math.floor(Math.random() * 800));
  return {
    e164: `+1415${exchange}${line}`,
    readable: `+1 415 ${exchange} ${line}`,
    /** As a person might type it. */
    typed: `+1 (415) ${exchange}-${line}`,
  };
}

/** Requests to one procedure, batched or not (`/trpc/system.info,telephony.routes.list?batch=1`). */
function procedure(name: string) {
  return (url: URL) =>
    url.pathname.startsWith('/trpc/') && url.pathname.split(/[/,]/).includes(name);
}

/** The row of the list that shows `readable`. */
function row(page: Page, readable: string) {
  return page
    .getByRole('list', { name: 'Phone numbers' })
    .getByRole('listitem')
    .filter({ hasText: readable });
}

async function waitForUrl(page: Page, pattern: RegExp): Promise<void> {
  await page.waitForURL((url) => pattern.test(url.pathname + url.search));
}

async function routeOf(did: string) {
  const { items } = await api.telephony.routes.list.query({ limit: 100 });
  return items.find((route) => route.did === did);
}

describe('phone numbers', () => {
  test('a number is added for an agent (normalised as typed), synced, tested, moved to another agent, and deleted', async () => {
    const frontDesk = await api.agents.create.mutate({
      name: uniqueName('Front desk'),
      config: {
        instructions: 'You answer the phone for Acme Dental.',
        greeting: 'Acme Dental, good morning!',
        llm: { provider: 'openai', model: 'gpt-4.1-mini', temperature: 0.4 },
        tools: ['lookup_booking'],
      },
    });
    const afterHours = await api.agents.create.mutate({
      name: uniqueName('After hours'),
      config: {
        instructions: 'The office is closed; take a message.',
        greeting: 'Acme Dental is closed right now.',
        tts: { provider: 'cartesia', voice: 'night-owl' },
        knowledgeBase: { documentIds: ['opening-hours'], topK: 3 },
      },
    });
    const number = freshNumber();
    const { context, page } = await openPage(browser);
    try {
      await page.goto('/agents');
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Phone numbers' })
        .click();
      await waitForUrl(page, /^\/phone-numbers$/);
      await page.getByRole('heading', { level: 1, name: 'Phone numbers' }).waitFor();
      expect(await page.title()).toBe('Phone numbers · Switchboard');

      // Add: typed with brackets, spaces and dashes, shown as it will be saved.
      await page.getByRole('button', { name: 'Add number' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add a phone number' });
      await dialog.waitFor();
      const numberField = dialog.getByRole('textbox', { name: 'Phone number' });
      // The number field has the focus when the dialog opens.
      expect(await numberField.evaluate((element) => element === document.activeElement)).toBe(
        true,
      );
      await page.keyboard.type(number.typed);
      await dialog.getByText(`Normalised to ${number.e164}`).waitFor();

      // The agent, chosen with the keyboard from the server's search.
      await page.keyboard.press('Tab');
      const picker = dialog.getByRole('combobox', { name: 'Agent' });
      expect(await picker.evaluate((element) => element === document.activeElement)).toBe(true);
      await page.keyboard.type(frontDesk.name.slice(0, -2));
      await dialog.getByRole('option', { name: frontDesk.name }).waitFor();
      // Escape closes the suggestions, not the dialog; ArrowDown opens them again.
      await page.keyboard.press('Escape');
      await dialog.getByRole('listbox').waitFor({ state: 'hidden' });
      expect(await dialog.isVisible()).toBe(true);
      await page.keyboard.press('ArrowDown');
      await dialog.getByRole('option', { name: frontDesk.name }).waitFor();
      expect(await picker.getAttribute('aria-activedescendant')).toBeTruthy();
      await page.keyboard.press('Enter');
      await dialog.getByRole('listbox').waitFor({ state: 'hidden' });
      expect(await picker.inputValue()).toBe(frontDesk.name);
      await page.keyboard.press('Tab');
      await page.keyboard.type('Main line');
      await screenshot(page, 'desktop-phone-number-add');
      await page.keyboard.press('Enter');

      await page
        .getByRole('status')
        .filter({ hasText: `Added ${number.readable} → ${frontDesk.name}` })
        .waitFor();
      await dialog.waitFor({ state: 'hidden' });
      const added = row(page, number.readable);
      await added.getByText(number.e164, { exact: true }).waitFor();
      await added.getByText('Main line').waitFor();
      await added.getByRole('link', { name: frontDesk.name }).waitFor();
      await added.getByText('Synced', { exact: true }).waitFor();
      expect(await routeOf(number.e164)).toMatchObject({
        agentId: frontDesk.id,
        label: 'Main line',
        sync: { state: 'synced', ruleId: expect.stringMatching(/^SDR_/) as unknown },
      });
      await screenshot(page, 'desktop-phone-numbers-list');

      // "Test" on the row: the agent and the config a call would get.
      await added.getByRole('button', { name: `Test ${number.readable}` }).click();
      const test = page.getByRole('dialog', { name: `Test ${number.readable}` });
      const answer = test.getByRole('region', { name: `What a call to ${number.e164} gets` });
      await answer
        .getByRole('heading', { name: `A call to ${number.readable} reaches ${frontDesk.name}` })
        .waitFor();
      await answer.getByText('“Acme Dental, good morning!”').waitFor();
      await answer.getByText('openai · gpt-4.1-mini · temperature 0.4').waitFor();
      await answer.getByText('lookup_booking', { exact: true }).waitFor();
      await answer.getByText('Job metadata the agent worker receives (JSON)').click();
      const json = JSON.parse(
        (await answer.getByLabel('Job metadata (JSON)').textContent()) ?? '',
      ) as unknown;
      expect(json).toEqual({
        agentId: frontDesk.id,
        did: number.e164,
        config: (await api.telephony.resolve.query({ did: number.e164 })).config,
      });
      await screenshot(page, 'desktop-phone-number-test');
      await test.getByRole('button', { name: 'Close' }).click();
      await test.waitFor({ state: 'hidden' });

      // Edit: the other agent answers now.
      await added.getByRole('button', { name: `Edit ${number.readable}` }).click();
      const edit = page.getByRole('dialog', { name: `Edit ${number.readable}` });
      const editPicker = edit.getByRole('combobox', { name: 'Agent' });
      expect(await editPicker.inputValue()).toBe(frontDesk.name);
      await editPicker.fill(afterHours.name);
      await edit.getByRole('option', { name: afterHours.name }).click();
      await edit.getByRole('button', { name: 'Save changes' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: `Saved ${number.readable} → ${afterHours.name}` })
        .waitFor();
      await added.getByRole('link', { name: afterHours.name }).waitFor();
      await added.getByText('Synced', { exact: true }).waitFor();
      expect(await routeOf(number.e164)).toMatchObject({
        agentId: afterHours.id,
        sync: { state: 'synced' },
      });

      // "Test a number", typed any way: the new agent's resolved config.
      const panel = page.getByRole('complementary', { name: 'Test a number' });
      await panel
        .getByRole('textbox', { name: 'Number to test' })
        .fill(`${number.e164.slice(0, 5)} ${number.e164.slice(5)}`);
      await panel.getByRole('button', { name: 'Test', exact: true }).click();
      await panel
        .getByRole('heading', { name: `A call to ${number.readable} reaches ${afterHours.name}` })
        .waitFor();
      await panel.getByText('“Acme Dental is closed right now.”').waitFor();
      await panel.getByText('cartesia · night-owl').waitFor();
      await panel.getByText('1 document, top 3 passages').waitFor();
      await screenshot(page, 'desktop-phone-number-test-panel');

      // "Sync now" says what it did.
      await page.getByRole('button', { name: 'Sync now' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: /^Synced with LiveKit: / })
        .first()
        .waitFor();

      // Delete, after a confirmation.
      await added.getByRole('button', { name: `Delete ${number.readable}` }).click();
      const confirm = page.getByRole('alertdialog', { name: `Delete ${number.readable}?` });
      await confirm.getByText(`will no longer reach “${afterHours.name}”`).waitFor();
      await screenshot(page, 'desktop-phone-number-delete-confirm');
      await confirm.getByRole('button', { name: 'Delete number' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: `Deleted ${number.readable}` })
        .waitFor();
      await added.waitFor({ state: 'detached' });
      // The focus stays on the page, at its heading, rather than falling out of it.
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Phone numbers');
      const gone = await api.telephony.resolve.query({ did: number.e164 }).catch((e: unknown) => e);
      expect(gone).toBeInstanceOf(TRPCClientError);
      expect((gone as TRPCClientError<never>).data).toMatchObject({ code: 'NOT_FOUND' });

      // Testing it now says nobody answers.
      await panel.getByRole('button', { name: 'Test', exact: true }).click();
      await panel.getByText(`No agent answers ${number.readable}.`).waitFor();
    } finally {
      await context.close();
    }
  });

  test('an invalid number is explained beside the field, as is a number that is already routed', async () => {
    const agent = await api.agents.create.mutate({ name: uniqueName('Owner') });
    const taken = freshNumber();
    await api.telephony.routes.create.mutate({ did: taken.e164, agentId: agent.id });
    const { context, page } = await openPage(browser);
    try {
      await page.goto('/phone-numbers');
      await page.getByRole('button', { name: 'Add number' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add a phone number' });
      const numberField = dialog.getByRole('textbox', { name: 'Phone number' });

      // No "+" and country code: said when the field is left, then followed as you type.
      await numberField.fill('415 555 0100');
      await dialog.getByRole('combobox', { name: 'Agent' }).focus();
      await dialog.getByText(/must start with "\+" and the country code/).waitFor();
      expect(await numberField.getAttribute('aria-invalid')).toBe('true');
      const describedBy = (await numberField.getAttribute('aria-describedby')) ?? '';
      expect(await page.locator(`[id="${describedBy.split(' ')[0]}"]`).textContent()).toMatch(
        /must start with "\+"/,
      );
      await numberField.fill('+1 415 55');
      await dialog.getByText(/must have 8–15 digits after the "\+" \(got 6\)/).waitFor();
      await screenshot(page, 'desktop-phone-number-invalid');

      // The server's own answer lands there too: rewrite a valid number in flight.
      await numberField.fill(freshNumber().typed);
      await dialog.getByRole('combobox', { name: 'Agent' }).fill(agent.name);
      await dialog.getByRole('option', { name: agent.name }).click();
      const createCalls = procedure('telephony.routes.create');
      await page.route(createCalls, async (request) => {
        const body = request.request().postDataJSON() as Record<string, { did: string }>;
        const call = body['0'];
        if (call) call.did = '+0123';
        await request.continue({ postData: JSON.stringify(body) });
      });
      await dialog.getByRole('button', { name: 'Add number' }).click();
      await dialog.getByText(/a country code never starts with 0/).waitFor();
      expect(await numberField.getAttribute('aria-invalid')).toBe('true');
      await page.unroute(createCalls);

      // A number that already has a route, typed another way: the conflict, by the agent's name.
      await numberField.fill(taken.e164.replace(/^(\+1)(\d{3})(\d{3})(\d{4})$/, '$1.$2.$3.$4'));
      await dialog.getByText(`Normalised to ${taken.e164}`).waitFor();
      await dialog.getByRole('button', { name: 'Add number' }).click();
      // Under the number, from details.reason 'number-taken', naming the agent by details.agentId.
      await dialog
        .getByText(
          `${taken.readable} already answers for “${agent.name}”. Edit or delete that number first.`,
        )
        .waitFor();
      expect(await numberField.getAttribute('aria-invalid')).toBe('true');
      expect(await numberField.evaluate((element) => element === document.activeElement)).toBe(
        true,
      );
      await screenshot(page, 'desktop-phone-number-conflict');
      const { items } = await api.telephony.routes.list.query({ agentId: agent.id });
      expect(items.map((route) => route.did)).toEqual([taken.e164]);
    } finally {
      await context.close();
    }
  });

  test('a number for an agent deleted meanwhile: the server’s refusal lands beside the agent', async () => {
    const agent = await api.agents.create.mutate({ name: uniqueName('Gone soon') });
    const number = freshNumber();
    const { context, page } = await openPage(browser);
    try {
      await page.goto(`/phone-numbers?agent=${agent.id}`);
      await page.getByRole('button', { name: 'Add a number for this agent' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add a phone number' });
      await dialog.getByRole('textbox', { name: 'Phone number' }).fill(number.typed);
      const picker = dialog.getByRole('combobox', { name: 'Agent' });
      // The agent is chosen already (its name shows once loaded).
      await expect.poll(() => picker.inputValue()).toBe(agent.name);
      // Someone deletes the agent while the dialog is open: only the server can know.
      await api.agents.delete.mutate({ agentId: agent.id });
      await dialog.getByRole('button', { name: 'Add number' }).click();
      await dialog
        .getByText(`agent ${agent.id} was not found (it may have been deleted)`)
        .waitFor();
      expect(await picker.getAttribute('aria-invalid')).toBe('true');
      const describedBy = (await picker.getAttribute('aria-describedby'))?.split(' ')[0] ?? '';
      expect(await page.locator(`[id="${describedBy}"]`).textContent()).toContain('was not found');
      await screenshot(page, 'desktop-phone-number-agent-gone');
      expect(await routeOf(number.e164)).toBeUndefined();
    } finally {
      await context.close();
    }
  });

  test('an agent that still answers a number cannot be deleted: the agents page says which number', async () => {
    const agent = await api.agents.create.mutate({ name: uniqueName('Busy line') });
    const number = freshNumber();
    await api.telephony.routes.create.mutate({ did: number.e164, agentId: agent.id });
    const { context, page } = await openPage(browser);
    try {
      await page.goto(`/agents?q=${encodeURIComponent(agent.name)}`);
      await page.getByRole('button', { name: `Delete ${agent.name}` }).click();
      await page
        .getByRole('alertdialog', { name: `Delete “${agent.name}”?` })
        .getByRole('button', { name: 'Delete agent' })
        .click();
      const refused = page
        .getByRole('alert')
        .filter({ hasText: `Could not delete “${agent.name}”` });
      await refused.waitFor();
      expect(await refused.textContent()).toContain(number.e164);
      await page.getByRole('link', { name: agent.name }).waitFor();
      await screenshot(page, 'desktop-agent-delete-refused');

      // The agent's numbers, from a link such a message can point at.
      await page.goto(`/phone-numbers?agent=${agent.id}`);
      await page.getByRole('link', { name: agent.name }).first().waitFor();
      await row(page, number.readable).waitFor();
    } finally {
      await context.close();
    }
  });

  test('the list names each number’s agent from the routes themselves: no agents.get per agent', async () => {
    const first = await api.agents.create.mutate({ name: uniqueName('Sales line') });
    const second = await api.agents.create.mutate({ name: uniqueName('Support line') });
    const numbers = [freshNumber(), freshNumber()];
    await api.telephony.routes.create.mutate({ did: numbers[0]!.e164, agentId: first.id });
    await api.telephony.routes.create.mutate({ did: numbers[1]!.e164, agentId: second.id });
    const { context, page } = await openPage(browser);
    try {
      const agentReads: string[] = [];
      page.on('request', (request) => {
        if (procedure('agents.get')(new URL(request.url()))) agentReads.push(request.url());
      });
      await page.goto('/phone-numbers');
      await row(page, numbers[0]!.readable).getByRole('link', { name: first.name }).waitFor();
      await row(page, numbers[1]!.readable).getByRole('link', { name: second.name }).waitFor();
      expect(agentReads).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('a delete the server refuses puts the number back, and a toast says why', async () => {
    const agent = await api.agents.create.mutate({ name: uniqueName('Keeper') });
    const number = freshNumber();
    await api.telephony.routes.create.mutate({ did: number.e164, agentId: agent.id });
    const { context, page } = await openPage(browser);
    try {
      await page.goto(`/phone-numbers?agent=${agent.id}`);
      const deleteCalls = procedure('telephony.routes.delete');
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route(deleteCalls, async (request) => {
        // Held until the test has seen the row leave.
        await held;
        await request.fulfill({
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
        });
      });
      await row(page, number.readable)
        .getByRole('button', { name: `Delete ${number.readable}` })
        .click();
      await page
        .getByRole('alertdialog', { name: `Delete ${number.readable}?` })
        .getByRole('button', { name: 'Delete number' })
        .click();
      // Gone at once…
      await row(page, number.readable).waitFor({ state: 'detached' });
      release();
      // …and back when the server says no.
      await page
        .getByRole('alert')
        .filter({
          hasText: `Could not delete ${number.readable}: The database is not answering. Try again in a moment.`,
        })
        .waitFor();
      await row(page, number.readable).waitFor();
      await page.unroute(deleteCalls);
      expect(await routeOf(number.e164)).toMatchObject({ agentId: agent.id });
    } finally {
      await context.close();
    }
  });

  test('without LiveKit a number is still saved, marked "Sync error", and says why when opened', async () => {
    // The built app as a developer runs it with nothing configured: in-memory store, no LiveKit.
    const { app: bare, owner, apiKey } = await startSignedInApp({ NODE_ENV: 'development' });
    const bareApi = apiClient(bare.baseUrl, apiKey);
    const agent = await bareApi.agents.create.mutate({ name: uniqueName('Offline') });
    const number = freshNumber();
    const { context, page } = await openPage(browser, DESKTOP, { session: owner.cookie });
    try {
      await page.goto(`${bare.baseUrl}/phone-numbers`);
      await page.getByText('LiveKit is not configured on this server').waitFor();
      expect(await page.getByRole('button', { name: 'Sync now' }).isDisabled()).toBe(true);

      await page.getByRole('button', { name: 'Add your first number' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add a phone number' });
      await dialog.getByRole('textbox', { name: 'Phone number' }).fill(number.typed);
      await dialog.getByRole('combobox', { name: 'Agent' }).fill(agent.name);
      await dialog.getByRole('option', { name: agent.name }).click();
      await dialog.getByRole('button', { name: 'Add number' }).click();
      await page
        .getByRole('status')
        .filter({
          hasText: `Added ${number.readable} → ${agent.name}, but LiveKit is not updated yet: LiveKit is not configured.`,
        })
        .waitFor();

      const badge = row(page, number.readable).getByRole('button', { name: 'Sync error' });
      expect(await badge.getAttribute('aria-expanded')).toBe('false');
      await badge.click();
      expect(await badge.getAttribute('aria-expanded')).toBe('true');
      const reason = page.locator(`[id="${await badge.getAttribute('aria-controls')}"]`);
      await reason.getByText('LiveKit is not configured').waitFor();
      expect(await reason.textContent()).toContain('“Sync now” tries again.');
      expect(await bareApi.telephony.routes.list.query()).toMatchObject({
        items: [{ did: number.e164, sync: { state: 'error', error: 'LiveKit is not configured' } }],
      });
      await screenshot(page, 'desktop-phone-number-sync-error');
    } finally {
      await context.close();
      await bare.stop();
    }
  });

  test('an agent without numbers gets an invitation; a failing list shows an error whose "Try again" recovers', async () => {
    const agent = await api.agents.create.mutate({ name: uniqueName('Quiet') });
    const { context, page } = await openPage(browser);
    try {
      await page.goto(`/phone-numbers?agent=${agent.id}`);
      await page.getByRole('heading', { name: 'This agent answers no numbers' }).waitFor();
      await screenshot(page, 'desktop-phone-numbers-empty');
      await page.getByRole('button', { name: 'Add a number for this agent' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add a phone number' });
      // The agent is chosen already.
      expect(await dialog.getByRole('combobox', { name: 'Agent' }).inputValue()).toBe(agent.name);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });

      const listCalls = procedure('telephony.routes.list');
      await page.route(listCalls, (request) => request.abort('connectionrefused'));
      await page.goto('/phone-numbers');
      const error = page.getByRole('alert').filter({ hasText: 'Could not load phone numbers' });
      await error.waitFor({ timeout: 20_000 });
      await page.unroute(listCalls);
      await error.getByRole('button', { name: 'Try again' }).click();
      await page.getByRole('list', { name: 'Phone numbers' }).waitFor();
    } finally {
      await context.close();
    }
  });

  test('at 375 px the list, the add dialog and a test result fit the screen', async () => {
    const agent = await api.agents.create.mutate({
      name: uniqueName('Pocket receptionist with a rather long name'),
      config: {
        greeting: 'Hello!',
        instructions: 'You are a receptionist. Answer questions about opening hours and parking.',
        tools: ['hang_up', 'transfer_call'],
      },
    });
    const number = freshNumber();
    await api.telephony.routes.create.mutate({
      did: number.e164,
      agentId: agent.id,
      label: 'Reception, ground floor, weekdays only',
    });
    const { context, page } = await openPage(browser, PHONE);
    try {
      await page.goto('/phone-numbers');
      await row(page, number.readable).getByText('Synced', { exact: true }).waitFor();
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      // Both nav links fit beside the brand, on one line.
      const navLink = page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Phone numbers' });
      const navBox = await navLink.boundingBox();
      expect(navBox && navBox.x + navBox.width).toBeLessThanOrEqual(PHONE.width - 8);
      expect(navBox && navBox.height).toBeLessThan(40);
      await row(page, number.readable).scrollIntoViewIfNeeded();
      await screenshot(page, 'phone-phone-numbers-list');
      await screenshot(page, 'phone-phone-numbers-full', { fullPage: true });

      await row(page, number.readable)
        .getByRole('button', { name: `Test ${number.readable}` })
        .click();
      const test = page.getByRole('dialog', { name: `Test ${number.readable}` });
      await test.getByRole('heading', { name: new RegExp(`reaches ${agent.name}`) }).waitFor();
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'phone-phone-number-test');
      await test.getByRole('button', { name: 'Close' }).click();

      await page.getByRole('button', { name: 'Add number' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add a phone number' });
      await dialog.getByRole('textbox', { name: 'Phone number' }).fill('+44 20 7946 0958');
      await dialog.getByRole('combobox', { name: 'Agent' }).fill(agent.name.slice(0, 10));
      await dialog.getByRole('option').first().waitFor();
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'phone-phone-number-add');
    } finally {
      await context.close();
    }
  });

  test('at desktop width the test panel sits beside the list', async () => {
    const { context, page } = await openPage(browser, DESKTOP);
    try {
      await page.goto('/phone-numbers');
      const aside = page.getByRole('complementary', { name: 'Test a number' });
      const heading = page.getByRole('heading', { level: 1, name: 'Phone numbers' });
      const [asideBox, headingBox] = [await aside.boundingBox(), await heading.boundingBox()];
      expect(asideBox && headingBox && asideBox.x > headingBox.x + 400).toBe(true);
    } finally {
      await context.close();
    }
  });
});
