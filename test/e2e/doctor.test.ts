/**
 * "Why Did It Stop?" in a real VS Code (code-server) on the real engine: a container built by Dockside's label
 * from a workspace Dockerfile whose CMD names a missing command. The answer names the command and its line, and
 * "Open the Line" opens the Dockerfile there.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { DOCKERFILE_LABEL } from '../../src/docker/dockerfileLabel';
import { copyWorkspace, launchEditor, REPO_ROOT, saveEvidenceAfterEach, type Editor } from '../support/codeServer';
import { requireEngine, TEST_IMAGE, type TestEngine } from '../support/dockerEngine';
import { contextMenu } from '../support/workbench';

const row = (page: Page, label: string) =>
  page
    .locator(`.pane:has(.pane-header[aria-label^="Containers"]) .monaco-list-row`, {
      has: page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }),
    })
    .first();

describe('Why Did It Stop? in a real VS Code, on the real engine', function () {
  let editor: Editor | undefined;
  let engine: TestEngine;
  const name = `doctor-e2e-${Date.now()}`;
  const image = `${name}:1`;

  before(async function () {
    this.timeout(600000);
    engine = await requireEngine(this);
    const workspace = copyWorkspace(path.join(REPO_ROOT, 'examples'));
    const dir = path.join(workspace, 'doctor');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM base\nWORKDIR /app\nCMD ["nodee", "server.js"]\n');
    // The build context: the same Dockerfile on the test image, labelled the way Dockside's builds are.
    const ctx = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-e2e-'));
    fs.writeFileSync(path.join(ctx, 'Dockerfile'), `FROM ${TEST_IMAGE}\nWORKDIR /app\nCMD ["nodee", "server.js"]\n`);
    const stream = await engine.docker.buildImage({ context: ctx, src: ['Dockerfile'] }, {
      t: image,
      labels: { [DOCKERFILE_LABEL]: 'Dockerfile' },
    } as object);
    await new Promise<void>((resolve, reject) =>
      engine.docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())),
    );
    fs.rmSync(ctx, { recursive: true, force: true });
    const container = await engine.docker.createContainer({ Image: image, name });
    await container.start().catch(() => undefined); // it cannot start: that is the point
    editor = await launchEditor(this, { workspace, env: { DOCKER_HOST: engine.host } });
  });

  after(async () => {
    await engine?.docker
      .getContainer(name)
      .remove({ force: true })
      .catch(() => undefined);
    await engine?.docker
      .getImage(image)
      .remove({ force: true })
      .catch(() => undefined);
  });

  afterEach(saveEvidenceAfterEach('doctor', () => editor));

  it('names the missing command and its CMD line, and opens that line', async function () {
    this.timeout(120000);
    const { page } = editor!;
    await page.locator('.activitybar .action-item a[aria-label^="Dockside"]').first().click();
    const c = row(page, name);
    await c.waitFor({ timeout: 30000 });
    // The list says only "created"; the row says that its start failed, in words beside the error icon.
    await c
      .locator('.label-description', { hasText: /^failed to start, exit code 127 · / })
      .waitFor({ timeout: 10000 });
    await contextMenu(page, c, /^Why Did It Stop\?$/);
    const toast = page.locator('.notification-toast', { hasText: 'Command not found' }).first();
    await toast.waitFor({ timeout: 20000 });
    const text = await toast.innerText();
    assert.match(text, /Command not found: "nodee"/);
    assert.match(text, /The line: doctor\/Dockerfile:3/);
    await toast.getByRole('button', { name: 'Open the Line' }).click();
    await page.locator('.tab.active', { hasText: 'Dockerfile' }).waitFor({ timeout: 10000 });
    await page
      .locator('.statusbar-item', { hasText: /Ln 3, Col/ })
      .first()
      .waitFor({ timeout: 10000 });
  });
});
