import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { composeDiagnostics } from '../../src/language/compose/composeService';
import { fsComposeHost } from '../../src/language/compose/fsHost';
import { COMPOSE_CASES, COMPOSE_DISAGREEMENTS } from '../fixtures/composeDifferential';
import { V2_CASES, type V2Case } from '../fixtures/composeV2';
import { mapLimit } from '../support/mapLimit';

/** A Compose program and the arguments before `-f FILE config -q`. */
type Compose = [string, ...string[]];

const works = (command: Compose): boolean => {
  try {
    execFileSync(command[0], [...command.slice(1), 'version'], { stdio: 'ignore', timeout: 20000 });
    return true;
  } catch {
    return false;
  }
};

/** `config -q` in a folder holding the case's files: null when accepted, else the last line it printed. */
function verdict(command: Compose, file: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(
      command[0],
      [...command.slice(1), '-f', file, 'config', '-q'],
      // A clean environment, so that no variable of the machine changes the verdict.
      { cwd: path.dirname(file), env: { PATH: process.env.PATH, HOME: os.tmpdir() }, timeout: 60000 },
      (err, _out, stderr) => resolve(err ? String(stderr).trim().split('\n').pop() || String(err) : null),
    );
  });
}

function writeCase(root: string, c: Pick<V2Case, 'text' | 'files'>, n: number): string {
  const dir = path.join(root, `case-${n}`);
  for (const [name, text] of Object.entries({ ...c.files, 'compose.yaml': c.text })) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return path.join(dir, 'compose.yaml');
}

describe('Compose v2 fixtures against real Compose implementations (differential)', function () {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-compose-v2-diff-'));
  });
  after(() => root && fs.rmSync(root, { recursive: true, force: true }));

  it('docker-compose 1.29 gives each fixture the verdict recorded for it (v129, or the v2 verdict)', async function () {
    if (!works(['docker-compose'])) {
      if (process.env.CI) throw new Error('docker-compose is not installed in CI (.ci/run installs it)');
      console.warn('    SKIPPED: docker-compose is not installed (apt-get install -y docker-compose)');
      this.skip();
    }
    this.timeout(120000);
    const wrong = await mapLimit(
      V2_CASES.map((c, n) => ({ c, n })),
      4,
      async ({ c, n }) => {
        const said = await verdict(['docker-compose'], writeCase(root, c, n));
        const expected = c.v129 ?? (c.rejected ? 'rejects' : 'accepts');
        return (said === null ? 'accepts' : 'rejects') === expected ? '' : `${c.name}: 1.29 ${said ?? 'accepts'}`;
      },
    );
    assert.deepEqual(
      wrong.filter((w) => w),
      [],
    );
    // Every case where 1.29 differs says where compose-go decides it.
    assert.deepEqual(
      V2_CASES.filter((c) => c.v129 && !c.where).map((c) => c.name),
      [],
    );
  });

  it('docker compose (v2) rejects exactly what Dockside reports an error on', async function () {
    if (!works(['docker', 'compose'])) {
      console.warn('    SKIPPED: the docker compose v2 plugin is not installed (docker-compose-plugin)');
      this.skip();
    }
    this.timeout(300000);
    const cases: Pick<V2Case, 'name' | 'text' | 'files' | 'rejected'>[] = [
      ...V2_CASES,
      ...COMPOSE_CASES,
      ...COMPOSE_DISAGREEMENTS,
    ];
    const results = await mapLimit(
      cases.map((c, i) => ({ c, n: 1000 + i })),
      4,
      async ({ c, n }) => {
        const file = writeCase(root, c, n);
        const errors = composeDiagnostics(c.text, { path: file, host: fsComposeHost({}) }).filter(
          (d) => d.severity === 'error',
        );
        return { c, v2: await verdict(['docker', 'compose'], file), dockside: errors.map((e) => e.code) };
      },
    );
    assert.deepEqual(
      results
        .filter((r) => (r.v2 !== null) !== r.c.rejected || r.dockside.length > 0 !== r.c.rejected)
        .map((r) => `${r.c.name}: v2 ${r.v2 ?? 'accepts'}; Dockside ${r.dockside.join(' ') || 'no error'}`),
      [],
    );
  });
});
