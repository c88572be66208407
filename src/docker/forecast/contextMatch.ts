import { createHash } from 'node:crypto';

/**
 * The build context as the cache sees it: every entry sent (after .dockerignore), each with a digest of its type,
 * mode and content. Modification times are not in it: neither builder keys a COPY on them.
 */
export interface ContextSnapshot {
  /** Context-relative path (forward slashes) → digest; folders too, so an empty new folder counts. */
  entries: ReadonlyMap<string, string>;
  /**
   * Entries sent although .dockerignore leaves them out (the Dockerfile, .dockerignore): the classic builder
   * does not copy them, BuildKit does.
   */
  forced: ReadonlySet<string>;
}

export interface SourceContent {
  /** Digest of everything the sources match; 'unknown' without a snapshot. */
  digest: string;
  /** What they match, path → digest (at most MAX_REMEMBERED_FILES, for the reasons). */
  files?: Record<string, string>;
}

export const MAX_REMEMBERED_FILES = 2000;

const WILDCARD = /[*?[]/;

/** Go's filepath.Match for one path segment: `*`, `?`, `[a-z]`, `[^a]`, `\x`. */
function segmentRegex(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = segment.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        const body = segment.slice(i + 1, close).replace(/\\/g, '\\\\');
        re += `[${body.startsWith('^') ? `^${body.slice(1)}` : body}]`;
        i = close;
      }
    } else if (c === '\\' && i + 1 < segment.length) re += `\\${segment[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '')}`;
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Whether `entry` is `source` or inside it (for a wildcard source: inside a path it matches). */
function matcherFor(source: string): (entry: string) => boolean {
  if (source === '') return () => true;
  if (!WILDCARD.test(source)) return (entry) => entry === source || entry.startsWith(`${source}/`);
  const patterns = source.split('/').map(segmentRegex);
  return (entry) => {
    const parts = entry.split('/');
    if (parts.length < patterns.length) return false;
    return patterns.every((re, n) => re.test(parts[n]!));
  };
}

/** Answers per snapshot: the forecast runs again on every edit, and the context has not changed in between. */
const answered = new WeakMap<ContextSnapshot, Map<string, SourceContent>>();

/** The content of what COPY/ADD `sources` (cleaned context paths) take from the context. */
export function contentOf(
  snapshot: ContextSnapshot | undefined,
  sources: readonly string[],
  builder: 'buildkit' | 'classic',
): SourceContent {
  if (!snapshot) return { digest: 'unknown' };
  let memo = answered.get(snapshot);
  if (!memo) answered.set(snapshot, (memo = new Map()));
  const id = `${builder}\0${sources.join('\0')}`;
  const known = memo.get(id);
  if (known) return known;
  const found = match(snapshot, sources, builder);
  memo.set(id, found);
  return found;
}

function match(snapshot: ContextSnapshot, sources: readonly string[], builder: 'buildkit' | 'classic'): SourceContent {
  const matchers = sources.map(matcherFor);
  const matched: [string, string][] = [];
  for (const [entry, entryDigest] of snapshot.entries) {
    if (builder === 'classic' && snapshot.forced.has(entry)) continue;
    if (matchers.some((m) => m(entry))) matched.push([entry, entryDigest]);
  }
  matched.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const hash = createHash('sha256');
  for (const [entry, entryDigest] of matched) hash.update(`${entry}\0${entryDigest}\n`);
  const files: Record<string, string> = {};
  for (const [entry, entryDigest] of matched.slice(0, MAX_REMEMBERED_FILES)) files[entry] = entryDigest;
  return { digest: matched.length ? hash.digest('hex').slice(0, 32) : 'missing', files };
}
