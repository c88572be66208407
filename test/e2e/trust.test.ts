import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchEditor, saveEvidenceAfterEach, type Editor } from '../support/codeServer';
import { requireEngine, TEST_IMAGE, type TestEngine } from '../support/dockerEngine';
import { openFile, openProblems, runCommand } from '../support/workbench';

describe('An untrusted workspace in a real VS Code: nothing runs, language features stay on', function () {
  let editor: Editor | undefined;
  let engine: TestEngine;
  let workspace = '';

  before(async function () {
    engine = await requireEngine(this);
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-untrusted-'));
    // What a downloaded project could hold: a RUN step that would run on the engine if a click started a build.
    fs.writeFileSync(path.join(workspace, 'Dockerfile'), `FROM ${TEST_IMAGE}\nRUN echo pwned > /pwned\nRUNN oops\n`);
    editor = await launchEditor(this, { workspace, trusted: false, env: { DOCKER_HOST: engine.host } });
  });

  after(async () => {
    await engine?.docker
      .getImage(`${path.basename(workspace)}:dev`)
      .remove({ force: true })
      .catch(() => undefined);
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  afterEach(saveEvidenceAfterEach('e2e-untrusted', () => editor));

  it('still shows Dockside diagnostics', async function () {
    this.timeout(60000);
    const { page } = editor!;
    await openFile(page, 'Dockerfile');
    const problems = await openProblems(page);
    await problems.getByText('Unknown instruction: RUNN').first().waitFor({ timeout: 15000 });
  });

  it('refuses Build Image with the reason, offers no Build CodeLens, and builds nothing', async function () {
    this.timeout(60000);
    const { page } = editor!;
    await openFile(page, 'Dockerfile');
    // The CodeLens would be drawn within a second or two of opening; wait that long before checking it is absent.
    await page.waitForTimeout(2500);
    assert.equal(
      await page.locator('.codelens-decoration a', { hasText: 'Build Image' }).count(),
      0,
      'no Build Image CodeLens',
    );
    await runCommand(page, 'Dockside: Build Image');
    const toast = page.locator('.notification-toast', { hasText: 'runs nothing in a workspace you have not trusted' });
    await toast.waitFor({ timeout: 15000 });
    assert.match(await toast.innerText(), /Build Image/);
    assert.equal(await page.locator('.quick-input-widget input:visible').count(), 0, 'the build flow did not start');
    const images = await engine.docker.listImages({
      filters: JSON.stringify({ reference: [`${path.basename(workspace)}:*`] }),
    });
    assert.deepEqual(images, [], 'no image was built');
  });
});
