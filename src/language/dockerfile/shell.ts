/**
 * Just enough of a POSIX shell lexer to find the commands in a `RUN` line: words (with quotes removed) and the
 * operators between them, each with its offsets in the Dockerfile text. It follows Dockerfile line continuations
 * (the escape character before a newline) and skips comment lines inside them, as Docker does.
 */
export interface ShellWord {
  value: string;
  start: number;
  end: number;
}

export type ShellOperator = '&&' | '||' | '|' | ';' | '&' | 'newline';

/** One simple command: its words, and the operator that joins it to the next one (if any). */
export interface ShellCommand {
  words: ShellWord[];
  next?: ShellOperator;
  /** Offset of the operator in `next`. */
  nextAt?: number;
}

const isSpace = (c: string) => c === ' ' || c === '\t';

/**
 * Lexes `text.slice(start, end)`. `escape` is the Dockerfile's escape character (`\` or a backtick), which joins
 * lines; inside the joined command the shell's own backslash escapes apply.
 */
export function lexShell(text: string, start: number, end: number, escape = '\\', heredoc = false): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let words: ShellWord[] = [];
  let word = '';
  let wordStart = -1;
  let i = start;

  const flushWord = (at: number) => {
    if (wordStart >= 0) {
      words.push({ value: word, start: wordStart, end: at });
      word = '';
      wordStart = -1;
    }
  };
  const endCommand = (op: ShellOperator | undefined, at: number) => {
    flushWord(at);
    if (words.length) commands.push(op ? { words, next: op, nextAt: at } : { words });
    else if (op && commands.length && !commands[commands.length - 1].next)
      Object.assign(commands[commands.length - 1], { next: op, nextAt: at });
    words = [];
  };
  /** At a line continuation (escape char, optional blanks, newline): skip it and any comment lines after it. */
  const continuationEnd = (at: number): number => {
    if (heredoc || text[at] !== escape) return -1;
    let j = at + 1;
    while (j < end && isSpace(text[j])) j++;
    if (text[j] === '\r') j++;
    if (j < end && text[j] !== '\n') return -1;
    j++;
    // Comment lines and empty lines inside a continuation are skipped, as Docker does.
    for (;;) {
      let k = j;
      while (k < end && isSpace(text[k])) k++;
      if (k < end && text[k] === '#') {
        while (k < end && text[k] !== '\n') k++;
        j = k + 1;
      } else if (k < end && text[k] === '\n') {
        j = k + 1;
      } else if (k + 1 < end && text[k] === '\r' && text[k + 1] === '\n') {
        j = k + 2;
      } else {
        return j;
      }
      if (j >= end) return end;
    }
  };

  while (i < end) {
    const c = text[i];
    const cont = continuationEnd(i);
    if (cont >= 0) {
      i = cont;
      continue;
    }
    if (c === '\n' || c === '\r') {
      endCommand('newline', i);
      i++;
      continue;
    }
    if (isSpace(c)) {
      flushWord(i);
      i++;
      continue;
    }
    if (c === '#' && wordStart < 0) {
      while (i < end && text[i] !== '\n') i++;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      endCommand(two, i);
      i += 2;
      continue;
    }
    if (c === '|' || c === ';' || c === '&') {
      endCommand(c as ShellOperator, i);
      i++;
      continue;
    }
    if (wordStart < 0) wordStart = i;
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      const stop = close < 0 || close >= end ? end : close;
      word += text.slice(i + 1, stop);
      i = stop + 1;
      continue;
    }
    if (c === '"') {
      i++;
      while (i < end && text[i] !== '"') {
        const innerCont = continuationEnd(i);
        if (innerCont >= 0) {
          i = innerCont;
          continue;
        }
        if (text[i] === '\\' && i + 1 < end) {
          word += text[i + 1];
          i += 2;
          continue;
        }
        word += text[i];
        i++;
      }
      i++;
      continue;
    }
    if (c === '\\' && escape !== '\\' && i + 1 < end) {
      word += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '\\' && i + 1 < end && text[i + 1] !== '\n' && text[i + 1] !== '\r') {
      word += text[i + 1];
      i += 2;
      continue;
    }
    word += c;
    i++;
  }
  endCommand(undefined, Math.min(i, end));
  return commands;
}

const programIndexCache = new WeakMap<ShellWord[], number>();

/** The command's program, skipping `sudo`, `env VAR=x`, leading `VAR=x` assignments and `exec`. */
export function programIndex(words: ShellWord[]): number {
  let cached = programIndexCache.get(words);
  if (cached === undefined) {
    cached = findProgramIndex(words);
    programIndexCache.set(words, cached);
  }
  return cached;
}

function findProgramIndex(words: ShellWord[]): number {
  let i = 0;
  while (i < words.length) {
    const w = words[i].value;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w) || w === 'sudo' || w === 'env' || w === 'exec' || w === 'command') {
      i++;
      if (w === 'sudo') while (i < words.length && words[i].value.startsWith('-')) i++;
      continue;
    }
    break;
  }
  return i;
}

/** The program's base name (`/usr/bin/apt-get` → `apt-get`). */
export function programName(words: ShellWord[]): string | undefined {
  const w = words[programIndex(words)];
  return w ? w.value.slice(w.value.lastIndexOf('/') + 1) : undefined;
}

/** The first argument that is not an option (the subcommand of `apt-get install`, `npm ci`, …). */
export function subcommand(words: ShellWord[]): ShellWord | undefined {
  const p = programIndex(words);
  for (let i = p + 1; i < words.length; i++) if (!words[i].value.startsWith('-')) return words[i];
  return undefined;
}

export function hasOption(words: ShellWord[], ...options: string[]): boolean {
  return words.some((w) => options.some((o) => w.value === o || (o.startsWith('--') && w.value.startsWith(o + '='))));
}

/** True when a short-option cluster contains the letter (`-qy` has `y`). */
export function hasShortFlag(words: ShellWord[], letter: string): boolean {
  return words.some((w) => /^-[A-Za-z]+$/.test(w.value) && w.value.includes(letter));
}
