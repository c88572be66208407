/**
 * The layer stack of an image, from the Engine's history (`GET /images/{id}/history`, newest first) and inspect:
 * each step's instruction cleaned of the builder's `/bin/sh -c #(nop)` wrapping, its size and the running total,
 * whether it made a filesystem layer at all, and where the base image ends. Optionally matched to the lines of a
 * Dockerfile. Pure.
 */

export interface RawHistoryEntry {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags?: string[] | null;
  Size: number;
  Comment?: string;
}

export interface LayerStep {
  /** 0 = the oldest step. */
  index: number;
  instruction: string;
  keyword: string;
  size: number;
  /** Total size of this step and all below it. */
  total: number;
  /** ENV, LABEL, CMD, …: they change the image's settings, not its files. */
  metadataOnly: boolean;
  /** Part of the base image (FROM), not of this build. */
  base: boolean;
  created: number;
  /** The Dockerfile line (0-based) that made this step, when a Dockerfile was matched. */
  line?: number;
}

export interface LayerView {
  image: string;
  id: string;
  created: number;
  totalSize: number;
  steps: LayerStep[];
  /** Index of the newest base-image step, or -1 when the whole history is this build's (or unknown). */
  baseTop: number;
  baseName?: string;
  /**
   * Set when the history names no image below the top (every older row is `<missing>` and untagged): pulled,
   * loaded and BuildKit-built images, and every image in the containerd image store, come without intermediate
   * images, so nothing says where the base image ends.
   */
  baseUnknown?: true;
  dockerfile?: { path: string; matched: number };
}

const METADATA = new Set([
  'ENV',
  'LABEL',
  'EXPOSE',
  'CMD',
  'ENTRYPOINT',
  'USER',
  'ARG',
  'HEALTHCHECK',
  'STOPSIGNAL',
  'VOLUME',
  'SHELL',
  'ONBUILD',
  'MAINTAINER',
]);

/** Build arguments in effect are recorded as "|2 A=1 B=2 " before the command: that prefix goes. */
function withoutBuildArgs(text: string): string {
  const head = /^\|(\d+)\s/.exec(text);
  if (!head) return text;
  const words = text.slice(head[0].length).split(/(\s+)/);
  // Words and the blanks between them alternate: drop the count's NAME=value words and their blanks.
  let taken = 0;
  let at = 0;
  while (taken < Number(head[1]) && words[at]?.includes('=')) {
    taken++;
    at += 2;
  }
  return words.slice(at).join('').trimStart();
}

/** `/bin/sh -c #(nop)  ENV A=1` → `ENV A=1`; `/bin/sh -c apk add x` → `RUN apk add x`; BuildKit's forms too. */
export function cleanInstruction(createdBy: string, comment = ''): string {
  let text = createdBy.trim();
  if (!text)
    return comment ? comment.replace(/^Imported from -$/, 'Imported from a tar archive') : '(no instruction recorded)';
  if (/\s# buildkit$/.test(text)) text = text.slice(0, -'# buildkit'.length).trimEnd();
  text = withoutBuildArgs(text);
  const [, nop] = /^\/bin\/sh -c #\(nop\)\s+(.*)$/s.exec(text) ?? [];
  if (nop !== undefined) return nop.trim();
  const [, shell] = /^(?:RUN\s+)?\/bin\/sh -c\s+(.*)$/s.exec(text) ?? [];
  if (shell !== undefined) return `RUN ${shell.trim()}`;
  if (/^[A-Z]+\s/.test(text)) return text;
  return `RUN ${text}`;
}

export function buildLayerView(image: string, id: string, created: number, history: RawHistoryEntry[]): LayerView {
  const oldestFirst = [...history].reverse();
  let total = 0;
  const steps: LayerStep[] = oldestFirst.map((h, index) => {
    const instruction = cleanInstruction(h.CreatedBy ?? '', h.Comment ?? '');
    const keyword = /^([A-Z]+)\b/.exec(instruction)?.[1] ?? 'RUN';
    total += h.Size ?? 0;
    return {
      index,
      instruction,
      keyword,
      size: h.Size ?? 0,
      total,
      metadataOnly: METADATA.has(keyword) && !h.Size,
      base: false,
      created: h.Created,
    };
  });
  // The base ends at the newest entry below the top that is another tagged image, or else at the newest entry the
  // engine knows no image for ("<missing>": layers that came with a pulled base image).
  let baseTop = -1;
  let baseName: string | undefined;
  const below = oldestFirst.slice(0, -1);
  if (below.length && below.every((h) => h.Id === '<missing>' && !h.Tags?.length)) {
    return { image, id, created, totalSize: total, steps, baseTop, baseUnknown: true };
  }
  for (let i = oldestFirst.length - 2; i >= 0; i--) {
    const [tag] = oldestFirst[i]?.Tags ?? [];
    if (tag !== undefined) {
      baseTop = i;
      baseName = tag;
      break;
    }
  }
  if (baseTop < 0) {
    for (let i = oldestFirst.length - 1; i >= 0; i--) {
      if (oldestFirst[i]?.Id === '<missing>') {
        baseTop = i;
        break;
      }
    }
    if (baseTop === oldestFirst.length - 1) baseTop = -1;
  }
  for (const s of steps) s.base = s.index <= baseTop;
  return { image, id, created, totalSize: total, steps, baseTop, ...(baseName ? { baseName } : {}) };
}

interface DockerfileLine {
  line: number;
  keyword: string;
  args: string;
}

/** The instructions of a Dockerfile's last stage (after its FROM), with continuation lines joined. */
export function finalStageInstructions(text: string): DockerfileLine[] {
  const out: DockerfileLine[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let joined = lines[i]!;
    while (/\\\s*$/.test(joined) && i + 1 < lines.length) joined = joined.replace(/\\\s*$/, ' ') + lines[++i]!;
    const m = /^\s*([A-Za-z]+)\s+(.*)$/s.exec(joined);
    if (!m || joined.trim().startsWith('#')) continue;
    const [, word = '', args = ''] = m;
    const keyword = word.toUpperCase();
    if (keyword === 'FROM') out.length = 0;
    else out.push({ line: start, keyword, args: args.replace(/\s+/g, ' ').trim() });
  }
  return out;
}

const squash = (s: string) =>
  s
    .replace(/\s+/g, ' ')
    .replace(/^\[|\]$/g, '')
    .trim();

/** Whether a history step could have come from this Dockerfile instruction. */
function sameStep(step: LayerStep, ins: DockerfileLine): boolean {
  if (step.keyword !== ins.keyword) return false;
  const args = squash(step.instruction.slice(step.keyword.length));
  switch (ins.keyword) {
    case 'COPY':
    case 'ADD': {
      // The classic builder keeps "file:<hash> in /dest" or "dir:<hash> in /dest", BuildKit the arguments as
      // written: compare the destination.
      const written = args.split(/[\s,"]+/).filter(Boolean);
      const dest = / in (\S+)\s*$/.exec(args)?.[1] ?? written[written.length - 1];
      const insDest = ins.args
        .trim()
        .split(/\s+/)
        .filter((w) => !w.startsWith('--'))
        .pop();
      return !!dest && !!insDest && dest.replace(/\/$/, '') === insDest.replace(/\/$/, '').replace(/^\["?|"?\]$/g, '');
    }
    case 'RUN':
      return (
        squash(args).replace(/"/g, '') ===
          squash(ins.args)
            .replace(/"/g, '')
            .replace(/^\[|\]$/g, '')
            .replace(/, /g, ' ') || squash(args) === squash(ins.args)
      );
    case 'ENV':
    case 'LABEL':
    case 'ARG':
      return args.split(/[= ]/)[0] === ins.args.split(/[= ]/)[0];
    default:
      return (
        squash(args).replace(/"/g, '') === squash(ins.args).replace(/"/g, '') ||
        args.startsWith('[') === ins.args.startsWith('[')
      );
  }
}

/** Matches this build's steps to the Dockerfile's final stage, in order; returns how many matched. */
export function matchDockerfile(view: LayerView, text: string): number {
  const instructions = finalStageInstructions(text);
  let matched = 0;
  if (view.baseUnknown) {
    // The base's steps are mixed in and come first: match from the newest step and the last line backwards, so
    // a base step can only take a line that no step of this build took.
    let to = instructions.length - 1;
    for (const step of [...view.steps].reverse()) {
      for (let k = to; k >= 0; k--) {
        const instruction = instructions[k]!;
        if (sameStep(step, instruction)) {
          step.line = instruction.line;
          to = k - 1;
          matched++;
          break;
        }
      }
    }
    return matched;
  }
  let from = 0;
  for (const step of view.steps) {
    if (step.base) continue;
    for (let k = from; k < instructions.length; k++) {
      const instruction = instructions[k]!;
      if (sameStep(step, instruction)) {
        step.line = instruction.line;
        from = k + 1;
        matched++;
        break;
      }
    }
  }
  return matched;
}

/** How many of this build's steps there are (what a good Dockerfile match should cover). */
export const ownSteps = (view: LayerView): number => view.steps.filter((s) => !s.base).length;
