import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { measureLeftOut, summarizeContext } from '../../src/docker/buildContext';
import { packContext } from '../../src/docker/contextPack';
import { applyBuildMessage, failureLine, newBuildState, type BuildState } from '../../src/docker/buildProgress';
import type { EngineApi } from '../../src/docker/engineApi';
import type { Builder } from '../../src/docker/buildkit/builderChoice';
import { requireEngine, TEST_IMAGE, type TestEngine } from '../support/dockerEngine';
import { apiFor, freePort } from '../support/dockerModel';
import { createBody } from '../../src/docker/runSpec';
import { DOCKERIGNORE_EMPTY_FOLDERS, DOCKERIGNORE_FILES } from '../fixtures/dockerignoreContext';
import { itemAt } from '../support/itemAt';

function cli(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('docker', args, { env, cwd, maxBuffer: 16 << 20 }, (err, out, stderr) =>
      err ? reject(new Error(`${stderr}\n${err.message}`)) : resolve(out),
    ),
  );
}

const FILES = DOCKERIGNORE_FILES;
const EMPTY = DOCKERIGNORE_EMPTY_FOLDERS;

describe("building through the Engine API with Docker's .dockerignore semantics", function () {
  let engine: TestEngine;
  let api: EngineApi;
  let dir: string;
  const tag = `dockside-build:${process.pid}`;

  before(async function () {
    engine = await requireEngine(this);
    api = apiFor(engine.host);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-ctx-'));
    for (const [name, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    for (const d of EMPTY) fs.mkdirSync(path.join(dir, d), { recursive: true });
  });

  after(async () => {
    api?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    for (const t of [tag, `${tag}-cli`, `${tag}-fail`])
      await engine?.docker
        .getImage(t)
        .remove({ force: true })
        .catch(() => undefined);
  });

  async function build(dockerfileText?: string, imageTag = tag, builder: Builder = 'buildkit'): Promise<BuildState> {
    if (dockerfileText) fs.writeFileSync(path.join(dir, 'Dockerfile'), dockerfileText);
    const pack = packContext(dir, { dockerfile: path.join(dir, 'Dockerfile') });
    await pack.summary;
    const state = newBuildState();
    const run = await api.build(pack.stream, { tag: imageTag, dockerfile: 'Dockerfile', builder }, (m) =>
      applyBuildMessage(state, m),
    );
    await run.done;
    return state;
  }

  it('sends exactly the files the docker CLI sends for the same folder', async function () {
    this.timeout(180000);
    const summary = summarizeContext(dir, { dockerfile: path.join(dir, 'Dockerfile') });
    assert.deepEqual(summary.files, [
      '--checkpoint-action=exec=touch PWNED',
      '.dockerignore',
      'Dockerfile',
      'UPPER.LOG',
      'app/debug.log',
      'app/main.txt',
      'docs/README.md',
      'keep.log',
      'sub/secret.txt',
    ]);
    assert.deepEqual((await measureLeftOut(summary)).largest[0], { path: 'node_modules', bytes: 100000 });
    const ours = await build();
    assert.equal(ours.error, undefined, JSON.stringify(ours));
    await cli(['build', '-q', '-t', `${tag}-cli`, '.'], { ...engine.env, DOCKER_BUILDKIT: '0' }, dir);
    const list = async (image: string, ...only: string[]) =>
      (
        await cli(
          ['run', '--rm', '--network', 'none', image, '/bin/busybox', 'find', '/ctx', '-mindepth', '1', ...only],
          engine.env,
        )
      )
        .trim()
        .split('\n')
        .map((l) => l.replace(/^\/ctx\//, ''))
        .sort();
    const [fromDockside, fromCli] = await Promise.all([list(tag), list(`${tag}-cli`)]);
    assert.deepEqual(fromDockside, fromCli, 'the same files and folders as the docker CLI');
    for (const d of EMPTY) assert.ok(fromDockside.includes(d), `the empty folder ${d} is sent`);
    assert.deepEqual(await list(tag, '-type', 'f'), summary.files);
    assert.ok(!fs.existsSync(path.join(dir, 'PWNED')), 'a file named like a tar option ran nothing');
  });

  // The classic builder's rule, checked against the CLI's classic builder (the CLI here has no BuildKit). BuildKit
  // reads a Dockerfile sent in the context tar from the context itself, so there it reaches COPY.
  it('sends the Dockerfile and .dockerignore even when listed; classic keeps them from COPY', async function () {
    this.timeout(120000);
    const own = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-ctx-self-'));
    try {
      fs.writeFileSync(path.join(own, 'Dockerfile'), `FROM ${TEST_IMAGE}\nCOPY . /ctx\n`);
      fs.writeFileSync(path.join(own, '.dockerignore'), 'Dockerfile\n.dockerignore\n');
      fs.writeFileSync(path.join(own, 'app.txt'), 'app');
      const pack = packContext(own, { dockerfile: path.join(own, 'Dockerfile') });
      assert.deepEqual((await pack.summary).files, ['.dockerignore', 'Dockerfile', 'app.txt'], 'both are sent');
      const run = await api.build(
        pack.stream,
        { tag: `${tag}-self`, dockerfile: 'Dockerfile', builder: 'classic' },
        () => undefined,
      );
      await run.done;
      await cli(['build', '-q', '-t', `${tag}-self-cli`, '.'], { ...engine.env, DOCKER_BUILDKIT: '0' }, own);
      const list = async (image: string) =>
        (
          await cli(
            ['run', '--rm', '--network', 'none', image, '/bin/busybox', 'find', '/ctx', '-mindepth', '1'],
            engine.env,
          )
        )
          .trim()
          .split('\n')
          .map((l) => l.replace(/^\/ctx\//, ''))
          .sort();
      assert.deepEqual(await list(`${tag}-self`), ['app.txt'], 'COPY . leaves them out');
      assert.deepEqual(await list(`${tag}-self-cli`), ['app.txt'], "as the docker CLI's build does");
    } finally {
      fs.rmSync(own, { recursive: true, force: true });
      for (const t of [`${tag}-self`, `${tag}-self-cli`])
        await engine.docker
          .getImage(t)
          .remove({ force: true })
          .catch(() => undefined);
    }
  });

  it("fails the build with tar's words when a context file goes away while it is being sent", async function () {
    this.timeout(120000);
    const big = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-ctx-gone-'));
    try {
      fs.writeFileSync(path.join(big, 'Dockerfile'), `FROM ${TEST_IMAGE}\nCOPY . /ctx\n`);
      // 20 MB: more than the pack holds before the engine reads, so tar is still waiting when the file goes.
      for (let i = 0; i < 1000; i++)
        fs.writeFileSync(path.join(big, `f${String(i).padStart(4, '0')}.bin`), 'z'.repeat(20000));
      const pack = packContext(big, { dockerfile: path.join(big, 'Dockerfile') });
      await pack.summary;
      await new Promise((r) => setTimeout(r, 100));
      fs.rmSync(path.join(big, 'f0999.bin'));
      const state = newBuildState();
      // The request can fail before the engine answers (then build() rejects) or after (then done does).
      const outcome = api
        .build(pack.stream, { tag: `${tag}-gone`, dockerfile: 'Dockerfile', builder: 'buildkit' }, (m) =>
          applyBuildMessage(state, m),
        )
        .then((run) => run.done);
      await assert.rejects(outcome, /tar could not pack the build context \(exit 2\):.*f0999\.bin.*No such file/);
      await assert.rejects(engine.docker.getImage(`${tag}-gone`).inspect(), /no such image/i, 'nothing was built');
    } finally {
      fs.rmSync(big, { recursive: true, force: true });
    }
  });

  it("reports BuildKit's steps per stage, and which ones came from the cache on the second build", async function () {
    this.timeout(120000);
    // A new RUN each time, so that the first build cannot come from an earlier run's cache.
    const text = `FROM ${TEST_IMAGE}\nRUN echo ${Date.now()} > /one.txt\nCOPY app/ /app/\n`;
    const first = await build(text);
    assert.equal(first.error, undefined);
    // Steps come in the order BuildKit first mentions them, which is not always the file's.
    const inOrder = (state: BuildState) => [...state.steps].sort((x, y) => x.number - y.number);
    assert.deepEqual(
      inOrder(first).map((s) => [s.stage, s.number, s.total, s.instruction, s.status]),
      [
        ['', 1, 3, `FROM docker.io/${TEST_IMAGE}`, 'done'],
        ['', 2, 3, text.split('\n')[1], 'done'],
        ['', 3, 3, 'COPY app/ /app/', 'done'],
      ],
    );
    assert.equal(itemAt(inOrder(first), 1, 'step').cached, false, 'the new RUN ran');
    const second = await build(text);
    assert.deepEqual(
      inOrder(second)
        .slice(1)
        .map((s) => [s.instruction, s.cached]),
      [
        [text.split('\n')[1], true],
        ['COPY app/ /app/', true],
      ],
      'RUN and COPY come from the cache',
    );
    assert.ok(second.imageId, 'the image id is reported');
    assert.ok(second.tags.includes(tag));
  });

  it('names the failing BuildKit step, which maps to its Dockerfile line', async function () {
    this.timeout(120000);
    const text = `FROM ${TEST_IMAGE}\n# a comment line\nRUN echo ok\nRUN echo failing && exit 3\nCMD ["sh"]\n`;
    const state = await build(text, `${tag}-fail`);
    assert.ok(state.error, 'the build failed');
    assert.deepEqual([state.error.stage, state.error.step], ['', 3]);
    assert.match(state.error.message, /exit code: 3/);
    assert.equal(failureLine(text, [0, 2, 3, 4], state), 3, 'step 3 is the RUN on line 4 (0-based 3)');
    assert.deepEqual(state.steps.find((s) => s.number === 3)?.log, ['failing'], "the step's output, decoded");
  });
});

describe('running an image from a run description', function () {
  let engine: TestEngine;
  let api: EngineApi;
  let id: string | undefined;
  const cleanup: (() => Promise<unknown>)[] = [];

  before(async function () {
    engine = await requireEngine(this);
    api = apiFor(engine.host);
  });

  after(async () => {
    if (id)
      await engine.docker
        .getContainer(id)
        .remove({ force: true })
        .catch(() => undefined);
    for (const c of cleanup) await c().catch(() => undefined);
    api?.close();
  });

  it('publishes a port that answers HTTP (busybox httpd), on the address asked for', async function () {
    this.timeout(60000);
    const port = await freePort();
    // A network of its own: a second engine started with --bridge=none by another suite can take docker0 away.
    const network = await engine.docker.createNetwork({ Name: `run-net-${process.pid}` });
    cleanup.push(() => network.remove());
    const spec = {
      image: TEST_IMAGE,
      name: `dockside-run-${process.pid}`,
      ports: [`127.0.0.1:${port}:8080`],
      env: ['MODE=test'],
      volumes: [],
      network: `run-net-${process.pid}`,
      detach: true,
      command: ['httpd', '-f', '-p', '8080', '-h', '/www'],
    };
    id = await api.runContainer(createBody(spec), spec.name);
    const info = await engine.docker.getContainer(id).inspect();
    assert.deepEqual(info.HostConfig.PortBindings, { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] });
    assert.ok(info.Config.Env.includes('MODE=test'));
    let body = '';
    for (let i = 0; i < 50 && !body; i++) {
      body = await fetch(`http://127.0.0.1:${port}/`)
        .then((r) => r.text())
        .catch(() => '');
      if (!body) await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(body, /hello from dockside-test/);
  });
});
