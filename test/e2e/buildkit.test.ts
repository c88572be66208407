import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import {
  copyWorkspace,
  launchEditor,
  REPO_ROOT,
  saveEvidence,
  saveEvidenceAfterEach,
  type Editor,
} from '../support/codeServer';
import { requireEngine, TEST_IMAGE, type TestEngine } from '../support/dockerEngine';
import { openFile, openProblems, runCommand } from '../support/workbench';
import { ensureDefaultBridge } from '../docker/defaultBridge';

const treeRow = (page: Page, view: string, label: string) =>
  page
    .locator(`.pane:has(.pane-header[aria-label^="${view}"]) .monaco-list-row`, {
      has: page.locator('.label-name', { hasText: label }),
    })
    .first();

/** Every file under `dir` whose bytes hold `needle` (logs, settings, the workspace state database, …). */
function filesHolding(dir: string, needle: string): string[] {
  const found: string[] = [];
  const bytes = Buffer.from(needle);
  const walk = (d: string) => {
    for (const e of fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }) : []) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile() && fs.readFileSync(full).includes(bytes)) found.push(full);
    }
  };
  walk(dir);
  return found;
}

describe('Building with BuildKit from the CodeLens, in a real VS Code on the test engine', function () {
  let editor: Editor | undefined;
  let engine: TestEngine;
  let workspace = '';
  const nonce = createHash('sha256').update(`${process.pid}-${Date.now()}`).digest('hex');
  const secretValue = `npm-token-${nonce.slice(0, 20)}`;
  const secretFile = path.join(os.tmpdir(), `dockside-e2e-npm-token-${process.pid}.txt`);
  const tag = `dockside-e2e-buildkit:${Date.now()}`;

  before(async function () {
    this.timeout(600000);
    engine = await requireEngine(this);
    await ensureDefaultBridge(engine);
    workspace = copyWorkspace(path.join(REPO_ROOT, 'examples'));
    fs.mkdirSync(path.join(workspace, 'bk'), { recursive: true });
    fs.writeFileSync(
      path.join(workspace, 'bk', 'Dockerfile'),
      [
        `FROM ${TEST_IMAGE}`,
        'ARG RUN_ID',
        'RUN --mount=type=cache,target=/cache echo "$RUN_ID" >> /cache/runs.txt && cp /cache/runs.txt /runs.txt',
        'RUN --mount=type=secret,id=npm_token,required=true \\',
        '    sha256sum /run/secrets/npm_token | cut -d" " -f1 > /token.sha256',
        '',
      ].join('\n'),
    );
    fs.mkdirSync(path.join(workspace, 'broken'), { recursive: true });
    fs.writeFileSync(
      path.join(workspace, 'broken', 'Dockerfile'),
      `FROM ${TEST_IMAGE}\nRUN echo fine\nRUN echo about to fail && exit 4\n`,
    );
    fs.writeFileSync(secretFile, secretValue);
    editor = await launchEditor(this, { workspace, env: { DOCKER_HOST: engine.host } });
  });

  after(async () => {
    fs.rmSync(secretFile, { force: true });
    for (const image of [tag, 'broken:dev']) {
      await engine?.docker
        .getImage(image)
        .remove({ force: true })
        .catch(() => undefined);
    }
  });

  afterEach(saveEvidenceAfterEach('buildkit', () => editor));

  it('builds a cache and a secret mount, the secret from a file picked in the flow', async function () {
    this.timeout(180000);
    const { page } = editor!;
    await openFile(page, 'bk/Dockerfile');
    await page.locator('.editor-instance .codelens-decoration a', { hasText: 'Build Image' }).first().click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10000 });
    assert.equal(await input.inputValue(), 'bk:dev');
    await input.fill(tag);
    await page.keyboard.press('Enter');
    // The build args, prefilled from the ARG.
    await page.locator('.quick-input-widget', { hasText: 'build args' }).waitFor({ timeout: 10000 });
    assert.equal(await input.inputValue(), 'RUN_ID=');
    const runId = `run-${Date.now()}`;
    await input.fill(`RUN_ID=${runId}`);
    await page.keyboard.press('Enter');
    // Where the secret comes from: a file, picked in the open dialog.
    await page
      .locator('.quick-input-widget', { hasText: 'where does the secret "npm_token" come from? (line 4)' })
      .waitFor({ timeout: 10000 });
    const choices = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
    assert.ok(!choices.some((c) => /Leave it out/.test(c)), 'a required secret cannot be left out');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'From a file' }).first().click();
    await page
      .locator('.quick-input-widget', { hasText: 'The file that holds the secret "npm_token"' })
      .waitFor({ timeout: 10000 });
    // The dialog fills in its folder once it has read it; type the path after that, and check it stayed.
    for (let tries = 0; tries < 50 && !(await input.inputValue()).endsWith('/'); tries++)
      await page.waitForTimeout(100);
    for (let tries = 0; tries < 5 && (await input.inputValue()) !== secretFile; tries++) {
      await input.fill(secretFile);
      await page.waitForTimeout(300);
    }
    assert.equal(await input.inputValue(), secretFile);
    await page.keyboard.press('Enter');
    const built = page.locator('.notification-toast', { hasText: `Built ${tag} in` });
    const failed = page.locator('.notification-toast', { hasText: `The build of ${tag} failed` });
    await Promise.race([
      built.waitFor({ timeout: 90000 }),
      failed.waitFor({ timeout: 90000 }).then(async () => assert.fail(await failed.innerText())),
    ]);
    await saveEvidence(editor, 'buildkit-built-from-codelens');

    // The image is in the explorer, and it holds what the two mounted steps wrote.
    await page.locator('.activitybar .action-item a[aria-label^="Dockside"]').first().click();
    await treeRow(page, 'Images', tag).waitFor({ timeout: 20000 });
    const inImage = (cmd: string[]) =>
      new Promise<string>((resolve, reject) =>
        execFile('docker', ['run', '--rm', '--network', 'none', tag, ...cmd], { env: engine.env }, (err, out) =>
          err ? reject(err) : resolve(out),
        ),
      );
    assert.equal(
      await inImage(['cat', '/token.sha256']),
      `${createHash('sha256').update(secretValue).digest('hex')}\n`,
    );
    assert.match(await inImage(['cat', '/runs.txt']), new RegExp(`${runId}\\n$`));

    // The build log says which builder ran; no file of this VS Code (logs, settings, workspace state) holds the secret.
    const logs = filesHolding(
      editor!.userDataDir,
      'Builder: BuildKit, because it is the builder `docker build` uses since Docker 23.',
    );
    assert.ok(logs.length > 0, 'the build log names the builder');
    assert.deepEqual(filesHolding(editor!.userDataDir, secretValue), []);
    assert.deepEqual(filesHolding(workspace, secretValue), []);
  });

  it("puts a failing RUN on its line as an error, in BuildKit's words", async function () {
    this.timeout(120000);
    const { page } = editor!;
    await page.locator('.part.sidebar .title').first().click();
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'Notifications: Clear All Notifications');
    await openFile(page, 'broken/Dockerfile');
    await page.locator('.editor-instance .codelens-decoration a', { hasText: 'Build Image' }).first().click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10000 });
    assert.equal(await input.inputValue(), 'broken:dev', 'the tag defaults to the folder name');
    await page.keyboard.press('Enter');
    const toast = page.locator('.notification-toast', { hasText: 'The build of broken:dev failed at line 3' });
    await toast.waitFor({ timeout: 60000 });
    const problems = await openProblems(page);
    const row = problems.locator('.monaco-list-row', { hasText: /The build failed here: .*exit code: 4/ }).first();
    await row.waitFor({ timeout: 10000 });
    assert.match(await row.innerText(), /executor failed running|did not complete successfully/);
    assert.match(await row.innerText(), /\[Ln 3/);
    // The README's picture of a failing build.
    await saveEvidence(editor, 'build-failure-on-line');
  });
});
