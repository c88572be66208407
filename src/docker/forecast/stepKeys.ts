import { createHash } from 'node:crypto';
import type { Instruction } from 'dockerfile-ast';
import { parseShared } from '../../language/dockerfile/sharedParse';
import { contentOf, type ContextSnapshot } from './contextMatch';

/** Which of the engine's two builders the forecast follows. */
export type ForecastBuilder = 'buildkit' | 'classic';

/**
 * What a step is to the cache. `base` (a FROM) and `preamble` (an ARG before the first FROM, which the classic
 * builder numbers as a step) are never looked up in the cache: the engine never reports them as cached.
 */
export type StepKind = 'base' | 'preamble' | 'run' | 'copy' | 'workdir' | 'meta';

/** One step the builder will run, with the inputs of its cache key and the key itself. */
export interface PlannedStep {
  /** 0-based first and last line of the instruction. */
  line: number;
  endLine: number;
  stage: number;
  keyword: string;
  kind: StepKind;
  /** The instruction as the cache sees it (continuations joined, paths cleaned), for "this line changed". */
  text: string;
  /** The cache key: a digest of the inputs below and of the parent step's key. */
  key: string;
  /** The key of the step (or base) this one runs on. */
  parent: string;
  /** Variables a RUN sees: ENV, and ARGs that have a value (`arg` marks those). */
  env?: [name: string, value: string, arg: boolean][];
  /** RUN: the command as run (with the SHELL in front for the shell form), the user and the working folder. */
  command?: string[];
  user?: string;
  workdir?: string;
  /** COPY/ADD from the context: the digest of everything it copies. */
  content?: string;
  /** COPY/ADD from the context: each matched entry and its digest (content and mode, never mtime). */
  files?: Record<string, string>;
  /** COPY --from / FROM an earlier stage: that stage. Its files, not its key, decide: see `contentBased`. */
  fromStage?: number;
  /** COPY --from a stage: BuildKit and the classic builder keep the step when the copied files come out the same. */
  contentBased?: boolean;
  /** FROM: the image reference and the id the engine has for it now (undefined when unknown). */
  image?: { ref: string; id?: string };
}

export interface PlanOptions {
  builder: ForecastBuilder;
  buildArgs?: Readonly<Record<string, string>>;
  /** The target stage (name or index); the last stage when empty. */
  target?: string;
  /** The build context; without it, COPY/ADD from the context have no known content (they never show "cached"). */
  context?: ContextSnapshot;
  /** The id of an image the engine has now, for FROM; undefined when unknown. */
  imageId?: (ref: string) => string | undefined;
}

export interface Plan {
  steps: PlannedStep[];
  /** Why there is no plan (a file too large, no FROM); the steps are then empty. */
  problem?: string;
}

/** Past these the forecast is not computed: it runs beside the diagnostics and must stay cheap. */
export const MAX_FORECAST_CHARS = 512 * 1024;
export const MAX_FORECAST_INSTRUCTIONS = 2000;

const digest = (...parts: unknown[]): string =>
  createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);

interface StageState {
  index: number;
  name?: string;
  /** Key of the last step (the stage's result so far). */
  key: string;
  /**
   * A digest of what the stage's files are made of (base image, commands, copied content), leaving out what only
   * names or describes them (LABEL, COPY written as ADD). A COPY --from is keyed on this: both builders keep it when
   * the files it copies come out the same, though the steps that made them ran again.
   */
  content: string;
  /** ENV and valued ARGs, in the order BuildKit's state adds them (a replaced name keeps its place). */
  env: Map<string, { value: string; arg: boolean }>;
  /** ARGs declared in the stage (valued or not), for the classic builder's RUN. */
  args: Map<string, string | undefined>;
  workdir: string;
  user: string;
  shell: string[];
  steps: PlannedStep[];
  /** The earlier stage this one is built FROM. */
  parentStage?: number;
}

/** `$NAME`, `${NAME}`, `${NAME:-word}`, `${NAME:+word}` (and without the colon), with `\$` kept literal. */
export function expandVariables(word: string, lookup: (name: string) => string | undefined, escape = '\\'): string {
  let out = '';
  for (let i = 0; i < word.length; i++) {
    const c = word[i]!;
    if (c === escape && word[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    if (c !== '$') {
      out += c;
      continue;
    }
    if (word[i + 1] === '{') {
      const close = word.indexOf('}', i + 2);
      if (close < 0) {
        out += word.slice(i);
        break;
      }
      const body = word.slice(i + 2, close);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])(.*))?$/s.exec(body);
      i = close;
      if (!m) continue;
      const value = lookup(m[1]!);
      const op = m[2];
      const alt = m[3] ?? '';
      if (op === ':-') out += value ? value : alt;
      else if (op === '-') out += value !== undefined ? value : alt;
      else if (op === ':+') out += value ? alt : '';
      else if (op === '+') out += value !== undefined ? alt : '';
      else out += value ?? '';
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(word.slice(i + 1, i + 257));
    if (!m) {
      out += c;
      continue;
    }
    out += lookup(m[0]) ?? '';
    i += m[0].length;
  }
  return out;
}

/** A context path as the cache compares it: `./a.txt`, `a.txt` and `/a.txt` are one source. */
export function cleanSource(p: string): string {
  const parts: string[] = [];
  for (const seg of p.replace(/\\/g, '/').split('/')) {
    if (!seg || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return parts.join('/');
}

const posixJoin = (base: string, rel: string): string =>
  rel.startsWith('/') ? `/${cleanSource(rel)}` : `/${cleanSource(`${base}/${rel}`)}`;

const flagsOf = (i: Instruction): { name: string; value: string | null }[] =>
  ((i as unknown as { getFlags?: () => { getName(): string; getValue(): string | null }[] }).getFlags?.() ?? []).map(
    (f) => ({ name: f.getName().toLowerCase(), value: f.getValue() }),
  );

const propertiesOf = (i: Instruction): { name: string; value: string }[] => {
  const withProps = i as unknown as {
    getProperties?: () => { getName(): string; getValue(): string | null }[];
    getProperty?: () => { getName(): string; getValue(): string | null } | null;
  };
  const list = withProps.getProperties?.() ?? (withProps.getProperty?.() ? [withProps.getProperty()!] : []);
  return list.map((p) => ({ name: p.getName(), value: p.getValue() ?? '' }));
};

/** RUN's command as the builders key it: shell form joined (continuations and comment lines gone), or exec form. */
function runCommand(i: Instruction, shell: string[]): string[] {
  const content = (i.getArgumentsContent() ?? '').trim();
  if (content.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(content);
      if (Array.isArray(parsed) && parsed.every((s) => typeof s === 'string')) return parsed as string[];
    } catch {
      // Not JSON: the shell form, as the builders read it too.
    }
  }
  return [...shell, content];
}

/**
 * The steps a build of `text` runs, each with its cache key, following the rules of the builder that runs it:
 *
 * - BuildKit: FROM, RUN, COPY, ADD and WORKDIR are steps; ENV, ARG, USER, SHELL only change what later RUNs see,
 *   and LABEL, EXPOSE, CMD and the like change no step at all. A RUN's key holds its command, the ENV and valued
 *   ARGs it sees, the working folder and the user; a COPY's holds the content and modes of what it copies (after
 *   .dockerignore; never mtimes), its destination and its --chown/--chmod, and not the environment. Only the stages
 *   the target needs are built.
 * - The classic builder: every instruction is a step whose key holds the image it runs on, so any change (a LABEL
 *   too) rebuilds everything after it. RUN keys also hold the valued ARGs; COPY keys the content. Every stage up to
 *   the target is built.
 */
export function planBuild(text: string, options: PlanOptions): Plan {
  if (text.length > MAX_FORECAST_CHARS) return { steps: [], problem: 'the Dockerfile is too large for a forecast' };
  const dockerfile = parseShared(text);
  const instructions = dockerfile.getInstructions();
  if (instructions.length > MAX_FORECAST_INSTRUCTIONS)
    return { steps: [], problem: 'the Dockerfile has too many instructions for a forecast' };
  const escape = dockerfile.getEscapeCharacter();
  const classic = options.builder === 'classic';
  const buildArgs = options.buildArgs ?? {};
  const steps: PlannedStep[] = [];
  const stages: StageState[] = [];
  const metaArgs = new Map<string, string | undefined>();
  let stage: StageState | undefined;

  const lineOf = (i: Instruction) => ({ line: i.getRange().start.line, endLine: i.getRange().end.line });
  const lookupIn = (s: StageState) => (name: string) => s.env.get(name)?.value;
  const push = (
    s: StageState | undefined,
    i: Instruction,
    kind: StepKind,
    textKey: string,
    extra: object = {},
    contentPart?: unknown,
  ) => {
    const parent = s?.key ?? '';
    const step: PlannedStep = {
      ...lineOf(i),
      stage: s?.index ?? -1,
      keyword: i.getKeyword(),
      kind,
      text: textKey,
      parent,
      key: '',
      ...extra,
    };
    // The files are in `content` already (their digest); hashing the list again would cost per COPY.
    const { files: _files, ...keyed } = extra as { files?: unknown };
    step.key = digest(options.builder, kind, parent, textKey, keyed);
    if (s) {
      s.key = step.key;
      s.steps.push(step);
      if (contentPart !== undefined) s.content = digest(s.content, contentPart);
    }
    steps.push(step);
    return step;
  };
  const stageNamed = (ref: string): StageState | undefined => {
    const lower = ref.toLowerCase();
    const byName = stages.find((s) => s.name?.toLowerCase() === lower);
    if (byName) return byName;
    return /^\d+$/.test(ref) ? stages[Number(ref)] : undefined;
  };

  for (const i of instructions) {
    const keyword = i.getKeyword();
    if (keyword === 'FROM') {
      const args = (i.getArgumentsContent() ?? '').trim().split(/\s+/);
      const metaLookup = (n: string) => (metaArgs.has(n) ? metaArgs.get(n) : undefined);
      const ref = expandVariables(args[0] ?? '', metaLookup, escape);
      const name = args[1]?.toLowerCase() === 'as' ? args[2] : undefined;
      const parentStage = stageNamed(ref);
      const index = stages.length;
      const next: StageState = parentStage
        ? {
            index,
            key: parentStage.key,
            content: parentStage.content,
            env: new Map(parentStage.env),
            args: new Map(),
            workdir: parentStage.workdir,
            user: parentStage.user,
            shell: [...parentStage.shell],
            steps: [],
            parentStage: parentStage.index,
          }
        : {
            index,
            key: '',
            content: '',
            env: new Map(),
            args: new Map(),
            workdir: '/',
            user: '',
            shell: ['/bin/sh', '-c'],
            steps: [],
          };
      if (name) next.name = name;
      stages.push(next);
      stage = next;
      if (parentStage) {
        // No step of its own: the stage goes on from the other stage's result.
        continue;
      }
      if (ref.toLowerCase() === 'scratch') {
        next.key = digest('scratch');
        next.content = next.key;
        continue;
      }
      const id = options.imageId?.(ref);
      push(next, i, 'base', `FROM ${ref}`, { image: { ref, ...(id ? { id } : {}) } }, ['image', ref, id]);
      continue;
    }
    if (!stage) {
      // ARG before the first FROM: a value for FROM lines and for stages that declare it again.
      for (const p of propertiesOf(i)) {
        const given = Object.prototype.hasOwnProperty.call(buildArgs, p.name) ? buildArgs[p.name] : undefined;
        const declared = (i.getArgumentsContent() ?? '').includes('=') ? p.value : undefined;
        metaArgs.set(p.name, given ?? declared);
      }
      if (classic) push(undefined, i, 'preamble', `${keyword} ${(i.getArgumentsContent() ?? '').trim()}`);
      continue;
    }
    const s = stage;
    const lookup = lookupIn(s);
    const expand = (w: string) => expandVariables(w, lookup, escape);
    const raw = (i.getArgumentsContent() ?? '').trim();
    switch (keyword) {
      case 'ARG': {
        for (const p of propertiesOf(i)) {
          const hasDefault = raw.includes('=');
          const given = Object.prototype.hasOwnProperty.call(buildArgs, p.name) ? buildArgs[p.name] : undefined;
          const value = given ?? (hasDefault ? expand(p.value) : metaArgs.get(p.name));
          s.args.set(p.name, value);
          const existing = s.env.get(p.name);
          if (value !== undefined && !(existing && !existing.arg)) s.env.set(p.name, { value, arg: true });
        }
        if (classic) push(s, i, 'meta', `ARG ${raw}`);
        break;
      }
      case 'ENV': {
        const props = propertiesOf(i).map((p) => ({ name: p.name, value: expand(p.value) }));
        for (const p of props) s.env.set(p.name, { value: p.value, arg: false });
        if (classic) push(s, i, 'meta', `ENV ${props.map((p) => `${p.name}=${p.value}`).join(' ')}`);
        break;
      }
      case 'WORKDIR': {
        s.workdir = posixJoin(s.workdir, expand(raw));
        push(s, i, classic ? 'meta' : 'workdir', `WORKDIR ${s.workdir}`, {}, ['workdir', s.workdir]);
        break;
      }
      case 'USER': {
        s.user = expand(raw);
        if (classic) push(s, i, 'meta', `USER ${s.user}`);
        break;
      }
      case 'SHELL': {
        try {
          const parsed: unknown = JSON.parse(raw);
          if (Array.isArray(parsed)) s.shell = parsed.map(String);
        } catch {
          // An invalid SHELL fails the build; the forecast keeps the shell it had.
        }
        if (classic) push(s, i, 'meta', `SHELL ${JSON.stringify(s.shell)}`);
        break;
      }
      case 'RUN': {
        const command = runCommand(i, s.shell);
        const flags = flagsOf(i).map((f) => `--${f.name}=${f.value ?? ''}`);
        if (classic) {
          // The classic builder puts every declared ARG with a value (and not set by ENV) before the command.
          const args = [...s.args]
            .filter(([n, v]) => v !== undefined && !(s.env.has(n) && !s.env.get(n)!.arg))
            .map(([n, v]) => `${n}=${v}`)
            .sort();
          const env = [...s.env].map(([n, v]) => [n, v.value, v.arg] as [string, string, boolean]);
          const inputs = { command, flags, args, env, workdir: s.workdir, user: s.user };
          push(s, i, 'run', `RUN ${raw}`, { command, flags, args, env }, inputs);
        } else {
          const env = [...s.env].map(([n, v]) => [n, v.value, v.arg] as [string, string, boolean]);
          const binds = flags
            .filter((f) => /^--mount=/.test(f) && /type=bind/.test(f) && !/from=/.test(f))
            .map((f) => /source=([^,]+)/.exec(f)?.[1] ?? '.')
            .map((src) => contentOf(options.context, [cleanSource(expand(src))], 'buildkit'));
          const inputs = { command, flags, env, workdir: s.workdir, user: s.user, binds: binds.map((b) => b.digest) };
          push(s, i, 'run', `RUN ${raw}`, inputs, inputs);
        }
        break;
      }
      case 'COPY':
      case 'ADD': {
        const flags = flagsOf(i);
        const flag = (n: string) => flags.find((f) => f.name === n)?.value ?? undefined;
        const words = i.getArguments().map((a) => expand(a.getValue()));
        const dest = words.pop() ?? '';
        const destination = dest.startsWith('/')
          ? dest
          : `${posixJoin(s.workdir, dest)}${dest.endsWith('/') ? '/' : ''}`;
        const sources = words.map(cleanSource);
        const chown = flag('chown');
        const chmod = flag('chmod');
        const fromRef = flag('from');
        const ownership = [...(chown ? [`--chown=${chown}`] : []), ...(chmod ? [`--chmod=${chmod}`] : [])];
        const base = `${keyword} ${ownership.join(' ')}`;
        const describe = `${base.trim()} ${sources.join(' ')} ${destination}`.replace(/\s+/g, ' ');
        // ADD of plain local files makes the same files as COPY; URLs and archives it treats otherwise.
        const plain = !sources.some((src) => /^[a-z]+:\/\/|\.(tar|tgz|gz|bz2|xz|zst)$/i.test(src));
        const made = `${describe.replace(/^ADD\b/, plain ? 'COPY' : 'ADD')}`;
        if (fromRef !== undefined) {
          const from = stageNamed(expand(fromRef));
          const source = from ? from.content : digest('image', expand(fromRef), options.imageId?.(expand(fromRef)));
          push(
            s,
            i,
            'copy',
            `${describe} --from=${fromRef}`,
            { from: source, ...(from ? { fromStage: from.index, contentBased: true } : {}) },
            [made, source],
          );
        } else {
          const content = contentOf(options.context, sources, options.builder);
          push(s, i, 'copy', describe, { content: content.digest, files: content.files }, [made, content.digest]);
        }
        break;
      }
      case 'ONBUILD':
      case 'MAINTAINER':
      default: {
        if (classic) {
          const words = i.getArguments().map((a) => a.getValue());
          const expanded = ['LABEL', 'EXPOSE', 'VOLUME', 'STOPSIGNAL'].includes(keyword) ? words.map(expand) : words;
          push(s, i, 'meta', `${keyword} ${expanded.join(' ')}`);
        }
      }
    }
  }
  if (!stages.length) return { steps: [], problem: 'the Dockerfile has no FROM' };
  return { steps: selectStages(steps, stages, options, classic) };
}

/**
 * The steps that run: BuildKit only those of the target stage and the stages it needs (FROM a stage, COPY --from,
 * RUN --mount from=); the classic builder every step up to the end of the target stage.
 */
function selectStages(
  steps: PlannedStep[],
  stages: StageState[],
  options: PlanOptions,
  classic: boolean,
): PlannedStep[] {
  const target = options.target
    ? (stages.find((s) => s.name?.toLowerCase() === options.target!.toLowerCase()) ?? stages[Number(options.target)])
    : stages[stages.length - 1];
  if (!target) return [];
  if (classic) return steps.filter((s) => s.stage <= target.index);
  const needed = new Set<number>();
  const visit = (index: number) => {
    if (needed.has(index)) return;
    needed.add(index);
    const st = stages[index];
    if (!st) return;
    for (const step of st.steps) if (step.fromStage !== undefined) visit(step.fromStage);
    if (st.parentStage !== undefined) visit(st.parentStage);
  };
  visit(target.index);
  return steps.filter((s) => needed.has(s.stage));
}
