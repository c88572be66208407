/**
 * BuildKit's `# check=` settings, read as BuildKit reads them:
 * - the parser directive at the top of the file (`# check=skip=JSONArgsRecommended;error=true`), whose value is
 *   cut at its first blank and then split into at most three `;`-separated options;
 * - a `# check=…` comment among the comments right above one instruction (newer BuildKit), which only adds skips
 *   and opt-ins for that instruction and is ignored when it cannot be read.
 */

/** The names of BuildKit's build checks, with whether each is experimental (off unless opted in). */
export const BUILDKIT_CHECKS: Readonly<Record<string, { experimental: boolean }>> = {
  StageNameCasing: { experimental: false },
  FromAsCasing: { experimental: false },
  NoEmptyContinuation: { experimental: false },
  ConsistentInstructionCasing: { experimental: false },
  DuplicateStageName: { experimental: false },
  ReservedStageName: { experimental: false },
  JSONArgsRecommended: { experimental: false },
  MaintainerDeprecated: { experimental: false },
  UndefinedArgInFrom: { experimental: false },
  WorkdirRelativePath: { experimental: false },
  UndefinedVar: { experimental: false },
  MultipleInstructionsDisallowed: { experimental: false },
  LegacyKeyValueFormat: { experimental: false },
  RedundantTargetPlatform: { experimental: false },
  SecretsUsedInArgOrEnv: { experimental: false },
  InvalidDefaultArgInFrom: { experimental: false },
  FromPlatformFlagConstDisallowed: { experimental: false },
  CopyIgnoredFile: { experimental: false },
  InvalidBaseImagePlatform: { experimental: false },
  ExposeProtoCasing: { experimental: false },
  ExposeInvalidFormat: { experimental: false },
  InvalidDefinitionDescription: { experimental: true },
};

export function isBuildkitCheck(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(BUILDKIT_CHECKS, name);
}

export interface CheckOptions {
  skipAll: boolean;
  skip: Set<string>;
  experimentalAll: boolean;
  experimental: Set<string>;
  error: boolean;
}

export function noCheckOptions(): CheckOptions {
  return { skipAll: false, skip: new Set(), experimentalAll: false, experimental: new Set(), error: false };
}

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** A `skip=` or `experimental=` list: `all`, or names split at commas (empty ones are harmless). */
function nameList(value: string): { all: boolean; names: string[] } {
  const v = value.trim();
  if (v === 'all') return { all: true, names: [] };
  return {
    all: false,
    names: v
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean),
  };
}

/** Parses the options of a check directive; a problem BuildKit fails the build on comes back as `error`. */
export function parseCheckOptions(text: string): { options: CheckOptions } | { error: string } {
  const options = noCheckOptions();
  const trimmed = text.trim();
  if (trimmed === '') return { options };
  // At most three parts: a third part keeps any further `;` in its value, as BuildKit splits.
  const parts: string[] = [];
  let rest = trimmed;
  while (parts.length < 2) {
    const at = rest.indexOf(';');
    if (at < 0) break;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  parts.push(rest);
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq < 0) {
      return {
        error:
          part.trim() === ''
            ? 'an option is empty (a ";" with nothing after it, or text after a space that BuildKit cuts off)'
            : `"${part}" is not an option: write skip=…, error=… or experimental=…`,
      };
    }
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1);
    // As in BuildKit, `all` sets a flag that a later list does not clear, and a later list replaces an earlier one.
    if (key === 'skip') {
      const list = nameList(value);
      if (list.all) options.skipAll = true;
      else options.skip = new Set(list.names);
    } else if (key === 'experimental') {
      const list = nameList(value);
      if (list.all) options.experimentalAll = true;
      else options.experimental = new Set(list.names);
    } else if (key === 'error') {
      const v = value.trim();
      if (TRUE.has(v)) options.error = true;
      else if (FALSE.has(v)) options.error = false;
      else return { error: `error=${v} is not true or false` };
    } else {
      return { error: `"${key}" is not an option: write skip=…, error=… or experimental=…` };
    }
  }
  return { options };
}

/** `key=value` in a comment's text (after the `#`), as BuildKit's directive parser reads it. */
export function directiveIn(comment: string): { key: string; value: string } | undefined {
  const body = comment.trimStart();
  // By hand rather than one expression: a lazy value followed by optional trailing blanks backtracks
  // quadratically on a long run of blanks.
  const key = /^[a-zA-Z][a-zA-Z0-9]*/.exec(body)?.[0];
  if (key === undefined) return undefined;
  let at = key.length;
  while (isGoSpace(body.charCodeAt(at))) at++;
  if (body[at] !== '=') return undefined;
  const afterEquals = ++at;
  while (isGoSpace(body.charCodeAt(at))) at++;
  let end = body.length;
  while (end > at && isGoSpace(body.charCodeAt(end - 1))) end--;
  if (end > at) return { key: key.toLowerCase(), value: body.slice(at, end) };
  // Only blanks after "=": Go's lazy `(.+?)` still takes one of them.
  return at > afterEquals ? { key: key.toLowerCase(), value: body.slice(at - 1, at) } : undefined;
}

/** `\s` in Go's regular expressions: tab, newline, form feed, carriage return and space. */
function isGoSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d;
}

const PARSER_DIRECTIVES = new Set(['syntax', 'escape', 'check']);

export interface FileCheckDirective {
  /** The settings for the whole file (none when there is no directive or it cannot be read). */
  options: CheckOptions;
  /** 0-based line of the directive BuildKit uses, if any. */
  line?: number;
  /** Why BuildKit fails the build on the directive block, with the line to show it on. */
  problems: { line: number; message: string }[];
  /** Rule names in skip= or experimental= that are not BuildKit checks. */
  unknown: { line: number; name: string }[];
  /** Lines of the directive block (never an instruction's comments). */
  directiveLines: Set<number>;
}

/**
 * The file's `# check=` parser directive. Directives are the `# key=value` comments at the very top; the block
 * ends at the first line that is anything else (an empty line, an ordinary comment, an unknown key, an
 * instruction). BuildKit reads the configuration from the raw lines (skipping a `#!` first line) and fails the
 * build on a second `check` directive when it parses the file; both readers are followed here.
 */
export function fileCheckDirective(text: string): FileCheckDirective {
  const result: FileCheckDirective = {
    options: noCheckOptions(),
    problems: [],
    unknown: [],
    directiveLines: new Set(),
  };
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  const shebang = lines[0]?.startsWith('#!') ?? false;
  // What the parser treats as directives (left-trimmed lines, no shebang skipped): these never count as an
  // instruction's comments, and a second `check` among them fails the build.
  const seenByParser = new Set<string>();
  for (let n = 0; n < lines.length; n++) {
    const line = (lines[n] ?? '').replace(/\r$/, '').trimStart();
    if (!line.startsWith('#')) break;
    const d = directiveIn(line.slice(1));
    if (!d || !PARSER_DIRECTIVES.has(d.key)) break;
    result.directiveLines.add(n);
    if (seenByParser.has(d.key) && d.key === 'check')
      result.problems.push({
        line: n,
        message: 'A second "# check=" directive: BuildKit allows one and fails the build. Merge them into one line.',
      });
    seenByParser.add(d.key);
  }
  // The settings come from the raw lines, after a `#!` first line; the first `check` wins.
  let value: string | undefined;
  for (let n = shebang ? 1 : 0; n < lines.length; n++) {
    const line = (lines[n] ?? '').replace(/\r$/, '');
    if (!line.startsWith('#')) break;
    const d = directiveIn(line.slice(1));
    if (!d || !PARSER_DIRECTIVES.has(d.key)) break;
    if (d.key === 'check') {
      value = d.value.split(' ')[0] ?? '';
      result.line = n;
      break;
    }
  }
  if (value === undefined || result.line === undefined) return result;
  const parsed = parseCheckOptions(value);
  if ('error' in parsed) {
    result.problems.push({
      line: result.line,
      message: `BuildKit cannot read this check directive, so the build fails: ${parsed.error}.`,
    });
    return result;
  }
  result.options = parsed.options;
  for (const name of [...parsed.options.skip, ...parsed.options.experimental])
    if (!isBuildkitCheck(name)) result.unknown.push({ line: result.line, name });
  return result;
}

/**
 * The settings a `# check=` comment right above an instruction adds for it: the first comment that is a `check`
 * directive counts; one that cannot be read is ignored, as BuildKit ignores it. `comments` are the texts after `#`.
 */
export function instructionCheckOptions(comments: readonly string[]): CheckOptions | undefined {
  for (const comment of comments) {
    const d = directiveIn(comment);
    if (!d || d.key !== 'check') continue;
    const parsed = parseCheckOptions(d.value.split(' ')[0] ?? '');
    return 'error' in parsed ? undefined : parsed.options;
  }
  return undefined;
}

/** Whether BuildKit runs `check` under these settings (file-wide, plus the instruction's own, if any). */
export function checkRuns(check: string, file: CheckOptions, local?: CheckOptions): boolean {
  if (BUILDKIT_CHECKS[check]?.experimental) {
    // Only an opt-in runs an experimental check; skip= never silences it.
    return (
      file.experimentalAll ||
      file.experimental.has(check) ||
      !!local?.experimentalAll ||
      !!local?.experimental.has(check)
    );
  }
  if (file.skipAll || file.skip.has(check)) return false;
  return !(local?.skipAll || local?.skip.has(check));
}
