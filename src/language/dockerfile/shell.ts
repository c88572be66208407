/**
 * The commands of a `RUN`, as the shell will see them. Docker first joins the instruction's lines (the escape
 * character before a line break continues the line; comment lines and empty lines inside are dropped), then hands
 * the result to `/bin/sh -c`. `runScript` does the same joining and remembers where each character came from;
 * `shellSyntax.ts` finds every simple command in the joined script; the words are mapped back to offsets in the
 * Dockerfile text.
 */
import { parseShellScript, type ShellCommand, type ShellWord } from './shellSyntax';

export type { ShellCommand, ShellOperator, ShellWord } from './shellSyntax';

/** A script built from pieces of the Dockerfile text. */
export interface ShellScript {
  script: string;
  /** Where each piece starts: [offset in the script, offset in the text], ascending. */
  pieces: [number, number][];
}

/** The Dockerfile offset of a script offset. */
export function textOffset(s: ShellScript, offset: number): number {
  const pieces = s.pieces;
  let lo = 0;
  let hi = pieces.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (pieces[mid]![0] <= offset) lo = mid;
    else hi = mid - 1;
  }
  const piece = pieces[lo];
  return piece ? piece[1] + (offset - piece[0]) : offset;
}

/** The Dockerfile offset just after a script range ending at `end` (the end may fall where a piece was cut). */
function textEnd(s: ShellScript, end: number): number {
  return end > 0 ? textOffset(s, end - 1) + 1 : textOffset(s, end);
}

const isBlank = (c: string | undefined) => c === ' ' || c === '\t';

/**
 * Joins `text.slice(start, end)` as Docker does for one instruction: a line that ends with the escape character
 * (blanks may follow it) continues on the next line, and the comment lines and blank lines in between are
 * dropped. With `joinFirstLineOnly`, only the first logical line is joined; the lines after it (here-document
 * bodies) are kept as they are. A carriage return before a line break is dropped, as Docker reads lines.
 */
export function runScript(
  text: string,
  start: number,
  end: number,
  escape = '\\',
  joinFirstLineOnly = false,
): ShellScript {
  const parts: string[] = [];
  const pieces: [number, number][] = [];
  let length = 0;
  const take = (from: number, to: number) => {
    if (to <= from) return;
    pieces.push([length, from]);
    parts.push(text.slice(from, to));
    length += to - from;
  };
  let joining = true;
  let i = start;
  while (i < end) {
    let eol = text.indexOf('\n', i);
    if (eol < 0 || eol > end) eol = end;
    const contentEnd = eol > i && text[eol - 1] === '\r' ? eol - 1 : eol;
    let k = contentEnd;
    while (k > i && isBlank(text[k - 1])) k--;
    if (joining && escape && k > i && text[k - 1] === escape) {
      take(i, k - 1);
      i = eol + 1;
      // Comment lines and blank lines inside a continued instruction are not part of it.
      while (i < end) {
        let j = i;
        while (j < end && isBlank(text[j])) j++;
        let next = text.indexOf('\n', j);
        if (next < 0 || next > end) next = end;
        const rest = text.slice(j, next).replace(/\r$/, '');
        if (rest !== '' && !rest.startsWith('#')) break;
        i = next + 1;
      }
      continue;
    }
    take(i, contentEnd);
    if (eol < end) take(eol, eol + 1);
    if (joinFirstLineOnly) joining = false;
    i = eol + 1;
  }
  return { script: parts.join(''), pieces };
}

/** The commands of a script, with offsets in the Dockerfile text. */
export function commandsOf(s: ShellScript): { commands: ShellCommand[]; complete: boolean } {
  const parsed = parseShellScript(s.script);
  const only = s.pieces.length === 1 ? s.pieces[0] : undefined;
  if (only) {
    // One piece (no continuation lines): every offset moves by the same amount.
    const shift = only[1] - only[0];
    for (const c of parsed.commands) {
      for (const w of c.words) {
        w.start += shift;
        w.end += shift;
      }
      if (c.nextAt !== undefined) c.nextAt += shift;
    }
    return parsed;
  }
  for (const c of parsed.commands) {
    for (const w of c.words) {
      const start = textOffset(s, w.start);
      w.end = textEnd(s, w.end);
      w.start = start;
    }
    if (c.nextAt !== undefined) c.nextAt = textOffset(s, c.nextAt);
  }
  return parsed;
}

/**
 * The commands of `text.slice(start, end)`, a shell command line in a Dockerfile whose escape character is
 * `escape` (it joins lines; inside the joined command the shell's own backslash escapes apply).
 */
export function lexShell(text: string, start: number, end: number, escape = '\\'): ShellCommand[] {
  return commandsOf(runScript(text, start, end, escape)).commands;
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
  for (let word = words[i]; word; word = words[i]) {
    const w = word.value;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w) || w === 'sudo' || w === 'env' || w === 'exec' || w === 'command') {
      i++;
      if (w === 'sudo') while (words[i]?.value.startsWith('-')) i++;
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
  return words.slice(p + 1).find((w) => !w.value.startsWith('-'));
}

export function hasOption(words: ShellWord[], ...options: string[]): boolean {
  // Plain loops: this runs for every command of every RUN, several times, often before the JIT has warmed up.
  for (const w of words) {
    const v = w.value;
    if (v[0] !== '-') continue;
    for (const o of options) {
      if (v === o || (o[1] === '-' && v.length > o.length && v[o.length] === '=' && v.startsWith(o))) return true;
    }
  }
  return false;
}

/** True when a short-option cluster contains the letter (`-qy` has `y`). */
export function hasShortFlag(words: ShellWord[], letter: string): boolean {
  return words.some((w) => /^-[A-Za-z]+$/.test(w.value) && w.value.includes(letter));
}
