import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  composeFileInvocation,
  composeFilesFor,
  projectForFiles,
  type ComposeFileTarget,
  type ComposeFileVerb,
} from '../../src/docker/composeCli';
import { composeFileMap, locateFailure } from '../../src/docker/composeFileMap';
import { explainComposeFailure } from '../../src/docker/composeOutput';
import { runCompose, type ComposeRunResult } from '../../src/docker/composeProcess';
import { waitForHttp, webPorts } from '../../src/docker/httpProbe';
import { DockerModel } from '../../src/docker/model';
import { PGADMIN_PORT, PROJECT_KINDS, projectFiles, type ProjectAnswers } from '../../src/docker/projectTemplates';
import { requireEngine, TEST_IMAGE, type TestEngine } from '../support/dockerEngine';
import { apiFor, freePort, waitUntil } from '../support/dockerModel';
import { ensureNodeStandIn, ensureStandIns, portTaken, requirePortFree, STAND_IN_ENV } from '../support/standIns';
import { itemAt } from '../support/itemAt';

/** Stops at once on SIGTERM (busybox httpd as PID 1 would wait out the 10 s grace period). */
const serve = (port: number, dir: string) => `["sh", "-c", "trap 'exit 0' TERM; httpd -f -p ${port} -h ${dir} & wait"]`;
const idle = `["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.2; done"]`;

describe('Compose from a file, against the real engine and docker-compose 1.29', function () {
  let engine: TestEngine;
  let root = '';
  const projects: { dir: string; files: string[]; profiles: string[] }[] = [];

  before(async function () {
    engine = await requireEngine(this);
    try {
      execFileSync('docker-compose', ['version'], { stdio: 'ignore' });
    } catch {
      if (process.env.CI) throw new Error('docker-compose is not installed in CI (.ci/run installs it)');
      console.warn('    SKIPPED: docker-compose is not installed (apt-get install -y docker-compose)');
      this.skip();
    }
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-compose-run-'));
  });

  after(async function () {
    this.timeout(120000);
    // Whatever a failed test left behind: containers, networks and the templates' volumes.
    for (const p of projects)
      await compose({ files: p.files, profiles: p.profiles }, 'down', [], ['-v', '--rmi', 'local'], STAND_IN_ENV);
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  /** Runs docker-compose as Dockside does: in the file's folder, on the test engine, with extra variables. */
  function compose(
    target: ComposeFileTarget,
    verb: ComposeFileVerb,
    services: string[] = [],
    extra: string[] = [],
    env: Record<string, string> = {},
  ): Promise<ComposeRunResult> {
    const run = composeFileInvocation('standalone', target, verb, services);
    run.args.push(...extra);
    const dir = path.dirname(itemAt(target.files, 0, 'file'));
    return runCompose(run, { cwd: dir, env: { DOCKER_HOST: engine.host, ...env } });
  }

  /** A project folder with these files; its name (and so Compose's project name) is unique to this run. */
  function project(files: Record<string, string>, profiles: string[] = []): { dir: string; file: string } {
    // Anything beside compose.yaml that ends in .yaml is read with it (the test's own override files).
    const dir = fs.mkdtempSync(path.join(root, 'p'));
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    const file = path.join(dir, 'compose.yaml');
    const extra = Object.keys(files).filter(
      (f) => f !== 'compose.yaml' && f.endsWith('.yaml') && !f.includes('override'),
    );
    projects.push({
      dir,
      files: [...composeFilesFor(file, 'standalone', fs.existsSync), ...extra.map((f) => path.join(dir, f))],
      profiles,
    });
    return { dir, file };
  }

  const projectName = (dir: string) =>
    path
      .basename(dir)
      .toLowerCase()
      .replace(/[^-_a-z0-9]/g, '');

  it('Up creates a project that never ran; the model shows each container within 1 s of its event', async function () {
    this.timeout(120000);
    const port = await freePort();
    const { dir, file } = project({
      'compose.yaml': [
        'services:',
        '  web:',
        `    image: ${TEST_IMAGE}`,
        `    command: ${serve(8080, '/www')}`,
        '    ports:',
        `      - "127.0.0.1:${port}:8080"`,
        '  worker:',
        `    image: ${TEST_IMAGE}`,
        `    command: ${idle}`,
        '',
      ].join('\n'),
    });
    const api = apiFor(engine.host);
    const model = new DockerModel(api);
    const seenRunning = new Map<string, number>();
    model.onDidChange(() => {
      for (const c of model.containers.values())
        if (c.composeProject === projectName(dir) && c.state === 'running' && !seenRunning.has(c.name))
          seenRunning.set(c.name, Date.now());
    });
    // The engine's own account of when each container started, from a second event stream.
    const started = new Map<string, number>();
    const events = await api.events(
      (e) => {
        const name = e.Actor?.Attributes?.name;
        if (e.Type === 'container' && e.Action === 'start' && name) started.set(name, (e.timeNano ?? 0) / 1e6);
      },
      () => undefined,
    );
    try {
      await model.start();
      assert.equal(model.state.status, 'connected');
      const files = composeFilesFor(file, 'standalone', fs.existsSync);
      assert.equal(projectForFiles(model.containers.values(), files), undefined, 'nothing ran from this file yet');

      const up = await compose({ files, projectDirectory: dir }, 'up');
      assert.equal(up.code, 0, up.output);
      const names = [`${projectName(dir)}_web_1`, `${projectName(dir)}_worker_1`];
      await waitUntil(() => names.every((n) => seenRunning.has(n) && started.has(n)), 5000);
      for (const n of names) {
        assert.ok(seenRunning.has(n) && started.has(n), `${n} seen running in the model`);
        const lag = seenRunning.get(n)! - started.get(n)!;
        assert.ok(lag < 1000, `${n} shown ${lag.toFixed(0)} ms after its start event`);
      }
      assert.equal(projectForFiles(model.containers.values(), files), projectName(dir));

      // What After Up offers: the published port answers HTTP; the worker publishes nothing.
      const ports = webPorts(
        [...model.containers.values()].filter((c) => c.composeProject === projectName(dir)),
        'localhost',
      );
      assert.deepEqual(
        ports.map((p) => [p.service, p.host, p.hostPort]),
        [['web', '127.0.0.1', port]],
      );
      assert.equal(await waitForHttp('127.0.0.1', port, { attempts: 40, intervalMs: 100 }), 'http');

      const down = await compose({ files, projectDirectory: dir }, 'down');
      assert.equal(down.code, 0, down.output);
      await waitUntil(() => ![...model.containers.values()].some((c) => c.composeProject === projectName(dir)), 5000);
      assert.deepEqual(
        [...model.containers.values()].filter((c) => c.composeProject === projectName(dir)).map((c) => c.name),
        [],
        'Down removed the containers',
      );
      const left = await engine.docker.listContainers({
        all: true,
        filters: JSON.stringify({ label: [`com.docker.compose.project=${projectName(dir)}`] }),
      });
      assert.equal(left.length, 0);
    } finally {
      events.close();
      model.dispose();
      api.close();
    }
  });

  it('says a taken port in plain words, on the ports: entry of the service that wanted it', async function () {
    this.timeout(120000);
    const port = await freePort();
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', () => resolve()));
    try {
      const text = [
        'services:',
        '  web:',
        `    image: ${TEST_IMAGE}`,
        `    command: ${serve(8080, '/www')}`,
        '    ports:',
        '      - "127.0.0.1:${WEB_PORT:-1}:8080"',
        '',
      ].join('\n');
      const { dir, file } = project({ 'compose.yaml': text });
      const up = await compose({ files: [file], projectDirectory: dir }, 'up', [], [], { WEB_PORT: String(port) });
      assert.notEqual(up.code, 0, 'Up fails');
      const failure = explainComposeFailure(up.output, ['web']);
      assert.deepEqual([failure.kind, failure.hostPort, failure.service], ['port-in-use', port, 'web']);
      assert.match(failure.message, new RegExp(`^Host port ${port} is already in use \\(needed by "web"\\)`));
      const range = locateFailure(composeFileMap(text), failure, { WEB_PORT: String(port) });
      assert.deepEqual(range?.start, { line: 5, character: 8 }, 'on the ports: entry');
    } finally {
      await new Promise((r) => holder.close(r));
    }
  });

  it('starts the services of the chosen profiles and those without one, and Down takes all of them', async function () {
    this.timeout(120000);
    const { dir, file } = project(
      {
        'compose.yaml': [
          'services:',
          '  app:',
          `    image: ${TEST_IMAGE}`,
          `    command: ${idle}`,
          '  debugger:',
          `    image: ${TEST_IMAGE}`,
          `    command: ${idle}`,
          '    profiles: [debug]',
          '  seeder:',
          `    image: ${TEST_IMAGE}`,
          `    command: ${idle}`,
          '    profiles: [tools]',
          '',
        ].join('\n'),
      },
      ['debug', 'tools'],
    );
    assert.deepEqual(composeFileMap(fs.readFileSync(file, 'utf8')).profiles, ['debug', 'tools']);
    const services = async () =>
      (
        await engine.docker.listContainers({
          all: true,
          filters: JSON.stringify({ label: [`com.docker.compose.project=${projectName(dir)}`] }),
        })
      )
        .map((c) => c.Labels['com.docker.compose.service'])
        .sort();
    const up = await compose({ files: [file], projectDirectory: dir, profiles: ['debug'] }, 'up');
    assert.equal(up.code, 0, up.output);
    assert.deepEqual(await services(), ['app', 'debugger']);
    // A service named on its own starts without its profile.
    const one = await compose({ files: [file], projectDirectory: dir }, 'up', ['seeder']);
    assert.equal(one.code, 0, one.output);
    assert.deepEqual(await services(), ['app', 'debugger', 'seeder']);
    const down = await compose({ files: [file], projectDirectory: dir, profiles: ['debug', 'tools'] }, 'down');
    assert.equal(down.code, 0, down.output);
    assert.deepEqual(await services(), []);
  });

  it('reads .env and compose.override.yaml beside the file, as Compose does', async function () {
    this.timeout(120000);
    const { dir, file } = project({
      'compose.yaml': `services:\n  app:\n    image: \${APP_IMAGE:-nosuch/image:1}\n    command: ${idle}\n`,
      '.env': `APP_IMAGE=${TEST_IMAGE}\n`,
      'compose.override.yaml': 'services:\n  app:\n    labels:\n      dockside.test: overridden\n',
    });
    const files = composeFilesFor(file, 'standalone', fs.existsSync);
    assert.deepEqual(files, [file, path.join(dir, 'compose.override.yaml')]);
    const up = await compose({ files, projectDirectory: dir }, 'up');
    assert.equal(up.code, 0, up.output);
    const [c] = await engine.docker.listContainers({
      filters: JSON.stringify({ label: [`com.docker.compose.project=${projectName(dir)}`] }),
    });
    assert.ok(c, 'the project has a container');
    assert.equal(c.Image, TEST_IMAGE, 'the image came from .env');
    assert.equal(c.Labels['dockside.test'], 'overridden', 'the override file was read');
    assert.equal((await compose({ files, projectDirectory: dir }, 'down')).code, 0);
  });

  describe('the templates, built and run with local stand-ins for their images', () => {
    before(async function () {
      this.timeout(300000);
      await ensureStandIns(engine.docker);
    });

    /** Writes the project, runs Up with the stand-ins, and checks the web port answers with the starter page. */
    async function upTemplate(answers: ProjectAnswers, expectHttp: number | undefined): Promise<void> {
      const made = projectFiles(answers);
      // Building needs no network here (no package to fetch): none, so the build works offline and on an engine
      // whose default bridge is gone. The override file is the test's; the template stays as generated.
      const offline: Record<string, string> = made.files.Dockerfile
        ? { 'build-offline.yaml': 'services:\n  web:\n    build:\n      network: none\n' }
        : {};
      const { dir, file } = project({
        ...made.files,
        ...made.starter,
        ...(made.dotEnv ? { '.env': made.dotEnv } : {}),
        ...offline,
      });
      const files = [file, ...Object.keys(offline).map((f) => path.join(dir, f))];
      const env = { ...STAND_IN_ENV };
      const up = await compose({ files, projectDirectory: dir }, 'up', [], [], env);
      assert.equal(up.code, 0, up.output);
      try {
        if (expectHttp) {
          assert.equal(await waitForHttp('127.0.0.1', expectHttp, { attempts: 100, intervalMs: 100 }), 'http');
          const body = await (await fetch(`http://127.0.0.1:${expectHttp}/`)).text();
          if (answers.kind !== 'database') assert.match(body, /Hello from a container/);
        }
        const running = await engine.docker.listContainers({
          filters: JSON.stringify({ label: [`com.docker.compose.project=${projectName(dir)}`] }),
        });
        const expected = [
          ...(answers.kind === 'database' ? [] : ['web']),
          ...(answers.database ? ['db', 'pgadmin'] : []),
        ];
        assert.deepEqual(running.map((c) => c.Labels['com.docker.compose.service']).sort(), expected.sort());
      } finally {
        // The volumes and the image the build made go too.
        const down = await compose({ files, projectDirectory: dir }, 'down', [], ['-v', '--rmi', 'local'], env);
        assert.equal(down.code, 0, down.output);
      }
    }

    const answers = (kind: ProjectAnswers['kind'], port: number, database: boolean): ProjectAnswers => ({
      kind,
      port,
      entry: PROJECT_KINDS[kind].defaultEntry,
      database,
      secrets: { postgres: 'test-pg', pgadmin: 'test-admin' },
    });

    /** Each template's run, started together: each waits mostly on a build or a health check, not on the machine. */
    const runs: Partial<Record<'static' | 'database' | 'node', Promise<Error | undefined>>> = {};
    let nodeMissing: string | undefined;
    const started = (run: Promise<void>) =>
      run.then(
        () => undefined,
        (err: Error) => err,
      );
    const outcome = async (run: Promise<Error | undefined> | undefined) => {
      const err = await run;
      if (err) throw err;
    };

    before(async function () {
      this.timeout(300000);
      nodeMissing = await ensureNodeStandIn(engine.docker);
      const upOnFreePort = async (kind: ProjectAnswers['kind'], database: boolean) => {
        const free = await freePort();
        return upTemplate(answers(kind, free, database), free);
      };
      if (!(await portTaken(PGADMIN_PORT))) runs.static = started(upOnFreePort('static', true));
      runs.database = started(upOnFreePort('database', true));
      if (!nodeMissing) runs.node = started(upOnFreePort('node', false));
    });

    it('static site and database: the site answers; db turns healthy, so pgadmin starts', async function () {
      this.timeout(180000);
      if (!runs.static) await requirePortFree(this, PGADMIN_PORT);
      await outcome(runs.static);
    });

    it('just a database: postgres turns healthy, and the pgadmin port answers (a stand-in)', async function () {
      this.timeout(180000);
      // The real pgadmin UI needs dpage/pgadmin4, which no registry here can provide.
      console.warn('    NOTE: pgadmin is a busybox stand-in here; its real login page is not checked');
      await outcome(runs.database);
    });

    it("Node.js: npm ci and USER node work on this machine's node, and the server answers", async function () {
      this.timeout(300000);
      if (nodeMissing) {
        if (process.env.CI) throw new Error(`no Node stand-in in CI: ${nodeMissing}`);
        console.warn(`    SKIPPED: no Node stand-in: ${nodeMissing}`);
        this.skip();
      }
      await outcome(runs.node);
    });
  });
});
