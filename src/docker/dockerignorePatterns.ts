// Bounds on `.dockerignore` before its patterns reach the matcher. The matcher (@balena/dockerignore, a port of
// Docker's) turns each double star into an optional "any characters, then a slash" group of a JavaScript regular
// expression, which backtracks: ten double-star segments in a row took 4 s on one path, fifteen never finished.
// Docker's own matcher runs on Go's linear regexp engine, so the same file is fine there; here a cloned project's
// .dockerignore could hang the editor. So:
// - runs of double-star segments are collapsed into one, which matches exactly the same paths;
// - a pattern with more than MAX_DOUBLE_STARS double stars left, or longer than MAX_PATTERN, is refused in plain words;
// - a file with more than MAX_PATTERNS patterns is refused.
export const MAX_PATTERNS = 10_000;
export const MAX_DOUBLE_STARS = 4;
export const MAX_PATTERN = 4096;

export class DockerignoreError extends Error {}

/** Double-star segments in a row, as whole segments, become one (`a`, `**`, `**`, `b` → `a`, `**`, `b`). */
export function collapseDoubleStars(pattern: string): string {
  const segments = pattern.split('/');
  const out: string[] = [];
  for (const s of segments) if (!(s === '**' && out[out.length - 1] === '**')) out.push(s);
  return out.join('/');
}

/** How many double stars the matcher will turn into unbounded groups: each unescaped pair of stars. */
function doubleStars(pattern: string): number {
  let count = 0;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === '*' && pattern[i + 1] === '*') {
      count++;
      i++;
    }
  }
  return count;
}

/** The patterns of a .dockerignore text (comments and blanks left out), normalised and checked. */
export function dockerignorePatterns(text: string, file = '.dockerignore'): string[] {
  const out: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (!line || line.startsWith('#')) continue;
    if (out.length >= MAX_PATTERNS)
      throw new DockerignoreError(
        `${file} has more than ${MAX_PATTERNS.toLocaleString('en')} patterns; Dockside reads up to that many. ` +
          'Group them with wildcards.',
      );
    if (line.length > MAX_PATTERN)
      throw new DockerignoreError(
        `${file}, line ${n + 1}: a pattern of ${line.length} characters is longer than Dockside reads.`,
      );
    const pattern = collapseDoubleStars(line);
    if (doubleStars(pattern) > MAX_DOUBLE_STARS)
      throw new DockerignoreError(
        `${file}, line ${n + 1}: "${pattern.slice(0, 60)}" has more than ${MAX_DOUBLE_STARS} "**"; ` +
          'each one multiplies the work of matching every file, so Dockside does not read patterns this complex. ' +
          'Docker accepts it; write it with fewer "**".',
      );
    out.push(pattern);
  }
  return out;
}
