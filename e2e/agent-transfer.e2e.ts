// Export, import and duplicate in a real Chromium against the built app, a real database behind
// it: the exported file is the browser's download, imports go through the file picker.

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  apiClient,
  chooseFile,
  connectBrowser,
  horizontalOverflow,
  openPage,
  PHONE,
  screenshot,
  streamText,
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

const PUBLISHED = { instructions: 'You are the live front desk.', llm: { temperature: 0.2 } };
const DRAFT = { instructions: 'You are the front desk, reworded.', llm: { temperature: 0.6 } };

/** An agent whose published version 1 differs from its draft (version 2 of the agent). */
async function agentWithDraft(name: string) {
  const agent = await api.agents.create.mutate({ name, description: 'E2E', config: PUBLISHED });
  return api.agents.update.mutate({ agentId: agent.id, expectedVersion: 1, config: DRAFT });
}

function agentIdOf(page: Page): string {
  const id = /\/agents\/([0-9a-f]{24})$/.exec(new URL(page.url()).pathname)?.[1];
  if (!id) throw new Error(`not on an agent page: ${page.url()}`);
  return id;
}

describe('agent export, import and duplicate', () => {
  test('export downloads the file; it imports as a new agent; a broken file names its path; duplicate opens the copy', async () => {
    const source = await agentWithDraft(uniqueName('Transfer source'));
    const { context, page } = await openPage(browser);
    try {
      await page.goto(`/agents/${source.id}`);
      await page.getByRole('heading', { level: 1, name: source.name }).waitFor();
      await screenshot(page, 'desktop-agent-transfer-actions');

      // Export: the browser's download, named after the agent.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export', exact: true }).click(),
      ]);
      const slug = source.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
      expect(download.suggestedFilename()).toBe(`${slug}.switchboard-agent.json`);
      const text = await streamText(await download.createReadStream());
      const file = JSON.parse(text) as Record<string, unknown> & {
        agent: { name: string };
        draft: Record<string, unknown>;
      };
      expect(file).toMatchObject({
        format: 'switchboard.agent',
        formatVersion: 1,
        agent: { name: source.name, description: 'E2E' },
        draft: DRAFT,
        published: { version: 1, config: PUBLISHED },
      });

      // Import it from the list as a new agent (renamed in the file, so it can be told apart).
      const importedName = uniqueName('Transfer imported');
      await page.goto('/agents');
      await page.getByRole('heading', { level: 1, name: 'Agents' }).waitFor();
      await screenshot(page, 'desktop-agents-import-button');
      await chooseFile(
        page,
        'Import agent',
        download.suggestedFilename(),
        JSON.stringify({ ...file, agent: { ...file.agent, name: importedName } }, null, 2),
      );
      await page.getByRole('heading', { level: 1, name: importedName }).waitFor();
      const importedId = agentIdOf(page);
      expect(importedId).not.toBe(source.id);
      expect((await api.agents.get.query({ agentId: importedId })).config).toEqual(DRAFT);
      expect((await api.agents.version.query({ agentId: importedId, version: 1 })).config).toEqual(
        PUBLISHED,
      );

      // A broken file: the dialog names the path, and nothing changes.
      const before = await api.agents.get.query({ agentId: importedId });
      await chooseFile(
        page,
        'Import into draft',
        'broken.switchboard-agent.json',
        JSON.stringify({ ...file, draft: { ...file.draft, llm: { temperature: 5 } } }),
      );
      const problem = page.getByRole('alertdialog', { name: /Could not import/ });
      await problem.getByText('draft.llm.temperature: Must be at most 2').waitFor();
      await screenshot(page, 'desktop-agent-import-error');
      await problem.getByRole('button', { name: 'OK' }).click();
      await problem.waitFor({ state: 'hidden' });
      expect(await api.agents.get.query({ agentId: importedId })).toEqual(before);

      // A good file into the draft: the editor shows it; nothing is published.
      await chooseFile(
        page,
        'Import into draft',
        'reworded.switchboard-agent.json',
        JSON.stringify({ ...file, draft: { ...DRAFT, instructions: 'Imported into the draft.' } }),
      );
      await page.getByText(/Imported the draft from “reworded/).waitFor();
      await expect
        .poll(() => page.getByRole('textbox', { name: 'Instructions', exact: true }).inputValue())
        .toBe('Imported into the draft.');
      const versions = await api.agents.versions.query({ agentId: importedId });
      expect(versions.items.map((v) => v.version)).toEqual([1]);

      // Duplicate: asks for a name, then opens the copy.
      await page.goto(`/agents/${source.id}`);
      await page.getByRole('button', { name: 'Duplicate', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Duplicate agent' });
      const nameBox = dialog.getByRole('textbox', { name: /Name of the copy/ });
      expect(await nameBox.inputValue()).toBe(`${source.name} (copy)`);
      const copyName = uniqueName('Transfer copy');
      await nameBox.fill(copyName);
      await screenshot(page, 'desktop-agent-duplicate-dialog');
      await dialog.getByRole('button', { name: 'Duplicate', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: copyName }).waitFor();
      const copyId = agentIdOf(page);
      expect(copyId).not.toBe(source.id);
      expect((await api.agents.get.query({ agentId: copyId })).config).toEqual(DRAFT);
      expect((await api.agents.version.query({ agentId: copyId, version: 1 })).config).toEqual(
        PUBLISHED,
      );
    } finally {
      await context.close();
    }
  });

  test('on a phone the agent page keeps its actions on screen', async () => {
    const source = await agentWithDraft(uniqueName('Transfer phone'));
    const { context, page } = await openPage(browser, PHONE);
    try {
      await page.goto(`/agents/${source.id}`);
      await page.getByRole('heading', { level: 1, name: source.name }).waitFor();
      await page.getByRole('button', { name: 'Import into draft', exact: true }).waitFor();
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, 'phone-agent-transfer-actions');
    } finally {
      await context.close();
    }
  });
});
