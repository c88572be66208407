import type { ForecastBuilder, PlannedStep } from './stepKeys';

/** What Dockside remembers of a build, to forecast the next: each step's key inputs, and every key built so far. */
export interface BuildRecord {
  builder: ForecastBuilder;
  target: string;
  buildArgs: Record<string, string>;
  /** When the build finished (ms since the epoch). */
  finished: number;
  steps: RememberedStep[];
  /** The keys of steps the engine has (this build's and earlier ones'), newest last, at most MAX_KNOWN_KEYS. */
  keys: string[];
}

export interface RememberedStep {
  line: number;
  stage: number;
  kind: PlannedStep['kind'];
  text: string;
  key: string;
  env?: PlannedStep['env'];
  command?: string[];
  user?: string;
  workdir?: string;
  content?: string;
  files?: Record<string, string>;
  image?: PlannedStep['image'];
  /** How long the step took when it last ran (not from the cache), in ms. */
  ms?: number;
}

export const MAX_KNOWN_KEYS = 5000;
/** File lists kept for the reasons, over all steps of a record (it lives in the workspace state). */
export const MAX_RECORD_FILES = 20_000;

/** What the engine reported of one step: whether it came from the cache, and how long it took. */
export interface StepOutcome {
  cached: boolean;
  ms?: number;
}

/**
 * The record after a build: the planned steps with what the engine did (by 0-based line), the keys of the steps
 * it built added to those it had. A step that ran keeps its time; a cached one keeps the time it took when it ran.
 */
export function rememberBuild(
  steps: readonly PlannedStep[],
  outcomes: ReadonlyMap<number, StepOutcome>,
  settings: Pick<BuildRecord, 'builder' | 'target' | 'buildArgs'>,
  previous?: BuildRecord,
  now = Date.now(),
): BuildRecord {
  const before = new Map((previous?.steps ?? []).map((s) => [s.key, s.ms] as const));
  let filesLeft = MAX_RECORD_FILES;
  const remembered: RememberedStep[] = steps.map((s) => {
    const outcome = outcomes.get(s.line);
    const ms = outcome && !outcome.cached && outcome.ms !== undefined ? outcome.ms : before.get(s.key);
    const files = s.files && Object.keys(s.files).length <= filesLeft ? s.files : undefined;
    if (files) filesLeft -= Object.keys(files).length;
    return {
      line: s.line,
      stage: s.stage,
      kind: s.kind,
      text: s.text,
      key: s.key,
      ...(s.env ? { env: s.env } : {}),
      ...(s.command ? { command: s.command } : {}),
      ...(s.user !== undefined ? { user: s.user } : {}),
      ...(s.workdir !== undefined ? { workdir: s.workdir } : {}),
      ...(s.content !== undefined ? { content: s.content } : {}),
      ...(files ? { files } : {}),
      ...(s.image ? { image: s.image } : {}),
      ...(ms !== undefined ? { ms } : {}),
    };
  });
  const keys = [...(previous?.builder === settings.builder ? previous.keys : [])];
  // Base keys too: a FROM whose key is known is the same image as before.
  const fresh = steps.map((s) => s.key);
  const known = new Set(fresh);
  const merged = [...keys.filter((k) => !known.has(k)), ...fresh].slice(-MAX_KNOWN_KEYS);
  return { ...settings, finished: now, steps: remembered, keys: merged };
}

export type StepVerdict = 'cached' | 'rebuilds' | 'base' | 'unknown';

export interface StepForecast {
  line: number;
  endLine: number;
  kind: PlannedStep['kind'];
  verdict: StepVerdict;
  /** In words: "src/app.js changed", "the step above rebuilds", "ARG NODE_VERSION changed". */
  reason: string;
  /** The time the step took when it last ran, when known. */
  ms?: number;
}

export interface Forecast {
  steps: StepForecast[];
  /** The first step that rebuilds (0-based line), if any. */
  firstRebuild?: number;
  /** How many steps rebuild, and how long they took last time (ms, of those whose time is known). */
  rebuilds: number;
  rebuildMs: number;
  /** Said once, for the whole file: "no build yet", or why the forecast is not what it seems. */
  note?: string;
}

function listChanges(before: Record<string, string>, now: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [f, d] of Object.entries(now)) {
    if (!(f in before)) out.push(`${f} added`);
    else if (before[f] !== d) out.push(`${f} changed`);
  }
  for (const f of Object.keys(before)) if (!(f in now)) out.push(`${f} removed`);
  return out;
}

function changedVariables(before: PlannedStep['env'] = [], now: PlannedStep['env'] = []): string[] {
  const was = new Map(before.map(([n, v]) => [n, v]));
  const is = new Map(now.map(([n, v, arg]) => [n, { v, arg }]));
  const out: string[] = [];
  for (const [n, { v, arg }] of is) if (was.get(n) !== v) out.push(`${arg ? 'ARG' : 'ENV'} ${n} changed`);
  for (const [n, v] of was) if (!is.has(n) && v !== undefined) out.push(`${n} is no longer set`);
  return out;
}

const joinReasons = (reasons: string[]): string =>
  reasons.length <= 2 ? reasons.join(', ') : `${reasons.slice(0, 2).join(', ')} and ${reasons.length - 2} more`;

/**
 * Cached or rebuilds, step by step: a step is cached when its key is one the engine has built (in an earlier build,
 * or earlier in this one: the same step in two stages runs once). For a step that rebuilds, the reason is the first
 * of: the step it runs on rebuilds; its line changed; the files it copies changed; a variable it sees changed.
 */
export function forecastBuild(
  steps: readonly PlannedStep[],
  record: BuildRecord | undefined,
  settings?: Pick<BuildRecord, 'builder' | 'target' | 'buildArgs'>,
): Forecast {
  if (!record) {
    return {
      steps: steps.map((s) => ({
        line: s.line,
        endLine: s.endLine,
        kind: s.kind,
        verdict: 'unknown',
        reason: 'no build yet',
      })),
      rebuilds: 0,
      rebuildMs: 0,
      note: 'no build yet',
    };
  }
  const known = new Set(record.keys);
  const byKey = new Map(record.steps.map((s) => [s.key, s] as const));
  const byText = new Map<string, RememberedStep>();
  for (const s of record.steps) byText.set(`${s.stage}\0${s.text}`, s);
  const byLine = new Map(record.steps.map((s) => [s.line, s] as const));
  /** Keys of steps that rebuild in this forecast, with the line, for "the step above rebuilds". */
  const rebuilding = new Map<string, PlannedStep>();
  const baseChanged = new Set<string>();
  const out: StepForecast[] = [];
  let rebuilds = 0;
  let rebuildMs = 0;
  let firstRebuild: number | undefined;

  for (const s of steps) {
    const base = { line: s.line, endLine: s.endLine, kind: s.kind };
    if (s.kind === 'preamble') continue;
    if (s.kind === 'base') {
      const was = record.steps.find((r) => r.kind === 'base' && r.image?.ref === s.image?.ref);
      const changed = !!was?.image?.id && !!s.image?.id && was.image.id !== s.image.id;
      if (changed || !known.has(s.key)) baseChanged.add(s.key);
      out.push({
        ...base,
        verdict: 'base',
        reason: changed
          ? 'the base image changed since the last build'
          : was
            ? 'the same base image as the last build'
            : 'a base image the last build did not use',
      });
      continue;
    }
    if (s.kind === 'copy' && s.files === undefined && s.fromStage === undefined && !s.text.includes('--from=')) {
      out.push({ ...base, verdict: 'unknown', reason: 'the build context is not read yet' });
      continue;
    }
    const remembered = byKey.get(s.key);
    if (known.has(s.key)) {
      known.add(s.key);
      out.push({
        ...base,
        verdict: 'cached',
        reason: 'cached',
        ...(remembered?.ms !== undefined ? { ms: remembered.ms } : {}),
      });
      continue;
    }
    const reason = reasonFor(s, rebuilding, baseChanged, byText.get(`${s.stage}\0${s.text}`));
    const ms = (byText.get(`${s.stage}\0${s.text}`) ?? byLine.get(s.line))?.ms;
    rebuilding.set(s.key, s);
    known.add(s.key);
    rebuilds++;
    rebuildMs += ms ?? 0;
    firstRebuild ??= s.line;
    out.push({ ...base, verdict: 'rebuilds', reason, ...(ms !== undefined ? { ms } : {}) });
  }
  const mismatch =
    settings && settings.builder !== record.builder
      ? `the last build used the ${record.builder === 'buildkit' ? 'BuildKit' : 'classic'} builder`
      : undefined;
  return {
    steps: out,
    rebuilds,
    rebuildMs,
    ...(firstRebuild !== undefined ? { firstRebuild } : {}),
    ...(mismatch ? { note: mismatch } : {}),
  };
}

function reasonFor(
  s: PlannedStep,
  rebuilding: ReadonlyMap<string, PlannedStep>,
  baseChanged: ReadonlySet<string>,
  sameText: RememberedStep | undefined,
): string {
  if (baseChanged.has(s.parent)) return 'the base image changed since the last build';
  const above = rebuilding.get(s.parent);
  if (above) return above.stage === s.stage ? 'the step above rebuilds' : 'the stage it starts FROM rebuilds';
  if (s.fromStage !== undefined) {
    const name = / --from=(\S+)$/.exec(s.text)?.[1] ?? String(s.fromStage);
    return `what it copies from stage ${name} changed`;
  }
  if (!sameText) return 'this line changed';
  if (sameText.files && s.files) {
    const files = listChanges(sameText.files, s.files);
    if (files.length) return joinReasons(files);
  }
  if (sameText.content !== s.content) return 'the files it copies changed';
  const vars = changedVariables(sameText.env, s.env);
  if (vars.length) return joinReasons(vars);
  if (sameText.user !== s.user) return 'USER changed';
  if (sameText.workdir !== s.workdir) return 'WORKDIR changed';
  if (JSON.stringify(sameText.command) !== JSON.stringify(s.command)) return 'SHELL changed';
  return 'not in the build cache';
}
