/**
 * A model of POSIX shell (with the bash forms people write in Dockerfiles) that finds every simple command of a
 * script: at the top level, and inside if/while/until/for/select/case, `{ …; }`, `( … )`, `$( … )`, backticks,
 * `<( … )`, `${…}`, arithmetic, function bodies and unquoted here-document bodies. Each command's words (leading
 * assignments included, redirections left out) carry their offsets in the script.
 *
 * It is a recursive-descent parser that never backtracks, so it reads each character a bounded number of times.
 * Nesting deeper than MAX_DEPTH stops the parse (real scripts nest a handful of levels; hostile input must not
 * exhaust the stack) and the result says it is incomplete; commands found before that point are kept.
 */

export interface ShellWord {
  /** The word with quotes and escapes removed; expansions (`$x`, `$(…)`) are kept as written. */
  value: string;
  start: number;
  end: number;
}

export type ShellOperator = '&&' | '||' | '|' | ';' | '&' | 'newline';

/** One simple command: its words, and the operator that joins it to the next one in its list (if any). */
export interface ShellCommand {
  words: ShellWord[];
  next?: ShellOperator;
  /** Offset of the operator in `next`. */
  nextAt?: number;
  /** The command this one's output is piped into (`curl … | sh`). */
  pipeTo?: ShellCommand;
  /** 0 for a command of the script's own list; more inside compound commands and substitutions. */
  depth: number;
}

export interface ParsedScript {
  commands: ShellCommand[];
  /** False when the script has a syntax error or nests too deeply; the commands are then a best effort. */
  complete: boolean;
}

const MAX_DEPTH = 96;

const RESERVED = new Set([
  'if',
  'then',
  'elif',
  'else',
  'fi',
  'do',
  'done',
  'case',
  'esac',
  'while',
  'until',
  'for',
  'select',
  'in',
  'function',
  '{',
  '}',
  '!',
  '[[',
  ']]',
  'time',
  'coproc',
]);

/** Reserved words that only close something; met anywhere else they are a syntax error. */
const CLOSERS = new Set(['then', 'elif', 'else', 'fi', 'do', 'done', 'esac', '}']);

const isBlank = (c: string | undefined) => c === ' ' || c === '\t';
const isMeta = (c: string | undefined) =>
  c === ' ' ||
  c === '\t' ||
  c === '\n' ||
  c === ';' ||
  c === '&' ||
  c === '|' ||
  c === '(' ||
  c === ')' ||
  c === '<' ||
  c === '>';
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isNameStart = (c: string | undefined) =>
  c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_');
const isNameChar = (c: string | undefined) => isNameStart(c) || isDigit(c);

interface PendingHeredoc {
  delimiter: string;
  stripTabs: boolean;
  expand: boolean;
}

const NO_WORDS: ReadonlySet<string> = new Set();

class ShellParser {
  i = 0;
  end: number;
  complete = true;
  readonly commands: ShellCommand[] = [];
  private depth = 0;
  /** How many command lists are open (the depth reported on commands). */
  private nesting = 0;
  /** Inside backticks an unescaped backtick ends the substitution, whatever else is open. */
  private backticks = 0;
  private pending: PendingHeredoc[] = [];

  constructor(private readonly s: string) {
    this.end = s.length;
  }

  parse(): void {
    this.list(NO_WORDS, '');
    // Input left over, or a here-document whose body never came.
    if (this.i < this.end || this.pending.length) this.complete = false;
  }

  private fail(): void {
    this.complete = false;
  }

  /** Enters one level of nesting; false (and the parse stops) past MAX_DEPTH. */
  private enter(): boolean {
    if (++this.depth > MAX_DEPTH) {
      this.depth--;
      this.fail();
      this.i = this.end;
      return false;
    }
    return true;
  }

  private leave(): void {
    this.depth--;
  }

  // --- blanks, newlines, comments, here-documents ------------------------------------------------------------

  private skipBlanks(): void {
    const s = this.s;
    while (this.i < this.end) {
      const c = s[this.i];
      if (isBlank(c)) this.i++;
      else if (c === '\\' && s[this.i + 1] === '\n') this.i += 2;
      else break;
    }
  }

  /** Blanks, newlines and comments between commands. */
  private skipSpace(): void {
    const s = this.s;
    while (this.i < this.end) {
      this.skipBlanks();
      const c = s[this.i];
      if (c === '\n') this.newline();
      else if (c === '#') this.skipComment();
      else break;
    }
  }

  private skipComment(): void {
    const eol = this.s.indexOf('\n', this.i);
    this.i = eol < 0 || eol > this.end ? this.end : eol;
  }

  /** Consumes a newline token; the bodies of here-documents opened on that line follow it. */
  private newline(): void {
    this.i++;
    if (this.pending.length === 0) return;
    const docs = this.pending;
    this.pending = [];
    for (const doc of docs) this.heredocBody(doc);
  }

  private heredocBody(doc: PendingHeredoc): void {
    const s = this.s;
    const bodyStart = this.i;
    let bodyEnd = this.end;
    let after = this.end;
    for (let line = this.i; line < this.end;) {
      const eol = s.indexOf('\n', line);
      const lineEnd = eol < 0 || eol > this.end ? this.end : eol;
      let text = s.slice(line, lineEnd);
      if (doc.stripTabs) text = text.replace(/^\t+/, '');
      if (text === doc.delimiter) {
        bodyEnd = line;
        after = lineEnd < this.end ? lineEnd + 1 : this.end;
        break;
      }
      line = lineEnd + 1;
    }
    if (after === this.end && bodyEnd === this.end) this.fail();
    if (doc.expand && bodyEnd > bodyStart) {
      const savedEnd = this.end;
      this.end = bodyEnd;
      this.i = bodyStart;
      while (this.i < this.end) {
        const c = s[this.i];
        if (c === '\\') this.i += 2;
        else if (c === '$') this.dollar();
        else if (c === '`') this.backtick();
        else this.i++;
      }
      this.end = savedEnd;
    }
    this.i = after;
  }

  // --- lists and commands -------------------------------------------------------------------------------------

  /** The literal word at the cursor when it could be a reserved word (followed by a blank or an operator). */
  private peekWord(): string {
    const s = this.s;
    let j = this.i;
    while (j < this.end) {
      const c = s[j];
      if (isMeta(c) || c === '"' || c === "'" || c === '\\' || c === '`' || c === '$') break;
      j++;
      if (j - this.i > 8) return '';
    }
    if (j < this.end && !isMeta(s[j])) return '';
    return s.slice(this.i, j);
  }

  private reserved(): string {
    const w = this.peekWord();
    return RESERVED.has(w) ? w : '';
  }

  /**
   * A command list, up to one of `stops` (reserved words), the closer (`)` or a backtick), `;;` inside a case
   * branch, or the end. Returns what stopped it, without consuming it.
   */
  private list(stops: ReadonlySet<string>, closer: ')' | '`' | '', inCase = false): string {
    const s = this.s;
    this.nesting++;
    let empty = true;
    try {
      for (;;) {
        this.skipSpace();
        this.listWasEmpty = empty;
        if (this.i >= this.end) return '';
        const c = s[this.i];
        if (closer && c === closer) return closer;
        if (this.backticks > 0 && c === '`') return '`';
        if (inCase && c === ';' && (s[this.i + 1] === ';' || s[this.i + 1] === '&')) return ';;';
        const word = this.reserved();
        if (word && stops.has(word)) return word;
        if (CLOSERS.has(word) || c === ')' || c === ';' || (c === '&' && s[this.i + 1] !== '>') || c === '|') {
          // Out of place: skip it and go on, so one slip does not hide the rest of the script.
          this.fail();
          this.i += word ? word.length : 1;
          continue;
        }
        const before = this.i;
        empty = false;
        this.andOr();
        this.skipBlanks();
        const last = this.lastSimple;
        const op = s[this.i];
        if (op === ';' && s[this.i + 1] !== ';' && s[this.i + 1] !== '&') {
          if (last) Object.assign(last, { next: ';', nextAt: this.i });
          this.i++;
        } else if (op === '&' && s[this.i + 1] !== '&' && s[this.i + 1] !== '>') {
          if (last) Object.assign(last, { next: '&', nextAt: this.i });
          this.i++;
        } else if (op === '\n') {
          if (last) Object.assign(last, { next: 'newline', nextAt: this.i });
          this.newline();
        } else if (this.i === before) {
          // Nothing could be read here (an operator no command may start with): step over it.
          this.fail();
          this.i++;
        }
      }
    } finally {
      this.nesting--;
    }
  }

  /** Whether the list just read had no command (an error where the shell wants one: `if then`, `( )`). */
  private listWasEmpty = false;

  /** A list that must hold at least one command. */
  private body(stops: ReadonlySet<string>, closer: ')' | '' = ''): string {
    const stop = this.list(stops, closer);
    if (this.listWasEmpty) this.fail();
    return stop;
  }

  /** The last simple command of the and-or list just read, if it ended with one. */
  private lastSimple: ShellCommand | undefined;

  private andOr(): void {
    const s = this.s;
    let command = this.pipeline();
    for (;;) {
      this.skipBlanks();
      const two = s.slice(this.i, this.i + 2);
      if (two !== '&&' && two !== '||') break;
      if (command) Object.assign(command, { next: two, nextAt: this.i });
      this.i += 2;
      this.skipSpace();
      command = this.pipeline();
    }
    this.lastSimple = command;
  }

  private pipeline(): ShellCommand | undefined {
    const s = this.s;
    this.skipBlanks();
    if (s[this.i] === '!' && (isBlank(s[this.i + 1]) || s[this.i + 1] === '\n')) {
      this.i++;
      this.skipBlanks();
    }
    if (this.peekWord() === 'time') {
      this.i += 4;
      this.skipBlanks();
      if (this.peekWord() === '-p') this.i += 2;
    }
    let command = this.requiredCommand();
    for (;;) {
      this.skipBlanks();
      if (s[this.i] !== '|' || s[this.i + 1] === '|') break;
      if (command) Object.assign(command, { next: '|', nextAt: this.i });
      this.i += s[this.i + 1] === '&' ? 2 : 1;
      this.skipSpace();
      const right = this.requiredCommand();
      if (command && right) command.pipeTo = right;
      command = right;
    }
    return command;
  }

  /** A command where the grammar needs one (after `&&`, `|`, …): reading nothing there is a syntax error. */
  private requiredCommand(): ShellCommand | undefined {
    const start = this.i;
    const command = this.command();
    if (this.i === start) this.fail();
    return command;
  }

  /** One command: a compound one (then undefined), or a simple one. */
  private command(): ShellCommand | undefined {
    if (!this.enter()) return undefined;
    try {
      const s = this.s;
      const word = this.reserved();
      switch (word) {
        case 'if':
          this.i += 2;
          this.ifClause();
          break;
        case 'while':
        case 'until':
          this.i += word.length;
          this.expect(this.body(new Set(['do'])), 'do');
          this.expect(this.body(new Set(['done'])), 'done');
          break;
        case 'for':
        case 'select':
          this.i += word.length;
          this.forClause();
          break;
        case 'case':
          this.i += 4;
          this.caseClause();
          break;
        case '{':
          this.i += 1;
          this.expect(this.body(new Set(['}'])), '}');
          break;
        case '[[':
          this.i += 2;
          this.testClause();
          break;
        case 'function':
          this.i += 8;
          this.skipBlanks();
          this.word();
          this.skipBlanks();
          if (s[this.i] === '(') this.emptyParens();
          this.skipSpace();
          this.command();
          return undefined;
        case 'coproc':
          this.i += 6;
          this.skipBlanks();
          return this.command();
        default:
          if (s[this.i] === '(') {
            if (s[this.i + 1] === '(') {
              this.i += 2;
              this.arithmetic();
            } else {
              this.i++;
              this.expect(this.body(NO_WORDS, ')'), ')');
            }
            break;
          }
          return this.simple();
      }
      this.redirectsAfterCompound();
      return undefined;
    } finally {
      this.leave();
    }
  }

  /** Consumes the reserved word (or closer) a list stopped at, or notes that it is missing. */
  private expect(found: string, wanted: string): void {
    if (found === wanted) this.i += wanted.length;
    else this.fail();
  }

  private ifClause(): void {
    this.expect(this.body(new Set(['then'])), 'then');
    let stop = this.body(new Set(['elif', 'else', 'fi']));
    while (stop === 'elif') {
      this.i += 4;
      this.expect(this.body(new Set(['then'])), 'then');
      stop = this.body(new Set(['elif', 'else', 'fi']));
    }
    if (stop === 'else') {
      this.i += 4;
      stop = this.body(new Set(['fi']));
    }
    this.expect(stop, 'fi');
  }

  private forClause(): void {
    const s = this.s;
    this.skipBlanks();
    if (s[this.i] === '(' && s[this.i + 1] === '(') {
      this.i += 2;
      this.arithmetic();
    } else {
      this.word();
      this.skipSpace();
      if (this.peekWord() === 'in') {
        this.i += 2;
        for (;;) {
          this.skipBlanks();
          const c = s[this.i];
          if (this.i >= this.end || c === ';' || c === '\n' || c === '#' || (this.backticks > 0 && c === '`')) break;
          if (isMeta(c)) {
            this.fail();
            this.i++;
            continue;
          }
          this.word();
        }
      }
    }
    this.skipBlanks();
    if (s[this.i] === ';') this.i++;
    this.skipSpace();
    const open = this.reserved();
    if (open === '{') {
      this.i++;
      this.expect(this.body(new Set(['}'])), '}');
      return;
    }
    this.expect(open, 'do');
    this.expect(this.body(new Set(['done'])), 'done');
  }

  private caseClause(): void {
    const s = this.s;
    this.skipBlanks();
    this.word();
    this.skipSpace();
    this.expect(this.peekWord(), 'in');
    for (;;) {
      this.skipSpace();
      if (this.i >= this.end) return this.fail();
      if (this.peekWord() === 'esac') {
        this.i += 4;
        return;
      }
      if (this.backticks > 0 && s[this.i] === '`') return this.fail();
      if (s[this.i] === '(') this.i++;
      // Patterns: words separated by `|`, up to `)`.
      for (;;) {
        this.skipBlanks();
        const c = s[this.i];
        if (this.i >= this.end) return this.fail();
        if (c === ')') {
          this.i++;
          break;
        }
        if (c === '|') {
          this.i++;
          continue;
        }
        if (isMeta(c)) {
          this.fail();
          this.i++;
          continue;
        }
        this.word();
      }
      const stop = this.list(new Set(['esac']), '', true);
      if (stop === ';;') {
        this.i += 2;
        if (s[this.i] === '&') this.i++;
      } else if (stop !== 'esac') {
        return this.fail();
      }
    }
  }

  /** `[[ … ]]`: not a command, but substitutions inside it run commands. */
  private testClause(): void {
    const s = this.s;
    for (;;) {
      this.skipBlanks();
      if (this.i >= this.end) return this.fail();
      const c = s[this.i];
      if (c === '\n') {
        this.newline();
        continue;
      }
      if (this.peekWord() === ']]') {
        this.i += 2;
        return;
      }
      if (isMeta(c)) {
        this.i++;
        continue;
      }
      this.word();
    }
  }

  private emptyParens(): void {
    const s = this.s;
    this.i++;
    this.skipBlanks();
    if (s[this.i] === ')') this.i++;
    else this.fail();
  }

  private redirectsAfterCompound(): void {
    for (;;) {
      this.skipBlanks();
      if (!this.redirectAhead()) return;
      this.redirect();
    }
  }

  private simple(): ShellCommand | undefined {
    const s = this.s;
    const command: ShellCommand = { words: [], depth: Math.max(0, this.nesting - 1) };
    this.commands.push(command);
    let assigning = true;
    for (;;) {
      this.skipBlanks();
      if (this.i >= this.end) break;
      const c = s[this.i];
      if (c === '\n' || c === ';' || c === '|' || c === ')') break;
      if (this.backticks > 0 && c === '`') break;
      if (c === '&' && s[this.i + 1] !== '>') break;
      if (c === '#') {
        this.skipComment();
        break;
      }
      if (this.redirectAhead()) {
        this.redirect();
        continue;
      }
      if (c === '(') {
        if (command.words.length === 1 && /^[A-Za-z_][\w.:-]*$/.test(command.words[0]?.value ?? '')) {
          // `name() { …; }` defines a function: the name is not a command, the body's commands are.
          command.words = [];
          this.emptyParens();
          this.skipSpace();
          this.command();
          return undefined;
        }
        this.fail();
        this.i++;
        continue;
      }
      if (assigning && this.assignmentAhead()) {
        command.words.push(this.assignment());
        continue;
      }
      assigning = false;
      command.words.push(this.word());
    }
    return command.words.length ? command : undefined;
  }

  /** `NAME=`, `NAME+=` or `NAME[…]=` at the cursor. */
  private assignmentAhead(): boolean {
    const s = this.s;
    let j = this.i;
    if (!isNameStart(s[j])) return false;
    while (isNameChar(s[j])) j++;
    if (s[j] === '[') {
      // Bounded, so that many `a[` words without a `]` cannot make the scan quadratic.
      const limit = Math.min(this.end, j + 256);
      while (j < limit && s[j] !== ']') j++;
      if (s[j] !== ']') return false;
      j++;
    }
    if (s[j] === '+') j++;
    return s[j] === '=';
  }

  private assignment(): ShellWord {
    const s = this.s;
    const start = this.i;
    const eq = s.indexOf('=', this.i);
    this.i = eq + 1;
    if (s[this.i] === '(') {
      // An array: words up to the matching `)`.
      this.i++;
      for (;;) {
        this.skipSpace();
        if (this.i >= this.end) {
          this.fail();
          break;
        }
        const c = s[this.i];
        if (c === ')') {
          this.i++;
          break;
        }
        if (isMeta(c)) {
          this.fail();
          this.i++;
          continue;
        }
        this.word();
      }
      return { value: s.slice(start, this.i), start, end: this.i };
    }
    const value = this.wordFrom(this.i);
    return { value: s.slice(start, eq + 1) + value.value, start, end: this.i };
  }

  /** A redirection operator at the cursor (with an optional file-descriptor number before it). */
  private redirectAhead(): boolean {
    const s = this.s;
    let j = this.i;
    while (isDigit(s[j])) j++;
    const c = s[j];
    if (c === '<' || c === '>') return !(j === this.i && s[j + 1] === '(');
    return j === this.i && c === '&' && s[j + 1] === '>';
  }

  private redirect(): void {
    const s = this.s;
    while (isDigit(s[this.i])) this.i++;
    const ops = ['&>>', '<<<', '<<-', '&>', '<<', '<>', '<&', '>>', '>&', '>|', '<', '>'];
    const op = ops.find((o) => s.startsWith(o, this.i)) ?? s[this.i] ?? '';
    this.i += op.length;
    this.skipBlanks();
    if (op === '<<' || op === '<<-') {
      const start = this.i;
      const word = this.word();
      if (word.end === start) this.fail();
      const raw = s.slice(start, word.end);
      this.pending.push({ delimiter: word.value, stripTabs: op === '<<-', expand: !/['"\\]/.test(raw) });
      return;
    }
    const c = s[this.i];
    if (this.i >= this.end || (isMeta(c) && !((c === '<' || c === '>') && s[this.i + 1] === '('))) {
      this.fail();
      return;
    }
    this.word();
  }

  // --- words --------------------------------------------------------------------------------------------------

  private word(): ShellWord {
    return this.wordFrom(this.i);
  }

  /** Reads a word from the cursor; `start` is where the word began (before an assignment's name). */
  private wordFrom(start: number): ShellWord {
    const s = this.s;
    let value = '';
    let from = this.i;
    const flush = (to: number) => {
      if (to > from) value += s.slice(from, to);
    };
    while (this.i < this.end) {
      const c = s[this.i];
      if (c === '\\') {
        flush(this.i);
        if (s[this.i + 1] !== '\n' && this.i + 1 < this.end) value += s[this.i + 1];
        this.i += 2;
        from = this.i;
        continue;
      }
      if (c === '`') {
        if (this.backticks > 0) break;
        this.backtick();
        continue;
      }
      if (isMeta(c)) {
        if ((c === '<' || c === '>') && s[this.i + 1] === '(' && this.i === start) {
          this.i += 2;
          this.nested();
          continue;
        }
        break;
      }
      if (c === "'") {
        flush(this.i);
        const close = s.indexOf("'", this.i + 1);
        const stop = close < 0 || close >= this.end ? this.end : close;
        if (stop === this.end) this.fail();
        value += s.slice(this.i + 1, stop);
        this.i = stop + 1;
        from = this.i;
        continue;
      }
      if (c === '"') {
        flush(this.i);
        value += this.doubleQuoted();
        from = this.i;
        continue;
      }
      if (c === '$') {
        this.dollar();
        continue;
      }
      this.i++;
    }
    if (this.i > this.end) this.i = this.end;
    flush(this.i);
    return { value, start, end: this.i };
  }

  /** `"…"` from its opening quote; returns the text inside with escapes removed. */
  private doubleQuoted(): string {
    const s = this.s;
    if (!this.enter()) return '';
    this.i++;
    let value = '';
    let from = this.i;
    while (this.i < this.end) {
      const c = s[this.i];
      if (c === '"') {
        value += s.slice(from, this.i);
        this.i++;
        this.leave();
        return value;
      }
      if (c === '\\') {
        const n = s[this.i + 1];
        if (n === '$' || n === '`' || n === '"' || n === '\\' || n === '\n') {
          value += s.slice(from, this.i) + (n === '\n' ? '' : n);
          this.i += 2;
          from = this.i;
        } else {
          this.i += 2;
        }
        continue;
      }
      if (c === '`') {
        if (this.backticks > 0) break;
        this.backtick();
        continue;
      }
      if (c === '$') {
        this.dollar();
        continue;
      }
      this.i++;
    }
    if (this.i > this.end) this.i = this.end;
    value += s.slice(from, this.i);
    this.fail();
    this.leave();
    return value;
  }

  /** An expansion from its `$`. */
  private dollar(): void {
    const s = this.s;
    const n = s[this.i + 1];
    if (n === '(' && s[this.i + 2] === '(') {
      this.i += 3;
      this.arithmetic();
    } else if (n === '(') {
      this.i += 2;
      this.nested();
    } else if (n === '{') {
      this.i += 2;
      this.braced();
    } else if (n === "'") {
      this.i += 2;
      while (this.i < this.end && s[this.i] !== "'") this.i += s[this.i] === '\\' ? 2 : 1;
      if (this.i >= this.end) this.fail();
      this.i = Math.min(this.i + 1, this.end);
    } else if (n === '"') {
      this.i++;
      this.doubleQuoted();
    } else if (n === '[') {
      const close = s.indexOf(']', this.i);
      this.i = close < 0 || close >= this.end ? this.end : close + 1;
    } else {
      this.i++;
    }
  }

  /** `$( … )`, `<( … )` or `>( … )` after the opening parenthesis. */
  private nested(): void {
    if (!this.enter()) return;
    const outer = this.backticks;
    // Inside `$( … )` a backtick opens a substitution of its own again.
    this.backticks = 0;
    this.expect(this.list(NO_WORDS, ')'), ')');
    this.backticks = outer;
    this.leave();
  }

  private backtick(): void {
    if (!this.enter()) return;
    this.i++;
    this.backticks++;
    const stop = this.list(NO_WORDS, '`');
    this.backticks--;
    this.expect(stop, '`');
    this.leave();
  }

  /** `${ … }` after `${`. */
  private braced(): void {
    const s = this.s;
    if (!this.enter()) return;
    while (this.i < this.end) {
      const c = s[this.i];
      if (c === '}') {
        this.i++;
        this.leave();
        return;
      }
      if (c === '\\') this.i += 2;
      else if (c === "'") {
        const close = s.indexOf("'", this.i + 1);
        this.i = close < 0 || close >= this.end ? this.end : close + 1;
      } else if (c === '"') this.doubleQuoted();
      else if (c === '$') this.dollar();
      else if (c === '`') {
        if (this.backticks > 0) break;
        this.backtick();
      } else this.i++;
    }
    if (this.i > this.end) this.i = this.end;
    this.fail();
    this.leave();
  }

  /** Arithmetic after `((` or `$((`, up to the matching `))`. */
  private arithmetic(): void {
    const s = this.s;
    if (!this.enter()) return;
    let open = 0;
    while (this.i < this.end) {
      const c = s[this.i];
      if (c === ')' && open === 0 && s[this.i + 1] === ')') {
        this.i += 2;
        this.leave();
        return;
      }
      if (c === '(') open++;
      else if (c === ')') open--;
      if (c === '\\') this.i += 2;
      else if (c === '"') this.doubleQuoted();
      else if (c === "'") {
        const close = s.indexOf("'", this.i + 1);
        this.i = close < 0 || close >= this.end ? this.end : close + 1;
      } else if (c === '$') this.dollar();
      else if (c === '`') {
        if (this.backticks > 0) break;
        this.backtick();
      } else this.i++;
    }
    if (this.i > this.end) this.i = this.end;
    this.fail();
    this.leave();
  }
}

/** Every simple command of a shell script, in the order they start, with offsets into `script`. */
export function parseShellScript(script: string): ParsedScript {
  const parser = new ShellParser(script);
  parser.parse();
  return { commands: parser.commands.filter((c) => c.words.length > 0), complete: parser.complete };
}
