/**
 * The engine judges the cache forecast: the driver shared by test/docker/cacheForecast.test.ts (one round, in
 * `npm test`) and bench/forecastBench.ts (several rounds, in `npm run bench`).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyBuildMessage, newBuildState } from '../../src/docker/buildProgress';
import { runBuild } from '../../src/docker/buildkit/runBuild';
import type { EngineApi } from '../../src/docker/engineApi';
import { ContextDigests } from '../../src/docker/forecast/contextSnapshot';
import { engineOutcomes } from '../../src/docker/forecast/engineOutcomes';
import { forecastBuild, rememberBuild, type BuildRecord, type StepOutcome } from '../../src/docker/forecast/forecast';
import { planBuild, type ForecastBuilder } from '../../src/docker/forecast/stepKeys';
import { TEST_IMAGE } from './dockerEngine';

/*
 * The engine judges the forecast: a fixture project is edited step by step (file contents, mtimes, ignored files,
 * Dockerfile lines, build args, order, modes, stages, targets); after each edit Dockside forecasts, the real engine
 * builds, and every step's forecast is compared with what the engine reported (cached or not).
 */
const DOCKERFILE = `FROM ${TEST_IMAGE} AS deps
COPY nonce.txt /
COPY dep.txt /dep/
RUN cat /dep/dep.txt > /out

FROM ${TEST_IMAGE} AS unused
COPY nonce.txt /
COPY unused.txt /u/

FROM ${TEST_IMAGE}
COPY nonce.txt /
ARG MODE=dev
ENV APP_ENV=prod
WORKDIR /app
COPY --from=deps /out ./out
COPY package.json ./
RUN echo install $MODE > /installed
COPY src/ ./src/
COPY *.md /docs/
LABEL version=1
USER 1000:1000
RUN echo built
COPY . /all/
`;

export interface Project {
  dir: string;
  /** In every file's content, so that no earlier run's cache answers for this one. */
  nonce: string;
  buildArgs: Record<string, string>;
  target: string;
  /** How many times the edits have gone round: later rounds meet states an earlier build left in the cache. */
  round: number;
}

/** An edit, for both builders unless it says which; applied twice, most edits undo themselves. */
export type Edit = [what: string, apply: (p: Project) => void, only?: ForecastBuilder];

const write = (p: Project, file: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(p.dir, file)), { recursive: true });
  fs.writeFileSync(path.join(p.dir, file), text);
};
/** Replaces `to` by `from` when the Dockerfile has it, and `from` by `to` otherwise. */
const toggle = (p: Project, from: string, to: string) => {
  const file = path.join(p.dir, 'Dockerfile');
  const text = fs.readFileSync(file, 'utf8');
  if (text.includes(to)) return fs.writeFileSync(file, text.replace(to, from));
  assert.ok(text.includes(from), `the Dockerfile has ${from}`);
  fs.writeFileSync(file, text.replace(from, to));
};
const exists = (p: Project, file: string) => fs.existsSync(path.join(p.dir, file));

export const EDITS: Edit[] = [
  ['nothing changed', () => undefined],
  ['src/app.js content changed', (p) => write(p, 'src/app.js', `console.log('${p.nonce}', ${p.round});\n`)],
  [
    'src/app.js mtime only',
    (p) => {
      const t = new Date(Date.now() + 60_000);
      fs.utimesSync(path.join(p.dir, 'src/app.js'), t, t);
    },
  ],
  ['an ignored file changed', (p) => write(p, 'debug.log', `log ${Date.now()}\n`)],
  ['a file in an ignored folder changed', (p) => write(p, 'node_modules/x/index.js', `${Date.now()}\n`)],
  ['a RUN line edited', (p) => toggle(p, 'RUN echo built', 'RUN echo built again')],
  ['build arg MODE=prod', (p) => (p.buildArgs.MODE = 'prod')],
  ['build arg MODE back to its default', (p) => delete p.buildArgs.MODE],
  ['a build arg no ARG declares', (p) => (p.buildArgs.OTHER = String(p.round))],
  ['ENV APP_ENV changed', (p) => toggle(p, 'ENV APP_ENV=prod', 'ENV APP_ENV=staging')],
  ['LABEL changed', (p) => toggle(p, 'LABEL version=1', 'LABEL version=2')],
  [
    'two COPY lines swapped',
    (p) => toggle(p, 'COPY src/ ./src/\nCOPY *.md /docs/', 'COPY *.md /docs/\nCOPY src/ ./src/'),
  ],
  ['swapped back', (p) => toggle(p, 'COPY src/ ./src/\nCOPY *.md /docs/', 'COPY *.md /docs/\nCOPY src/ ./src/')],
  ['package.json mode changed', (p) => fs.chmodSync(path.join(p.dir, 'package.json'), p.round % 2 ? 0o755 : 0o644)],
  [
    'a file matching *.md added or removed',
    (p) => (exists(p, 'NOTES.md') ? fs.rmSync(path.join(p.dir, 'NOTES.md')) : write(p, 'NOTES.md', `# ${p.nonce}\n`)),
  ],
  [
    'a copied file removed or back',
    (p) =>
      exists(p, 'src/util.js')
        ? fs.rmSync(path.join(p.dir, 'src/util.js'))
        : write(p, 'src/util.js', 'module.exports = 1;\n'),
  ],
  [
    'an empty folder in src/ added or removed',
    (p) =>
      exists(p, 'src/empty')
        ? fs.rmdirSync(path.join(p.dir, 'src/empty'))
        : fs.mkdirSync(path.join(p.dir, 'src/empty')),
  ],
  ['the unused stage input changed', (p) => write(p, 'unused.txt', `unused ${p.round + 1} ${p.nonce}\n`)],
  ['the deps stage input changed', (p) => write(p, 'dep.txt', `dep ${p.round + 1} ${p.nonce}\n`)],
  ['COPY made ADD', (p) => toggle(p, 'COPY dep.txt /dep/', 'ADD dep.txt /dep/')],
  ['COPY --chown added or removed', (p) => toggle(p, 'COPY package.json ./', 'COPY --chown=1:1 package.json ./')],
  [
    'a RUN gets a cache mount',
    (p) => toggle(p, 'RUN echo install', 'RUN --mount=type=cache,target=/root/.cache echo install'),
    'buildkit',
  ],
  ['USER changed', (p) => toggle(p, 'USER 1000:1000', 'USER 1001:1001')],
  ['WORKDIR changed', (p) => toggle(p, 'WORKDIR /app', 'WORKDIR /srv')],
  ['a comment added to the Dockerfile', (p) => toggle(p, 'ENV APP_ENV', '# the environment\nENV APP_ENV')],
  ['target the deps stage', (p) => (p.target = 'deps')],
  ['back to the final stage', (p) => (p.target = '')],
];

export interface Judged {
  steps: number;
  agreed: number;
  /** Steps the engine ran again: the forecast is judged on both answers, not only on "cached". */
  ran: number;
  edits: number;
  disagreements: string[];
  /** Round 1: the reason the forecast gave for the first step that rebuilds, by edit. */
  firstReasons: Record<string, string>;
}

function newProject(): Project {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-forecast-'));
  const nonce = `${process.pid}-${Date.now()}`;
  const p: Project = { dir, nonce, buildArgs: {}, target: '', round: 1 };
  write(p, 'Dockerfile', DOCKERFILE);
  write(p, 'nonce.txt', `${nonce}\n`);
  write(p, '.dockerignore', 'debug.log\nnode_modules\n');
  write(p, 'dep.txt', `dep 1 ${nonce}\n`);
  write(p, 'unused.txt', `unused 1 ${nonce}\n`);
  write(p, 'package.json', `{"name":"fixture","nonce":"${nonce}"}\n`);
  write(p, 'src/app.js', `console.log('${nonce}');\n`);
  write(p, 'src/util.js', 'module.exports = 1;\n');
  write(p, 'README.md', '# fixture\n');
  write(p, 'debug.log', 'log\n');
  return p;
}

/** Builds the project; the engine's verdict for each step by 0-based Dockerfile line. */
async function build(api: EngineApi, p: Project, builder: ForecastBuilder): Promise<Map<number, StepOutcome>> {
  const text = fs.readFileSync(path.join(p.dir, 'Dockerfile'), 'utf8');
  const state = newBuildState();
  let log = '';
  const started = await runBuild(
    api,
    {
      root: p.dir,
      dockerfilePath: path.join(p.dir, 'Dockerfile'),
      setting: builder,
      options: {
        dockerfile: 'Dockerfile',
        buildargs: { ...p.buildArgs },
        ...(p.target ? { target: p.target } : {}),
      },
    },
    (m) => (log += applyBuildMessage(state, m)),
  );
  await started.run.done;
  assert.equal(state.error, undefined, log);
  assert.equal(started.builder, builder);
  return engineOutcomes(text, builder, state.steps);
}

/** One builder's figure, and every disagreement on its own line, for the test log and the benchmark. */
export function describeJudged(builder: ForecastBuilder, judged: Judged, indent = '      '): string {
  const share = judged.steps ? judged.agreed / judged.steps : 0;
  return (
    `${indent}${builder}: ${judged.edits} edits, ${judged.agreed}/${judged.steps} steps agree (${(share * 100).toFixed(1)}%), ` +
    `${judged.ran} of them ran again` +
    judged.disagreements.map((d) => `\n${indent}  ${d}`).join('')
  );
}

export interface JudgeOptions {
  api: EngineApi;
  /** The id of TEST_IMAGE in the engine, for the base step's key. */
  imageId: string;
  builder: ForecastBuilder;
  /** How many times the edits go round: later rounds meet states an earlier build left in the cache. */
  rounds: number;
}

/**
 * Edits a fresh fixture project edit after edit, `rounds` times over; after each edit forecasts, builds with the
 * engine and compares every step's forecast with the engine's cached or not. The project is removed at the end.
 */
export async function judgeForecast({ api, imageId, builder, rounds }: JudgeOptions): Promise<Judged> {
  const p = newProject();
  try {
    return await judgeProject(p, api, imageId, builder, rounds);
  } finally {
    fs.rmSync(p.dir, { recursive: true, force: true });
  }
}

async function judgeProject(
  p: Project,
  api: EngineApi,
  imageId: string,
  builder: ForecastBuilder,
  rounds: number,
): Promise<Judged> {
  const digests = new ContextDigests(p.dir);
  const plan = async () => {
    const snapshot = await digests.snapshot({ dockerfile: path.join(p.dir, 'Dockerfile') });
    assert.ok(!('problem' in snapshot));
    const text = fs.readFileSync(path.join(p.dir, 'Dockerfile'), 'utf8');
    return planBuild(text, {
      builder,
      buildArgs: p.buildArgs,
      target: p.target,
      context: snapshot,
      imageId: (ref) => (ref === TEST_IMAGE ? imageId : undefined),
    }).steps;
  };
  const settings = () => ({ builder, target: p.target, buildArgs: { ...p.buildArgs } });
  let steps = await plan();
  assert.equal(forecastBuild(steps, undefined).note, 'no build yet');
  let record: BuildRecord = rememberBuild(steps, await build(api, p, builder), settings());
  const judged: Judged = { steps: 0, agreed: 0, ran: 0, edits: 0, disagreements: [], firstReasons: {} };
  const edits = Array.from({ length: rounds }, (_, n) => EDITS.map((e) => [n + 1, ...e] as const)).flat();
  for (const [round, edit, apply, only] of edits) {
    if (only && only !== builder) continue;
    p.round = round;
    const what = round > 1 ? `${edit} (round ${round})` : edit;
    judged.edits++;
    apply(p);
    steps = await plan();
    const forecast = forecastBuild(steps, record, settings());
    const first = forecast.steps.find((f) => f.line === forecast.firstRebuild);
    if (round === 1 && first) judged.firstReasons[edit] = first.reason;
    const outcomes = await build(api, p, builder);
    for (const f of forecast.steps) {
      if (f.kind === 'base' || f.kind === 'preamble') continue;
      const engineSaid = outcomes.get(f.line);
      // BuildKit runs a step that two stages share once, under one of their names.
      if (!engineSaid) continue;
      judged.steps++;
      if (!engineSaid.cached) judged.ran++;
      const agrees = (f.verdict === 'cached') === engineSaid.cached && f.verdict !== 'unknown';
      if (agrees) judged.agreed++;
      else
        judged.disagreements.push(
          `${builder}, ${what}: line ${f.line + 1} forecast ${f.verdict} (${f.reason}), engine ${engineSaid.cached ? 'cached' : 'ran it'}`,
        );
    }
    // Steps the engine ran that the forecast does not have (a stage BuildKit would skip, say) disagree too.
    const forecastLines = new Set(forecast.steps.map((f) => f.line));
    for (const line of outcomes.keys())
      if (!forecastLines.has(line)) {
        judged.steps++;
        judged.disagreements.push(`${builder}, ${what}: line ${line + 1} built, not in the forecast`);
      }
    record = rememberBuild(steps, outcomes, settings(), record);
  }
  return judged;
}
