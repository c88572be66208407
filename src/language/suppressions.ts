import type { DocksideDiagnostic } from './diagnostic';

/**
 * Ignore comments, the same in Dockerfiles and Compose files:
 *   `# dockside-ignore DS003,DS007`   silences those codes for the next instruction (or YAML entry);
 *   `# dockside-ignore-file DS003`    silences them for the whole file.
 * Without codes, every code is silenced.
 */
export interface Suppressions {
  file: Set<string> | 'all' | undefined;
  /** 0-based line of a comment → its codes ('all' without codes). */
  lines: Map<number, Set<string> | 'all'>;
}

const MARK = 'dockside-ignore';

/**
 * `# dockside-ignore[-file] [CODES]` on a line → whether it is the file form and its codes, or undefined for any
 * other line. A plain scan: a regular expression with optional blanks on both sides of the codes took cubic time
 * on a comment of spaces.
 */
function parseDirective(line: string): { file: boolean; codes: string[] } | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('#')) return undefined;
  const body = trimmed.slice(1).trimStart();
  if (!body.startsWith(MARK)) return undefined;
  let rest = body.slice(MARK.length);
  const file = rest.startsWith('-file');
  if (file) rest = rest.slice('-file'.length);
  if (rest !== '' && !/^\s/.test(rest)) return undefined;
  if (/[^A-Za-z0-9_,\s-]/.test(rest)) return undefined;
  return {
    file,
    codes: rest
      .split(/[\s,]+/)
      .map((c) => c.toUpperCase())
      .filter(Boolean),
  };
}

export function parseSuppressions(text: string): Suppressions {
  const result: Suppressions = { file: undefined, lines: new Map() };
  if (!text.includes(MARK)) return result;
  const lines = text.split('\n');
  for (const [n, line] of lines.entries()) {
    const directive = parseDirective(line);
    if (!directive) continue;
    const set: Set<string> | 'all' = directive.codes.length ? new Set(directive.codes) : 'all';
    if (directive.file) {
      if (set === 'all' || result.file === 'all') result.file = 'all';
      else result.file = new Set([...(result.file ?? []), ...set]);
    } else {
      result.lines.set(n, set);
    }
  }
  return result;
}

export function isSuppressed(s: Suppressions, code: string, commentLine: number | undefined): boolean {
  if (s.file === 'all' || s.file?.has(code)) return true;
  if (commentLine === undefined) return false;
  const codes = s.lines.get(commentLine);
  return codes === 'all' || (codes !== undefined && codes.has(code));
}

/**
 * Drops the findings silenced by ignore comments: for the file, or in the comment block directly above the line
 * where the finding's statement starts (`statementStart` walks back over continuation lines, for Dockerfiles).
 */
export function dropSuppressed(
  text: string,
  diagnostics: DocksideDiagnostic[],
  statementStart: (lines: string[], line: number) => number = (_lines, line) => line,
): DocksideDiagnostic[] {
  const s = parseSuppressions(text);
  if (s.file === undefined && s.lines.size === 0) return diagnostics;
  const lines = text.split('\n');
  return diagnostics.filter((d) => {
    if (isSuppressed(s, d.code, undefined)) return false;
    for (let k = statementStart(lines, d.range.start.line) - 1; k >= 0 && lines[k]?.trim().startsWith('#'); k--) {
      if (isSuppressed(s, d.code, k)) return false;
    }
    return true;
  });
}
