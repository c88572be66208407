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

const DIRECTIVE = /^\s*#\s*dockside-ignore(-file)?(?:\s+([A-Za-z0-9_,\s-]*))?\s*$/;

export function parseSuppressions(text: string): Suppressions {
  const result: Suppressions = { file: undefined, lines: new Map() };
  if (!text.includes('dockside-ignore')) return result;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const m = DIRECTIVE.exec(lines[n]);
    if (!m) continue;
    const codes = (m[2] ?? '')
      .split(/[\s,]+/)
      .map((c) => c.trim().toUpperCase())
      .filter(Boolean);
    const set: Set<string> | 'all' = codes.length ? new Set(codes) : 'all';
    if (m[1]) {
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
