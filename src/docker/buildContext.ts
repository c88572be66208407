import * as fs from 'node:fs';
import * as path from 'node:path';
import dockerignore from '@balena/dockerignore';

/**
 * What `docker build` sends as the build context: every file of the folder except what `.dockerignore` excludes,
 * with Docker's own semantics (from @balena/dockerignore, a port of Docker's matcher: `*` stays in one folder,
 * `**` crosses folders, `!` re-includes even inside an excluded folder, a leading `/` is the context root). The
 * Dockerfile and `.dockerignore` are always sent, as Docker does. Walks the folder once; holds names, not data.
 */
export interface ContextSummary {
  root: string;
  /** Relative paths (with `/`) of the files to send, sorted. */
  files: string[];
  bytes: number;
  excludedBytes: number;
  excludedFiles: number;
  /** The biggest top-level entries sent and left out, for "412 MB, node_modules is 398 MB of it". */
  largest: { path: string; bytes: number }[];
  largestExcluded: { path: string; bytes: number }[];
  patterns: string[];
}

export function readDockerignore(root: string, dockerfile?: string): string[] {
  // BuildKit also reads <Dockerfile>.dockerignore beside the Dockerfile; the classic builder only .dockerignore.
  const candidates = [...(dockerfile ? [`${dockerfile}.dockerignore`] : []), path.join(root, '.dockerignore')];
  for (const file of candidates) {
    try {
      return fs
        .readFileSync(file, 'utf8')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'));
    } catch {
      // Not there: try the next.
    }
  }
  return [];
}

/** A folder's entries, or none when it cannot be read (gone, or no permission). */
function entries(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function sizeOf(file: string): number | undefined {
  try {
    return fs.statSync(file).size;
  } catch {
    return undefined;
  }
}

export function summarizeContext(root: string, options: { dockerfile?: string; limit?: number; /** Add up what .dockerignore leaves out (for the explanation); costs a stat per excluded file. */ measureExcluded?: boolean } = {}): ContextSummary {
  const patterns = readDockerignore(root);
  const matcher = dockerignore().add(patterns);
  const always = new Set(['.dockerignore', ...(options.dockerfile ? [path.relative(root, options.dockerfile).split(path.sep).join('/')] : [])]);
  const files: string[] = [];
  const top = new Map<string, number>();
  const topExcluded = new Map<string, number>();
  let bytes = 0;
  let excludedBytes = 0;
  let excludedFiles = 0;
  const limit = options.limit ?? 1_000_000;
  // Docker's own walker skips an excluded folder when no "!" pattern could bring something back inside it; so does
  // this one (only adding up what it leaves out, for the summary).
  const exceptions = patterns.some((p) => p.startsWith('!'));
  const exclude = (head: string, size: number) => {
    excludedBytes += size;
    excludedFiles++;
    topExcluded.set(head, (topExcluded.get(head) ?? 0) + size);
  };
  const countExcluded = (dir: string, head: string) => {
    for (const e of entries(dir)) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) countExcluded(full, head);
      else if (e.isFile()) {
        const size = sizeOf(full);
        if (size !== undefined) exclude(head, size);
      }
    }
  };
  const walk = (dir: string, rel: string) => {
    for (const e of entries(dir)) {
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      const full = path.join(dir, e.name);
      const head = relPath.split('/')[0];
      if (e.isDirectory()) {
        if (!exceptions && matcher.ignores(relPath)) {
          if (options.measureExcluded !== false) countExcluded(full, head);
          else topExcluded.set(head, topExcluded.get(head) ?? 0);
        } else walk(full, relPath);
        continue;
      }
      if (!e.isFile() && !e.isSymbolicLink()) continue;
      const size = e.isSymbolicLink() ? 0 : sizeOf(full);
      if (size === undefined) continue;
      if (matcher.ignores(relPath) && !always.has(relPath)) exclude(head, size);
      else {
        if (files.length >= limit) throw new Error(`The build context has more than ${limit} files; add a .dockerignore.`);
        files.push(relPath);
        bytes += size;
        top.set(head, (top.get(head) ?? 0) + size);
      }
    }
  };
  walk(root, '');
  files.sort();
  const biggest = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([p, b]) => ({ path: p, bytes: b }));
  return { root, files, bytes, excludedBytes, excludedFiles, largest: biggest(top), largestExcluded: biggest(topExcluded), patterns };
}

/** Turns "A=1 B=two" into build args; values may be quoted. */
export function parseBuildArgs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|'([^']*)'|(\S*))/g)) out[m[1]] = m[3] ?? m[4] ?? m[5] ?? '';
  return out;
}

/** A tag Docker accepts, from a folder name: lower case, allowed characters only. */
export function defaultTag(folder: string): string {
  const name = folder.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '') || 'image';
  return `${name}:dev`;
}
