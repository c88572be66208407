import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyBuildMessage, failureLine, newBuildState, progressMessage } from '../../src/docker/buildProgress';
import {
  afterRefusal,
  explainBuildError,
  firstBuilder,
  isBuildkitRefusal,
} from '../../src/docker/buildkit/builderChoice';
import {
  buildkitOnlyFeature,
  parseMountOptions,
  runMounts,
  secretMounts,
  sshMountLines,
} from '../../src/docker/buildkit/mounts';
import { checkSecretSources, describeSource, secretReader } from '../../src/docker/buildkit/secretSources';
import { decodeBuildkitStatus, encodeBuildkitStatus } from '../../src/docker/buildkit/status';
import { buildkitStages, buildkitStepLine, parseStepName } from '../../src/docker/buildkit/steps';
import {
  frontendUnavailableMessage,
  isFrontendUnavailable,
  replaceTarFile,
  syntaxDirective,
  withoutSyntaxDirective,
} from '../../src/docker/buildkit/syntaxDirective';
import { throttle } from '../../src/docker/throttle';
import { itemAt } from '../support/itemAt';

const ts = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });

describe('BuildKit: RUN --mount in a Dockerfile', () => {
  it('reads mount options as BuildKit does: quoted values, bare flags, defaults for secret and ssh ids', () => {
    assert.deepEqual(
      [...parseMountOptions('type=secret,id=npm,target="/a,b",required')],
      [
        ['type', 'secret'],
        ['id', 'npm'],
        ['target', '/a,b'],
        ['required', 'true'],
      ],
    );
    const text = [
      'FROM x',
      'RUN --mount=type=secret,target=/run/secrets/db_pass,required=true \\',
      '    --mount=type=cache,target=/root/.npm npm ci',
      'RUN --mount=type=ssh git clone x',
      'RUN --mount=type=secret,id=db_pass cat x',
      'RUN --mount=type=secret,id=opt,required=false true',
      'RUN echo --mount=type=secret,id=not_a_flag',
      '',
    ].join('\n');
    assert.deepEqual(
      runMounts(text).map((m) => [m.type, m.id, m.required, m.line]),
      [
        ['secret', 'db_pass', true, 1],
        ['cache', '', false, 1],
        ['ssh', 'default', false, 3],
        ['secret', 'db_pass', false, 4],
        ['secret', 'opt', false, 5],
      ],
    );
    assert.deepEqual(secretMounts(text), [
      { id: 'db_pass', required: true, lines: [1, 4] },
      { id: 'opt', required: false, lines: [5] },
    ]);
    assert.deepEqual(sshMountLines(text), [3]);
  });

  it('names what only BuildKit can build, or nothing for a plain Dockerfile', () => {
    assert.equal(buildkitOnlyFeature('FROM x\nRUN echo hi\n'), undefined);
    assert.equal(
      buildkitOnlyFeature('FROM x\nRUN echo\nRUN --mount=type=cache,target=/c make\n'),
      'RUN --mount on line 3',
    );
    assert.equal(buildkitOnlyFeature('FROM x\nRUN <<EOF\necho hi\nEOF\n'), 'a here-document (<<) on line 2');
  });
});

describe('BuildKit: steps and their Dockerfile lines', () => {
  const text = [
    'ARG BASE=alpine',
    'FROM $BASE AS build',
    'ENV A=1',
    'WORKDIR /src',
    'COPY . .',
    'RUN make',
    'FROM scratch AS empty',
    'COPY --from=build /out /',
    'FROM build',
    'RUN test',
    'FROM busybox',
    'LABEL a=b',
    'ADD x /x',
    '',
  ].join('\n');

  it('reads "[stage k/n] INSTRUCTION" names and leaves internal vertexes alone', () => {
    assert.deepEqual(parseStepName('[build 2/4] WORKDIR /src'), {
      stage: 'build',
      number: 2,
      total: 4,
      instruction: 'WORKDIR /src',
    });
    assert.deepEqual(parseStepName('[2/2] RUN a\nb'), { stage: '', number: 2, total: 2, instruction: 'RUN a\nb' });
    assert.deepEqual(parseStepName('[ 3/12] COPY . .'), { stage: '', number: 3, total: 12, instruction: 'COPY . .' });
    assert.deepEqual(parseStepName('[build  3/12] COPY . .'), {
      stage: 'build',
      number: 3,
      total: 12,
      instruction: 'COPY . .',
    });
    assert.equal(parseStepName('[internal] load metadata for docker.io/library/alpine:latest'), undefined);
    assert.equal(parseStepName('exporting to image'), undefined);
  });

  it('counts FROM (unless scratch or an earlier stage), RUN, COPY, ADD and WORKDIR per stage, as BuildKit', () => {
    assert.deepEqual(buildkitStages(text), [
      { name: 'build', stepLines: [1, 3, 4, 5] },
      { name: 'empty', stepLines: [7] },
      { name: '', stepLines: [9] },
      { name: '', stepLines: [10, 12] },
    ]);
    assert.equal(buildkitStepLine(text, { stage: 'build', number: 4, total: 4 }), 5);
    assert.equal(buildkitStepLine(text, { stage: 'stage-2', number: 1, total: 1 }), 9, 'an unnamed stage by its index');
    assert.equal(buildkitStepLine(text, { stage: 'stage-3', number: 2, total: 2 }), 12);
    assert.equal(
      buildkitStepLine(text, { stage: 'build', number: 2, total: 5 }),
      undefined,
      'a file that changed since',
    );
    assert.equal(buildkitStepLine('FROM a\nRUN x\n', { stage: '', number: 2, total: 2 }), 1, 'a one-stage file');
  });
});

describe('BuildKit: status updates into steps and the build log', () => {
  it('decodes what the engine encodes: steps, output split mid-character, cache hits, durations, warnings', () => {
    const state = newBuildState();
    const run = 'sha256:run';
    const msg = (o: object) => applyBuildMessage(state, { trace: decodeBuildkitStatus(encodeBuildkitStatus(o)) });
    const bytes = Buffer.from('grüß\nsecond line');
    let log = msg({
      vertexes: [
        {
          digest: 'sha256:from',
          name: '[1/2] FROM docker.io/library/busybox:1',
          cached: true,
          started: ts(1000),
          completed: ts(1000),
        },
        { digest: run, name: '[2/2] RUN echo hi', started: ts(1000) },
      ],
    });
    assert.equal(progressMessage(state), 'step 2/2 (running): RUN echo hi');
    log += msg({ logs: [{ vertex: run, stream: 1, msg: bytes.subarray(0, 4) }] });
    log += msg({
      logs: [{ vertex: run, stream: 1, msg: bytes.subarray(4) }],
      statuses: [{ ID: 'transfer', vertex: run, name: 'transferring context', current: 2048, completed: ts(1100) }],
    });
    log += msg({
      vertexes: [{ digest: run, name: '[2/2] RUN echo hi', started: ts(1000), completed: ts(3500) }],
      warnings: [
        {
          vertex: run,
          level: 1,
          short: Buffer.from('JSONArgsRecommended: use JSON'),
          url: 'https://docs.docker.com/go/x',
          ranges: [{ start: { line: 2, character: 0 }, end: { line: 2, character: 10 } }],
        },
      ],
    });
    assert.equal(
      log,
      [
        '#1 [1/2] FROM docker.io/library/busybox:1 CACHED',
        '#2 [2/2] RUN echo hi',
        '#2 grüß',
        '#2 transferring context 2.0 kB done',
        '#2 second line',
        '#2 DONE 2.5 s',
        '#2 WARNING: JSONArgsRecommended: use JSON',
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      state.steps.map((s) => [s.number, s.cached, s.status, s.log]),
      [
        [1, true, 'done', []],
        [2, false, 'done', ['grüß', 'second line']],
      ],
    );
    assert.deepEqual(
      state.warnings.map((w) => [w.message, w.range, w.step?.number]),
      [['JSONArgsRecommended: use JSON', { startLine: 1, startCharacter: 0, endLine: 1, endCharacter: 10 }, 2]],
    );
  });

  it('keeps the failing vertex and its step when the final error arrives, and maps it to the Dockerfile', () => {
    const state = newBuildState();
    const text = 'FROM a AS base\nRUN ok\nFROM a\nRUN bad\n';
    applyBuildMessage(state, {
      trace: decodeBuildkitStatus(
        encodeBuildkitStatus({
          vertexes: [
            {
              digest: 'sha256:x',
              name: '[stage-1 2/2] RUN bad',
              started: ts(5),
              completed: ts(9),
              error: 'exit code: 2',
            },
          ],
        }),
      ),
    });
    const tail = applyBuildMessage(state, {
      errorDetail: { message: 'executor failed running [/bin/sh -c bad]: exit code: 2' },
    });
    assert.equal(tail, 'ERROR: executor failed running [/bin/sh -c bad]: exit code: 2\n');
    assert.deepEqual(state.error, {
      message: 'executor failed running [/bin/sh -c bad]: exit code: 2',
      vertex: '[stage-1 2/2] RUN bad',
      step: 2,
      stage: 'stage-1',
    });
    assert.equal(failureLine(text, [], state), 3);
  });

  it('puts a parse error that names a line on that line', () => {
    const state = newBuildState();
    applyBuildMessage(state, {
      trace: decodeBuildkitStatus(
        encodeBuildkitStatus({
          vertexes: [
            {
              digest: 'sha256:i',
              name: '[internal] load build definition from Dockerfile',
              started: ts(1),
              completed: ts(2),
            },
          ],
        }),
      ),
    });
    applyBuildMessage(state, {
      error:
        'failed to solve with frontend dockerfile.v0: failed to create LLB definition: ' +
        'dockerfile parse error line 3: unknown instruction: RN',
    });
    assert.equal(failureLine('FROM a\n\nRN x\n', [], state), 2);
  });

  it('keeps a BuildKit build to at most ten progress updates a second, the last one shown', async function () {
    this.timeout(10000);
    const state = newBuildState();
    const shown: { at: number; text: string }[] = [];
    const updates = throttle<string>((text) => shown.push({ at: performance.now(), text }));
    for (let i = 1; i <= 300; i++) {
      const update = encodeBuildkitStatus({
        vertexes: [{ digest: `sha256:${i}`, name: `[${i}/300] RUN step ${i}`, started: ts(i), completed: ts(i + 1) }],
      });
      applyBuildMessage(state, { trace: decodeBuildkitStatus(update) });
      updates.push(progressMessage(state)!);
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 150));
    updates.dispose();
    for (let i = 1; i < shown.length; i++) {
      const gap = itemAt(shown, i, 'update').at - itemAt(shown, i - 1, 'update').at;
      assert.ok(gap >= 99, `updates ${i - 1} and ${i} ${gap} ms apart`);
    }
    assert.equal(shown.at(-1)?.text, 'step 300/300: RUN step 300');
  });
});

describe('BuildKit: choosing the builder', () => {
  it('tries BuildKit unless the setting says classic, and falls back only when BuildKit is not needed', () => {
    assert.equal(firstBuilder(undefined).builder, 'buildkit');
    assert.equal(firstBuilder('buildkit').builder, 'buildkit');
    assert.deepEqual(firstBuilder('classic'), {
      builder: 'classic',
      why: 'the setting dockside.build.builder is "classic"',
    });
    assert.deepEqual(afterRefusal('it refused a BuildKit session: page not found', undefined), {
      builder: 'classic',
      why: 'the engine does not run BuildKit builds (it refused a BuildKit session: page not found)',
    });
    assert.match(
      (afterRefusal('x', 'RUN --mount on line 2') as { error: string }).error,
      /needs BuildKit for RUN --mount on line 2/,
    );
  });

  it('tells a refusal from a build that failed', () => {
    assert.equal(isBuildkitRefusal(404, 'page not found'), true);
    assert.equal(isBuildkitRefusal(400, 'buildkit not supported by daemon'), true);
    assert.equal(isBuildkitRefusal(400, 'invalid version 2'), true);
    assert.equal(isBuildkitRefusal(500, 'failed to compute cache key: "/app" not found'), false);
  });

  it('explains the errors a learner meets in plain words', () => {
    assert.match(
      explainBuildError('secret npm_token not found: not found'),
      /^The step mounts the secret "npm_token" as required, and this build was not given it\./,
    );
    assert.equal(
      explainBuildError(
        'rpc error: code = FailedPrecondition desc = the secret "t" should come from /x, which does not exist',
      ),
      'The build stopped: the secret "t" should come from /x, which does not exist.',
    );
    assert.match(
      explainBuildError('Dockerfile parse error line 2: Unknown flag: mount'),
      /classic builder does not know RUN --mount/,
    );
    assert.match(
      explainBuildError('executor failed running [/bin/sh -c echo fine]: network bridge not found'),
      /^The step needs a network, and the engine has no default bridge for it \(/,
    );
    assert.equal(explainBuildError('exit code: 1'), 'exit code: 1');
  });
});

describe('BuildKit: where secrets come from', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-secrets-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('checks every source before a build, reading no value', async () => {
    fs.writeFileSync(path.join(dir, 'ok.txt'), 'v');
    const problems = await checkSecretSources(
      {
        ok: { kind: 'file', path: path.join(dir, 'ok.txt') },
        gone: { kind: 'file', path: path.join(dir, 'gone.txt') },
        folder: { kind: 'file', path: dir },
        env: { kind: 'env', name: 'NOT_SET_HERE' },
        out: { kind: 'omit' },
      },
      {},
    );
    assert.deepEqual(problems, [
      `The secret "gone" should come from ${path.join(dir, 'gone.txt')}, which does not exist.`,
      `The secret "folder" should come from ${dir}, which is a folder, not a file.`,
      'The secret "env" should come from the environment variable NOT_SET_HERE, ' +
        "which VS Code's process does not have.",
    ]);
    assert.equal(describeSource({ kind: 'env', name: 'TOKEN' }), "the environment variable TOKEN of VS Code's process");
  });

  it('reads a value only when the engine asks, and answers "not given" for a left-out or unknown id', async () => {
    const file = path.join(dir, 'token.txt');
    const read = secretReader(
      { tok: { kind: 'file', path: file }, env: { kind: 'env', name: 'TOKEN' }, none: { kind: 'omit' } },
      { TOKEN: 'from-env' },
    );
    fs.writeFileSync(file, 'written after the reader was made');
    assert.equal(Buffer.from((await read('tok'))!).toString(), 'written after the reader was made');
    assert.equal(Buffer.from((await read('env'))!).toString(), 'from-env');
    assert.equal(await read('none'), undefined);
    assert.equal(await read('unknown'), undefined);
    fs.rmSync(file);
    await assert.rejects(read('tok'), { message: `the secret "tok" should come from ${file}, which does not exist` });
  });
});

describe('BuildKit: # syntax= directives', () => {
  it('finds the directive, and knows a failure to fetch its frontend from a failure inside the build', () => {
    const text = '# syntax=docker/dockerfile:1\nFROM a\n';
    const d = syntaxDirective(text);
    assert.deepEqual(d, { ref: 'docker/dockerfile:1', line: 0 });
    assert.equal(syntaxDirective('FROM a\n# syntax=x\n'), undefined, 'only at the top');
    const cause =
      'failed to do request: Head "https://registry-1.docker.io/v2/docker/dockerfile/manifests/1": ' +
      'dial tcp: lookup registry-1.docker.io: no such host';
    const pull = `failed to solve with frontend dockerfile.v0: failed to solve with frontend gateway.v0: ${cause}`;
    assert.equal(isFrontendUnavailable(d, pull), true);
    assert.equal(isFrontendUnavailable(d, 'x', 'resolve image config for docker.io/docker/dockerfile:1'), true);
    assert.equal(
      isFrontendUnavailable(d, 'executor failed running [/bin/sh -c exit 1]: exit code: 1', '[2/2] RUN exit 1'),
      false,
    );
    assert.equal(isFrontendUnavailable(undefined, pull), false);
    assert.equal(
      frontendUnavailableMessage(d!, pull),
      'Line 1 (# syntax=docker/dockerfile:1) asks BuildKit to fetch that Dockerfile frontend from a registry, and ' +
        `the engine could not get it (${cause}). The engine has a Dockerfile frontend of its own, which can build ` +
        'this file without the directive; features that only the named frontend knows will then fail.',
    );
  });

  it('turns the directive into a comment of the same length, keeping the other directives and every line', () => {
    const text = '# syntax=docker/dockerfile:1\r\n# escape=`\r\nFROM a\r\nRUN b\r\n';
    const out = withoutSyntaxDirective(text);
    assert.equal(out, '# escape=`\r\n# syntax:docker/dockerfile:1\r\nFROM a\r\nRUN b\r\n');
    assert.equal(out.length, text.length);
    assert.equal(syntaxDirective(out), undefined);
  });

  it("replaces one file in a tar stream the system's tar wrote, long names and pax headers too", async function () {
    this.timeout(20000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-tarpatch-'));
    try {
      const deep = `${'d'.repeat(60)}/${'e'.repeat(60)}`;
      fs.mkdirSync(path.join(dir, 'src', deep), { recursive: true });
      const dockerfile = `${deep}/Dockerfile`;
      const text = '# syntax=docker/dockerfile:1\nFROM a\n';
      fs.writeFileSync(path.join(dir, 'src', dockerfile), text);
      fs.writeFileSync(path.join(dir, 'src', 'Dockerfile'), text);
      fs.writeFileSync(path.join(dir, 'src', 'big.bin'), Buffer.alloc(70000, 7));
      for (const format of ['gnu', 'pax']) {
        const tar = spawn('tar', [
          '-C',
          path.join(dir, 'src'),
          `--format=${format}`,
          '-cf',
          '-',
          'big.bin',
          'Dockerfile',
          dockerfile,
        ]);
        const patched = tar.stdout.pipe(replaceTarFile(dockerfile, Buffer.from(withoutSyntaxDirective(text))));
        const out = path.join(dir, `out-${format}`);
        fs.mkdirSync(out);
        const untar = spawn('tar', ['-C', out, '-xf', '-']);
        patched.pipe(untar.stdin);
        await new Promise((r) => untar.on('close', r));
        assert.equal(
          fs.readFileSync(path.join(out, dockerfile), 'utf8'),
          '# syntax:docker/dockerfile:1\nFROM a\n',
          `${format}: the named file is replaced`,
        );
        assert.equal(
          fs.readFileSync(path.join(out, 'Dockerfile'), 'utf8'),
          text,
          `${format}: another file of that base name is not`,
        );
        assert.deepEqual(fs.readFileSync(path.join(out, 'big.bin')), Buffer.alloc(70000, 7));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
