// Honesty about storage: the built app started without a database, as a developer (in-memory
// store) and in production (no persistence at all).

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSignedInApp, type E2eAccount } from './support/sign-in.ts';
import type { BuiltApp } from './support/built-app.ts';
import {
  connectBrowser,
  DESKTOP,
  horizontalOverflow,
  openPage,
  PHONE,
  screenshot,
} from './support/browser.ts';

let browser: Browser;
let inMemory: BuiltApp;
let unconfigured: BuiltApp;
let inMemoryOwner: E2eAccount;
let unconfiguredOwner: E2eAccount;

beforeAll(async () => {
  // No MONGODB_URI, no LiveKit: what `npm start` does on a laptop with nothing else running.
  const [connected, memoryApp, unconfiguredApp] = await Promise.all([
    connectBrowser(),
    startSignedInApp({ NODE_ENV: 'development' }),
    startSignedInApp({ NODE_ENV: 'production' }),
  ]);
  browser = connected;
  ({ app: inMemory, owner: inMemoryOwner } = memoryApp);
  ({ app: unconfigured, owner: unconfiguredOwner } = unconfiguredApp);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([inMemory?.stop(), unconfigured?.stop()]);
});

describe('storage', () => {
  test('on the in-memory store a banner says agents are lost on restart; an empty list invites the first agent', async () => {
    for (const [label, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      const { context, page } = await openPage(browser, viewport, {
        session: inMemoryOwner.cookie,
      });
      try {
        await page.goto(`${inMemory.baseUrl}/agents`);
        const banner = page.getByRole('region', { name: 'Storage warning' });
        await banner.getByText('In-memory storage.').waitFor();
        await banner.getByText(/lost when it stops/).waitFor();
        await page.getByRole('heading', { name: 'No agents yet' }).waitFor();
        await page.getByRole('link', { name: 'Create your first agent' }).waitFor();
        expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
        await screenshot(page, `${label}-empty-in-memory`);
      } finally {
        await context.close();
      }
    }
  });

  test('on the in-memory store an agent can still be made, and its page says calls are off without LiveKit', async () => {
    const { context, page } = await openPage(browser, DESKTOP, {
      session: inMemoryOwner.cookie,
    });
    try {
      await page.goto(`${inMemory.baseUrl}/agents`);
      await page.getByRole('link', { name: 'Create your first agent' }).click();
      await page.getByRole('textbox', { name: 'Name' }).fill('Scratch agent');
      await page.getByRole('button', { name: /create agent/i }).click();
      await page.getByRole('heading', { level: 1, name: 'Scratch agent' }).waitFor();
      await page.getByText(/Calls are off: the server has no LiveKit settings/).waitFor();
      expect(await page.getByRole('button', { name: 'Start call' }).isDisabled()).toBe(true);
    } finally {
      await context.close();
    }
  });

  test('a production server without a database says so, and the list explains why it is empty', async () => {
    const { context, page } = await openPage(browser, DESKTOP, {
      session: unconfiguredOwner.cookie,
    });
    try {
      await page.goto(`${unconfigured.baseUrl}/agents`);
      await page
        .getByRole('region', { name: 'Storage warning' })
        .getByText('No database configured.')
        .waitFor();
      const error = page.getByRole('alert').filter({ hasText: 'Could not load agents' });
      // Said from the error's details (not-configured, database), not from the server's words.
      await error
        .getByText(
          'The database is not configured on the server: it needs its settings (see the banner above).',
        )
        .waitFor();
      await screenshot(page, 'desktop-unconfigured');
    } finally {
      await context.close();
    }
  });
});
