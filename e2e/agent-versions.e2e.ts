// Agent versions in a real Chromium against the built app and a real database: the draft and
// published state of the agent page, publishing with a note, the history, a diff, a restore that
// publishes, a phone number pinned to a version, deleting versions, and the agent exported and
// imported again (as a new agent, and into the draft).
//
// The journey is one test made of named steps (each waits for what the user sees, then checks the
// stored data through the API).

import type { Browser, Locator, Page } from 'playwright-core';
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

type Agent = Awaited<ReturnType<typeof api.agents.get.query>>;

/** A US number no other test uses: `{ e164: '+1628555xxxx', readable: '+1 628 555 xxxx' }`. */
function freshNumber() {
  const line = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
  const exchange = String(200 + Math.floor(Math.random() * 800));
  return { e164: `+1628${exchange}${line}`, readable: `+1 628 ${exchange} ${line}` };
}

/** The toast (or live status) saying `text`. */
function status(page: Page, text: string | RegExp): Locator {
  return page.getByRole('status').filter({ hasText: text }).first();
}

function publishing(page: Page): Locator {
  return page.getByRole('region', { name: 'Publishing' });
}

function history(page: Page): Locator {
  return page.getByRole('list', { name: 'Version history' });
}

/** One version's entry in the history (`v2`). */
function versionRow(page: Page, name: string): Locator {
  return history(page).getByRole('listitem', { name, exact: true });
}

async function versionsOf(agentId: string) {
  return (await api.agents.versions.query({ agentId, limit: 100 })).items;
}

// --- the steps ---

/** The form saves a draft: the page says so and that it is not published. */
async function editAndSave(page: Page, agent: Agent): Promise<void> {
  await page.goto(`/agents/${agent.id}`);
  await page.getByRole('heading', { level: 1, name: agent.name }).waitFor();
  await publishing(page).getByText('Published v1').waitFor();
  // The owner may edit: the talk panel tests the draft.
  await page
    .getByRole('complementary', { name: 'Talk to this agent' })
    .getByText('Testing the draft')
    .waitFor();

  await page.getByRole('textbox', { name: 'Greeting', exact: true }).fill('Hello from v2!');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await status(page, /^Saved as draft · version 2$/).waitFor();
  await publishing(page).getByText('Unpublished changes').waitFor();
  await publishing(page)
    .getByText(/1 changed/)
    .waitFor();
  await screenshot(page, 'desktop-agent-unpublished');

  // Saving changed the draft only: the published version is still v1's config.
  const stored = await api.agents.get.query({ agentId: agent.id });
  expect(stored.config.greeting).toBe('Hello from v2!');
  const published = await api.agents.version.query({ agentId: agent.id, version: 1 });
  expect(published.config.greeting).toBe('Hello from v1!');
  expect((await versionsOf(agent.id)).map((version) => version.version)).toEqual([1]);
}

/** Publish with a note: v2 is published, and the history says so. */
async function publishWithNote(page: Page, agent: Agent): Promise<void> {
  await publishing(page).getByRole('button', { name: 'Publish…' }).click();
  const dialog = page.getByRole('dialog', { name: `Publish “${agent.name}”` });
  await dialog.getByText('Since the published version: 1 changed.').waitFor();
  await dialog.getByRole('textbox', { name: 'Note' }).fill('Friendlier greeting');
  await screenshot(page, 'desktop-agent-publish');
  await dialog.getByRole('button', { name: 'Publish', exact: true }).click();
  await status(page, `Published v2 of “${agent.name}”`).waitFor();
  await dialog.waitFor({ state: 'hidden' });
  await publishing(page).getByText('Published v2').waitFor();

  const v2 = versionRow(page, 'v2');
  await v2.getByText('Published', { exact: true }).waitFor();
  await v2.getByText('Friendlier greeting').waitFor();
  await v2.getByText(/by you/).waitFor();
  expect(await versionRow(page, 'v1').getByText('Published', { exact: true }).count()).toBe(0);

  const [latest] = await versionsOf(agent.id);
  expect(latest).toMatchObject({
    version: 2,
    parentVersion: 1,
    restoredFrom: null,
    note: 'Friendlier greeting',
  });
}

/** Publishing an unchanged draft stores nothing and says so. */
async function publishUnchanged(page: Page, agent: Agent): Promise<void> {
  await publishing(page).getByRole('button', { name: 'Publish…' }).click();
  const dialog = page.getByRole('dialog', { name: `Publish “${agent.name}”` });
  await dialog.getByRole('button', { name: 'Publish', exact: true }).click();
  await status(page, 'Nothing new to publish: the draft is the same as v2').waitFor();
  await dialog.waitFor({ state: 'hidden' });
  expect((await versionsOf(agent.id)).map((version) => version.version)).toEqual([2, 1]);
}

/** The diff between v1 and v2 shows the changed path with its old and new value. */
async function compareVersions(page: Page): Promise<void> {
  await page.getByRole('combobox', { name: 'From', exact: true }).selectOption('1');
  await page.getByRole('combobox', { name: 'To', exact: true }).selectOption('2');
  const diff = page.getByRole('region', { name: 'Differences from v1 to v2' });
  const row = diff.getByRole('row').filter({ hasText: 'greeting' });
  await row.waitFor();
  expect(await diff.getByRole('rowheader').allTextContents()).toEqual(['greeting changed']);
  expect(await row.getByRole('cell').allTextContents()).toEqual([
    '"Hello from v1!"',
    '"Hello from v2!"',
  ]);
  await screenshot(page, 'desktop-agent-versions-diff');
}

/** Restore v1 and publish it: v3, restored from v1, published; the editor shows v1's config. */
async function restoreAndPublish(page: Page, agent: Agent): Promise<void> {
  await versionRow(page, 'v1').getByRole('button', { name: 'Restore v1' }).click();
  const dialog = page.getByRole('dialog', { name: 'Restore v1?' });
  await dialog.getByRole('checkbox', { name: 'Publish it right away as a new version' }).check();
  await dialog.getByRole('textbox', { name: 'Note' }).fill('Back to the first greeting');
  await dialog.getByRole('button', { name: 'Restore v1 and publish' }).click();
  await status(page, 'Restored v1 and published it as v3.').waitFor();
  await dialog.waitFor({ state: 'hidden' });

  const v3 = versionRow(page, 'v3');
  await v3.getByText('Restored from v1').waitFor();
  await v3.getByText('Published', { exact: true }).waitFor();
  await publishing(page).getByText('Published v3').waitFor();
  await expect
    .poll(() => page.getByRole('textbox', { name: 'Greeting', exact: true }).inputValue())
    .toBe('Hello from v1!');
  await screenshot(page, 'desktop-agent-versions', { fullPage: true });

  const [latest] = await versionsOf(agent.id);
  expect(latest).toMatchObject({
    version: 3,
    parentVersion: 2,
    restoredFrom: 1,
    note: 'Back to the first greeting',
  });
  const v3Config = await api.agents.version.query({ agentId: agent.id, version: 3 });
  expect(v3Config.config.greeting).toBe('Hello from v1!');
}

/** A phone number pinned to v2 keeps it; the list says which version each number runs. */
async function pinNumber(page: Page, agent: Agent): Promise<void> {
  const number = freshNumber();
  await page.goto('/phone-numbers');
  await page.getByRole('heading', { level: 1, name: 'Phone numbers' }).waitFor();
  await page.getByRole('button', { name: 'Add number' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a phone number' });
  await dialog.getByRole('textbox', { name: 'Phone number' }).fill(number.e164);
  const picker = dialog.getByRole('combobox', { name: 'Agent' });
  await picker.fill(agent.name);
  await dialog.getByRole('option', { name: agent.name }).click();
  const version = dialog.getByRole('combobox', { name: 'Version' });
  await version.getByRole('option', { name: /^Pin v2/ }).waitFor({ state: 'attached' });
  expect(await version.inputValue()).toBe('published');
  await version.selectOption('2');
  await screenshot(page, 'desktop-phone-number-pin');
  await dialog.getByRole('button', { name: 'Add number' }).click();
  await status(page, `Added ${number.readable} → ${agent.name}`).waitFor();

  const row = page
    .getByRole('list', { name: 'Phone numbers' })
    .getByRole('listitem')
    .filter({ hasText: number.readable });
  await row.getByText('v2 (pinned)').waitFor();
  const { items } = await api.telephony.routes.list.query({ agentId: agent.id, limit: 100 });
  expect(items.find((route) => route.did === number.e164)?.agentVersion).toBe(2);
  expect((await api.telephony.resolve.query({ did: number.e164 })).agentVersion).toBe(2);

  // Back to following "Published": the list says so, and calls get v3.
  await row.getByRole('button', { name: `Edit ${number.readable}` }).click();
  const edit = page.getByRole('dialog', { name: `Edit ${number.readable}` });
  const editVersion = edit.getByRole('combobox', { name: 'Version' });
  expect(await editVersion.inputValue()).toBe('2');
  await editVersion.selectOption('published');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await status(page, `Saved ${number.readable} → ${agent.name}`).waitFor();
  await row.getByText('Published', { exact: true }).waitFor();
  expect((await api.telephony.resolve.query({ did: number.e164 })).agentVersion).toBe(3);
}

/**
 * A draft saved elsewhere while the publish dialog is open publishes nothing: the dialog says so,
 * reloads the draft on request, and then publishes what is shown.
 */
async function publishAfterConflict(page: Page, agent: Agent): Promise<void> {
  await page.goto(`/agents/${agent.id}`);
  await publishing(page).getByText('Published v3').waitFor();
  await publishing(page).getByRole('button', { name: 'Publish…' }).click();
  const dialog = page.getByRole('dialog', { name: `Publish “${agent.name}”` });
  const onScreen = await api.agents.get.query({ agentId: agent.id });
  await api.agents.update.mutate({
    agentId: agent.id,
    expectedVersion: onScreen.version,
    config: { ...onScreen.config, greeting: 'Saved in another tab' },
  });
  await dialog.getByRole('button', { name: 'Publish', exact: true }).click();
  await dialog.getByRole('alert').filter({ hasText: 'Nothing was published.' }).waitFor();
  expect((await versionsOf(agent.id))[0]?.version).toBe(3);

  await dialog.getByRole('button', { name: 'Reload the draft' }).click();
  await expect
    .poll(() => page.getByRole('textbox', { name: 'Greeting', exact: true }).inputValue())
    .toBe('Saved in another tab');
  await dialog.getByRole('button', { name: 'Publish', exact: true }).click();
  await status(page, `Published v4 of “${agent.name}”`).waitFor();
  await publishing(page).getByText('Published v4').waitFor();
  const v4 = await api.agents.version.query({ agentId: agent.id, version: 4 });
  expect(v4.config.greeting).toBe('Saved in another tab');
}

/**
 * Deleting a version a number is pinned to is refused, naming the number; an unpinned old version
 * leaves the history; the published one offers no delete.
 */
async function deleteVersions(page: Page, agent: Agent): Promise<void> {
  const number = freshNumber();
  await api.telephony.routes.create.mutate({
    did: number.e164,
    agentId: agent.id,
    agentVersion: 2,
  });
  await page.goto(`/agents/${agent.id}`);
  await publishing(page).getByText('Published v4').waitFor();
  expect(await versionRow(page, 'v4').getByRole('button', { name: 'Delete v4' }).count()).toBe(0);

  await versionRow(page, 'v2').getByRole('button', { name: 'Delete v2' }).click();
  await page
    .getByRole('alertdialog', { name: 'Delete v2?' })
    .getByRole('button', { name: 'Delete version' })
    .click();
  await page
    .getByRole('alert')
    .filter({ hasText: `Could not delete v2: the number ${number.e164} is pinned to it.` })
    .waitFor();
  await versionRow(page, 'v2').waitFor();

  await versionRow(page, 'v1').getByRole('button', { name: 'Delete v1' }).click();
  await page
    .getByRole('alertdialog', { name: 'Delete v1?' })
    .getByRole('button', { name: 'Delete version' })
    .click();
  await status(page, 'Deleted v1').waitFor();
  await versionRow(page, 'v1').waitFor({ state: 'detached' });
  expect((await versionsOf(agent.id)).map((version) => version.version)).toEqual([4, 3, 2]);
}

/**
 * Export downloads the draft and the published version (v4, with its hash); imported from the
 * agents list it is a new agent whose v1 is that config; imported into the agent's draft it shows
 * as unpublished changes and publishes nothing.
 */
async function exportAndImport(page: Page, agent: Agent): Promise<void> {
  await page.goto(`/agents/${agent.id}`);
  await publishing(page).getByText('Published v4').waitFor();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export', exact: true }).click(),
  ]);
  const file = JSON.parse(await streamText(await download.createReadStream())) as {
    agent: { name: string };
    draft: Record<string, unknown>;
    published: { version: number; configHash: string; config: Record<string, unknown> };
  };
  const v4 = await api.agents.version.query({ agentId: agent.id, version: 4 });
  expect(file.published).toEqual({ version: 4, configHash: v4.configHash, config: v4.config });
  expect(file.draft).toEqual((await api.agents.get.query({ agentId: agent.id })).config);

  const importedName = uniqueName('Versioned copy');
  await page.goto('/agents');
  await chooseFile(
    page,
    'Import agent',
    download.suggestedFilename(),
    JSON.stringify({ ...file, agent: { ...file.agent, name: importedName } }),
  );
  await page.getByRole('heading', { level: 1, name: importedName }).waitFor();
  await publishing(page).getByText('Published v1').waitFor();
  const importedId = /\/agents\/([0-9a-f]{24})$/.exec(new URL(page.url()).pathname)?.[1] ?? '';
  const [copyV1] = await versionsOf(importedId);
  expect(copyV1).toMatchObject({ version: 1, configHash: v4.configHash });

  await page.goto(`/agents/${agent.id}`);
  await publishing(page).getByText('Published v4').waitFor();
  await chooseFile(
    page,
    'Import into draft',
    'edited.switchboard-agent.json',
    JSON.stringify({ ...file, draft: { ...file.draft, greeting: 'From the edited file' } }),
  );
  await publishing(page).getByText('Unpublished changes').waitFor();
  await screenshot(page, 'desktop-agent-versions-imported-draft');
  expect((await api.agents.get.query({ agentId: agent.id })).config.greeting).toBe(
    'From the edited file',
  );
  expect((await versionsOf(agent.id)).map((version) => version.version)).toEqual([4, 3, 2]);
}

/** On a phone the publish bar, the history and the diff fit the width. */
async function onAPhone(agent: Agent): Promise<void> {
  const { context, page } = await openPage(browser, PHONE);
  try {
    await page.goto(`/agents/${agent.id}`);
    // The draft imported last differs from v4.
    await publishing(page).getByText('Unpublished changes').waitFor();
    await versionRow(page, 'v3').getByText('Restored from v1').waitFor();
    await page.getByRole('combobox', { name: 'From', exact: true }).selectOption('2');
    await page.getByRole('combobox', { name: 'To', exact: true }).selectOption('4');
    await page.getByRole('region', { name: 'Differences from v2 to v4' }).waitFor();
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, 'phone-agent-versions', { fullPage: true });
  } finally {
    await context.close();
  }
}

describe('agent versions', () => {
  test('edit → unpublished → publish with a note → history → diff v1↔v2 → restore v1 and publish → a number pinned to a version → a publish that meets a newer draft → deleting versions → export → import', async () => {
    const agent = await api.agents.create.mutate({
      name: uniqueName('Versioned'),
      config: {
        instructions: 'You answer calls for the versions test.',
        greeting: 'Hello from v1!',
        llm: { provider: 'openai', model: 'gpt-4.1-mini', temperature: 0.3 },
      },
    });
    const { context, page } = await openPage(browser);
    try {
      await editAndSave(page, agent);
      await publishWithNote(page, agent);
      await publishUnchanged(page, agent);
      await compareVersions(page);
      await restoreAndPublish(page, agent);
      await pinNumber(page, agent);
      await publishAfterConflict(page, agent);
      await deleteVersions(page, agent);
      await exportAndImport(page, agent);
    } finally {
      await context.close();
    }
    await onAPhone(agent);
  });
});
