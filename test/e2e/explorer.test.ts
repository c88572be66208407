import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import Docker from 'dockerode';
import type { Page } from 'playwright-core';
import { parseEngineAddress, toDockerodeOptions } from '../../src/docker/engineAddress';
import {
  copyWorkspace,
  launchEditor,
  REPO_ROOT,
  saveEvidence,
  saveEvidenceAfterEach,
  type Editor,
} from '../support/codeServer';
import {
  ensureTestImage,
  killLeftovers,
  requireEngine,
  secondEngineArgs,
  startPrivateDaemon,
  stopPrivateDaemon,
  TEST_IMAGE,
} from '../support/dockerEngine';
import { freePort } from '../support/dockerModel';
import { isRoot } from '../support/system';
import { buildDockerfile } from '../support/dockerBuild';
import { startRegistry } from '../support/registry';
import { contextMenu, findFrameWithText, runCommand } from '../support/workbench';
import { itemAt } from '../support/itemAt';

/** A row of a Dockside tree view, by its label. */
const row = (page: Page, view: string, label: string) =>
  page
    .locator(`.pane:has(.pane-header[aria-label^="${view}"]) .monaco-list-row`, {
      has: page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }),
    })
    .first();

const LAYERS_IMAGE = 'dockside-e2e-site:1';
const LAYERS_DOCKERFILE = [
  `FROM ${TEST_IMAGE}`,
  'RUN echo "built by the e2e test" > /built.txt',
  'COPY www/ /srv/www',
  'EXPOSE 8080',
  'CMD ["httpd", "-f", "-p", "8080", "-h", "/srv/www"]',
  '',
].join('\n');

describe('The Docker explorer in a real VS Code, on a real engine of its own (tcp://127.0.0.1)', function () {
  let editor: Editor | undefined;
  let engine: { host: string; docker: Docker };
  let daemon: ChildProcess | undefined;
  let dir = '';
  let sitePort = 0;
  const tag = `${Date.now()}`;
  const project = `shop${tag.slice(-6)}`;
  // Exits at once on SIGTERM, so a stop takes well under a second.
  const cmd = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.2; done'];

  before(async function () {
    this.timeout(300000);
    // The shared engine proves Docker can run here; this suite stops and restarts an engine, so it starts its own.
    await requireEngine(this);
    if (!isRoot) {
      if (process.env.CI) throw new Error('CI must be able to start a second engine (needs root)');
      console.warn('    SKIPPED: starting a second dockerd needs root');
      this.skip();
    }
    dir = fs.mkdtempSync('/tmp/dockside-e2e-engine-');
    sitePort = await freePort();
    const host = `tcp://127.0.0.1:${await freePort()}`;
    daemon = await startPrivateDaemon(host, dir, secondEngineArgs(dir));
    engine = { host, docker: new Docker(toDockerodeOptions(parseEngineAddress(host))) };
    await ensureTestImage(engine.docker);
    for (const service of ['web', 'db']) {
      const c = await engine.docker.createContainer({
        Image: TEST_IMAGE,
        name: `${project}-${service}-1`,
        Cmd: cmd,
        Labels: { 'dockside.e2e': tag, 'com.docker.compose.project': project, 'com.docker.compose.service': service },
        HostConfig: { NetworkMode: 'none' },
      });
      await c.start();
    }
    const solo = await engine.docker.createContainer({
      Image: TEST_IMAGE,
      name: `solo-${tag}`,
      Cmd: cmd,
      Labels: { 'dockside.e2e': tag },
      HostConfig: { NetworkMode: 'none' },
    });
    await solo.start();
    // An image built from a Dockerfile in the workspace, for the layer panel.
    const workspace = copyWorkspace(path.join(REPO_ROOT, 'examples'));
    fs.mkdirSync(path.join(workspace, 'site'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'site', 'Dockerfile'), LAYERS_DOCKERFILE);
    const built = await buildDockerfile(
      engine.docker,
      LAYERS_DOCKERFILE,
      { 'www/index.html': '<h1>hello</h1>\n' },
      LAYERS_IMAGE,
    );
    assert.ok(built.ok, built.log);
    editor = await launchEditor(this, { workspace, env: { DOCKER_HOST: engine.host } });
  });

  after(async function () {
    this.timeout(60000);
    if (daemon) await stopPrivateDaemon(daemon);
    if (dir) {
      await killLeftovers(dir);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  afterEach(saveEvidenceAfterEach('explorer', () => editor));

  it('completes the walkthrough step "run a container with a published port" when such a container starts', async function () {
    this.timeout(120000);
    const { page } = editor!;
    await runCommand(page, 'Welcome: Open Walkthrough...');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get started with Docker' }).first().click();
    const step = page.locator('.getting-started-step', { hasText: 'Run a container with a published port' }).first();
    await step.waitFor({ timeout: 20000 });
    await step.click();
    const done = () =>
      step.evaluate((el) => el.classList.contains('complete') || !!el.querySelector('.codicon-pass-filled, .complete'));
    assert.equal(await done(), false, 'not complete before any container publishes a port');
    // "Watch in the Containers view" starts the Docker side; nothing with a published port runs yet.
    await page.locator('.getting-started-step.expanded a', { hasText: 'Watch in the Containers view' }).first().click();
    await row(page, 'Containers', project).waitFor({ timeout: 20000 });
    assert.equal(await done(), false, 'still not complete: no published port yet');
    // A container with a published port, on a user-defined bridge (this engine has no default bridge).
    await engine.docker.createNetwork({ Name: `e2e-net-${tag}` });
    const web = await engine.docker.createContainer({
      Image: LAYERS_IMAGE,
      name: `site-${tag}`,
      Labels: { 'dockside.e2e': tag },
      ExposedPorts: { '8080/tcp': {} },
      HostConfig: {
        NetworkMode: `e2e-net-${tag}`,
        PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: String(sitePort) }] },
      },
    });
    await web.start();
    const deadline = Date.now() + 10000;
    while (!(await done()) && Date.now() < deadline) await page.waitForTimeout(200);
    await saveEvidence(editor, 'walkthrough-run-step');
    assert.equal(await done(), true, 'the step completed from the engine event');
    await page.locator('.part.sidebar .title').first().click();
    await runCommand(page, 'View: Close All Editors');
  });

  it('shows the containers grouped by compose project, then service, then standalone ones', async function () {
    this.timeout(60000);
    const { page } = editor!;
    // Open the Dockside container from the activity bar, as a person would (a second click would close it).
    if (
      !(await page
        .locator('.pane-header[aria-label^="Containers"]')
        .isVisible()
        .catch(() => false))
    )
      await page.locator('.activitybar .action-item a[aria-label^="Dockside"]').first().click();
    await row(page, 'Containers', project).waitFor({ timeout: 20000 });
    for (const label of ['web', 'db', `${project}-web-1`, `${project}-db-1`, `solo-${tag}`])
      await row(page, 'Containers', label).waitFor({ timeout: 10000 });
    const text = await row(page, 'Containers', project).innerText();
    assert.match(text, /2\/2 running/);
    assert.match(
      await row(page, 'Containers', `solo-${tag}`).innerText(),
      new RegExp(TEST_IMAGE.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')),
    );
  });

  it('stops a container from its context menu, and its icon changes within a second of the engine stopping it', async function () {
    this.timeout(60000);
    const { page } = editor!;
    const web = row(page, 'Containers', `${project}-web-1`);
    await web.locator('.codicon-vm-running').waitFor({ timeout: 10000 });
    await contextMenu(page, web, /^Stop$/);
    // The engine reports the stop; the tree must follow from the event stream.
    const [info] = await engine.docker.listContainers({
      all: true,
      filters: JSON.stringify({ name: [`${project}-web-1`] }),
    });
    const stoppedBy = Date.now();
    await web.locator('.codicon-vm-outline').waitFor({ timeout: 5000 });
    assert.ok(info, 'the container is listed');
    const state = (await engine.docker.getContainer(info.Id).inspect()).State;
    assert.equal(state.Running, false);
    assert.ok(
      Date.now() - Math.max(stoppedBy, Date.parse(state.FinishedAt)) < 1000 + 500,
      'the icon changed within a second of the stop',
    );
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
    assert.equal(
      (await engine.docker.listContainers({ filters: JSON.stringify({ name: [`solo-${tag}`] }) })).length,
      1,
      'still there',
    );
    await contextMenu(page, solo, /^Remove…$/);
    await dialog.getByRole('button', { name: 'Force Remove' }).click();
    await solo.waitFor({ state: 'detached', timeout: 10000 });
  });

  it("opens the layer panel from an image, shows the steps of docker history, and reveals a step's Dockerfile line", async function () {
    this.timeout(90000);
    const { page } = editor!;
    const image = row(page, 'Images', LAYERS_IMAGE);
    await image.waitFor({ timeout: 10000 });
    await contextMenu(page, image, /^Show Image Layers…$/);
    const frame = await findFrameWithText(page, 'Step (newest first)', 20000);
    assert.ok(frame, 'the layer panel shows its table');
    const history = (await engine.docker.getImage(LAYERS_IMAGE).history()) as { CreatedBy: string }[];
    // Every history entry is a row; only those linked to a Dockerfile line are tab stops.
    const rows = frame.locator('#rows tr[data-index]');
    assert.equal(await rows.count(), history.length, 'one row per docker history entry');
    const texts = await rows.allInnerTexts();
    assert.match(itemAt(texts, 0, 'row'), /CMD \["httpd"/);
    assert.ok(
      texts.some((t) => /COPY dir:\w+.* in \/srv\/www/.test(t) && /line 3/.test(t)),
      'COPY is linked to line 3',
    );
    assert.match(await frame.locator('body').innerText(), /this build · ▼ base image/);
    await saveEvidence(editor, 'panel-layers');
    await frame.locator('#rows tr', { hasText: 'RUN echo' }).first().click();
    await page.locator('.tab.active', { hasText: 'Dockerfile' }).waitFor({ timeout: 10000 });
    await page
      .locator('.statusbar-item', { hasText: /Ln 2, Col/ })
      .first()
      .waitFor({ timeout: 10000 });
  });

  it('shows the published ports of the running containers in the port panel', async function () {
    this.timeout(60000);
    const { page } = editor!;
    await page.locator('.part.sidebar .title').first().click();
    await page.locator('.pane-header[aria-label^="Containers"]').hover();
    await page.locator('.pane-header[aria-label^="Containers"] .action-label[aria-label="Show Port Map"]').click();
    const frame = await findFrameWithText(page, `127.0.0.1:${sitePort}`, 20000);
    assert.ok(frame, 'the port panel shows the published address');
    const line = await frame
      .locator('#rows tr', { hasText: `site-${tag}` })
      .first()
      .innerText();
    assert.match(
      line,
      new RegExp(`127\\.0\\.0\\.1:${sitePort}[\\s\\S]*localhost only[\\s\\S]*site-${tag}[\\s\\S]*8080/tcp`),
    );
    assert.match(await frame.locator('body').innerText(), /EXPOSE 80 in a Dockerfile publishes nothing/);
    await saveEvidence(editor, 'panel-ports');
  });

  it('draws the port panel in theme colours: light, dark and high contrast differ, and high contrast has borders', async function () {
    this.timeout(90000);
    const { page } = editor!;
    const frame = await findFrameWithText(page, `127.0.0.1:${sitePort}`, 20000);
    assert.ok(frame, 'the port panel is open');
    // Evaluated in the webview (a string, since the tests are compiled without the DOM library).
    const look = async () =>
      (await frame.evaluate(`(() => {
        const badge = document.querySelector('.badge');
        return {
          text: getComputedStyle(document.body).color,
          background: getComputedStyle(document.body).backgroundColor,
          badgeBorder: getComputedStyle(badge).borderTopColor,
        };
      })()`)) as { text: string; background: string; badgeBorder: string };
    // Switch themes the way a person does: the Color Theme picker.
    const withTheme = async (theme: string) => {
      const before = JSON.stringify(await look());
      await page.locator('.part.sidebar .title').first().click();
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+T');
      await page.locator('.quick-input-widget input').fill(theme);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: theme }).first().click();
      for (let i = 0; i < 50 && JSON.stringify(await look()) === before; i++) await page.waitForTimeout(200);
      return look();
    };
    const light = await look();
    const dark = await withTheme('Default Dark Modern');
    const contrast = await withTheme('Default High Contrast');
    await saveEvidence(editor, 'panel-ports-high-contrast');
    await withTheme('Default Light Modern');
    assert.notEqual(light.background, dark.background, 'the background follows the theme');
    assert.notEqual(light.text, dark.text, 'the text colour follows the theme');
    assert.notEqual(contrast.badgeBorder, 'rgba(0, 0, 0, 0)', 'high contrast draws the contrast border');
    assert.equal(light.badgeBorder, 'rgba(0, 0, 0, 0)', 'other themes do not');
  });

  it('adds a registry that needs a login, lists its repositories, and keeps the password out of settings and logs', async function () {
    this.timeout(180000);
    const { page } = editor!;
    const user = { username: 'learner', password: 'Pa55-word-for-e2e' };
    const registry = await startRegistry(this, user);
    // Something to list: pushed through the engine with the right credentials.
    await engine.docker.getImage(TEST_IMAGE).tag({ repo: `${registry.address}/class/busybox`, tag: '1' });
    const push = (await engine.docker.getImage(`${registry.address}/class/busybox`).push({
      tag: '1',
      authconfig: { ...user, serveraddress: registry.address },
    } as never)) as unknown as NodeJS.ReadableStream;
    await new Promise<void>((resolve, reject) =>
      engine.docker.modem.followProgress(push, (err: Error | null) => (err ? reject(err) : resolve())),
    );
    await page.locator('.part.sidebar .title').first().click();
    const header = page.locator('.pane-header[aria-label^="Registries"]');
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    await header.hover();
    await header.locator('.action-label[aria-label="Add Registry…"]').click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10000 });
    await input.fill(registry.address);
    await page.keyboard.press('Enter');
    await page
      .locator('.notification-toast', { hasText: 'needs a login' })
      .getByRole('button', { name: 'Log In' })
      .click();
    await input.waitFor({ state: 'visible', timeout: 10000 });
    await input.fill(user.username);
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget input[type="password"]').waitFor({ timeout: 10000 });
    await page.keyboard.type(user.password);
    await page.keyboard.press('Enter');
    const registryRow = row(page, 'Registries', registry.address);
    await registryRow.waitFor({ timeout: 15000 });
    await registryRow.click();
    await row(page, 'Registries', 'class/busybox').waitFor({ timeout: 15000 });
    await saveEvidence(editor, 'registries-view');
    // The password may only be in VS Code's secret storage (encrypted), never in settings or any log.
    const leaks: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else if (/\.log$|settings\.json$/.test(e.name) && fs.readFileSync(full, 'utf8').includes(user.password))
          leaks.push(full);
      }
    };
    walk(editor!.userDataDir);
    assert.deepEqual(leaks, []);
    await registry.stop();
  });

  it('shows the welcome view within 2 seconds when the engine stops, and recovers when it is back', async function () {
    this.timeout(120000);
    const { page } = editor!;
    const welcome = page.locator('.pane:has(.pane-header[aria-label^="Containers"]) .welcome-view-content', {
      hasText: 'Dockside cannot reach Docker',
    });
    daemon!.kill('SIGKILL');
    const killedAt = Date.now();
    await welcome.waitFor({ timeout: 2000 });
    assert.ok(Date.now() - killedAt < 2000);
    // The header says which address was tried; the welcome says what went wrong in words and what to do.
    const header = page.locator('.pane-header[aria-label^="Containers"]');
    assert.match(await header.innerText(), /tcp:\/\/127\.0\.0\.1:\d+: not reachable/);
    assert.match(await welcome.innerText(), /(stopped or restarted|Nothing answers)[\s\S]*Retry[\s\S]*Choose Engine/);
    await saveEvidence(editor, 'explorer-engine-unreachable');
    await new Promise<void>((resolve) =>
      daemon!.exitCode !== null || daemon!.signalCode !== null ? resolve() : daemon!.once('exit', () => resolve()),
    );
    await killLeftovers(dir);
    daemon = await startPrivateDaemon(engine.host, dir, secondEngineArgs(dir));
    // Containers stopped with the engine; the project and its rows come back from a fresh snapshot.
    await row(page, 'Containers', project).waitFor({ timeout: 15000 });
    await welcome.waitFor({ state: 'detached', timeout: 5000 });
  });
});
