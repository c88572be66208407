/**
 * What the last log lines (and the engine's start error) say, read with small bounded patterns: a command the shell
 * could not find, a variable a program asks for, a file that is missing, an `exec format error`. Every pattern is
 * anchored or bounded and runs on lines already cut to a readable length (gather.ts), so no input makes it slow.
 */

/**
 * A program that the shell (or a script) could not find: `sh: nodee: not found`,
 * `./run.sh: line 4: migrate: not found`.
 */
export interface NotFound {
  program: string;
  /** The script and its line, when the message came from a script (`/entrypoint.sh: line 4: …`). */
  script?: { path: string; line: number };
}

const SHELL_NOT_FOUND = [
  // busybox ash: "sh: nodee: not found"; a script: "/entrypoint.sh: line 4: migrate: not found"
  // busybox, when `exec "$@"` in an entrypoint script runs it: "/entrypoint.sh: exec: line 3: nodee: not found"
  new RegExp(
    String.raw`^(?<where>[^:\n]{1,200}?)(?::\s*(?:exec|eval|command))?(?::\s*line\s+(?<line>\d{1,7}))?` +
      String.raw`:\s*(?<program>[^:\s][^:\n]{0,200}?):\s*(?:command\s+)?not found\s*$`,
    'i',
  ),
  // dash: "sh: 1: nodee: not found"; "/start.sh: 3: migrate: not found"
  /^(?<where>[^:\n]{1,200}?):\s*(?<line>\d{1,7}):\s*(?<program>[^:\s][^:\n]{0,200}?):\s*not found\s*$/i,
];

const SHELLS = /^(?:\/(?:usr\/)?bin\/)?(?:sh|bash|ash|dash|zsh|ksh)$/;

export function shellNotFound(lines: readonly string[]): NotFound | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    for (const pattern of SHELL_NOT_FOUND) {
      const m = pattern.exec(line);
      if (!m?.groups) continue;
      const where = m.groups.where!.trim();
      const program = m.groups.program!.trim();
      const lineNo = m.groups.line ? Number(m.groups.line) : undefined;
      // "sh: 1: x" from dash and "sh: x" from busybox name no script; "/start.sh: line 3" does.
      const script = !SHELLS.test(where) && lineNo !== undefined ? { path: where, line: lineNo } : undefined;
      return { program, ...(script ? { script } : {}) };
    }
  }
  return undefined;
}

/** `env: 'node': No such file or directory`: a `#!/usr/bin/env node` script whose interpreter is missing. */
export function envNotFound(lines: readonly string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /^(?:\/usr\/bin\/)?env:\s*[‘'"]?([^'"’\s:]{1,200})[’'"]?:\s*No such file or directory\s*$/i.exec(
      lines[i]!.trim(),
    );
    if (m) return m[1];
  }
  return undefined;
}

/** The engine's error when it could not start the container's program (`State.Error`), taken apart. */
export type StartError =
  | { kind: 'not-in-path'; program: string }
  | { kind: 'no-such-file'; program: string }
  | { kind: 'permission'; program: string }
  | { kind: 'exec-format'; program?: string }
  | { kind: 'other'; message: string };

export function startError(error: string | undefined): StartError | undefined {
  if (!error) return undefined;
  const text = error.slice(0, 4000);
  let m = /exec: "([^"]{1,500})": executable file not found in \$PATH/.exec(text);
  if (m) return { kind: 'not-in-path', program: m[1]! };
  m = /exec: "([^"]{1,500})": stat [^:]{0,500}: no such file or directory/.exec(text);
  if (m) return { kind: 'no-such-file', program: m[1]! };
  m = /exec: "([^"]{1,500})": permission denied/.exec(text);
  if (m) return { kind: 'permission', program: m[1]! };
  m = /exec: "([^"]{1,500})": is a directory/.exec(text);
  if (m) return { kind: 'permission', program: m[1]! };
  if (/exec format error/.test(text)) return { kind: 'exec-format' };
  return { kind: 'other', message: text };
}

/**
 * What runc prints (as the container's only output, exit code 1) when the kernel refuses the program:
 * `exec /app: exec format error`, `exec ./run.sh: no such file or directory` (the file exists but its `#!`
 * interpreter does not), `exec /app: permission denied`.
 */
export function execFailure(
  lines: readonly string[],
): { program: string; reason: 'exec-format' | 'no-interpreter' | 'permission' } | undefined {
  const failure = new RegExp(
    String.raw`^(?:standard_init_linux\.go:\d+: )?exec(?: user process caused:)? ?(\S{1,500})?: ` +
      String.raw`(exec format error|no such file or directory|permission denied)\s*$`,
  );
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - 5); i--) {
    const m = failure.exec(lines[i]!.trim());
    if (!m) continue;
    const reason =
      m[2] === 'exec format error' ? 'exec-format' : m[2] === 'permission denied' ? 'permission' : 'no-interpreter';
    return { program: m[1] ?? '', reason };
  }
  return undefined;
}

/** A shell script's own missing file: `sh: can't open 'start.sh': No such file or directory`. */
export function missingFile(lines: readonly string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    const m =
      /can't open ['"]?([^'"\n]{1,300}?)['"]?: No such file or directory/i.exec(line) ??
      /^(?:python\d?(?:\.\d+)?|node|ruby|perl|php): can't open file ['"]?([^'"\n]{1,300}?)['"]?/i.exec(line) ??
      /Cannot find module ['"]([^'"\n]{1,300})['"]/.exec(line);
    const name = m?.[1] ?? quotedAfterNoSuchFile(line);
    if (name) return name;
  }
  return undefined;
}

/** Python's `… No such file or directory: 'config.yml'`: the quoted name soon after those words. */
function quotedAfterNoSuchFile(line: string): string | undefined {
  const words = 'No such file or directory';
  const at = line.indexOf(words);
  if (at < 0) return undefined;
  const rest = line.slice(at + words.length, at + words.length + 340);
  const open = rest.slice(0, 41).search(/['"]/);
  if (open < 0) return undefined;
  const close = rest.indexOf(rest[open]!, open + 1);
  return close > open + 1 ? rest.slice(open + 1, close) : undefined;
}

/** What a program says after a variable's name when it is missing. */
const AFTER_NAME = [
  'parameter not set',
  'parameter null or not set',
  'is not set',
  'is required',
  'is missing',
  'is unset',
  'is empty',
  'is undefined',
  'is not defined',
  'was not set',
  'was not provided',
  'must be set',
  'must be provided',
  'must be defined',
  'not set',
  'not defined',
  'required',
  'missing',
  'undefined',
];
/** What a program says before a variable's name when it is missing (compared with the words that end there). */
const BEFORE_NAME = [
  'environment variable',
  'environment variables',
  'env var',
  'env variable',
  'missing variable',
  'missing',
  'required variable',
  'undefined variable',
  'unset variable',
  'please set',
  'please set the',
];
/** Words in capitals that are not variable names. */
const NOT_VARIABLES = new Set([
  'ERROR',
  'FATAL',
  'WARN',
  'WARNING',
  'INFO',
  'DEBUG',
  'PATH_INFO',
  'HTTP',
  'TODO',
  'NOTE',
]);
const QUOTES_AND_SEPARATORS = new Set(["'", '"', '`', ':', '=', ' ', '\t']);
const isWordChar = (c: string | undefined) => !!c && /[A-Za-z0-9_]/.test(c);

function trimSeparators(text: string, fromEnd: boolean): string {
  let start = 0;
  let end = text.length;
  if (fromEnd) while (end > 0 && QUOTES_AND_SEPARATORS.has(text[end - 1]!)) end--;
  else while (start < end && QUOTES_AND_SEPARATORS.has(text[start]!)) start++;
  return text.slice(start, end);
}

/**
 * The variable a program says is missing: `sh: DATABASE_URL: parameter not set` (from `${DATABASE_URL:?}`),
 * `environment variable API_KEY is not set`, `missing env var: TOKEN`, `KeyError: 'REDIS_HOST'`. Names are the
 * usual SHOUTING_CASE of environment variables; a lowercase word is not taken for one. Plain string comparisons
 * around each capitalised word, so that no line makes it slow.
 */
export function missingVariable(lines: readonly string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    const keyError = /^KeyError: ['"]([A-Z][A-Z0-9_]{1,100})['"]$/.exec(line);
    if (keyError) return keyError[1];
    for (const m of line.matchAll(/[A-Z][A-Z0-9_]{1,100}/g)) {
      const name = m[0];
      const at = m.index;
      if (isWordChar(line[at - 1]) || isWordChar(line[at + name.length]) || NOT_VARIABLES.has(name)) continue;
      let after = trimSeparators(line.slice(at + name.length, at + name.length + 80).toLowerCase(), false);
      for (const filler of ['env var ', 'environment variable '])
        if (after.startsWith(filler)) after = after.slice(filler.length);
      const before = trimSeparators(line.slice(Math.max(0, at - 40), at).toLowerCase(), true);
      const said = (phrase: string, text: string, atEnd: boolean) =>
        atEnd
          ? text.endsWith(phrase) && !isWordChar(text[text.length - phrase.length - 1])
          : text.startsWith(phrase) && !isWordChar(text[phrase.length]);
      if (AFTER_NAME.some((p) => said(p, after, false)) || BEFORE_NAME.some((p) => said(p, before, true))) return name;
    }
  }
  return undefined;
}
