import { Argument, JSONArgument, type Dockerfile, type From, type Instruction } from 'dockerfile-ast';
import type { Position, Range } from '../diagnostic';
import { lexShell, type ShellCommand } from './shell';

/** A build stage: its FROM and the instructions after it, up to the next FROM. */
export interface Stage {
  index: number;
  from: From;
  /** The stage name from `AS name`, as written. */
  name?: string;
  instructions: Instruction[];
}

/** What the rules may know about the file's surroundings; all optional, so the service stays pure. */
export interface DockerfileEnvironment {
  /** Path of the Dockerfile on disk, when it has one. */
  path?: string;
  /** Whether a file exists; given by the CLI (node:fs) and the editor. Without it, on-disk checks are skipped. */
  fileExists?: (path: string) => boolean;
}

/** dockerfile-ast getters that re-scan the instruction text on every call; the tree is read-only once parsed. */
const INSTRUCTION_GETTERS = ['getArguments', 'getArgumentsContent', 'getRawArgumentsContent', 'getArgumentsRange', 'getVariables', 'getFlags', 'getProperties', 'getJSONStrings', 'getHeredocs', 'getKeyword', 'getInstructionRange', 'getRange'];
const FROM_GETTERS = ['getImage', 'getImageName', 'getImageTag', 'getImageDigest', 'getImageRange', 'getImageNameRange', 'getImageTagRange', 'getImageDigestRange', 'getBuildStage', 'getBuildStageRange', 'getRegistry'];

type RangeLike = { start: Position; end: Position };

const isRange = (v: unknown): v is RangeLike =>
  typeof v === 'object' && v !== null && 'start' in v && 'end' in v && typeof (v as RangeLike).start?.line === 'number';

/**
 * A copy of a getter's answer that callers may change: dockerfile-ast itself edits ranges it gets back (FROM's
 * getImageNameRange moves the start and end of the first argument's range), so shared answers must not be handed
 * out twice.
 */
function fresh(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fresh);
  if (v instanceof JSONArgument) {
    const [r, j] = [v.getRange(), v.getJSONRange()];
    return new JSONArgument(v.getValue(), { start: { ...r.start }, end: { ...r.end } }, { start: { ...j.start }, end: { ...j.end } });
  }
  if (v instanceof Argument) {
    const r = v.getRange();
    return new Argument(v.getValue(), { start: { ...r.start }, end: { ...r.end } });
  }
  if (isRange(v)) return { start: { ...v.start }, end: { ...v.end } };
  return v;
}

/**
 * Makes each zero-argument getter remember its first answer on this instance (handing out copies). Without it a
 * rule that asks a huge FROM line for its tag re-reads the whole line every time, and a 100 KB line took seconds.
 */
function memoizeGetters(target: object, names: string[]): void {
  const t = target as Record<string, unknown>;
  for (const name of names) {
    const original = t[name];
    if (typeof original !== 'function' || Object.prototype.hasOwnProperty.call(t, name)) continue;
    let done = false;
    let value: unknown;
    t[name] = () => {
      if (!done) {
        value = fresh((original as () => unknown).call(target));
        done = true;
      }
      return fresh(value);
    };
  }
}

/**
 * Facts about one parsed Dockerfile that many rules need, computed once: stages, offsets ↔ positions, and the
 * shell commands of each RUN (lexed on first use).
 */
export class DockerfileFacts {
  readonly stages: Stage[] = [];
  /** Instructions before the first FROM (only ARG is allowed there). */
  readonly preamble: Instruction[] = [];
  readonly instructions: Instruction[];
  readonly escape: string;
  private readonly lineStarts: number[] = [0];
  private readonly shellCache = new Map<Instruction, ShellCommand[]>();

  constructor(
    readonly text: string,
    readonly dockerfile: Dockerfile,
    readonly env: DockerfileEnvironment = {},
  ) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
    this.escape = dockerfile.getEscapeCharacter();
    this.instructions = dockerfile.getInstructions();
    let current: Stage | undefined;
    for (const instruction of this.instructions) {
      memoizeGetters(instruction, instruction.getKeyword() === 'FROM' ? [...INSTRUCTION_GETTERS, ...FROM_GETTERS] : INSTRUCTION_GETTERS);
      if (instruction.getKeyword() === 'FROM') {
        const from = instruction as From;
        current = { index: this.stages.length, from, instructions: [], ...(from.getBuildStage() ? { name: from.getBuildStage()! } : {}) };
        this.stages.push(current);
      } else if (current) {
        current.instructions.push(instruction);
      } else {
        this.preamble.push(instruction);
      }
    }
  }

  /** The earlier stage this one is built FROM (`FROM build AS test`), if any. */
  parentStage(stage: Stage): Stage | undefined {
    if (this.parents.has(stage)) return this.parents.get(stage);
    const parent = this.findParent(stage);
    this.parents.set(stage, parent);
    return parent;
  }

  private readonly parents = new Map<Stage, Stage | undefined>();

  private findParent(stage: Stage): Stage | undefined {
    const image = stage.from.getImageName()?.toLowerCase();
    if (!image) return undefined;
    for (let i = stage.index - 1; i >= 0; i--) if (this.stages[i].name?.toLowerCase() === image) return this.stages[i];
    return undefined;
  }

  /** The stage and its ancestors' instructions, oldest first, up to (not including) `before` when given. */
  inheritedInstructions(stage: Stage, before?: Instruction): Instruction[] {
    const chain: Stage[] = [];
    for (let s: Stage | undefined = stage; s && !chain.includes(s); s = this.parentStage(s)) chain.unshift(s);
    const out: Instruction[] = [];
    for (const s of chain) {
      for (const i of s.instructions) {
        if (i === before) return out;
        out.push(i);
      }
    }
    return out;
  }

  get finalStage(): Stage | undefined {
    return this.stages[this.stages.length - 1];
  }

  offsetAt(pos: Position): number {
    const start = this.lineStarts[pos.line] ?? this.text.length;
    return Math.min(start + pos.character, this.text.length);
  }

  positionAt(offset: number): Position {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.lineStarts[lo] };
  }

  rangeOf(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** The shell commands of a RUN in shell form (heredoc bodies included); [] for the exec (JSON) form. */
  shellCommands(run: Instruction): ShellCommand[] {
    let commands = this.shellCache.get(run);
    if (!commands) {
      commands = this.lexRun(run);
      this.shellCache.set(run, commands);
    }
    return commands;
  }

  private lexRun(run: Instruction): ShellCommand[] {
    const args = run.getArguments();
    if (args.length === 0 || isExecForm(run)) return [];
    const start = this.offsetAt(args[0].getRange().start);
    const end = this.offsetAt(args[args.length - 1].getRange().end);
    const heredocs = (run as unknown as { getHeredocs?: () => { getContentRange(): Range | null }[] }).getHeredocs?.() ?? [];
    if (heredocs.length === 0) return lexShell(this.text, start, end, this.escape);
    // `RUN <<EOF` runs the heredoc's body as the script; the first line may hold more commands too.
    const out: ShellCommand[] = [];
    const firstLineEnd = this.text.indexOf('\n', start);
    out.push(...lexShell(this.text, start, firstLineEnd < 0 ? end : firstLineEnd, this.escape).filter((c) => !c.words.some((w) => w.value.startsWith('<<'))));
    for (const h of heredocs) {
      const range = h.getContentRange();
      if (range) out.push(...lexShell(this.text, this.offsetAt(range.start), this.offsetAt(range.end), this.escape, true));
    }
    return out;
  }

  /** Every RUN in shell form, with its stage and lexed commands. */
  *runs(): Generator<{ run: Instruction; stage: Stage; commands: ShellCommand[] }> {
    for (const stage of this.stages) {
      for (const run of stage.instructions) {
        if (run.getKeyword() !== 'RUN') continue;
        const commands = this.shellCommands(run);
        if (commands.length) yield { run, stage, commands };
      }
    }
  }

  rangeOfWord(word: { start: number; end: number }): Range {
    return this.rangeOf(word.start, word.end);
  }

  /** Raw text of an instruction's arguments. */
  argumentsText(instruction: Instruction): string {
    return instruction.getRawArgumentsContent() ?? '';
  }
}

/** True when CMD/ENTRYPOINT/RUN/SHELL is written as a JSON array that Docker accepts as the exec form. */
export function isExecForm(instruction: Instruction): boolean {
  const raw = execFormCandidate(instruction);
  if (raw === undefined) return false;
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) && parsed.every((x) => typeof x === 'string');
  } catch {
    return false;
  }
}

/** The argument text when it starts with `[` (what Docker tries to read as JSON), after any flags. */
export function execFormCandidate(instruction: Instruction): string | undefined {
  const args = instruction.getArguments();
  if (args.length === 0 || !args[0].getValue().startsWith('[')) return undefined;
  const raw = instruction.getArgumentsContent() ?? '';
  const at = raw.indexOf('[');
  return at < 0 ? undefined : raw.slice(at).trim();
}
