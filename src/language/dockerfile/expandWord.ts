/**
 * Variable expansion in Dockerfile words (FROM, COPY, ENV, WORKDIR, …), the way BuildKit's word lexer does it:
 * `$NAME`, `${NAME}` and the `${NAME:-word}` family, quotes removed, `'…'` not expanded, the escape character
 * escaping the next character. It records every name it looked up and whether it was set, which is what BuildKit's
 * UndefinedVar and UndefinedArgInFrom checks report.
 */

export interface Expansion {
  /** The word after expansion; undefined when BuildKit would fail (`${X:?message}` with X unset). */
  value: string | undefined;
  /** Names that were looked up and were set. */
  matched: string[];
  /** Names that were looked up and were not set (modifiers such as `:-` included). */
  unmatched: string[];
}

/** A name's value, or undefined when it is not set. */
export type Lookup = (name: string) => string | undefined;

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

class WordExpander {
  i = 0;
  failed = false;
  readonly matched: string[] = [];
  readonly unmatched: string[] = [];

  constructor(
    private readonly s: string,
    private readonly lookup: Lookup,
    private readonly escape: string,
  ) {}

  private get(name: string): string | undefined {
    const v = this.lookup(name);
    (v === undefined ? this.unmatched : this.matched).push(name);
    return v;
  }

  /** Reads up to the end, or to `stop` (unquoted) when given; returns the expanded text. */
  word(stop = ''): string {
    const s = this.s;
    let out = '';
    while (this.i < s.length) {
      const c = s[this.i];
      if (stop && c === stop) return out;
      if (c === this.escape) {
        out += s[this.i + 1] ?? '';
        this.i += 2;
      } else if (c === "'") {
        const close = s.indexOf("'", this.i + 1);
        const end = close < 0 ? s.length : close;
        out += s.slice(this.i + 1, end);
        this.i = end + 1;
      } else if (c === '"') {
        this.i++;
        out += this.doubleQuoted();
      } else if (c === '$') {
        out += this.dollar();
      } else {
        out += c;
        this.i++;
      }
    }
    return out;
  }

  private doubleQuoted(): string {
    const s = this.s;
    let out = '';
    while (this.i < s.length && s[this.i] !== '"') {
      const c = s[this.i];
      if (c === this.escape && (s[this.i + 1] === '"' || s[this.i + 1] === '$' || s[this.i + 1] === this.escape)) {
        out += s[this.i + 1];
        this.i += 2;
      } else if (c === '$') {
        out += this.dollar();
      } else {
        out += c;
        this.i++;
      }
    }
    this.i++;
    return out;
  }

  private name(): string {
    const s = this.s;
    const start = this.i;
    if (NAME_START.test(s[this.i] ?? '')) while (this.i < s.length && NAME_CHAR.test(s[this.i] ?? '')) this.i++;
    else if (/[0-9@*#?$!-]/.test(s[this.i] ?? '')) this.i++;
    return s.slice(start, this.i);
  }

  private dollar(): string {
    const s = this.s;
    this.i++;
    if (s[this.i] !== '{') {
      const name = this.name();
      return name ? (this.get(name) ?? '') : '$';
    }
    this.i++;
    const name = this.name();
    if (!name) {
      this.failed = true;
      this.word('}');
      this.i++;
      return '';
    }
    const value = this.get(name);
    const rest = s.slice(this.i, this.i + 2);
    let op = '';
    for (const candidate of [':-', ':+', ':?', '##', '%%', '//', '-', '+', '?', '#', '%', '/']) {
      if (rest.startsWith(candidate)) {
        op = candidate;
        break;
      }
    }
    if (s[this.i] === '}') {
      this.i++;
      return value ?? '';
    }
    if (!op) {
      this.failed = true;
      this.word('}');
      this.i++;
      return '';
    }
    this.i += op.length;
    const word = this.word('}');
    this.i++;
    switch (op) {
      case ':-':
        return value ? value : word;
      case '-':
        return value ?? word;
      case ':+':
        return value ? word : '';
      case '+':
        return value !== undefined ? word : '';
      case ':?':
      case '?':
        if (value === undefined || (op === ':?' && value === '')) this.failed = true;
        return value ?? '';
      default:
        // Pattern removal and replacement: the value is what matters for the checks, not the exact result.
        return value ?? '';
    }
  }
}

export function expandWord(word: string, lookup: Lookup, escape = '\\'): Expansion {
  const e = new WordExpander(word, lookup, escape);
  const value = e.word();
  return { value: e.failed ? undefined : value, matched: e.matched, unmatched: e.unmatched };
}
