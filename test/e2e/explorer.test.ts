import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { copyWorkspace, launchEditor, REPO_ROOT, saveEvidence, type Editor } from '../support/codeServer';
import { requireEngine, TEST_IMAGE, type TestEngine } from '../support/dockerEngine';
import { contextMenu } from '../support/workbench';

/** A row of a Dockside tree view, by its label. */
const row = (page: Page, view: string, label: string) => page.locator(`.pane:has(.pane-header[aria-label^="${view}"]) .monaco-list-row`, { has: page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();

describe('The Docker explorer in a real VS Code, on a real engine', function () {
  let editor: Editor | undefined;
  let engine: TestEngine;
  const tag = `${Date.now()}`;
  const project = `shop${tag.slice(-6)}`;
  // Exits at once on SIGTERM, so a stop takes well under a second.
  const cmd = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.2; done'];

  before(async function () {
    engine = await requireEngine(this);
    for (const service of ['web', 'db']) {
      const c = await engine.docker.createContainer({
        Image: TEST_IMAGE,
        name: `${project}-${service}-1`,
        Cmd: cmd,
        Labels: { 'dockside.e2e': tag, 'com.docker.compose.project': project, 'com.docker.compose.service': service },
      });
      await c.start();
    }
    const solo = await engine.docker.createContainer({ Image: TEST_IMAGE, name: `solo-${tag}`, Cmd: cmd, Labels: { 'dockside.e2e': tag } });
    await solo.start();
    editor = await launchEditor(this, { workspace: copyWorkspace(path.join(REPO_ROOT, 'examples')), env: { DOCKER_HOST: engine.host } });
  });

  after(async function () {
    this.timeout(60000);
    if (!engine) return;
    for (const c of await engine.docker.listContainers({ all: true, filters: JSON.stringify({ label: [`dockside.e2e=${tag}`] }) })) await engine.docker.getContainer(c.Id).remove({ force: true });
  });

  afterEach(async function () {
    const failed = this.currentTest?.state === 'failed';
    await saveEvidence(editor, `explorer-${this.currentTest?.title ?? 'test'}${failed ? '-FAILED' : ''}`, failed);
  });

  it('shows the containers grouped by compose project, then service, then standalone ones', async function () {
    this.timeout(60000);
    const { page } = editor!;
    // Open the Dockside container from the activity bar, as a person would.
    await page.locator('.activitybar .action-item a[aria-label^="Dockside"]').first().click();
    await row(page, 'Containers', project).waitFor({ timeout: 20000 });
    for (const label of ['web', 'db', `${project}-web-1`, `${project}-db-1`, `solo-${tag}`]) await row(page, 'Containers', label).waitFor({ timeout: 10000 });
    const text = await row(page, 'Containers', project).innerText();
    assert.match(text, /2\/2 running/);
    assert.match(await row(page, 'Containers', `solo-${tag}`).innerText(), new RegExp(TEST_IMAGE.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
  });

  it('stops a container from its context menu, and its icon changes within a second of the engine stopping it', async function () {
    this.timeout(60000);
    const { page } = editor!;
    const web = row(page, 'Containers', `${project}-web-1`);
    await web.locator('.codicon-vm-running').waitFor({ timeout: 10000 });
    await contextMenu(page, web, /^Stop$/);
    // The engine reports the stop; the tree must follow from the event stream.
    const [info] = await engine.docker.listContainers({ all: true, filters: JSON.stringify({ name: [`${project}-web-1`] }) });
    const stoppedBy = Date.now();
    await web.locator('.codicon-vm-outline').waitFor({ timeout: 5000 });
    const state = (await engine.docker.getContainer(info.Id).inspect()).State;
    assert.equal(state.Running, false);
    assert.ok(Date.now() - Math.max(stoppedBy, Date.parse(state.FinishedAt)) < 1000 + 500, 'the icon changed within a second of the stop');
    assert.match(await row(page, 'Containers', project).innerText(), /1\/2 running/);
  });

  it('asks before removing a container, and keeps it when cancelled', async function () {
    this.timeout(60000);
    const { page } = editor!;
    const solo = row(page, 'Containers', `solo-${tag}`);
    await contextMenu(page, solo, /^Remove…$/);
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 10000 });
    assert.match(await dialog.innerText(), new RegExp(`Remove container "solo-${tag}"\\?`));
    assert.match(await dialog.innerText(), /is running: Force Remove stops it first/);
    await saveEvidence(editor, 'explorer-remove-confirmation');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForTimeout(1000);
    assert.equal((await engine.docker.listContainers({ filters: JSON.stringify({ name: [`solo-${tag}`] }) })).length, 1, 'still there');
    await contextMenu(page, solo, /^Remove…$/);
    await dialog.getByRole('button', { name: 'Force Remove' }).click();
    await solo.waitFor({ state: 'detached', timeout: 10000 });
  });
});
