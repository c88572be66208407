import * as fs from 'node:fs';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import {
  copyWorkspace,
  launchEditor,
  REPO_ROOT,
  saveEvidence,
  saveEvidenceAfterEach,
  type Editor,
} from '../support/codeServer';
import {
  chooseFocusedRow,
  findFrameWithText,
  hoverText,
  openFile,
  openProblems,
  runCommand,
} from '../support/workbench';

describe('Language features in a real VS Code (code-server + Chromium)', function () {
  let editor: Editor | undefined;

  before(async function () {
    editor = await launchEditor(this, { workspace: copyWorkspace(path.join(REPO_ROOT, 'examples')) });
  });

  afterEach(saveEvidenceAfterEach('e2e', () => editor));

  it('shows a Dockerfile syntax error in the Problems panel', async function () {
    this.timeout(60000);
    const { page } = editor!;
    await openFile(page, 'mistakes/Dockerfile');
    const problems = await openProblems(page);
    await problems.getByText('Unknown instruction: RUNN').first().waitFor({ timeout: 15000 });
    const row = problems.locator('.monaco-list-row', { hasText: 'Unknown instruction: RUNN' }).first();
    assert.match(await row.innerText(), /DSX038/);
  });

  it('explains FROM with Dockside text on hover', async function () {
    this.timeout(60000);
    const { page } = editor!;
    await openFile(page, 'mistakes/Dockerfile');
    const text = await hoverText(page, 'FROM');
    assert.match(text, /Starts a build stage on top of a base image/);
    assert.match(text, /metadata only, no filesystem layer/);
  });

  it('opens the lesson from the code link of a problem', async function () {
    this.timeout(60000);
    const { page } = editor!;
    await openFile(page, 'mistakes/Dockerfile');
    const problems = await openProblems(page);
    const row = problems.locator('.monaco-list-row', { hasText: 'Unknown instruction: RUNN' }).first();
    await row.waitFor({ timeout: 15000 });
    await row.getByText('DSX038').click();
    await page.locator('.tab', { hasText: 'dockerfile-syntax.md' }).first().waitFor({ timeout: 15000 });
    const frame = await findFrameWithText(page, 'How Docker reads a Dockerfile');
    assert.ok(frame, 'the lesson preview shows its title');
  });

  it('pins the base image with the quick fix, and the warning goes away', async function () {
    this.timeout(60000);
    const { page } = editor!;
    await page.locator('.part.sidebar .title').first().click();
    await runCommand(page, 'View: Close All Editors');
    await openFile(page, 'mistakes/Dockerfile');
    // Put the cursor on "python" (line 2, column 8) with Go to Line, then ask for quick fixes.
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').fill(':2:8');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+.');
    const fix = page
      .locator('.action-widget .monaco-list-row, .context-view .monaco-list-row', {
        hasText: 'Pin "python" to a version tag',
      })
      .first();
    await fix.waitFor({ timeout: 10000 });
    await chooseFocusedRow(page, 'Pin "python" to a version tag');
    await page
      .locator('.monaco-editor .view-line', { hasText: 'FROM python:3.12-slim' })
      .first()
      .waitFor({ timeout: 10000 });
    await page.keyboard.press('Escape');
    const problems = await openProblems(page);
    await problems.getByText('Unknown instruction: RUNN').first().waitFor({ timeout: 10000 });
    await page.waitForTimeout(1500);
    assert.equal(await problems.getByText('has no tag, so Docker uses "latest"').count(), 0);
  });

  it('warns about the plain-text password in the compose example', async function () {
    this.timeout(60000);
    const { page } = editor!;
    await openFile(page, 'compose.yaml');
    const problems = await openProblems(page);
    await problems.getByText('"POSTGRES_PASSWORD" holds a secret in plain text').first().waitFor({ timeout: 15000 });
  });

  it('explains a compose port mapping on hover', async function () {
    this.timeout(60000);
    const { page } = editor!;
    await openFile(page, 'compose.yaml');
    // Line 25 of examples/compose.yaml: '      - "5050:80"'.
    const text = await hoverText(page, /^"?5050:80"?$/, 25);
    assert.match(text, /host 5050 → container 80\/tcp/);
    assert.match(text, /localhost:5050/);
  });

  it('moves the plain-text password to an env file with the quick fix, and the warning goes away', async function () {
    this.timeout(90000);
    const { page } = editor!;
    await page.locator('.part.sidebar .title').first().click();
    await runCommand(page, 'View: Close All Editors');
    fs.writeFileSync(path.join(editor!.workspace, '.gitignore'), 'node_modules/\n');
    await openFile(page, 'compose.yaml');
    // Line 8: "      POSTGRES_PASSWORD: 12345".
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').fill(':8:9');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+.');
    const title = 'Move "POSTGRES_PASSWORD" of "postgres" to postgres.env (env_file)';
    await page
      .locator('.action-widget .monaco-list-row, .context-view .monaco-list-row', { hasText: title })
      .first()
      .waitFor({ timeout: 10000 });
    await chooseFocusedRow(page, title);
    await page.locator('.monaco-editor .view-line', { hasText: '- postgres.env' }).first().waitFor({ timeout: 10000 });
    await runCommand(page, 'File: Save All Files');
    const deadline = Date.now() + 10000;
    while (!fs.existsSync(path.join(editor!.workspace, 'postgres.env')) && Date.now() < deadline)
      await page.waitForTimeout(200);
    assert.equal(fs.readFileSync(path.join(editor!.workspace, 'postgres.env'), 'utf8'), 'POSTGRES_PASSWORD=12345\n');
    // The .gitignore edit lands in an editor buffer (as any workspace edit to a closed file does); save until it is
    // on disk.
    const gitignore = () => fs.readFileSync(path.join(editor!.workspace, '.gitignore'), 'utf8');
    for (let i = 0; i < 10 && !/^postgres\.env$/m.test(gitignore()); i++) {
      await page.waitForTimeout(500);
      await runCommand(page, 'File: Save All Files');
    }
    assert.match(gitignore(), /^postgres\.env$/m);
    await openFile(page, 'compose.yaml');
    const problems = await openProblems(page);
    await problems
      .getByText('"PGADMIN_DEFAULT_PASSWORD" holds a secret in plain text')
      .first()
      .waitFor({ timeout: 15000 });
    assert.equal(await problems.getByText('"POSTGRES_PASSWORD" holds a secret in plain text').count(), 0);
    await saveEvidence(editor, 'compose-secret-moved');
  });

  it('warns within a second of typing "FROM node" in a new Dockerfile, pins the tag, and opens the lesson', async function () {
    this.timeout(90000);
    const { page } = editor!;
    await page.locator('.part.sidebar .title').first().click();
    await runCommand(page, 'View: Close All Editors');
    fs.mkdirSync(path.join(editor!.workspace, 'fresh'), { recursive: true });
    fs.writeFileSync(path.join(editor!.workspace, 'fresh', 'Dockerfile'), '');
    await openFile(page, 'fresh/Dockerfile');
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.type('FROM node', { delay: 20 });
    const typed = Date.now();
    const problems = await openProblems(page);
    const warning = problems.locator('.monaco-list-row', { hasText: 'The base image "node" has no tag' }).first();
    await warning.waitFor({ timeout: 5000 });
    const took = Date.now() - typed;
    // Opening the Problems panel is part of that time; the check itself runs 250 ms after the last keystroke.
    assert.ok(took < 1500, `the warning showed ${took} ms after typing`);
    // Its code links to the lesson.
    await warning
      .getByText(/^DS00\d$/)
      .first()
      .click();
    assert.ok(await findFrameWithText(page, 'Choosing and pinning a base image'), 'the lesson opens');
    await openFile(page, 'fresh/Dockerfile');
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').fill(':1:7');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+.');
    await page
      .locator('.action-widget .monaco-list-row, .context-view .monaco-list-row', {
        hasText: 'Pin "node" to a version tag',
      })
      .first()
      .waitFor({ timeout: 10000 });
    await chooseFocusedRow(page, 'Pin "node" to a version tag');
    await page
      .locator('.monaco-editor .view-line', { hasText: 'FROM node:22-slim' })
      .first()
      .waitFor({ timeout: 10000 });
    await page.keyboard.press('Escape');
    await runCommand(page, 'File: Save');
    await page.waitForTimeout(800);
    const panel = await openProblems(page);
    assert.equal(
      await panel.locator('.monaco-list-row', { hasText: 'The base image "node" has no tag' }).count(),
      0,
      'the warning went away',
    );
    await saveEvidence(editor, 'typed-from-node');
  });
});
