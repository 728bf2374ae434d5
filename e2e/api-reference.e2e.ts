// The API reference page in a real Chromium against the built app: Swagger UI (bundled, its own
// lazy chunk) renders GET /api/v1/openapi.json under the dashboard's Content-Security-Policy, and
// "Try it out" calls the REST API as the signed-in person.

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { apiClient, connectBrowser, openPage, screenshot, uniqueName } from './support/browser.ts';

let browser: Browser;
const api = apiClient();

beforeAll(async () => {
  browser = await connectBrowser();
});

afterAll(async () => {
  await browser?.close();
});

test('the reference lists the routes and "Try it out" lists the workspace’s agents', async () => {
  const name = uniqueName('REST reference');
  await api.agents.create.mutate({ name });
  const { context, page } = await openPage(browser);
  try {
    const swaggerChunk = page.waitForRequest((request) =>
      /swagger-ui-es-bundle/.test(request.url()),
    );
    await page.goto('/agents');
    await page.getByRole('link', { name: 'API', exact: true }).click();
    await page.getByRole('heading', { name: 'API reference', level: 1 }).waitFor();
    // Loaded from this server, when the page opened.
    expect(new URL((await swaggerChunk).url()).origin).toBe(new URL(page.url()).origin);

    const list = page.locator('#operations-agents-agents-list');
    await list.waitFor();
    for (const id of ['agents-agents-update', 'sessions-session-connectionDetails']) {
      await expect(page.locator(`[id="operations-${id}"]`).count()).resolves.toBe(1);
    }
    await expect(page.getByText('/phone-numbers/{routeId}').count()).resolves.toBeGreaterThan(0);
    await list.locator('.opblock-summary-control').click();
    await list.getByRole('button', { name: 'Try it out' }).click();
    await list.getByRole('button', { name: 'Execute' }).click();
    const status = list.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor();
    expect((await status.textContent())?.trim()).toBe('200');
    await expect(list.locator('.live-responses-table').textContent()).resolves.toContain(name);
    await screenshot(page, 'api-reference', { fullPage: false });
  } finally {
    await context.close();
  }
});
