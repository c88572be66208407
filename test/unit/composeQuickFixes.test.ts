import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ComposeService } from '../../src/language/compose/composeService';
import { fsComposeHost } from '../../src/language/compose/fsHost';
import { applyEdits, type QuickFix, type TextEdit } from '../../src/language/dockerfile/quickFixes';

const lines = (...l: string[]) => l.join('\n') + '\n';

function applyText(text: string, edits: TextEdit[]): string {
  const starts = text.split('\n').reduce<number[]>((acc, l) => [...acc, acc[acc.length - 1] + l.length + 1], [0]);
  return applyEdits(text, edits, (p) => Math.min((starts[p.line] ?? text.length) + p.character, text.length));
}

/** Applies a fix the way the editor's WorkspaceEdit does: this file, a created file, edits to other files. */
function applyToDisk(file: string, fix: QuickFix): void {
  fs.writeFileSync(file, applyText(fs.readFileSync(file, 'utf8'), fix.edits));
  if (fix.createFile && !fs.existsSync(fix.createFile.path)) fs.writeFileSync(fix.createFile.path, fix.createFile.content);
  for (const other of fix.otherEdits ?? []) fs.writeFileSync(other.path, applyText(fs.readFileSync(other.path, 'utf8'), other.edits));
}

describe('compose quick fixes that touch the project', () => {
  let dir: string;
  let file: string;
  const service = new ComposeService({}, fsComposeHost({}));
  // A new version for every read: the service caches per (uri, version), and files change between reads.
  let version = 0;
  const diagnose = () => service.diagnose({ uri: file, version: ++version, text: fs.readFileSync(file, 'utf8'), path: file });
  const firstFix = (code: string) => {
    const text = fs.readFileSync(file, 'utf8');
    const d = diagnose().find((x) => x.code === code);
    assert.ok(d, `${code} fires`);
    const fix = service.quickFixes({ uri: file, version: 0, text, path: file }, d)[0];
    assert.ok(fix && !fix.title.startsWith('Ignore'), `${code} has a real fix first`);
    return fix;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-fix-'));
    file = path.join(dir, 'compose.yaml');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("moves the notes' pgadmin secrets to pgadmin.env, points env_file at it and keeps it out of git", () => {
    fs.writeFileSync(file, lines('services:', '  pgadmin:', '    image: dpage/pgadmin4:8', '    environment:', '      - PGADMIN_DEFAULT_EMAIL=admin@example.com', '      - PGADMIN_DEFAULT_PASSWORD=admin', '    ports:', '      - "5050:80"'));
    fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules');
    const fix = firstFix('CS011');
    assert.equal(fix.title, 'Move "PGADMIN_DEFAULT_PASSWORD" of "pgadmin" to pgadmin.env (env_file)');
    applyToDisk(file, fix);
    assert.equal(fs.readFileSync(file, 'utf8'), lines('services:', '  pgadmin:', '    image: dpage/pgadmin4:8', '    env_file:', '      - pgadmin.env', '    environment:', '      - PGADMIN_DEFAULT_EMAIL=admin@example.com', '    ports:', '      - "5050:80"'));
    assert.equal(fs.readFileSync(path.join(dir, 'pgadmin.env'), 'utf8'), 'PGADMIN_DEFAULT_PASSWORD=admin\n');
    assert.equal(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8'), 'node_modules\npgadmin.env\n');
    assert.deepEqual(diagnose(), []);
  });

  it('replaces an environment block that held only secrets, appending to the env_file the service already has', () => {
    fs.writeFileSync(file, lines('services:', '  db:', '    image: postgres:16', '    env_file: db.env', '    environment:', '      POSTGRES_PASSWORD: 12345', '      API_TOKEN: "abc"', '    volumes:', '      - ./data:/var/lib/postgresql/data'));
    fs.writeFileSync(path.join(dir, 'db.env'), 'POSTGRES_USER=app\n');
    const fix = firstFix('CS011');
    assert.equal(fix.title, 'Move 2 secrets of "db" to db.env (env_file)');
    assert.equal(fix.createFile, undefined);
    applyToDisk(file, fix);
    assert.equal(fs.readFileSync(file, 'utf8'), lines('services:', '  db:', '    image: postgres:16', '    env_file: db.env', '    volumes:', '      - ./data:/var/lib/postgresql/data'));
    assert.equal(fs.readFileSync(path.join(dir, 'db.env'), 'utf8'), 'POSTGRES_USER=app\nPOSTGRES_PASSWORD=12345\nAPI_TOKEN=abc\n');
    assert.equal(fs.existsSync(path.join(dir, '.gitignore')), false, 'no .gitignore is created where there was none');
    assert.deepEqual(diagnose(), []);
  });

  it('fixes a key typo to the suggested key', () => {
    fs.writeFileSync(file, lines('services:', '  web:', '    imagee: nginx:1.27'));
    const fix = firstFix('CS016');
    assert.equal(fix.title, 'Change to "image"');
    applyToDisk(file, fix);
    assert.deepEqual(diagnose(), []);
  });

  it('pins an untagged or latest image, quoted or not', () => {
    for (const [image, expected] of [
      ['nginx', 'nginx:1.27-alpine'],
      ['"postgres:latest"', '"postgres:16-alpine"'],
      ['ghcr.io/acme/app', 'ghcr.io/acme/app:VERSION'],
    ]) {
      fs.writeFileSync(file, lines('services:', '  web:', `    image: ${image}`));
      const fix = firstFix('CS004');
      assert.ok(fix.snippet, 'offered as a snippet, so the tag can be typed over');
      applyToDisk(file, fix);
      assert.equal(fs.readFileSync(file, 'utf8'), lines('services:', '  web:', `    image: ${expected}`));
    }
  });
});
