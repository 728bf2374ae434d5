// Signing in, invitations, roles, workspaces and API keys in the dashboard: a real Chromium
// against the built app, with the first owner (e2e/global-setup.ts) and people it invites.

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  apiClient,
  connectBrowser,
  DESKTOP,
  e2eContext,
  horizontalOverflow,
  openPage,
  PHONE,
  screenshot,
  uniqueName,
} from './support/browser.ts';
import { cookieHeader, inviteMember, type SessionCookie } from './support/sign-in.ts';

let browser: Browser;
const api = apiClient();

beforeAll(async () => {
  browser = await connectBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function waitForPath(page: Page, pattern: RegExp): Promise<void> {
  await page.waitForURL((url) => pattern.test(url.pathname));
}

/** The session cookie the browser holds now. */
async function sessionCookieOf(page: Page): Promise<SessionCookie> {
  const cookies = await page.context().cookies();
  const cookie = cookies.find((item) => /(^|\.)session_token$/.test(item.name));
  if (!cookie) throw new Error('the browser holds no session cookie');
  return { name: cookie.name, value: cookie.value };
}

/** GET a tRPC query over plain HTTP: the status and the error's data, if any. */
async function getQuery(
  path: string,
  input: unknown,
  headers: Record<string, string>,
): Promise<{ status: number; data: { code?: string; details?: { reason?: string } } | null }> {
  const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const response = await fetch(`${e2eContext().baseUrl}/trpc/${path}${query}`, { headers });
  const body = (await response.json()) as { error?: { data?: { code?: string } } };
  return { status: response.status, data: body.error?.data ?? null };
}

function accountButton(page: Page) {
  return page.getByRole('button', { name: /account menu/ });
}

/** The account menu's panel, opened. */
async function openAccountMenu(page: Page) {
  await accountButton(page).click();
  const panel = page.locator('.account-menu__panel');
  await panel.waitFor();
  return panel;
}

describe('signing in', () => {
  test('a wrong password is said; the right one goes back where the person was; signing out ends the session', async () => {
    const { owner } = e2eContext();
    const { context, page } = await openPage(browser, DESKTOP, { session: null });
    try {
      await page.goto('/phone-numbers');
      await waitForPath(page, /^\/sign-in$/);
      await page.getByRole('heading', { name: 'Sign in to Switchboard' }).waitFor();

      await page.getByRole('textbox', { name: 'E-mail' }).fill(owner.email);
      await page.getByLabel('Password').fill('not the password at all');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page
        .getByRole('alert')
        .filter({ hasText: 'That e-mail and password do not match an account' })
        .waitFor();
      expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
      await screenshot(page, 'desktop-sign-in');

      await page.getByLabel('Password').fill(owner.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await waitForPath(page, /^\/phone-numbers$/);
      await page.getByRole('heading', { level: 1, name: 'Phone numbers' }).waitFor();

      const cookie = await sessionCookieOf(page);
      expect((await getQuery('account.me', undefined, cookieHeader(cookie))).status).toBe(200);

      const menu = await openAccountMenu(page);
      await menu.getByText(owner.email).waitFor();
      await menu.getByRole('button', { name: 'Sign out' }).click();
      await waitForPath(page, /^\/sign-in$/);
      await page.getByRole('heading', { name: 'Sign in to Switchboard' }).waitFor();

      const after = await getQuery('account.me', undefined, cookieHeader(cookie));
      expect(after.status).toBe(401);
      expect(after.data?.code).toBe('UNAUTHORIZED');
    } finally {
      await context.close();
    }
  });

  test('the sessions dialog lists this browser and another, and signs the other out at once', async () => {
    // A person of their own: the owner's session is shared by the other tests.
    const member = await inviteMember(e2eContext().baseUrl, e2eContext().owner, 'member');
    const elsewhere = member.cookie; // the session inviteMember signed in
    const { context, page } = await openPage(browser, DESKTOP, { session: null });
    try {
      await page.goto('/sign-in');
      await page.getByRole('textbox', { name: 'E-mail' }).fill(member.email);
      await page.getByLabel('Password').fill(member.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await waitForPath(page, /^\/agents$/);
      const here = await sessionCookieOf(page);

      const menu = await openAccountMenu(page);
      await menu.getByRole('button', { name: 'Sessions' }).click();
      const dialog = page.getByRole('dialog', { name: 'Sessions' });
      const rows = dialog.getByRole('list', { name: 'Sessions' }).getByRole('listitem');
      await rows.filter({ hasText: 'This device' }).waitFor();
      expect(await rows.count()).toBe(2);
      await dialog.getByRole('button', { name: 'Sign out all other sessions' }).click();
      // The list is read again: only this browser is left.
      await rows.nth(1).waitFor({ state: 'detached' });
      await rows.filter({ hasText: 'This device' }).waitFor();
      expect(await rows.count()).toBe(1);

      expect((await getQuery('account.me', undefined, cookieHeader(elsewhere))).status).toBe(401);
      expect((await getQuery('account.me', undefined, cookieHeader(here))).status).toBe(200);
    } finally {
      await context.close();
    }
  });

  test('the sign-in page fits a phone', async () => {
    const { context, page } = await openPage(browser, PHONE, { session: null });
    try {
      await page.goto('/sign-in');
      await page.getByRole('heading', { name: 'Sign in to Switchboard' }).waitFor();
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'phone-sign-in');
    } finally {
      await context.close();
    }
  });
});

describe('members and invitations', () => {
  test('the owner invites a viewer; the link creates their account and signs them in to the workspace', async () => {
    const email = `${uniqueName('viewer').replace(' ', '-')}@e2e.test`;
    const owner = await openPage(browser, DESKTOP);
    let link: string;
    try {
      await owner.page.goto('/agents');
      await owner.page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Members' })
        .click();
      await waitForPath(owner.page, /^\/settings\/members$/);
      await owner.page.getByRole('list', { name: 'Members' }).getByText('Olive Owner').waitFor();

      const form = owner.page.getByRole('form', { name: 'Invite someone' });
      await form.getByRole('textbox', { name: 'E-mail' }).fill(email);
      await form.getByRole('combobox', { name: 'Role' }).selectOption('viewer');
      await form.getByRole('button', { name: 'Create invitation link' }).click();

      const created = owner.page.getByRole('region', { name: 'New invitation link' });
      await created.getByText('Shown once.').waitFor();
      link = await created.getByRole('textbox', { name: 'Invitation link' }).inputValue();
      expect(link).toMatch(
        new RegExp(`^${e2eContext().baseUrl}/accept-invitation#sb_inv_[A-Za-z0-9_-]+$`),
      );
      await owner.page
        .getByRole('list', { name: 'Pending invitations' })
        .getByText(email)
        .waitFor();
      await screenshot(owner.page, 'desktop-members', { fullPage: true });
    } finally {
      await owner.context.close();
    }

    const invited = await openPage(browser, DESKTOP, { session: null });
    try {
      await invited.page.goto(link);
      await invited.page.getByRole('heading', { name: 'Join E2E workspace' }).waitFor();
      await invited.page.getByText('Viewer', { exact: true }).waitFor();
      await invited.page.getByText(email, { exact: true }).waitFor();
      await screenshot(invited.page, 'desktop-accept-invitation');

      await invited.page.getByRole('textbox', { name: 'Your name' }).fill('Vera Viewer');
      await invited.page.getByLabel('Password').fill('a long enough password');
      await invited.page.getByRole('button', { name: 'Create account and join' }).click();
      await waitForPath(invited.page, /^\/agents$/);
      await accountButton(invited.page).getByText('Vera Viewer').waitFor();
      await accountButton(invited.page).getByText('E2E workspace').waitFor();
      await invited.page.getByRole('heading', { level: 1, name: 'Agents' }).waitFor();
      expect(await invited.page.getByRole('link', { name: 'New agent' }).count()).toBe(0);
    } finally {
      await invited.context.close();
    }
  });
});

describe('roles', () => {
  test('a viewer reads agents and numbers, and changes nothing', async () => {
    const { owner } = e2eContext();
    const viewer = await inviteMember(e2eContext().baseUrl, owner, 'viewer');
    const agent = await api.agents.create.mutate({
      name: uniqueName('Read-only desk'),
      description: 'Seen by a viewer',
      config: { instructions: 'You answer politely.', tts: { voice: 'alloy' } },
    });
    const line = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
    const did = `+1415${String(200 + Math.floor(Math.random() * 800))}${line}`;
    await api.telephony.routes.create.mutate({ did, agentId: agent.id });
    const { context, page } = await openPage(browser, DESKTOP, { session: viewer.cookie });
    try {
      await page.goto('/agents');
      await page.getByRole('link', { name: agent.name }).waitFor();
      expect(await page.getByRole('link', { name: 'New agent' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: `Delete ${agent.name}` }).count()).toBe(0);
      const nav = page.getByRole('navigation', { name: 'Main' });
      expect(await nav.getByRole('link', { name: 'Members' }).count()).toBe(0);
      expect(await nav.getByRole('link', { name: 'API keys' }).count()).toBe(0);

      await page.getByRole('link', { name: agent.name }).click();
      await page.getByRole('heading', { level: 1, name: agent.name }).waitFor();
      await page.getByText('Read only: your role in this workspace').waitFor();
      const name = page.getByRole('textbox', { name: 'Name', exact: true });
      expect(await name.inputValue()).toBe(agent.name);
      expect(await name.isEditable()).toBe(false);
      expect(await page.getByRole('textbox', { name: 'Instructions' }).isEditable()).toBe(false);
      expect(await page.getByRole('button', { name: 'Save changes' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Delete agent' }).count()).toBe(0);
      // Calls stay: viewers have sessions:start.
      await page.getByRole('button', { name: 'Start call' }).waitFor();
      await screenshot(page, 'desktop-viewer-agent');

      await nav.getByRole('link', { name: 'Phone numbers' }).click();
      await page.getByRole('heading', { level: 1, name: 'Phone numbers' }).waitFor();
      await page.getByRole('complementary', { name: 'Test a number' }).waitFor();
      const route = page
        .getByRole('list', { name: 'Phone numbers' })
        .getByRole('listitem')
        .filter({ hasText: agent.name });
      await route.getByRole('button', { name: /^Test / }).waitFor();
      expect(await page.getByRole('button', { name: 'Add number' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Sync now' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /^Edit / }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /^Delete / }).count()).toBe(0);
      await screenshot(page, 'desktop-viewer-numbers');

      // A page the role does not open says why, instead of failing.
      await page.goto('/settings/keys');
      await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
      await page.getByText('This needs the keys:admin permission').waitFor();
    } finally {
      await context.close();
    }
  });
});

describe('workspaces', () => {
  test('the owner starts a second workspace from the menu, works in it, and switches back', async () => {
    const agent = await api.agents.create.mutate({
      name: uniqueName('First-workspace desk'),
      config: { instructions: 'You answer politely.' },
    });
    const second = uniqueName('Second workspace');
    const { context, page } = await openPage(browser, DESKTOP);
    try {
      await page.goto('/agents');
      await page.getByRole('link', { name: agent.name }).waitFor();

      const menu = await openAccountMenu(page);
      await menu.getByRole('button', { name: 'New workspace' }).click();
      const dialog = page.getByRole('dialog', { name: 'New workspace' });
      await dialog.getByRole('textbox', { name: 'Workspace name' }).fill(second);
      await dialog.getByRole('button', { name: 'Create workspace' }).click();

      await page.getByRole('heading', { name: 'No agents yet' }).waitFor();
      await accountButton(page).getByText(second).waitFor();
      expect(await page.getByRole('link', { name: agent.name }).count()).toBe(0);

      const switcher = (await openAccountMenu(page)).getByRole('list', {
        name: 'Switch workspace',
      });
      expect(
        await switcher
          .getByRole('button', { name: new RegExp(second) })
          .getAttribute('aria-current'),
      ).toBe('true');
      await screenshot(page, 'desktop-account-menu');
      await switcher.getByRole('button', { name: /^E2E workspace/ }).click();
      await page.getByRole('link', { name: agent.name }).waitFor();
      await accountButton(page).getByText('E2E workspace').waitFor();

      // The choice is remembered in this browser.
      await page.reload();
      await page.getByRole('link', { name: agent.name }).waitFor();
    } finally {
      await context.close();
    }
  });
});

describe('API keys', () => {
  test('a secret key is shown once, works as a Bearer token, and stops working once revoked', async () => {
    const name = uniqueName('Billing sync');
    const { context, page } = await openPage(browser, DESKTOP);
    try {
      await page.goto('/settings/keys');
      await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
      await page.getByRole('button', { name: 'New secret key' }).click();
      const form = page.getByRole('dialog', { name: 'New secret key' });
      await form.getByRole('textbox', { name: 'Name' }).fill(name);
      expect(await form.getByRole('checkbox', { name: /agents:read/ }).isChecked()).toBe(true);
      await form.getByRole('checkbox', { name: /telephony:read/ }).check();
      await form.getByRole('button', { name: 'Create key' }).click();

      const shown = page.getByRole('alertdialog', { name: `Your new key “${name}”` });
      await shown.getByText('it is shown only this once').waitFor();
      const secret = await shown.getByRole('textbox', { name: 'Secret key' }).inputValue();
      expect(secret).toMatch(/^sb_sk_/);
      await screenshot(page, 'desktop-key-created');
      await shown.getByRole('button', { name: 'I have copied it' }).click();

      const bearer = { authorization: `Bearer ${secret}` };
      expect((await getQuery('agents.list', { limit: 1 }, bearer)).status).toBe(200);

      const row = page
        .getByRole('list', { name: 'API keys' })
        .getByRole('listitem')
        .filter({ hasText: name });
      // Its start, enough to recognise it: the beginning of the secret.
      const start = (await row.locator('code').first().textContent()) ?? '';
      expect(start).toMatch(/^sb_sk_[A-Za-z0-9_-]{4}…$/);
      expect(secret.startsWith(start.slice(0, -1))).toBe(true);
      await row
        .getByRole('list', { name: `Scopes of ${name}` })
        .getByText('telephony:read')
        .waitFor();
      await row.getByText('created by owner@e2e.test').waitFor();

      await row.getByRole('button', { name: `Revoke ${name}` }).click();
      await page
        .getByRole('alertdialog', { name: `Revoke “${name}”?` })
        .getByRole('button', { name: 'Revoke key' })
        .click();
      await page
        .getByRole('list', { name: 'Revoked keys' })
        .getByRole('listitem')
        .filter({ hasText: name })
        .getByText('Revoked', { exact: true })
        .waitFor();

      const refused = await getQuery('agents.list', { limit: 1 }, bearer);
      expect(refused.status).toBe(401);
      expect(refused.data?.details?.reason).toBe('key-revoked');
    } finally {
      await context.close();
    }
  });

  test('a publishable key is made for listed origins and all agents; the page fits a phone', async () => {
    const name = uniqueName('Website call button');
    const { context, page } = await openPage(browser, DESKTOP);
    try {
      await page.goto('/settings/keys');
      await page.getByRole('button', { name: 'New publishable key' }).click();
      const form = page.getByRole('dialog', { name: 'New publishable key' });
      await form.getByRole('textbox', { name: 'Name' }).fill(name);
      const origins = form.getByRole('textbox', { name: 'Origins' });
      await origins.fill('shop.example');
      await form.getByRole('button', { name: 'Create key' }).click();
      await form.getByText(/Line 1 \(shop\.example\): an origin is scheme:\/\/host/).waitFor();
      await screenshot(page, 'desktop-publishable-key-form');

      await origins.fill('https://shop.example/\nhttp://localhost:3000');
      await form.getByRole('button', { name: 'Create key' }).click();
      const shown = page.getByRole('alertdialog', { name: `Your new key “${name}”` });
      expect(await shown.getByRole('textbox', { name: 'Publishable key' }).inputValue()).toMatch(
        /^sb_pk_/,
      );
      await shown.getByRole('button', { name: 'I have copied it' }).click();

      const row = page
        .getByRole('list', { name: 'API keys' })
        .getByRole('listitem')
        .filter({ hasText: name });
      const listed = row.getByRole('list', { name: `Origins of ${name}` });
      await listed.getByText('https://shop.example', { exact: true }).waitFor();
      await listed.getByText('http://localhost:3000', { exact: true }).waitFor();
      await row.getByText('All agents').waitFor();
      await screenshot(page, 'desktop-keys', { fullPage: true });
    } finally {
      await context.close();
    }

    const phone = await openPage(browser, PHONE);
    try {
      await phone.page.goto('/settings/keys');
      await phone.page.getByRole('list', { name: 'API keys' }).getByText(name).waitFor();
      expect(await horizontalOverflow(phone.page)).toBeLessThanOrEqual(0);
      await screenshot(phone.page, 'phone-keys');
    } finally {
      await phone.context.close();
    }
  });
});
