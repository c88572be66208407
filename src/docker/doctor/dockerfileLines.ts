/**
 * Where things are in a Dockerfile, for the failure doctor: the instruction that set the image's command, its
 * health check, the COPY that put a file at a path, the line that names a variable. Pure: the text in, 0-based lines
 * out.
 */
import * as path from 'node:path';
import { DockerfileParser, type Instruction, type JSONInstruction, type ModifiableInstruction } from 'dockerfile-ast';

export interface DockerfileStep {
  keyword: string;
  /** 0-based first and last line (continuation lines included). */
  line: number;
  endLine: number;
  /** The arguments as written (continuations joined), flags included. */
  text: string;
  /** For the exec (JSON) form of CMD, ENTRYPOINT, RUN, SHELL: the strings; undefined for the shell form. */
  json?: string[];
  /** Flags such as `--chmod=755`, `--from=build`, `--platform=…`, by name. */
  flags: Record<string, string | undefined>;
  /** Index of the stage (FROM) the step belongs to. */
  stage: number;
}

export interface DockerfileStage {
  from: DockerfileStep;
  /** The base: an image reference, or the name of an earlier stage. */
  base: string;
  name?: string;
  steps: DockerfileStep[];
}

export interface DockerfileMap {
  stages: DockerfileStage[];
}

/** Files larger than this are not read for lines (a Dockerfile is a few kB; this is not one). */
export const MAX_DOCKERFILE_CHARS = 1_000_000;

const JSON_FORM = new Set(['CMD', 'ENTRYPOINT', 'RUN', 'SHELL', 'HEALTHCHECK', 'VOLUME']);

export function readDockerfile(text: string): DockerfileMap {
  const stages: DockerfileStage[] = [];
  if (text.length > MAX_DOCKERFILE_CHARS) return { stages };
  let instructions: Instruction[];
  try {
    instructions = DockerfileParser.parse(text).getInstructions();
  } catch {
    return { stages };
  }
  for (const instruction of instructions) {
    const keyword = instruction.getKeyword().toUpperCase();
    const range = instruction.getRange();
    const flags: Record<string, string | undefined> = {};
    const modifiable = instruction as ModifiableInstruction;
    if (typeof modifiable.getFlags === 'function')
      for (const f of modifiable.getFlags()) flags[f.getName().toLowerCase()] = f.getValue() ?? undefined;
    let json: string[] | undefined;
    if (JSON_FORM.has(keyword)) {
      const strings = (instruction as JSONInstruction).getJSONStrings?.() ?? [];
      // The arguments without their leading flags (`HEALTHCHECK --interval=5s CMD […]` has them).
      const words = (instruction.getRawArgumentsContent() ?? '').trim().split(/\s+/);
      while (words[0]?.startsWith('--')) words.shift();
      const raw = words.join(' ');
      if (strings.length && raw.startsWith('[') && raw.endsWith(']')) json = strings.map((s) => s.getJSONValue());
      else if (raw === '[]') json = [];
    }
    const step: DockerfileStep = {
      keyword,
      line: range.start.line,
      endLine: range.end.line,
      text: (instruction.getArgumentsContent() ?? '').trim(),
      ...(json ? { json } : {}),
      flags,
      stage: Math.max(0, stages.length - (keyword === 'FROM' ? 0 : 1)),
    };
    if (keyword === 'FROM') {
      const args = instruction.getArguments().map((a) => a.getValue());
      const asAt = args.findIndex((a) => a.toLowerCase() === 'as');
      stages.push({
        from: step,
        base: args[0] ?? '',
        ...(asAt > 0 && args[asAt + 1] ? { name: args[asAt + 1]!.toLowerCase() } : {}),
        steps: [step],
      });
    } else stages[stages.length - 1]?.steps.push(step);
  }
  return { stages };
}

/** The command an instruction sets, as the image's config holds it (`/bin/sh -c "…"` for the shell form). */
export function configValue(step: DockerfileStep): string[] {
  return step.json ?? ['/bin/sh', '-c', step.text];
}

const sameList = (a: readonly string[] | undefined | null, b: readonly string[] | undefined | null) =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((x, i) => x === (b ?? [])[i]);

/** The steps a stage runs with, inherited ones first: `FROM build AS final` starts from stage `build`'s steps. */
export function stageChain(map: DockerfileMap, index: number): DockerfileStep[] {
  const seen = new Set<number>();
  const chain: DockerfileStep[][] = [];
  let i: number | undefined = index;
  while (i !== undefined && !seen.has(i) && map.stages[i]) {
    seen.add(i);
    const stage: DockerfileStage = map.stages[i]!;
    chain.unshift(stage.steps);
    const base = stage.base.toLowerCase();
    const parent = map.stages.findIndex((s, j) => j < i! && s.name === base);
    i = parent >= 0 ? parent : undefined;
  }
  return chain.flat();
}

/**
 * The stage the image was built from: the one whose last CMD (or ENTRYPOINT) gives the image's value (a build
 * with `--target` stops early), else the last stage.
 */
export function imageStage(map: DockerfileMap, imageCmd?: string[] | null, imageEntrypoint?: string[] | null): number {
  for (let i = map.stages.length - 1; i >= 0; i--) {
    const steps = stageChain(map, i);
    const cmd = lastOf(steps, 'CMD');
    const ep = lastOf(steps, 'ENTRYPOINT');
    const cmdMatches = cmd && imageCmd?.length && sameList(configValue(cmd), imageCmd);
    const epMatches = ep && imageEntrypoint?.length && sameList(configValue(ep), imageEntrypoint);
    if (cmdMatches || epMatches) return i;
  }
  return map.stages.length - 1;
}

export function lastOf(steps: DockerfileStep[], keyword: string): DockerfileStep | undefined {
  for (let i = steps.length - 1; i >= 0; i--) if (steps[i]!.keyword === keyword) return steps[i];
  return undefined;
}

/** The folder a step runs in: the last WORKDIR before it (relative ones joined), `/` when none. */
export function workdirAt(steps: DockerfileStep[], step: DockerfileStep): string {
  let dir = '/';
  for (const s of steps) {
    if (s === step) break;
    if (s.keyword === 'WORKDIR' && s.text) dir = path.posix.resolve(dir, s.text.replace(/^["']|["']$/g, ''));
  }
  return dir;
}

/** The sources and destination of a COPY or ADD (JSON form or words), flags left out. */
function copyParts(step: DockerfileStep): { sources: string[]; dest: string } | undefined {
  let words: string[];
  const raw = step.text.replace(/^(--[\w-]+(=\S*)?\s+)+/, '');
  if (raw.startsWith('[')) {
    try {
      words = JSON.parse(raw) as string[];
    } catch {
      return undefined;
    }
  } else words = raw.split(/\s+/).filter(Boolean);
  if (words.length < 2) return undefined;
  return { sources: words.slice(0, -1), dest: words[words.length - 1]! };
}

export interface CopyMatch {
  step: DockerfileStep;
  /** The source file in the build context, when the COPY names one file (not a folder or a pattern). */
  source?: string;
}

/**
 * The COPY or ADD (from the build context, not another stage) that put a file at `containerPath`, the last one
 * winning. `cwd` is the folder the container's command ran in, for a relative path.
 */
export function copyInto(steps: DockerfileStep[], containerPath: string, cwd = '/'): CopyMatch | undefined {
  const wanted = path.posix.resolve(cwd || '/', containerPath);
  let found: CopyMatch | undefined;
  for (const step of steps) {
    if ((step.keyword !== 'COPY' && step.keyword !== 'ADD') || step.flags.from !== undefined) continue;
    const parts = copyParts(step);
    if (!parts) continue;
    const dir = workdirAt(steps, step);
    const dest = path.posix.resolve(dir, parts.dest);
    const intoFolder = parts.dest.endsWith('/') || parts.dest === '.' || parts.sources.length > 1;
    for (const source of parts.sources) {
      const pattern = /[*?[]/.test(source);
      const folder = source.endsWith('/') || source === '.';
      if (folder) {
        // A folder's contents land in the destination: the file's source is the same path under the folder.
        if (wanted.startsWith(`${dest}/`))
          found = { step, source: path.posix.join(source, path.posix.relative(dest, wanted)) };
      } else if (pattern) {
        if (path.posix.dirname(wanted) === dest) found = { step };
      } else if ((intoFolder ? path.posix.join(dest, path.posix.basename(source)) : dest) === wanted)
        found = { step, source: path.posix.normalize(source) };
    }
  }
  return found;
}

/** Lines that mention a variable: `ENV NAME=…`, `ARG NAME`, or `$NAME` / `${NAME…}` in any instruction. */
export function variableLines(steps: DockerfileStep[], name: string): { step: DockerfileStep; sets: boolean }[] {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const uses = new RegExp(`\\$\\{?${escaped}(?![A-Za-z0-9_])`);
  const sets = new RegExp(`(^|\\s)${escaped}(=|\\s|$)`);
  return steps.flatMap((step): { step: DockerfileStep; sets: boolean }[] => {
    if ((step.keyword === 'ENV' || step.keyword === 'ARG') && sets.test(step.text)) return [{ step, sets: true }];
    return uses.test(step.text) ? [{ step, sets: false }] : [];
  });
}
