// Helpers for the browser tests: the shared Chromium, pages at a given width, screenshots, and a
// typed API client for arranging data without clicking through the UI.

import path from 'node:path';
import { createTRPCClient, httpLink } from '@trpc/client';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject, onTestFinished } from 'vitest';
import type { AppRouter } from '../../server/routers/_app.ts';
import type { E2eContext } from './context.ts';
import type { SessionCookie } from './sign-in.ts';

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

/**
 * A fresh context (own cookies and storage) and page at a viewport, pointed at the built app.
 * The test fails if the app's Content-Security-Policy blocks anything in it, unless the
 * violation's text matches `expectedCspViolations`.
 */
export async function openPage(
  browser: Browser,
  viewport: { width: number; height: number } = DESKTOP,
  options: {
    expectedCspViolations?: RegExp;
    /** Whose session the context starts with: the first owner's unless given; null: signed out. */
    session?: SessionCookie | null;
  } = {},
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
  const session = options.session === undefined ? e2eContext().owner.cookie : options.session;
  if (session) {
    await context.addCookies([
      { ...session, url: e2eContext().baseUrl, httpOnly: true, sameSite: 'Lax' },
    ]);
  }
  await failOnCspViolations(context, options.expectedCspViolations);
  const page = await context.newPage();
  page.on('pageerror', (error) => process.stderr.write(`[browser page error] ${error.message}\n`));
  return { context, page };
}

/**
 * What the CSP blocks in the test's pages, as each document's `securitypolicyviolation` events
 * report it (Chromium's own "Refused to …" lines are not console API calls: Playwright's console
 * event does not see them).
 * Checked when the test finishes, so the failure names every violation, not just the first.
 */
async function failOnCspViolations(
  context: BrowserContext,
  expected: RegExp | undefined,
): Promise<void> {
  const violations: string[] = [];
  const record = (text: string) => {
    if (!expected?.test(text)) violations.push(text);
  };
  await context.exposeBinding('__switchboardCspViolation', (_source, text: string) => record(text));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as Record<string, (text: string) => void>)
        .__switchboardCspViolation;
      report?.(
        // Without the query: a LiveKit URL carries the participant's token there.
        `${event.effectiveDirective} blocked ${event.blockedURI.split('?')[0] || '(inline)'} in ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  });
  onTestFinished(() => {
    if (violations.length > 0) {
      throw new Error(
        `The Content-Security-Policy blocked something in this test:\n${violations.join('\n')}`,
      );
    }
  });
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
export function apiClient(baseUrl = e2eContext().baseUrl, apiKey = e2eContext().apiKey) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${baseUrl}/trpc`, headers: { authorization: `Bearer ${apiKey}` } })],
  });
}

/** A name no other test (or earlier run) uses. */
export function uniqueName(label: string): string {
  return `${label} ${Math.random().toString(36).slice(2, 8)}`;
}

/** Picks `content` as the file in the picker that clicking the button named `button` opens. */
export async function chooseFile(
  page: Page,
  button: string,
  fileName: string,
  content: string,
): Promise<void> {
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  await chooser.setFiles({
    name: fileName,
    mimeType: 'application/json',
    buffer: Buffer.from(content),
  });
}

/** A download's (or any stream's) content as UTF-8 text. */
export async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
