// The audit log in the dashboard: an owner edits an agent and finds the change, path by path, in
// the Audit log (from the nav and from the agent's History link, filtered by that agent); a member
// sees no link to it and the API refuses them.

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  apiClient,
  connectBrowser,
  DESKTOP,
  e2eContext,
  openPage,
  screenshot,
  uniqueName,
} from './support/browser.ts';
import { cookieHeader, inviteMember } from './support/sign-in.ts';

let browser: Browser;
const api = apiClient();

beforeAll(async () => {
  browser = await connectBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** The audit table's body rows. */
function entryRows(page: Page) {
  return page.getByRole('table', { name: 'Audit log, newest first' }).locator('> tbody > tr');
}

describe('the audit log', () => {
  test('an owner edits an agent, then sees the entry with its diff, and filters by agent', async () => {
    const agent = await api.agents.create.mutate({
      name: uniqueName('Audited'),
      config: { instructions: 'Greet every caller warmly.' },
    });
    const other = await api.agents.create.mutate({ name: uniqueName('Bystander') });
    const { context, page } = await openPage(browser, DESKTOP);
    try {
      await page.goto(`/agents/${agent.id}`);
      const instructions = page.getByRole('textbox', { name: 'Instructions', exact: true });
      await instructions.fill('Answer in one sentence.');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByRole('status').filter({ hasText: 'version 2' }).first().waitFor();

      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Audit log' })
        .click();
      await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
      // Newest first: the owner's edit, then the bystander's and this agent's creation by the key.
      const edit = entryRows(page).first();
      await edit.getByText('changed the agent').waitFor();
      await edit.getByRole('link', { name: agent.name }).waitFor();
      const change = edit.getByRole('row', { name: /config\.instructions/ });
      await change.getByText('Greet every caller warmly.').waitFor();
      await change.getByText('Answer in one sentence.').waitFor();
      expect(await edit.getByText('via dashboard session').count()).toBe(1);
      await entryRows(page).filter({ hasText: other.name }).first().waitFor();

      // Filtered by the agent (the picker): only its entries, newest first.
      const picker = page.getByRole('combobox', { name: 'Agent', exact: true });
      await picker.fill(agent.name);
      await page.getByRole('option', { name: agent.name }).click();
      await page.waitForURL((url) => url.searchParams.get('agent') === agent.id);
      await entryRows(page).filter({ hasText: other.name }).first().waitFor({ state: 'detached' });
      const filtered = entryRows(page);
      await filtered.nth(1).getByText('created the agent').waitFor();
      expect(await filtered.count()).toBe(2);
      expect(await filtered.first().textContent()).toContain('changed the agent');
      await screenshot(page, 'desktop-audit-log', { fullPage: true });

      // The agent page's History link opens the same filtered log.
      await page.goto(`/agents/${agent.id}`);
      await page.getByRole('link', { name: 'History' }).click();
      await page.waitForURL(
        (url) => url.pathname === '/audit' && url.searchParams.get('agent') === agent.id,
      );
      await entryRows(page).first().getByText('changed the agent').waitFor();
      expect(await entryRows(page).count()).toBe(2);
    } finally {
      await context.close();
    }
  });

  test('a member sees no Audit log link, and audit.list answers them 403 FORBIDDEN', async () => {
    const { baseUrl, owner } = e2eContext();
    const member = await inviteMember(baseUrl, owner, 'member');
    const { context, page } = await openPage(browser, DESKTOP, { session: member.cookie });
    try {
      await page.goto('/agents');
      const nav = page.getByRole('navigation', { name: 'Main' });
      await nav.getByRole('link', { name: 'Agents' }).waitFor();
      await nav.getByRole('link', { name: 'Calls' }).waitFor();
      expect(await nav.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
      await page.goto(`/agents/${(await api.agents.list.query({ limit: 1 })).items[0]!.id}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Start call' }).waitFor();
      expect(await page.getByRole('link', { name: 'History' }).count()).toBe(0);

      const response = await fetch(`${baseUrl}/trpc/audit.list`, {
        headers: cookieHeader(member.cookie),
      });
      expect(response.status).toBe(403);
      const body = (await response.json()) as {
        error: { data: { code: string; details: unknown } };
      };
      expect(body.error.data.code).toBe('FORBIDDEN');
      expect(body.error.data.details).toEqual({ reason: 'forbidden', permission: 'audit:read' });
    } finally {
      await context.close();
    }
  });
});
