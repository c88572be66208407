import * as assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyBuildMessage, failureLine, newBuildState, type BuildState } from '../../src/docker/buildProgress';
import { explainBuildError } from '../../src/docker/buildkit/builderChoice';
import { packContext } from '../../src/docker/contextPack';
import { runBuild, type BuildPlan } from '../../src/docker/buildkit/runBuild';
import type { SecretSources } from '../../src/docker/buildkit/secretSources';
import {
  frontendUnavailableMessage,
  isFrontendUnavailable,
  syntaxDirective,
} from '../../src/docker/buildkit/syntaxDirective';
import type { EngineApi } from '../../src/docker/engineApi';
import { requireEngine, TEST_IMAGE, type TestEngine } from '../support/dockerEngine';
import { apiFor } from '../support/dockerModel';
import { ensureDefaultBridge } from './defaultBridge';
import { startEngineProxy, type EngineProxy } from './engineProxy';

const LESSONS = path.resolve(__dirname, '..', '..', 'media', 'lessons');

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    execFile('docker', args, { env, encoding: 'buffer', maxBuffer: 256 << 20 }, (err, out, stderr) =>
      err ? reject(new Error(`${stderr.toString()}\n${err.message}`)) : resolve(out),
    ),
  );
}

/** Processes on this machine whose command line holds `marker` (a build step's process, run by the engine). */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').includes(marker)) found.push(Number(pid));
    } catch {
      // Gone while we looked.
    }
  }
  return found;
}

/** Polls up to `times` times, `everyMs` apart, until `check` holds. */
async function poll(check: () => boolean, times = 200, everyMs = 50): Promise<boolean> {
  for (let i = 0; i < times; i++) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return check();
}

interface Outcome {
  state: BuildState;
  /** Every line the build log would show: the builder line, notes, and the build's own output. */
  log: string;
  builder?: string;
  error?: string;
}

describe("building with BuildKit through the Engine API and a session of Dockside's own", function () {
  let engine: TestEngine;
  let api: EngineApi;
  let dir: string;
  const tags: string[] = [];
  const tagFor = (name: string) => {
    const t = `dockside-bk-${name}:${process.pid}`;
    tags.push(t);
    return t;
  };

  before(async function () {
    engine = await requireEngine(this);
    await ensureDefaultBridge(engine);
    api = apiFor(engine.host);
  });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-bk-'));
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  after(async () => {
    api?.close();
    for (const t of tags)
      await engine?.docker
        .getImage(t)
        .remove({ force: true })
        .catch(() => undefined);
  });

  async function build(
    text: string,
    plan: Partial<BuildPlan> & { tag: string },
    through: EngineApi = api,
    onRunning?: (state: BuildState, cancel: () => void) => void,
  ): Promise<Outcome> {
    fs.writeFileSync(path.join(dir, 'Dockerfile'), text);
    const state = newBuildState();
    let log = '';
    let cancel = () => undefined as void;
    let watching = !!onRunning;
    const onMessage = (m: Parameters<typeof applyBuildMessage>[1]) => {
      log += applyBuildMessage(state, m);
      if (watching && state.steps.some((s) => s.status === 'running')) {
        watching = false;
        onRunning!(state, cancel);
      }
    };
    try {
      const started = await runBuild(
        through,
        {
          root: dir,
          dockerfilePath: path.join(dir, 'Dockerfile'),
          ...plan,
          options: { tag: plan.tag, dockerfile: 'Dockerfile', ...plan.options },
        },
        onMessage,
      );
      cancel = started.run.cancel;
      log = `Builder: ${started.builder}, because ${started.why}.\n${started.notes.join('\n')}${log}`;
      await started.run.done;
      return { state, log, builder: started.builder };
    } catch (err) {
      return { state, log, error: (err as Error).message };
    }
  }

  it("keeps a cache mount between builds: the lesson's example sees the first build's file", async function () {
    this.timeout(120000);
    const lesson = fs.readFileSync(path.join(LESSONS, 'layers-and-cache.md'), 'utf8');
    const example = /## See a cache mount at work[\s\S]*?```dockerfile\n([\s\S]*?)```/.exec(lesson)?.[1];
    assert.ok(example, 'the lesson has the example');
    const text = example.replace(/^FROM \S+/m, `FROM ${TEST_IMAGE}`);
    const tag = tagFor('cache');
    const [one, two] = [`first-${Date.now()}`, `second-${Date.now()}`];
    const first = await build(text, { tag, options: { dockerfile: 'Dockerfile', buildargs: { BUILD_NOTE: one } } });
    assert.equal(first.error ?? first.state.error?.message, undefined, first.log);
    const second = await build(text, { tag, options: { dockerfile: 'Dockerfile', buildargs: { BUILD_NOTE: two } } });
    assert.equal(second.error ?? second.state.error?.message, undefined, second.log);
    assert.equal(second.builder, 'buildkit');
    // The example ends with USER nobody; the stand-in busybox image has no /etc/passwd to find that name in, so the
    // run names busybox's uid for nobody (65534) instead.
    const run = ['run', '--rm', '--network', 'none', '--user', '65534', tag, 'cat', '/builds.txt'];
    const seen = (await cli(run, engine.env)).toString().trim().split('\n');
    // Another run on the same engine may have added lines in between: the cache mount is shared by target path.
    assert.equal(seen[seen.length - 1], two);
    assert.ok(seen.includes(one), 'the second RUN read what the first wrote into the cache mount');
  });

  it('runs bind and tmpfs mounts: a context file read in place, a tmpfs that leaves nothing', async function () {
    this.timeout(120000);
    fs.mkdirSync(path.join(dir, 'app'));
    fs.writeFileSync(path.join(dir, 'app', 'hello.txt'), 'hello from the context\n');
    const text = [
      `FROM ${TEST_IMAGE}`,
      'RUN --mount=type=bind,source=app,target=/src cat /src/hello.txt > /copied.txt',
      'RUN --mount=type=tmpfs,target=/scratch echo scratch > /scratch/t && cat /scratch/t > /tmpfs.txt',
      '',
    ].join('\n');
    const tag = tagFor('mounts');
    const out = await build(text, { tag });
    assert.equal(out.error ?? out.state.error?.message, undefined, out.log);
    const look = (
      await cli(
        [
          'run',
          '--rm',
          '--network',
          'none',
          tag,
          'sh',
          '-c',
          'cat /copied.txt /tmpfs.txt; find /scratch /src -mindepth 1 | wc -l',
        ],
        engine.env,
      )
    ).toString();
    assert.equal(
      look,
      'hello from the context\nscratch\n0\n',
      'both files were written; nothing of the mounts stayed in the image',
    );
  });

  it('gives RUN a secret through the session only: its hash is in the image, its value nowhere', async function () {
    this.timeout(180000);
    const value = `s3cret-${createHash('sha256').update(String(Math.random())).digest('hex').slice(0, 24)}`;
    const fromEnv = `env-${value.split('').reverse().join('')}`;
    const secretFile = path.join(os.tmpdir(), `dockside-secret-${process.pid}.txt`);
    fs.writeFileSync(secretFile, value);
    try {
      // A secret is not part of a step's cache key: a new ARG value makes the steps run again with this value.
      const text = [
        `FROM ${TEST_IMAGE}`,
        'ARG RUN_ID',
        'RUN --mount=type=secret,id=api_token,required=true \\',
        '    sha256sum /run/secrets/api_token | cut -d" " -f1 > /token.sha256',
        'RUN --mount=type=secret,id=deploy_key,required=true \\',
        '    cat /run/secrets/deploy_key | sha256sum | cut -d" " -f1 > /key.sha256',
        '',
      ].join('\n');
      const sources: SecretSources = {
        api_token: { kind: 'file', path: secretFile },
        deploy_key: { kind: 'env', name: 'DOCKSIDE_TEST_DEPLOY_KEY' },
      };
      const tag = tagFor('secret');
      const options = { dockerfile: 'Dockerfile', buildargs: { RUN_ID: String(Date.now()) } };
      const out = await build(text, {
        tag,
        options,
        secrets: sources,
        env: { ...process.env, DOCKSIDE_TEST_DEPLOY_KEY: fromEnv },
      });
      assert.equal(out.error ?? out.state.error?.message, undefined, out.log);
      const sha = (s: string) => createHash('sha256').update(s).digest('hex');
      const hashes = (
        await cli(['run', '--rm', '--network', 'none', tag, 'cat', '/token.sha256', '/key.sha256'], engine.env)
      ).toString();
      assert.equal(hashes, `${sha(value)}\n${sha(fromEnv)}\n`, 'RUN read both secrets');
      const saved = await cli(['save', tag], engine.env);
      const history = (await cli(['history', '--no-trunc', tag], engine.env)).toString();
      const inspect = (await cli(['inspect', tag], engine.env)).toString();
      // What Build Image remembers for this Dockerfile: where each secret comes from.
      const remembered = JSON.stringify({ tag, buildArgs: '', target: '', secrets: sources });
      for (const secret of [value, fromEnv]) {
        assert.equal(saved.includes(Buffer.from(secret)), false, 'not in docker save');
        for (const [what, text2] of Object.entries({ history, inspect, log: out.log, remembered }))
          assert.equal(text2.includes(secret), false, `not in ${what}`);
      }
      assert.ok(saved.length > 100000, 'docker save gave the whole image');
    } finally {
      fs.rmSync(secretFile, { force: true });
    }
  });

  it('forwards the ssh agent of SSH_AUTH_SOCK to RUN --mount=type=ssh, or says there is none', async function () {
    this.timeout(120000);
    const agentSocket = path.join(os.tmpdir(), `dockside-agent-${process.pid}.sock`);
    const agent = spawn('ssh-agent', ['-D', '-a', agentSocket], { stdio: 'ignore' });
    const started = await new Promise<boolean>((resolve) => {
      agent.once('error', () => resolve(false));
      void poll(() => fs.existsSync(agentSocket)).then(resolve);
    });
    if (!started) {
      console.warn('    SKIPPED: no ssh-agent on this machine');
      return this.skip();
    }
    try {
      const run = 'RUN --mount=type=ssh,required=true test -S "$SSH_AUTH_SOCK" && echo forwarded > /ssh.txt';
      const text = `FROM ${TEST_IMAGE}\nARG RUN_ID\n${run}\n`;
      const tag = tagFor('ssh');
      const options = { dockerfile: 'Dockerfile', buildargs: { RUN_ID: String(Date.now()) } };
      const withAgent = await build(text, { tag, options, env: { ...process.env, SSH_AUTH_SOCK: agentSocket } });
      assert.equal(withAgent.error ?? withAgent.state.error?.message, undefined, withAgent.log);
      assert.equal(
        (await cli(['run', '--rm', '--network', 'none', tag, 'cat', '/ssh.txt'], engine.env)).toString(),
        'forwarded\n',
      );
      const env = { ...process.env };
      delete env.SSH_AUTH_SOCK;
      const without = await build(text, {
        tag,
        options: { ...options, buildargs: { RUN_ID: `${Date.now()}-2` } },
        env,
      });
      assert.match(
        without.log,
        /Line 3 mounts an ssh agent \(RUN --mount=type=ssh\), but VS Code's environment has no SSH_AUTH_SOCK, so/,
      );
      assert.match(
        explainBuildError(without.state.error?.message ?? ''),
        /^The step mounts an ssh agent, and there is none to forward: .*no ssh agent is forwarded \(SSH_AUTH_SOCK/,
      );
    } finally {
      agent.kill();
      fs.rmSync(agentSocket, { force: true });
    }
  });

  it('puts a failing RUN of a later stage on its line, and shows its output decoded', async function () {
    this.timeout(120000);
    const text = [
      `FROM ${TEST_IMAGE} AS base`,
      'ENV GREETING=grüß',
      'RUN echo "$GREETING" > /g.txt',
      `FROM ${TEST_IMAGE}`,
      'WORKDIR /w',
      'COPY --from=base /g.txt .',
      `RUN cat g.txt && echo failing-${Date.now()} && exit 5`,
      'CMD ["sh"]',
      '',
    ].join('\n');
    const out = await build(text, { tag: tagFor('fail') });
    const { state } = out;
    assert.ok(state.error, 'the build failed');
    assert.deepEqual([state.error.stage, state.error.step], ['stage-1', 4]);
    assert.match(state.error.message, /exit code: 5/);
    assert.equal(failureLine(text, [], state), 6, 'the RUN on line 7');
    const failed = state.steps.find((s) => s.status === 'failed');
    assert.equal(failed?.log[0], 'grüß', "the step's output, decoded");
    assert.match(out.log, /#\d+ \[stage-1 4\/4\] RUN cat g.txt/);
    assert.match(out.log, /#\d+ grüß\n/);
    const base = state.steps.find((s) => s.stage === 'base' && s.number === 2);
    assert.equal(base?.status, 'done');
    assert.ok(base.completed! >= base.started!, 'with its times, for a duration');
  });

  it("stops the build on the engine when cancelled: the running step's process goes away", async function () {
    this.timeout(120000);
    const marker = `600.${String(Date.now()).slice(-6)}`;
    let seen = false;
    const out = await build(
      `FROM ${TEST_IMAGE}\nRUN sleep ${marker}\n`,
      { tag: tagFor('cancel') },
      api,
      (_state, cancel) => {
        void poll(() => processesWith(`sleep ${marker}`).length > 0).then((running) => {
          seen = running;
          cancel();
        });
      },
    );
    assert.ok(seen, 'the step was running on the engine');
    assert.match(out.error ?? out.state.error?.message ?? '', /cancelled|context canceled/);
    assert.ok(await poll(() => processesWith(`sleep ${marker}`).length === 0), "the step's process is gone");
  });

  it('builds a simple Dockerfile with the classic builder when the setting says so, and says why', async function () {
    this.timeout(120000);
    const out = await build(`FROM ${TEST_IMAGE}\nRUN echo classic-${Date.now()}\n`, {
      tag: tagFor('classic'),
      setting: 'classic',
    });
    assert.equal(out.error ?? out.state.error?.message, undefined, out.log);
    assert.equal(out.builder, 'classic');
    assert.match(out.log, /^Builder: classic, because the setting dockside.build.builder is "classic"/);
    assert.deepEqual(
      out.state.steps.map((s) => s.number),
      [1, 2],
      "the classic builder's numbering",
    );
    assert.equal(out.state.vertexes.size, 0, 'no BuildKit progress');
  });

  it('says in words that a # syntax= frontend cannot be fetched, then builds with the built-in one', async function () {
    this.timeout(120000);
    // The escape directive after it must keep working when the syntax line is taken out.
    const text = [
      '# syntax=docker/dockerfile:1.4',
      '# escape=`',
      `FROM ${TEST_IMAGE}`,
      'RUN echo one `',
      '    two > /words.txt',
      'RUN exit 7',
      '',
    ].join('\n');
    const tag = tagFor('syntax');
    const first = await build(text, { tag });
    const directive = syntaxDirective(text);
    assert.ok(first.state.error, 'the build failed');
    assert.ok(
      isFrontendUnavailable(directive, first.state.error.message, first.state.error.vertex),
      first.state.error.message,
    );
    assert.match(
      frontendUnavailableMessage(directive!, first.state.error.message),
      new RegExp(
        '^Line 1 \\(# syntax=docker/dockerfile:1.4\\) asks BuildKit to fetch that Dockerfile frontend from a ' +
          'registry, and the engine could not get it \\(.+\\)',
      ),
    );
    const again = await build(text, { tag, builtinFrontend: true });
    assert.match(again.state.error?.message ?? '', /exit code: 7/, 'built up to the failing step');
    assert.equal(failureLine(text, [], again.state), 5, 'and the failing step is still on line 6');
    fs.writeFileSync(path.join(dir, 'Dockerfile'), text);
    const passing = await build(text.replace('RUN exit 7\n', ''), { tag, builtinFrontend: true });
    assert.equal(passing.state.error, undefined, passing.log);
    assert.equal(
      (await cli(['run', '--rm', '--network', 'none', tag, 'cat', '/words.txt'], engine.env)).toString(),
      'one two\n',
      'the escape directive still applied',
    );
  });

  describe('when something goes wrong', function () {
    let proxy: EngineProxy;

    before(async function () {
      if (!engine) this.skip();
      proxy = await startEngineProxy(engine.host);
    });

    after(async () => proxy?.close());

    afterEach(() => proxy?.refuse(undefined));

    it('falls back to the classic builder when the engine refuses the session, and says so', async function () {
      this.timeout(120000);
      proxy.refuse({ request: /^POST \/session/, status: 404, message: 'page not found' });
      const out = await build(
        `FROM ${TEST_IMAGE}\nRUN echo fallback-${Date.now()}\n`,
        { tag: tagFor('nosession') },
        proxy.api,
      );
      assert.equal(out.error ?? out.state.error?.message, undefined, out.log);
      assert.equal(out.builder, 'classic');
      assert.match(
        out.log,
        /^Builder: classic, because the engine does not run BuildKit builds \(it refused a BuildKit session: page not/,
      );
    });

    it('falls back when the engine refuses the BuildKit build itself, packing the context again', async function () {
      this.timeout(120000);
      proxy.refuse({ request: /^POST \/build\?.*version=2/, status: 400, message: 'buildkit not supported by daemon' });
      fs.writeFileSync(path.join(dir, 'data.txt'), 'sent twice');
      const tag = tagFor('nobuildkit');
      const out = await build(`FROM ${TEST_IMAGE}\nCOPY data.txt /data.txt\n`, { tag }, proxy.api);
      assert.equal(out.error ?? out.state.error?.message, undefined, out.log);
      assert.equal(out.builder, 'classic');
      assert.equal(
        (await cli(['run', '--rm', '--network', 'none', tag, 'cat', '/data.txt'], engine.env)).toString(),
        'sent twice',
      );
    });

    it('refuses, in words and before any build, a Dockerfile that needs BuildKit there', async function () {
      this.timeout(60000);
      proxy.refuse({ request: /^POST \/session/, status: 404, message: 'page not found' });
      const secretFile = path.join(dir, 'token.txt');
      fs.writeFileSync(secretFile, 'never-read-value');
      proxy.requests.length = 0;
      const out = await build(
        `FROM ${TEST_IMAGE}\nRUN --mount=type=secret,id=t cat /run/secrets/t\n`,
        { tag: tagFor('needsbk'), secrets: { t: { kind: 'file', path: secretFile } } },
        proxy.api,
      );
      assert.equal(
        out.error,
        'This engine does not run BuildKit builds (it refused a BuildKit session: page not found), and this ' +
          'Dockerfile needs BuildKit for RUN --mount on line 2. Use Docker 23 or later (or an engine with BuildKit ' +
          'enabled), or build a Dockerfile without it.',
      );
      assert.deepEqual(proxy.requests, ['POST /session'], 'no build was started');
    });

    it('reports a missing or unreadable secret file before sending anything', async function () {
      this.timeout(60000);
      proxy.requests.length = 0;
      const text = `FROM ${TEST_IMAGE}\nRUN --mount=type=secret,id=a --mount=type=secret,id=b true\n`;
      const out = await build(
        text,
        {
          tag: tagFor('nosecret'),
          secrets: { a: { kind: 'file', path: path.join(dir, 'missing.txt') }, b: { kind: 'file', path: dir } },
        },
        proxy.api,
      );
      assert.equal(
        out.error,
        `The secret "a" should come from ${path.join(dir, 'missing.txt')}, which does not exist. ` +
          `The secret "b" should come from ${dir}, which is a folder, not a file.`,
      );
      assert.deepEqual(proxy.requests, [], 'nothing reached the engine');
    });

    it("fails the build with the reader's words when a secret cannot be read as the step asks", async function () {
      this.timeout(60000);
      const secretFile = path.join(dir, 'token.txt');
      fs.writeFileSync(secretFile, 'value');
      fs.writeFileSync(
        path.join(dir, 'Dockerfile'),
        `FROM ${TEST_IMAGE}\nRUN --mount=type=secret,id=tok,required=true echo ${Date.now()}\n`,
      );
      const state = newBuildState();
      const run = await proxy.api.build(
        packContext(dir, { dockerfile: path.join(dir, 'Dockerfile') }).stream,
        {
          dockerfile: 'Dockerfile',
          builder: 'buildkit',
          secret: async () =>
            Promise.reject(new Error(`the secret "tok" should come from ${secretFile}, which VS Code may not read`)),
        },
        (m) => applyBuildMessage(state, m),
      );
      await run.done.catch(() => undefined);
      assert.equal(
        explainBuildError(state.error?.message ?? ''),
        `The build stopped: the secret "tok" should come from ${secretFile}, which VS Code may not read.`,
      );
      assert.equal(failureLine(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), [], state), 1);
    });

    it('stops the build with a clear error when the session drops mid-build, asking no secret', async function () {
      this.timeout(120000);
      const marker = `601.${String(Date.now()).slice(-6)}`;
      const secretFile = path.join(dir, 'token.txt');
      fs.writeFileSync(secretFile, 'never-asked-value');
      let asked = 0;
      const secretStep = 'RUN --mount=type=secret,id=tok,required=true cat /run/secrets/tok';
      const text = `FROM ${TEST_IMAGE}\nRUN sleep ${marker}\n${secretStep}\n`;
      fs.writeFileSync(path.join(dir, 'Dockerfile'), text);
      const state = newBuildState();
      let dropped = false;
      const run = await proxy.api.build(
        packContext(dir, { dockerfile: path.join(dir, 'Dockerfile') }).stream,
        {
          dockerfile: 'Dockerfile',
          builder: 'buildkit',
          secret: async () => (asked++, Buffer.from('never-asked-value')),
        },
        (m) => {
          applyBuildMessage(state, m);
          if (!dropped && state.steps.some((s) => s.status === 'running' && s.instruction.startsWith('RUN sleep'))) {
            dropped = true;
            void poll(() => processesWith(`sleep ${marker}`).length > 0).then(() => proxy.dropSessions());
          }
        },
      );
      await assert.rejects(
        run.done,
        /^Error: The build session with the engine dropped \(.+\), so the build was stopped\.$/,
      );
      assert.ok(await poll(() => processesWith(`sleep ${marker}`).length === 0), 'the running step was stopped');
      assert.equal(asked, 0, 'the secret was never asked for');
    });
  });
});
