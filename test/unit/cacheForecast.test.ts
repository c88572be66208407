import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { imageIdLookup, imageIdsSince, normalizeImageRef } from '../../src/docker/forecast/baseImages';
import { contentOf, type ContextSnapshot } from '../../src/docker/forecast/contextMatch';
import { ContextDigests } from '../../src/docker/forecast/contextSnapshot';
import { forecastBuild, rememberBuild, type StepOutcome } from '../../src/docker/forecast/forecast';
import {
  cleanSource,
  expandVariables,
  MAX_FORECAST_CHARS,
  planBuild,
  type ForecastBuilder,
  type PlanOptions,
} from '../../src/docker/forecast/stepKeys';

const snapshot = (entries: Record<string, string>, forced: string[] = []): ContextSnapshot => ({
  entries: new Map(Object.entries(entries)),
  forced: new Set(forced),
});

const CONTEXT = snapshot({
  'package.json': 'file:644:p1',
  src: 'dir:755',
  'src/app.js': 'file:644:a1',
  'src/util.js': 'file:644:u1',
  'README.md': 'file:644:r1',
  Dockerfile: 'file:644:d1',
});

/** Builds once (every step ran), then forecasts `next` against that build. */
function forecastAfter(
  first: string,
  next: string,
  options: Partial<PlanOptions> & { builder: ForecastBuilder },
  nextOptions: Partial<PlanOptions> = {},
) {
  const opts: PlanOptions = { context: CONTEXT, imageId: () => 'sha256:base', ...options };
  const built = planBuild(first, opts).steps;
  const outcomes = new Map<number, StepOutcome>(built.map((s) => [s.line, { cached: false, ms: 1000 }]));
  const record = rememberBuild(built, outcomes, { builder: opts.builder, target: '', buildArgs: {} });
  const now = planBuild(next, { ...opts, ...nextOptions }).steps;
  return forecastBuild(now, record);
}

const verdicts = (f: ReturnType<typeof forecastBuild>) =>
  f.steps.filter((s) => s.kind !== 'base').map((s) => `${s.line + 1} ${s.verdict}: ${s.reason}`);

const FILE = `FROM node:20
ARG NODE_VERSION=20
WORKDIR /app
COPY package.json ./
RUN npm ci
COPY src/ ./src/
LABEL version=1
RUN npm test
`;

describe('cache forecast: variable expansion and paths', () => {
  it('expands $NAME, ${NAME} and the :- / :+ forms, and keeps an escaped dollar', () => {
    const vars: Record<string, string> = { A: 'x', EMPTY: '' };
    const get = (n: string) => vars[n];
    assert.equal(expandVariables('$A/${A}/${B:-d}/${EMPTY:-e}/${EMPTY-e}/${A:+y}/\\$A', get), 'x/x/d/e//y/$A');
  });

  it('cleans context paths so that ./a.txt, a.txt and /a.txt are one source', () => {
    assert.deepEqual(['./a.txt', 'a.txt', '/a.txt', 'src/', '.', 'a/../b'].map(cleanSource), [
      'a.txt',
      'a.txt',
      'a.txt',
      'src',
      '',
      'b',
    ]);
  });
});

describe('cache forecast: what COPY takes from the context', () => {
  it('matches a folder with what is inside it, and wildcards per path segment', () => {
    assert.deepEqual(Object.keys(contentOf(CONTEXT, ['src'], 'buildkit').files!), ['src', 'src/app.js', 'src/util.js']);
    assert.deepEqual(Object.keys(contentOf(CONTEXT, ['*.md'], 'buildkit').files!), ['README.md']);
    assert.deepEqual(Object.keys(contentOf(CONTEXT, ['src/*.js'], 'buildkit').files!), ['src/app.js', 'src/util.js']);
    assert.equal(contentOf(CONTEXT, ['nothing.txt'], 'buildkit').digest, 'missing');
  });

  it('gives the classic builder no Dockerfile that .dockerignore leaves out; BuildKit copies it anyway', () => {
    const ctx = snapshot({ 'a.txt': 'file:644:a', Dockerfile: 'file:644:d' }, ['Dockerfile']);
    assert.deepEqual(Object.keys(contentOf(ctx, [''], 'classic').files!), ['a.txt']);
    assert.deepEqual(Object.keys(contentOf(ctx, [''], 'buildkit').files!), ['Dockerfile', 'a.txt']);
  });

  it('reads modes and contents, leaves out what .dockerignore excludes, and ignores mtimes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-fc-'));
    try {
      fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\n');
      fs.writeFileSync(path.join(dir, '.dockerignore'), '*.log\n');
      fs.writeFileSync(path.join(dir, 'a.txt'), 'a');
      fs.writeFileSync(path.join(dir, 'debug.log'), 'x');
      const digests = new ContextDigests(dir);
      const first = await digests.snapshot({ dockerfile: path.join(dir, 'Dockerfile') });
      assert.ok(!('problem' in first));
      assert.deepEqual([...first.entries.keys()].sort(), ['.dockerignore', 'Dockerfile', 'a.txt']);
      const t = new Date(Date.now() + 100_000);
      fs.utimesSync(path.join(dir, 'a.txt'), t, t);
      const touched = await digests.snapshot();
      assert.ok(!('problem' in touched));
      assert.equal(touched.entries.get('a.txt'), first.entries.get('a.txt'), 'an mtime alone changes nothing');
      fs.chmodSync(path.join(dir, 'a.txt'), 0o755);
      const chmodded = await digests.snapshot();
      assert.ok(!('problem' in chmodded));
      assert.notEqual(chmodded.entries.get('a.txt'), first.entries.get('a.txt'), 'a mode does');
      assert.deepEqual(await digests.snapshot({ limit: 1 }), {
        problem:
          'The build context has more than 1 files; add a .dockerignore that leaves out what the build does not need.',
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('cache forecast: the steps and their reasons', () => {
  it('says "no build yet" before the first build, and guesses nothing', () => {
    const f = forecastBuild(planBuild(FILE, { builder: 'buildkit', context: CONTEXT }).steps, undefined);
    assert.equal(f.note, 'no build yet');
    assert.ok(f.steps.every((s) => s.verdict === 'unknown'));
  });

  it('forecasts all cached when nothing changed', () => {
    for (const builder of ['buildkit', 'classic'] as const) {
      const f = forecastAfter(FILE, FILE, { builder });
      assert.equal(f.rebuilds, 0, builder);
      assert.ok(f.steps.filter((s) => s.kind !== 'base').every((s) => s.verdict === 'cached'));
    }
  });

  it('names the changed file, then the step above, and counts the cost from the last build', () => {
    const changed = snapshot({ ...Object.fromEntries(CONTEXT.entries), 'src/app.js': 'file:644:a2' });
    const f = forecastAfter(FILE, FILE, { builder: 'buildkit' }, { context: changed });
    assert.deepEqual(verdicts(f), [
      '3 cached: cached',
      '4 cached: cached',
      '5 cached: cached',
      '6 rebuilds: src/app.js changed',
      '8 rebuilds: the step above rebuilds',
    ]);
    assert.equal(f.firstRebuild, 5);
    assert.deepEqual([f.rebuilds, f.rebuildMs], [2, 2000]);
  });

  it('says which ARG changed, for a build arg', () => {
    const f = forecastAfter(FILE, FILE, { builder: 'buildkit' }, { buildArgs: { NODE_VERSION: '22' } });
    assert.deepEqual(verdicts(f).slice(0, 3), [
      '3 cached: cached',
      '4 cached: cached',
      '5 rebuilds: ARG NODE_VERSION changed',
    ]);
  });

  it('lets a LABEL change nothing on BuildKit, and rebuild everything after it on the classic builder', () => {
    const next = FILE.replace('version=1', 'version=2');
    assert.equal(forecastAfter(FILE, next, { builder: 'buildkit' }).rebuilds, 0);
    assert.deepEqual(verdicts(forecastAfter(FILE, next, { builder: 'classic' })).slice(-2), [
      '7 rebuilds: this line changed',
      '8 rebuilds: the step above rebuilds',
    ]);
  });

  it('says the base image changed when the engine has another image for the same name', () => {
    const f = forecastAfter(FILE, FILE, { builder: 'buildkit' }, { imageId: () => 'sha256:other' });
    assert.equal(f.steps[0]!.reason, 'the base image changed since the last build');
    assert.equal(f.steps[1]!.reason, 'the base image changed since the last build');
    assert.equal(f.rebuilds, 5);
  });

  it('builds only the stages the target needs with BuildKit, and every stage up to it with the classic builder', () => {
    const text = 'FROM a AS deps\nRUN make\nFROM a AS unused\nRUN other\nFROM a\nCOPY --from=deps /out /out\n';
    const lines = (builder: ForecastBuilder, target?: string) =>
      planBuild(text, { builder, context: CONTEXT, ...(target ? { target } : {}) }).steps.map((s) => s.line + 1);
    assert.deepEqual(lines('buildkit'), [1, 2, 5, 6]);
    assert.deepEqual(lines('classic'), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(lines('buildkit', 'unused'), [3, 4]);
    assert.deepEqual(lines('classic', 'deps'), [1, 2]);
  });

  it('keeps a COPY --from when the stage it copies from reruns only for a LABEL or an ADD of the same files', () => {
    const text = 'FROM a AS deps\nLABEL v=1\nCOPY package.json /p\nRUN make\nFROM a\nCOPY --from=deps /out /out\n';
    const next = text.replace('LABEL v=1', 'LABEL v=2').replace('COPY package.json', 'ADD package.json');
    assert.deepEqual(verdicts(forecastAfter(text, next, { builder: 'classic' })), [
      '2 rebuilds: this line changed',
      '3 rebuilds: the step above rebuilds',
      '4 rebuilds: the step above rebuilds',
      '6 cached: cached',
    ]);
    const changed = snapshot({ ...Object.fromEntries(CONTEXT.entries), 'package.json': 'file:644:p2' });
    assert.deepEqual(verdicts(forecastAfter(text, text, { builder: 'buildkit' }, { context: changed })), [
      '3 rebuilds: package.json changed',
      '4 rebuilds: the step above rebuilds',
      '6 rebuilds: what it copies from stage deps changed',
    ]);
  });

  it('keys a RUN on ENV and valued ARGs but not a COPY (BuildKit); USER moves RUN only', () => {
    const text = 'FROM a\nENV E=1\nUSER 1\nCOPY package.json ./\nRUN x\n';
    const f = forecastAfter(text, text.replace('E=1', 'E=2').replace('USER 1', 'USER 2'), { builder: 'buildkit' });
    assert.deepEqual(verdicts(f), ['4 cached: cached', '5 rebuilds: ENV E changed']);
  });

  it('says USER, WORKDIR or SHELL changed for a RUN whose own line did not (BuildKit)', () => {
    const text = 'FROM a\nUSER 1\nRUN x\nWORKDIR /w\nRUN y\nSHELL ["/bin/bash", "-c"]\nRUN z\n';
    const reasons = (next: string) =>
      verdicts(forecastAfter(text, next, { builder: 'buildkit' })).filter((v) => v.includes('rebuilds'))[0];
    assert.equal(reasons(text.replace('USER 1', 'USER 2')), '3 rebuilds: USER changed');
    assert.equal(reasons(text.replace('WORKDIR /w', 'WORKDIR /v')), '4 rebuilds: this line changed');
    assert.equal(reasons(text.replace('bash', 'sh')), '7 rebuilds: SHELL changed');
  });

  it('stays within bounds on a huge file', () => {
    const plan = planBuild(`FROM a\n${'RUN x\n'.repeat(MAX_FORECAST_CHARS / 6 + 1)}`, { builder: 'buildkit' });
    assert.deepEqual(plan, { steps: [], problem: 'the Dockerfile is too large for a forecast' });
    const many = planBuild(`FROM a\n${'RUN x\n'.repeat(2500)}`, { builder: 'buildkit' });
    assert.equal(many.problem, 'the Dockerfile has too many instructions for a forecast');
  });
});

describe('cache forecast: the base image id from the engine model', () => {
  const images = [
    { id: 'sha256:node20', tags: ['node:20'], digests: ['node@sha256:aaa'] },
    { id: 'sha256:busy', tags: ['busybox:latest', 'localhost:5000/team/app:1'], digests: [] },
  ];

  it('spells one image one way: default tag, Docker Hub prefixes, tag beside a digest', () => {
    assert.equal(normalizeImageRef('busybox'), 'busybox:latest');
    assert.equal(normalizeImageRef('docker.io/library/busybox'), 'busybox:latest');
    assert.equal(normalizeImageRef('library/node:20'), 'node:20');
    assert.equal(normalizeImageRef('docker.io/team/app:1'), 'team/app:1');
    assert.equal(normalizeImageRef('localhost:5000/team/app'), 'localhost:5000/team/app:latest');
    assert.equal(normalizeImageRef('node:20@sha256:aaa'), 'node@sha256:aaa');
  });

  it('finds the id by tag or digest, and says nothing of an image the engine does not have', () => {
    const lookup = imageIdLookup(images);
    assert.equal(lookup('docker.io/library/node:20'), 'sha256:node20');
    assert.equal(lookup('node@sha256:aaa'), 'sha256:node20');
    assert.equal(lookup('busybox'), 'sha256:busy');
    assert.equal(lookup('localhost:5000/team/app:1'), 'sha256:busy');
    assert.equal(lookup('node:22'), undefined);
    assert.equal(lookup('localhost:5000/team/app'), undefined);
  });

  const DOCKERFILE = 'FROM node:20\nRUN echo hi\n';
  const build = (imageId: PlanOptions['imageId']) => {
    const steps = planBuild(DOCKERFILE, { builder: 'buildkit', context: CONTEXT, imageId }).steps;
    const outcomes = new Map<number, StepOutcome>(steps.map((s) => [s.line, { cached: false, ms: 1000 }]));
    return rememberBuild(steps, outcomes, { builder: 'buildkit', target: '', buildArgs: {} });
  };
  const forecastWith = (record: ReturnType<typeof build>, now: ReturnType<typeof imageIdLookup> | undefined) =>
    forecastBuild(
      planBuild(DOCKERFILE, { builder: 'buildkit', context: CONTEXT, imageId: imageIdsSince(record, now) }).steps,
      record,
    ).steps.map((s) => `${s.line + 1} ${s.verdict}: ${s.reason}`);

  it('says the base image changed when the tag now names another image, and the steps on it rebuild', () => {
    const record = build(imageIdLookup(images));
    assert.deepEqual(forecastWith(record, imageIdLookup(images)), [
      '1 base: the same base image as the last build',
      '2 cached: cached',
    ]);
    const pulledAgain = imageIdLookup([{ ...images[0]!, id: 'sha256:node20-newer' }]);
    assert.deepEqual(forecastWith(record, pulledAgain), [
      '1 base: the base image changed since the last build',
      '2 rebuilds: the base image changed since the last build',
    ]);
  });

  it("keeps the last build's id while the engine cannot say, and never compares an id with none", () => {
    // Not connected now: nothing is known to have changed.
    assert.deepEqual(forecastWith(build(imageIdLookup(images)), undefined), [
      '1 base: the same base image as the last build',
      '2 cached: cached',
    ]);
    // The last build was remembered without an id: an id now is not a change.
    assert.deepEqual(
      forecastWith(
        build(() => undefined),
        imageIdLookup(images),
      ),
      ['1 base: the same base image as the last build', '2 cached: cached'],
    );
  });
});
