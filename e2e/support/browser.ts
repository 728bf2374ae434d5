// Helpers for the browser tests: the shared Chromium, pages at a given width, screenshots, and a
// typed API client for arranging data without clicking through the UI.

import path from 'node:path';
import { createTRPCClient, httpLink } from '@trpc/client';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';
import type { AppRouter } from '../../server/routers/_app.ts';
import type { E2eContext } from './context.ts';

export const DESKTOP = { width: 1280, height: 860 } as const;
export const PHONE = { width: 375, height: 740 } as const;

export function e2eContext(): E2eContext {
  const context = inject('e2e');
  if (!context)
    throw new Error(
      'no e2e context: run the browser tests through the e2e project (e2e/global-setup.ts)',
    );
  return context;
}

export async function connectBrowser(): Promise<Browser> {
  return chromium.connect(e2eContext().wsEndpoint);
}

/** A fresh context (own cookies and storage) and page at a viewport, pointed at the built app. */
export async function openPage(
  browser: Browser,
  viewport: { width: number; height: number } = DESKTOP,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: e2eContext().baseUrl,
    viewport,
    deviceScaleFactor: 1,
    isMobile: viewport.width < 500,
    hasTouch: viewport.width < 500,
    permissions: ['microphone'],
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.on('pageerror', (error) => process.stderr.write(`[browser page error] ${error.message}\n`));
  return { context, page };
}

/**
 * Saves `e2e/screenshots/<name>.png` for a human to look at: what the viewport shows (sticky bars
 * and dialogs as a user sees them), or the whole page with `fullPage`.
 */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  // No hover effect from the last click in the picture.
  await page.mouse.move(0, 0);
  await page.screenshot({
    path: path.join(e2eContext().screenshotsDir, `${name}.png`),
    fullPage: options.fullPage ?? false,
    animations: 'disabled',
  });
}

/** The page's document is no wider than its viewport (nothing sticks out sideways). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** A typed client of the same app (or of another one the test started), for arranging and checking data. */
export function apiClient(baseUrl = e2eContext().baseUrl) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${baseUrl}/trpc` })],
  });
}

/** A name no other test (or earlier run) uses. */
export function uniqueName(label: string): string {
  return `${label} ${Math.random().toString(36).slice(2, 8)}`;
}
