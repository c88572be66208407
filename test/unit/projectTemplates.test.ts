import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_KINDS, projectFiles, type ProjectAnswers, type ProjectKind } from '../../src/docker/projectTemplates';
import { ComposeService } from '../../src/language/compose/composeService';
import { fsComposeHost } from '../../src/language/compose/fsHost';
import { DockerfileService } from '../../src/language/dockerfile/dockerfileService';
import { lessonMentions } from '../../src/language/lessonMentions';
import { itemAt } from '../support/itemAt';
import { mapLimit } from '../support/mapLimit';

const KINDS = Object.keys(PROJECT_KINDS) as ProjectKind[];

/** Every kind, without and with the database (the "database" kind always has one). */
const CASES: ProjectAnswers[] = KINDS.flatMap((kind) =>
  (kind === 'database' ? [true] : [false, true]).map((database) => ({
    kind,
    port: PROJECT_KINDS[kind].defaultPort,
    entry: PROJECT_KINDS[kind].defaultEntry,
    database,
    secrets: { postgres: 'pg-secret-1', pgadmin: 'admin-secret-2' },
  })),
);

const name = (a: ProjectAnswers) =>
  `${PROJECT_KINDS[a.kind].label}${a.database && a.kind !== 'database' ? ' with a database' : ''}`;

/** A file a template made, failing the test clearly when it made none by that name. */
function fileOf(files: Record<string, string>, file: string): string {
  const text = files[file];
  assert.ok(text !== undefined, `the template made no ${file}`);
  return text;
}

/** Writes a generated project as New Docker Project would (every file, the .env, the starter app). */
function writeProject(root: string, a: ProjectAnswers): string {
  const dir = fs.mkdtempSync(path.join(root, `${a.kind}-`));
  const made = projectFiles(a);
  const all = { ...made.files, ...made.starter, ...(made.dotEnv ? { '.env': made.dotEnv } : {}) };
  for (const [file, text] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

/** `docker-compose -f FILE config -q` with a clean environment: null when accepted, else its message. */
function composeVerdict(dir: string): Promise<string | null> {
  return new Promise((resolve) =>
    execFile(
      'docker-compose',
      ['-f', path.join(dir, 'compose.yaml'), 'config', '-q'],
      { cwd: dir, env: { PATH: process.env.PATH, HOME: os.tmpdir() }, timeout: 60000 },
      (err, _out, stderr) => resolve(err ? String(stderr).trim() || String(err) : null),
    ),
  );
}

describe('New Docker Project: the templates', () => {
  let root = '';
  before(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-templates-'))));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  for (const a of CASES) {
    it(`${name(a)}: every file passes Dockside's own checks with no finding at all`, () => {
      const dir = writeProject(root, a);
      const made = projectFiles(a);
      if (a.kind !== 'database') {
        const findings = new DockerfileService({ fileExists: (p) => fs.existsSync(p) }).diagnose({
          uri: `${dir}/Dockerfile`,
          version: 1,
          text: fileOf(made.files, 'Dockerfile'),
          path: path.join(dir, 'Dockerfile'),
        });
        assert.deepEqual(
          findings.map((d) => `${d.code} line ${d.range.start.line + 1}: ${d.message}`),
          [],
        );
      }
      const compose = new ComposeService({}, fsComposeHost({})).diagnose({
        uri: `${dir}/compose.yaml`,
        version: 1,
        text: fileOf(made.files, 'compose.yaml'),
        path: path.join(dir, 'compose.yaml'),
      });
      assert.deepEqual(
        compose.map((d) => `${d.code} line ${d.range.start.line + 1}: ${d.message}`),
        [],
      );
    });
  }

  it('every template is accepted by docker-compose config -q', async function () {
    try {
      execFileSync('docker-compose', ['version'], { stdio: 'ignore' });
    } catch {
      if (process.env.CI) throw new Error('docker-compose is not installed in CI (.ci/run installs it)');
      console.warn('    SKIPPED: docker-compose is not installed (apt-get install -y docker-compose)');
      this.skip();
    }
    this.timeout(120000);
    const verdicts = await mapLimit(CASES, 4, async (a) => ({
      a,
      verdict: await composeVerdict(writeProject(root, a)),
    }));
    assert.deepEqual(
      verdicts.filter((v) => v.verdict !== null).map((v) => `${name(v.a)}: ${v.verdict}`),
      [],
    );
  });

  it('links a real lesson from every "(lesson: …)" comment, and every file explains itself', () => {
    for (const a of CASES) {
      for (const [file, text] of Object.entries(projectFiles(a).files)) {
        const written = text.match(/\(lesson: /g)?.length ?? 0;
        assert.ok(written > 0, `${name(a)}: ${file} names no lesson`);
        assert.equal(lessonMentions(text).length, written, `${name(a)}: ${file} names a lesson that does not exist`);
      }
    }
  });

  it('keeps passwords in .env (git-ignored) only: never in compose.yaml, .env.example or the image', () => {
    for (const a of CASES.filter((c) => c.database)) {
      const made = projectFiles(a);
      assert.match(made.dotEnv!, /^POSTGRES_PASSWORD=pg-secret-1$/m);
      assert.match(made.dotEnv!, /^PGADMIN_DEFAULT_PASSWORD=admin-secret-2$/m);
      assert.deepEqual(made.gitignore, ['.env']);
      for (const text of Object.values(made.files)) assert.doesNotMatch(text, /pg-secret-1|admin-secret-2/);
      assert.match(fileOf(made.files, '.env.example'), /^POSTGRES_PASSWORD=$/m);
      if (made.files['.dockerignore']) assert.match(made.files['.dockerignore'], /^\.env$/m);
    }
    const plain = projectFiles(itemAt(CASES, 0, 'case'));
    assert.equal(plain.dotEnv, undefined);
    assert.equal(plain.files['.env.example'], undefined);
    assert.deepEqual(plain.gitignore, []);
  });

  it('takes every base image as a build argument and every service image from a variable with the real default', () => {
    for (const a of CASES) {
      const { files } = projectFiles(a);
      if (files.Dockerfile) {
        const froms = files.Dockerfile.split('\n').filter((l) => l.startsWith('FROM '));
        assert.ok(froms.length > 0);
        for (const from of froms) assert.match(from, /^FROM \$\{[A-Z_]+\}( AS \w+)?$/, `${name(a)}: ${from}`);
      }
      const compose = fileOf(files, 'compose.yaml');
      for (const line of compose.split('\n').filter((l) => /^\s+image: /.test(l)))
        assert.match(line, /image: \$\{[A-Z_]+:-[\w./:-]+\}$/, `${name(a)}: ${line}`);
      const example = files['.env.example'];
      if (example) {
        for (const [, variable] of compose.matchAll(/\$\{([A-Z_]+_IMAGE):-/g))
          assert.match(example, new RegExp(`^# ${variable}=`, 'm'), `${name(a)}: ${variable}`);
      }
    }
    assert.match(
      fileOf(projectFiles(itemAt(CASES, 0, 'case')).files, 'compose.yaml'),
      /NODE_IMAGE: \$\{NODE_IMAGE:-node:22-slim\}/,
    );
  });

  it('publishes on 127.0.0.1 at the chosen port, and runs the chosen entry', () => {
    const node = projectFiles({ ...itemAt(CASES, 0, 'case'), port: 4100, entry: 'src/main.js' });
    assert.match(fileOf(node.files, 'compose.yaml'), /- "127\.0\.0\.1:4100:4100"/);
    assert.match(fileOf(node.files, 'Dockerfile'), /^CMD \["node", "src\/main\.js"\]$/m);
    assert.ok(fileOf(node.starter, 'src/main.js').includes('process.env.PORT'));
    const site = projectFiles({ ...CASES.find((c) => c.kind === 'static')!, port: 4200, entry: 'public' });
    assert.match(fileOf(site.files, 'compose.yaml'), /- "127\.0\.0\.1:4200:8080"/);
    assert.match(fileOf(site.files, 'Dockerfile'), /^COPY public\/ \/usr\/share\/nginx\/html\/$/m);
    assert.deepEqual(Object.keys(site.starter), ['public/index.html']);
    const go = projectFiles({ ...CASES.find((c) => c.kind === 'go')!, entry: './cmd/server' });
    assert.match(fileOf(go.files, 'Dockerfile'), /go build -o \/out\/app \.\/cmd\/server$/m);
    assert.deepEqual(Object.keys(go.starter), ['go.mod', 'cmd/server/main.go']);
  });
});
