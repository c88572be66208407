import type { Dockerfile, From, Instruction } from 'dockerfile-ast';
import type { Position, Range } from '../diagnostic';
import { fileCheckDirective, type FileCheckDirective } from './checkDirective';
import { flagsOf } from './instructionParts';
import { commandsOf, runScript, textOffset, type ShellCommand, type ShellScript } from './shell';

/** Interpreters whose scripts the shell model reads. */
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh']);

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
  /** A small file's text (a .dockerignore), or undefined when it cannot be read. Without it, those checks skip. */
  readFile?: (path: string) => string | undefined;
  /**
   * What the engine knows about a base image it already has (`docker image inspect`): its platform
   * (`linux/amd64`, `linux/arm64/v8`) and its environment (`NAME=value`). Undefined when the image is not known;
   * the editor fills this from its engine session, the language layer never asks the engine itself.
   */
  imageConfig?: (image: string) => { platform?: string; env?: readonly string[] } | undefined;
  /** The platform the build targets (`linux/amd64`): the engine's own, unless the user chose another. */
  targetPlatform?: string;
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
  private readonly shellCache = new Map<Instruction, { commands: ShellCommand[]; complete: boolean }>();

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
      if (positions.get(ofKeyword[mid]!)! < limit) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? ofKeyword[lo - 1] : undefined;
  }

  /** The file's `# check=` parser directive (read once). */
  get checkDirective(): FileCheckDirective {
    return this.memo('checkDirective', () => fileCheckDirective(this.text));
  }

  /**
   * The comments right above an instruction, as BuildKit collects them: every comment line since the previous
   * instruction ended (blank lines do not break the run, a bare `#` starts it again; parser directives are not
   * comments), each without its `#`.
   */
  commentsAbove(instruction: Instruction): readonly string[] {
    const all = this.memo('commentsAbove', () => {
      const map = new Map<Instruction, string[]>();
      const directives = this.checkDirective.directiveLines;
      let line = 0;
      for (const i of this.instructions) {
        const start = i.getRange().start.line;
        let comments: string[] = [];
        for (let n = line; n < start; n++) {
          const text = this.lineAt(n).trim();
          if (text === '' || directives.has(n)) continue;
          if (!text.startsWith('#')) {
            comments = [];
            continue;
          }
          const body = text.slice(1).trim();
          if (body === '') comments = [];
          else comments.push(body);
        }
        if (comments.length) map.set(i, comments);
        line = Math.max(line, i.getRange().end.line + 1);
      }
      return map;
    });
    return all.get(instruction) ?? [];
  }

  /** The instruction that covers a line (an instruction may span several), if any. */
  instructionAtLine(line: number): Instruction | undefined {
    const list = this.instructions;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const instruction = list[mid]!;
      const r = instruction.getRange();
      if (line < r.start.line) hi = mid - 1;
      else if (line > r.end.line) lo = mid + 1;
      else return instruction;
    }
    return undefined;
  }

  /** One line of the text, without its line break. */
  lineAt(line: number): string {
    const start = this.lineStarts[line];
    if (start === undefined) return '';
    const next = this.lineStarts[line + 1];
    return this.text.slice(start, next === undefined ? this.text.length : next - 1).replace(/\r$/, '');
  }

  /** The instructions with one of these keywords, in file order (indexed once, so rules skip the others). */
  ofKeyword(...keywords: string[]): Instruction[] {
    const index = this.memo('byKeyword', () => {
      const map = new Map<string, Instruction[]>();
      for (const i of this.instructions) {
        const k = i.getKeyword();
        const list = map.get(k);
        if (list) list.push(i);
        else map.set(k, [i]);
      }
      return map;
    });
    if (keywords.length === 1) return index.get(keywords[0]!) ?? [];
    const order = this.memo('instructionOrder', () => new Map(this.instructions.map((i, n) => [i, n] as const)));
    return keywords.flatMap((k) => index.get(k) ?? []).sort((a, b) => order.get(a)! - order.get(b)!);
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
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.lineStarts[lo]! };
  }

  rangeOf(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** The shell commands of a RUN in shell form (heredoc bodies included); [] for the exec (JSON) form. */
  shellCommands(run: Instruction): ShellCommand[] {
    return this.parsedRun(run).commands;
  }

  /** Whether the shell model could read the whole of this RUN's script (rules that need certainty ask). */
  shellComplete(run: Instruction): boolean {
    return this.parsedRun(run).complete;
  }

  private parsedRun(run: Instruction): { commands: ShellCommand[]; complete: boolean } {
    let parsed = this.shellCache.get(run);
    if (!parsed) {
      const script = this.runScript(run);
      parsed = script ? commandsOf(script) : { commands: [], complete: true };
      this.shellCache.set(run, parsed);
    }
    return parsed;
  }

  /**
   * The script `/bin/sh -c` runs for a RUN in shell form, built the way BuildKit builds it: the joined command
   * line, or, for `RUN <<EOF` alone, the here-document's body (unless a shebang names another interpreter);
   * undefined for the exec form and for bodies that are not shell.
   */
  runScript(run: Instruction): ShellScript | undefined {
    const flags = flagsOf(run);
    const lastFlag = flags[flags.length - 1];
    const after = lastFlag ? lastFlag.getRange().end : run.getInstructionRange().end;
    const start = this.offsetAt(after);
    const end = this.offsetAt(run.getRange().end);
    if (this.text[start] !== undefined && /^\s*\[/.test(this.text.slice(start, start + 64)) && isExecForm(run))
      return undefined;
    const firstLine = runScript(this.text, start, end, this.escape, true);
    const newline = firstLine.script.indexOf('\n');
    if (newline < 0) return firstLine;
    const commandLine = firstLine.script.slice(0, newline).trim();
    const delimiter = heredocScriptDelimiter(commandLine);
    if (delimiter === undefined) return firstLine;
    // `RUN <<EOF` alone runs the body as the script, and so does `RUN <<EOF bash` (the body is the shell's input).
    const bodyStart = textOffset(firstLine, newline) + 1;
    const body = runScript(this.text, bodyStart, end, '', true);
    const lines = body.script.split('\n');
    let length = 0;
    for (const line of lines) {
      if (line.replace(/^\t+/, '') === delimiter) break;
      length += line.length + 1;
    }
    const script = body.script.slice(0, Math.min(length, body.script.length));
    const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(script);
    if (shebang) {
      const program = /\/env$/.test(shebang[1]!) ? (shebang[2] ?? '') : shebang[1]!;
      if (!SHELLS.has(program.slice(program.lastIndexOf('/') + 1))) return undefined;
    }
    return { script, pieces: body.pieces };
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
    return this.variableRefsIn(this.offsetAt(range.start), this.offsetAt(range.end));
  }

  /** `$NAME` and `${NAME…}` references between two offsets of the text (quotes and escapes respected). */
  variableRefsIn(start: number, end: number): VariableRef[] {
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
        if (m?.[1]) out.push({ name: m[1], modifier: m[2] ?? null, range: this.rangeOf(i + 2, i + 2 + m[1].length) });
      } else {
        const m = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i, Math.min(end, i + 256)));
        if (m?.[1]) out.push({ name: m[1], modifier: null, range: this.rangeOf(i + 1, i + 1 + m[1].length) });
      }
    }
    return out;
  }
}

/**
 * The delimiter when a RUN's command line only opens a here-document whose body is the script: `<<EOF` alone, or
 * with a shell that reads it (`<<EOF bash`, `bash -ex <<EOF`); undefined for anything else (`cat <<EOF > file`).
 */
function heredocScriptDelimiter(commandLine: string): string | undefined {
  const heredoc = /<<-?[ \t]*(?:"([^"]+)"|'([^']+)'|([^\s"'<>&|;]+))/.exec(commandLine);
  if (!heredoc) return undefined;
  const rest = (commandLine.slice(0, heredoc.index) + ' ' + commandLine.slice(heredoc.index + heredoc[0].length))
    .trim()
    .split(/[ \t]+/)
    .filter(Boolean);
  if (rest.length > 0) {
    const [program = '', ...options] = rest;
    if (!SHELLS.has(program.slice(program.lastIndexOf('/') + 1))) return undefined;
    if (options.some((o) => !/^[-+][a-bd-zA-Z]+$/.test(o))) return undefined;
  }
  return heredoc[1] ?? heredoc[2] ?? heredoc[3];
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
  if (!args[0]?.getValue().startsWith('[')) return undefined;
  const raw = instruction.getArgumentsContent() ?? '';
  const at = raw.indexOf('[');
  return at < 0 ? undefined : raw.slice(at).trim();
}
