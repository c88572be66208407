import type { Dockerfile, From, Instruction } from 'dockerfile-ast';
import type { Position, Range } from '../diagnostic';
import { lexShell, type ShellCommand } from './shell';

export interface VariableRef {
  name: string;
  /** `-`, `:-`, `+`, `:+`, `?` or `:?` for `${NAME:-default}` and the like. */
  modifier: string | null;
  range: Range;
}

/** How many ancestor stages `inheritedInstructions` follows. */
const MAX_ANCESTORS = 64;

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
      if (instruction.getKeyword() === 'FROM') {
        const from = instruction as From;
        current = {
          index: this.stages.length,
          from,
          instructions: [],
          ...(from.getBuildStage() ? { name: from.getBuildStage()! } : {}),
        };
        this.stages.push(current);
      } else if (current) {
        current.instructions.push(instruction);
      } else {
        this.preamble.push(instruction);
      }
    }
  }

  /** Whether `name` (any case) is a stage defined before this FROM: then FROM uses that stage, not an image. */
  isEarlierStageName(name: string, from: From): boolean {
    const defined = this.stagesNamed(name)[0]?.index;
    const here = this.stageOfFrom(from)?.index ?? this.stages.length;
    return defined !== undefined && defined < here;
  }

  /** The stages called `name` (any case), in order: the first is the one `COPY --from=name` means. */
  stagesNamed(name: string): readonly Stage[] {
    const byName = this.memo('stagesByName', () => {
      const map = new Map<string, Stage[]>();
      for (const s of this.stages) {
        if (!s.name) continue;
        const key = s.name.toLowerCase();
        const list = map.get(key);
        if (list) list.push(s);
        else map.set(key, [s]);
      }
      return map;
    });
    return byName.get(name.toLowerCase()) ?? [];
  }

  /** The stage a FROM instruction starts. */
  stageOfFrom(from: Instruction): Stage | undefined {
    return this.memo('stageByFrom', () => new Map<Instruction, Stage>(this.stages.map((s) => [s.from, s]))).get(from);
  }

  /** The earlier stage this one is built FROM (`FROM build AS test`), if any. */
  parentStage(stage: Stage): Stage | undefined {
    if (this.parents.has(stage)) return this.parents.get(stage);
    const parent = this.findParent(stage);
    this.parents.set(stage, parent);
    return parent;
  }

  private readonly parents = new Map<Stage, Stage | undefined>();

  /** The last stage above this one that has the name its FROM uses. */
  private findParent(stage: Stage): Stage | undefined {
    const image = stage.from.getImageName();
    if (!image) return undefined;
    const named = this.stagesNamed(image);
    let lo = 0;
    let hi = named.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (named[mid]!.index < stage.index) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? named[lo - 1] : undefined;
  }

  /** The stage and its ancestors' instructions, oldest first, up to (not including) `before` when given. */
  inheritedInstructions(stage: Stage, before?: Instruction): Instruction[] {
    let all = this.inherited.get(stage);
    if (!all) {
      // Only the nearest MAX_ANCESTORS stages: a chain of thousands, each FROM the one before, would otherwise cost
      // the square of its length (no real Dockerfile comes near).
      const chain: Stage[] = [];
      const seen = new Set<Stage>();
      for (
        let s: Stage | undefined = stage;
        s && !seen.has(s) && chain.length <= MAX_ANCESTORS;
        s = this.parentStage(s)
      ) {
        seen.add(s);
        chain.unshift(s);
      }
      all = chain.flatMap((s) => s.instructions);
      this.inherited.set(stage, all);
    }
    if (!before) return all;
    const at = all.indexOf(before);
    return at < 0 ? all : all.slice(0, at);
  }

  private readonly inherited = new Map<Stage, Instruction[]>();

  /**
   * The last instruction of `keyword` among the stage's inherited instructions before `before` (the WORKDIR or SHELL
   * in effect there). Each stage and keyword is indexed once, so asking for every instruction of a long file costs
   * a binary search each, not a scan each.
   */
  lastBefore(stage: Stage, before: Instruction, keyword: string): Instruction | undefined {
    const positions = this.memo(
      `positions:${stage.index}`,
      () => new Map(this.inheritedInstructions(stage).map((i, n) => [i, n] as const)),
    );
    const ofKeyword = this.memo(`keyword:${stage.index}:${keyword}`, () =>
      this.inheritedInstructions(stage).filter((i) => i.getKeyword() === keyword),
    );
    const limit = positions.get(before) ?? Infinity;
    let lo = 0;
    let hi = ofKeyword.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (positions.get(ofKeyword[mid])! < limit) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? ofKeyword[lo - 1] : undefined;
  }

  /** A value computed once per analysis, by key: what rules would otherwise recompute for every instruction. */
  memo<T>(key: string, compute: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, compute());
    return this.memos.get(key) as T;
  }

  private readonly memos = new Map<string, unknown>();

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
    // Lexed straight from the text after the keyword (the library's argument split costs more than the lexing).
    const start = this.offsetAt(run.getInstructionRange().end);
    const end = this.offsetAt(run.getRange().end);
    const heredocs = this.text.slice(start, end).includes('<<')
      ? ((run as unknown as { getHeredocs?: () => { getContentRange(): Range | null }[] }).getHeredocs?.() ?? [])
      : [];
    if (heredocs.length === 0) {
      const commands = lexShell(this.text, start, end, this.escape);
      // Leading `--mount=…`, `--network=…` flags belong to RUN, not to the command.
      const first = commands[0];
      if (first) {
        let k = 0;
        while (k < first.words.length && first.words[k].value.startsWith('--')) k++;
        if (k) first.words = first.words.slice(k);
        if (first.words.length === 0) commands.shift();
      }
      if (commands[0]?.words[0]?.value.startsWith('[') && isExecForm(run)) return [];
      return commands;
    }
    // `RUN <<EOF` runs the heredoc's body as the script; the first line may hold more commands too.
    const out: ShellCommand[] = [];
    const firstLineEnd = this.text.indexOf('\n', start);
    for (const c of lexShell(this.text, start, firstLineEnd < 0 ? end : firstLineEnd, this.escape))
      if (!c.words.some((w) => w.value.startsWith('<<'))) out.push(c);
    for (const h of heredocs) {
      const range = h.getContentRange();
      if (range)
        for (const c of lexShell(this.text, this.offsetAt(range.start), this.offsetAt(range.end), this.escape, true))
          out.push(c);
    }
    return out;
  }

  /** Every RUN in shell form, with its stage and lexed commands (computed once). */
  runs(): readonly { run: Instruction; stage: Stage; commands: ShellCommand[] }[] {
    if (!this.runList) {
      this.runList = [];
      for (const stage of this.stages) {
        for (const run of stage.instructions) {
          if (run.getKeyword() !== 'RUN') continue;
          const commands = this.shellCommands(run);
          if (commands.length) this.runList.push({ run, stage, commands });
        }
      }
    }
    return this.runList;
  }

  private runList: { run: Instruction; stage: Stage; commands: ShellCommand[] }[] | undefined;

  rangeOfWord(word: { start: number; end: number }): Range {
    return this.rangeOf(word.start, word.end);
  }

  /**
   * `$NAME` and `${NAME…}` references in an instruction's arguments, found by a plain scan. (dockerfile-ast's
   * getVariables resolves every reference against the whole file, which made 10,000-line files quadratic.)
   */
  variableRefs(instruction: Instruction): VariableRef[] {
    const range = instruction.getArgumentsRange();
    if (!range) return [];
    const start = this.offsetAt(range.start);
    const end = this.offsetAt(range.end);
    const text = this.text;
    const out: VariableRef[] = [];
    let quote = '';
    for (let i = start; i < end; i++) {
      const c = text[i];
      if (c === this.escape && quote !== "'") {
        i++;
        continue;
      }
      if (c === "'" || c === '"') quote = quote === c ? '' : quote || c;
      if (c !== '$' || quote === "'") continue;
      if (text[i + 1] === '{') {
        const m = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-+?])?/.exec(text.slice(i, Math.min(end, i + 256)));
        if (m) out.push({ name: m[1], modifier: m[2] ?? null, range: this.rangeOf(i + 2, i + 2 + m[1].length) });
      } else {
        const m = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i, Math.min(end, i + 256)));
        if (m) out.push({ name: m[1], modifier: null, range: this.rangeOf(i + 1, i + 1 + m[1].length) });
      }
    }
    return out;
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
