// The first start of a fresh install: the owner is created on the setup page with the token the
// server printed, and nobody without it can claim the install.

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readSetupToken } from '../scripts/testing/first-owner.ts';
import { startBuiltApp, type BuiltApp } from './support/built-app.ts';
import { connectBrowser, DESKTOP, openPage, screenshot } from './support/browser.ts';

let browser: Browser;
let app: BuiltApp;

beforeAll(async () => {
  [browser, app] = await Promise.all([
    connectBrowser(),
    startBuiltApp({ NODE_ENV: 'development', SIGN_IN_RATE_PER_MINUTE: '1000' }),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('first start', () => {
  test('the setup page asks for the printed token, creates the owner and their workspace, and signs them in', async () => {
    const token = await readSetupToken({
      baseUrl: app.baseUrl,
      output: () => app.child.outputTail(200),
    });
    const { context, page } = await openPage(browser, DESKTOP, { session: null });
    try {
      // Anyone reaching a fresh install is sent to sign in, which points at setup.
      await page.goto(`${app.baseUrl}/agents`);
      await page.getByRole('heading', { name: 'Sign in to Switchboard' }).waitFor();
      await page.getByRole('link', { name: 'Set it up' }).click();
      await page.getByRole('heading', { name: 'Set up Switchboard' }).waitFor();

      const form = page.getByRole('form', { name: 'Set up' });
      await form.getByRole('textbox', { name: 'Setup token' }).fill('sb_setup_not-the-printed-one');
      await form.getByRole('textbox', { name: 'Your name' }).fill('Fay First');
      await form.getByRole('textbox', { name: 'E-mail' }).fill('fay@first.test');
      await form.getByLabel('Password').fill('the first owner password');
      await form.getByRole('textbox', { name: 'Workspace name' }).fill('First Co');
      await form.getByRole('button', { name: 'Create owner and sign in' }).click();
      // A wrong token is said beside the field, and nothing is created.
      await form.getByText('This is not the setup token the server printed at its start').waitFor();
      expect(
        await form.getByRole('textbox', { name: 'Setup token' }).getAttribute('aria-invalid'),
      ).toBe('true');
      await screenshot(page, 'desktop-setup-wrong-token');

      await form.getByRole('textbox', { name: 'Setup token' }).fill(token);
      await form.getByRole('button', { name: 'Create owner and sign in' }).click();
      await page.getByRole('heading', { level: 1, name: /agents/i }).waitFor();
      await page
        .getByRole('button', { name: /account menu/ })
        .getByText('First Co')
        .waitFor();

      // Spent: the page now says the server is set up.
      await page.goto(`${app.baseUrl}/setup#token=${token}`);
      await page.getByRole('heading', { name: 'This server is set up' }).waitFor();
    } finally {
      await context.close();
    }
  });
});
