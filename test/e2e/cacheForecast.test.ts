import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { launchEditor, saveEvidence, saveEvidenceAfterEach, type Editor } from '../support/codeServer';
import { requireEngine, TEST_IMAGE, type TestEngine } from '../support/dockerEngine';
import { onRunEnd } from '../support/teardown';
import { openFile, openProblems, runCommand } from '../support/workbench';
import { ensureDefaultBridge } from '../docker/defaultBridge';

/**
 * The text of the CodeLens row drawn right above the editor line that starts with `lineStart` (one row holds every
 * lens of that line, " | " between them). Lenses sit in a view zone just above their line, so the row whose bottom is
 * nearest above the line's top is that line's.
 */
async function lensAbove(page: Page, lineStart: string): Promise<string | undefined> {
  const line = page
    .locator('.editor-instance .view-line')
    // The editor draws spaces as no-break spaces, which \s matches.
    .filter({ hasText: new RegExp(`^\\s*${lineStart.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s')}`) })
    .first();
  const lineBox = await line.boundingBox({ timeout: 5000 }).catch(() => null);
  if (!lineBox) return undefined;
  let best: { gap: number; text: string } | undefined;
  for (const row of await page.locator('.editor-instance .codelens-decoration').all()) {
    const box = await row.boundingBox().catch(() => null);
    if (!box) continue;
    const gap = lineBox.y - (box.y + box.height);
    // The zone is about a line high: the row ends at most a few pixels above (or at) the line's top.
    if (gap < -2 || gap > lineBox.height) continue;
    if (!best || gap < best.gap) best = { gap, text: (await row.innerText()).replace(/\s+/g, ' ').trim() };
  }
  return best?.text;
}

/** Waits until the lens above that line matches (lenses are computed off the UI path, after saves and builds). */
async function waitForLens(page: Page, lineStart: string, expected: RegExp, timeoutMs = 20000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last: string | undefined;
  while (Date.now() < deadline) {
    last = await lensAbove(page, lineStart);
    if (last !== undefined && expected.test(last)) return last;
    await page.waitForTimeout(250);
  }
  assert.fail(`the CodeLens above "${lineStart}" should match ${expected}; it says ${JSON.stringify(last)}`);
}

/** Clicks "Build Image" on the open Dockerfile, takes the tag offered and waits for the "Built" notification. */
async function buildFromLens(page: Page, tag: string): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await page.locator('.editor-instance .codelens-decoration a', { hasText: 'Build Image' }).first().click();
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill(tag);
  await page.keyboard.press('Enter');
  const built = page.locator('.notification-toast', { hasText: `Built ${tag} in` });
  const failed = page.locator('.notification-toast', { hasText: `The build of ${tag} failed` });
  await Promise.race([
    built.waitFor({ timeout: 60000 }),
    failed.waitFor({ timeout: 60000 }).then(async () => assert.fail(await failed.innerText())),
  ]);
}

describe('The cache forecast in a real VS Code: a COPY turns to "rebuilds" when its file is saved', function () {
  let editor: Editor | undefined;
  let engine: TestEngine;
  const tag = `dockside-e2e-forecast:${Date.now()}`;
  // The test image under a tag of this test's own, which the test later moves to another image.
  const base = { repo: 'dockside-e2e-forecast-base', tag: String(Date.now()) };
  // A platform the locally imported test image (made for this machine) is not for.
  const otherPlatform = os.arch() === 'arm64' ? 'linux/amd64' : 'linux/arm64';
  // In the copied file, so that no earlier run's build cache answers for this one.
  const nonce = `${process.pid}-${Date.now()}`;

  before(async function () {
    this.timeout(600000);
    engine = await requireEngine(this);
    await ensureDefaultBridge(engine);
    await engine.docker.getImage(TEST_IMAGE).tag(base);
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-ws-forecast-'));
    onRunEnd(() => fs.rmSync(workspace, { recursive: true, force: true }));
    fs.mkdirSync(path.join(workspace, 'web'));
    fs.writeFileSync(
      path.join(workspace, 'web', 'Dockerfile'),
      [
        `FROM ${base.repo}:${base.tag}`,
        'COPY greeting.txt /srv/',
        'RUN cat /srv/greeting.txt > /srv/copy.txt',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(workspace, 'web', 'greeting.txt'), `hello ${nonce}\n`);
    // For DS047, in a folder of its own (quick open of web/Dockerfile must find only that one): a stage that
    // builds for another platform than the local base image is for.
    fs.mkdirSync(path.join(workspace, 'other'));
    fs.writeFileSync(
      path.join(workspace, 'other', 'Dockerfile'),
      `FROM --platform=${otherPlatform} ${TEST_IMAGE}\nRUN true\n`,
    );
    editor = await launchEditor(this, { workspace, env: { DOCKER_HOST: engine.host } });
  });

  after(async () => {
    for (const image of [tag, `${base.repo}:${base.tag}`])
      await engine?.docker
        .getImage(image)
        .remove({ force: true })
        .catch(() => undefined);
  });

  afterEach(saveEvidenceAfterEach('cache-forecast', () => editor));

  it('says "no build yet", "cached" after a build, "rebuilds: greeting.txt changed" after a save, then cached; the base image changed', async function () {
    this.timeout(120000);
    const { page } = editor!;
    await openFile(page, 'web/Dockerfile');
    // Never a guess before the first build.
    assert.match(await waitForLens(page, 'FROM', /Cache forecast: no build yet/), /Build Image/);
    assert.equal(await page.locator('.codelens-decoration', { hasText: /cached|rebuilds/ }).count(), 0);

    await buildFromLens(page, tag);
    await waitForLens(page, 'COPY greeting.txt', /^\W*cached$/);
    await waitForLens(page, 'RUN cat', /^\W*cached$/);
    assert.match(await waitForLens(page, 'FROM', /base image/), /the same base image as the last build/);
    assert.equal(await page.locator('.codelens-decoration', { hasText: 'no build yet' }).count(), 0);

    // Edit the copied file in the editor and save it, as a person would.
    await openFile(page, 'web/greeting.txt');
    await page.locator('.editor-instance .view-line').first().click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('and a new line\n');
    await page.keyboard.press('Control+S');
    await page.locator('.tab.active:not(.dirty)', { hasText: 'greeting.txt' }).waitFor({ timeout: 10000 });

    await openFile(page, 'web/Dockerfile');
    const copy = await waitForLens(page, 'COPY greeting.txt', /rebuilds: greeting\.txt changed/);
    // The first step that rebuilds says what it costs: both steps from here on, with last build's time.
    assert.match(copy, /First rebuild: 2 steps rebuild/);
    await waitForLens(page, 'RUN cat', /rebuilds: the step above rebuilds/);
    await saveEvidence(editor, 'cache-forecast-rebuilds');

    await buildFromLens(page, tag);
    await waitForLens(page, 'COPY greeting.txt', /^\W*cached$/);
    await waitForLens(page, 'RUN cat', /^\W*cached$/);
    assert.equal(await page.locator('.codelens-decoration', { hasText: 'rebuilds' }).count(), 0);
    // And the image the second build made holds the edited file.
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        'docker',
        ['run', '--rm', '--network', 'none', tag, 'cat', '/srv/copy.txt'],
        { env: engine.env },
        (err, o) => (err ? reject(err) : resolve(o)),
      ),
    );
    assert.equal(out, `hello ${nonce}\nand a new line\n`);

    // The base tag now names another image (as a pull of a newer version would): every step rebuilds, and says why.
    await engine.docker.getImage(tag).tag(base);
    await waitForLens(page, 'FROM', /the base image changed since the last build/);
    assert.match(
      await waitForLens(page, 'COPY greeting.txt', /rebuilds: the base image changed since the last build/),
      /First rebuild: 2 steps rebuild/,
    );
    await saveEvidence(editor, 'cache-forecast-base-changed');
  });

  it('warns when a FROM --platform differs from what the local base image is for, once the engine is connected', async function () {
    this.timeout(60000);
    const { page } = editor!;
    // The build above connected the explorer's session; the Dockerfile checks ask it about base images.
    await openFile(page, 'other/Dockerfile');
    const problems = await openProblems(page);
    const row = problems
      .locator('.monaco-list-row', { hasText: `builds for ${otherPlatform}` })
      .filter({ hasText: 'DS047' })
      .first();
    await row.waitFor({ timeout: 20000 });
    assert.match(await row.innerText(), new RegExp(`"${TEST_IMAGE}" is for linux/\\w+`));
    await saveEvidence(editor, 'base-image-platform');
  });
});
