import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli';
import { sarifUri } from '../../src/cli/report';

function lint(...args: string[]) {
  let out = '';
  let err = '';
  const code = runCli(
    args,
    (s) => (out += s),
    (s) => (err += s),
  );
  return { code, out, err };
}

describe('dockside lint', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-cli-'));
    fs.mkdirSync(path.join(dir, 'api'));
    fs.mkdirSync(path.join(dir, 'node_modules', 'pkg'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM alpine:3.20\nRUN echo ok\nUSER nobody\n');
    fs.writeFileSync(path.join(dir, 'api', 'Dockerfile.dev'), 'FROM alpine:3.20\nRUNN echo broken\nUSER nobody\n');
    fs.writeFileSync(path.join(dir, 'node_modules', 'pkg', 'Dockerfile'), 'RUNN skipped\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds Dockerfiles in a folder, skips node_modules, and exits 1 on an error', () => {
    const r = lint('lint', dir, '--format', 'json');
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.out), [
      {
        file: path.join(dir, 'api', 'Dockerfile.dev'),
        line: 2,
        column: 1,
        endLine: 2,
        endColumn: 5,
        severity: 'error',
        code: 'DSX038',
        message: 'Unknown instruction: RUNN',
      },
    ]);
  });

  it('exits 0 when only warnings remain after --rule', () => {
    const r = lint('lint', dir, '--rule', 'DSX038=warning');
    assert.equal(r.code, 0);
    assert.match(r.out, /Dockerfile\.dev:2:1: warning DSX038: Unknown instruction: RUNN/);
    assert.match(r.out, /0 errors, 1 warning, 0 notes/);
  });

  it('drops a rule set to off', () => {
    const r = lint('lint', dir, '--rule', 'dsx038=off', '--format', 'json');
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.out), []);
  });

  it('writes SARIF 2.1.0 with the rule and the region', () => {
    const r = lint('lint', path.join(dir, 'api'), '--format', 'sarif');
    const sarif = JSON.parse(r.out);
    assert.equal(sarif.version, '2.1.0');
    const [result] = sarif.runs[0].results;
    assert.equal(result.ruleId, 'DSX038');
    assert.equal(result.level, 'error');
    assert.deepEqual(result.locations[0].physicalLocation.region, {
      startLine: 2,
      startColumn: 1,
      endLine: 2,
      endColumn: 5,
    });
    assert.equal(sarif.runs[0].tool.driver.rules[0].id, 'DSX038');
  });

  it('prints control characters from files as visible escapes, never raw', () => {
    const odd = path.join(dir, 'odd');
    fs.mkdirSync(odd);
    fs.writeFileSync(path.join(odd, 'Dockerfile'), 'FROM alpine:3.20\n\x1b[2J\x1b]0;owned\x07RUNX echo\nUSER nobody\n');
    const r = lint('lint', odd);
    assert.equal(r.code, 1);
    // eslint-disable-next-line no-control-regex -- looking for raw control characters is the point
    assert.ok(!/[\x00-\x08\x0b-\x1f\x7f]/.test(r.out), 'no raw control character reaches the terminal');
    assert.match(r.out, /\\x1b\[2J/);
    fs.rmSync(odd, { recursive: true });
  });

  it('refuses a named pipe or a device with exit 2 instead of hanging or filling memory', function () {
    if (process.platform === 'win32') return this.skip();
    const fifoDir = path.join(dir, 'fifo');
    fs.mkdirSync(fifoDir);
    execFileSync('mkfifo', [path.join(fifoDir, 'Dockerfile')]);
    for (const target of [path.join(fifoDir, 'Dockerfile'), '/dev/zero']) {
      const r = lint('lint', target);
      assert.equal(r.code, 2, target);
      assert.match(r.err, /cannot lint .*(named pipe|device)/);
    }
    fs.rmSync(fifoDir, { recursive: true });
  });

  it('reports a huge file as too large to check, without reading it whole', () => {
    const big = path.join(dir, 'big');
    fs.mkdirSync(big);
    fs.writeFileSync(path.join(big, 'Dockerfile'), 'FROM alpine:3.20\n' + '# padding\n'.repeat(600_000));
    const r = lint('lint', path.join(big, 'Dockerfile'), '--format', 'json');
    assert.equal(r.code, 0);
    assert.deepEqual(
      JSON.parse(r.out).map((f: { code: string }) => f.code),
      ['DS035'],
    );
    fs.rmSync(big, { recursive: true });
  });

  it('follows a symbolic link to a Dockerfile inside a folder, and tells a YAML file given by name from a Dockerfile', () => {
    const linked = path.join(dir, 'linked');
    fs.mkdirSync(linked);
    fs.writeFileSync(path.join(linked, 'real.txt'), 'FROM alpine:3.20\nRUNN x\nUSER nobody\n');
    fs.symlinkSync(path.join(linked, 'real.txt'), path.join(linked, 'Dockerfile'));
    const r = lint('lint', linked, '--format', 'json');
    assert.deepEqual(
      JSON.parse(r.out).map((f: { file: string; code: string }) => [path.basename(f.file), f.code]),
      [['Dockerfile', 'DSX038']],
    );
    fs.writeFileSync(
      path.join(linked, 'stack.yml'),
      'services:\n  web:\n    image: nginx:1.27\n    ports: ["80:80", "80:80"]\n',
    );
    const stack = lint('lint', path.join(linked, 'stack.yml'), '--format', 'json');
    assert.ok(
      JSON.parse(stack.out).every((f: { code: string }) => f.code.startsWith('CS')),
      stack.out,
    );
    fs.writeFileSync(path.join(linked, 'notes.txt'), 'just some notes\n');
    const unknown = lint('lint', path.join(linked, 'notes.txt'));
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown file kind/);
    fs.rmSync(linked, { recursive: true });
  });

  it('percent-encodes SARIF file URIs', () => {
    assert.equal(sarifUri('api dir/Dockerfile #1'), 'api%20dir/Dockerfile%20%231');
    assert.equal(sarifUri('/home/ann/my proj/Dockerfile'), 'file:///home/ann/my%20proj/Dockerfile');
    assert.equal(sarifUri('C:\\Users\\ann\\a?b\\Dockerfile'), 'file:///C:/Users/ann/a%3Fb/Dockerfile');
    const spaced = path.join(dir, 'with space#x');
    fs.mkdirSync(spaced);
    fs.writeFileSync(path.join(spaced, 'Dockerfile'), 'FROM alpine:3.20\nRUNN x\nUSER nobody\n');
    const sarif = JSON.parse(lint('lint', spaced, '--format', 'sarif').out);
    const uri: string = sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri;
    assert.ok(uri.endsWith('/with%20space%23x/Dockerfile'), uri);
    assert.equal(decodeURIComponent(new URL(uri).pathname), path.join(spaced, 'Dockerfile'));
    fs.rmSync(spaced, { recursive: true });
  });

  it('looks on disk for a .dockerignore beside the Dockerfile', () => {
    const app = path.join(dir, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'Dockerfile'), 'FROM alpine:3.20\nWORKDIR /app\nCOPY . .\nUSER nobody\n');
    const before = JSON.parse(lint('lint', app, '--format', 'json').out) as { code: string }[];
    assert.deepEqual(
      before.map((f) => f.code),
      ['DS004'],
    );
    fs.writeFileSync(path.join(app, '.dockerignore'), '.git\n');
    assert.deepEqual(JSON.parse(lint('lint', app, '--format', 'json').out), []);
  });

  it('lints compose files found in a folder', () => {
    const stack = path.join(dir, 'stack');
    fs.mkdirSync(stack);
    fs.writeFileSync(
      path.join(stack, 'compose.yaml'),
      'services:\n  web:\n    image: nginx:1.27\n    networks: [front]\n',
    );
    const r = lint('lint', stack, '--format', 'json');
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.out), [
      {
        file: path.join(stack, 'compose.yaml'),
        line: 4,
        column: 16,
        endLine: 4,
        endColumn: 21,
        severity: 'error',
        code: 'CS006',
        message:
          'Service "web" uses network "front", which is not declared under the top-level "networks:". ' +
          'Declare it there.',
      },
    ]);
  });

  it('exits 2 with a clear message for a usage error or a missing file', () => {
    const bad = lint('lint', '--format', 'xml');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /Unknown format "xml"/);
    const missing = lint('lint', path.join(dir, 'nope'));
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cannot read .*nope/);
    const rule = lint('lint', dir, '--rule', 'DS001=loud');
    assert.equal(rule.code, 2);
    assert.match(rule.err, /Bad --rule "DS001=loud"/);
  });
});
