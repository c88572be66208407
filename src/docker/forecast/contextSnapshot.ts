import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import dockerignore from '@balena/dockerignore';
import { breather, ContextWalk, contextRelative, readDockerignore } from '../buildContext';
import type { ContextSnapshot } from './contextMatch';

/** What a file's digest was computed from; a file whose stat still says the same is not read again. */
interface Remembered {
  mtimeMs: number;
  size: number;
  mode: number;
  digest: string;
}

export interface SnapshotOptions {
  /** The Dockerfile (absolute): always sent, as Docker does. */
  dockerfile?: string;
  /** Stop past this many entries: the forecast then says the context is too large. */
  limit?: number;
  /** Stop when this says so (the user typed again, the editor closed). */
  cancelled?: () => boolean;
}

export const DEFAULT_SNAPSHOT_LIMIT = 100_000;

/** How many files are looked at side by side. */
const PARALLEL = 32;

/**
 * Digests of a build context, remembered between calls: a file is read again only when its mtime, size or mode
 * changed, and the walk gives the event loop a turn every few milliseconds, so a context of 100,000 files never
 * holds up the editor. The digest of a file covers its type, permission bits and content; a symbolic link's its
 * target. Not its mtime: neither builder keys a COPY on it.
 */
export class ContextDigests {
  private readonly known = new Map<string, Remembered>();

  constructor(private readonly root: string) {}

  /** Drops what is remembered of a file (it was saved), so the next snapshot reads it again. */
  forget(file: string): void {
    this.known.delete(contextRelative(this.root, file));
  }

  async snapshot(options: SnapshotOptions = {}): Promise<ContextSnapshot | { problem: string }> {
    const names: string[] = [];
    const walk = new ContextWalk(
      this.root,
      {
        ...(options.dockerfile ? { dockerfile: options.dockerfile } : {}),
        limit: options.limit ?? DEFAULT_SNAPSHOT_LIMIT,
      },
      (rel) => names.push(rel),
    );
    const breathe = breather(8);
    try {
      while (walk.step()) {
        if (options.cancelled?.()) return { problem: 'cancelled' };
        await breathe();
      }
    } catch (err) {
      return { problem: (err as Error).message };
    }
    const patterns = readDockerignore(this.root);
    const matcher = dockerignore({ ignorecase: false }).add(patterns);
    const forced = new Set(
      ['.dockerignore', ...(options.dockerfile ? [contextRelative(this.root, options.dockerfile)] : [])].filter((f) =>
        matcher.ignores(f),
      ),
    );
    const entries = new Map<string, string>();
    const seen = new Set<string>();
    // A few files at a time: their stats and reads overlap, and the walk order (so the map's) is kept.
    for (let start = 0; start < names.length; start += PARALLEL) {
      if (options.cancelled?.()) return { problem: 'cancelled' };
      const batch = names.slice(start, start + PARALLEL);
      const digests = await Promise.all(batch.map((rel) => this.digestOf(rel)));
      batch.forEach((rel, n) => {
        const digest = digests[n];
        if (digest !== undefined) entries.set(rel, digest);
        seen.add(rel);
      });
      await breathe();
    }
    for (const rel of this.known.keys()) if (!seen.has(rel)) this.known.delete(rel);
    return { entries, forced };
  }

  private async digestOf(rel: string): Promise<string | undefined> {
    const full = path.join(this.root, rel);
    let stat: fs.Stats;
    try {
      stat = await fs.promises.lstat(full);
    } catch {
      return undefined;
    }
    const mode = stat.mode & 0o7777;
    if (stat.isDirectory()) return `dir:${mode.toString(8)}`;
    const before = this.known.get(rel);
    if (before && before.mtimeMs === stat.mtimeMs && before.size === stat.size && before.mode === stat.mode)
      return before.digest;
    let digest: string;
    try {
      if (stat.isSymbolicLink()) digest = `link:${await fs.promises.readlink(full)}`;
      else digest = `file:${mode.toString(8)}:${await hashFile(full)}`;
    } catch {
      return undefined;
    }
    this.known.set(rel, { mtimeMs: stat.mtimeMs, size: stat.size, mode: stat.mode, digest });
    return digest;
  }
}

function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    fs.createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex').slice(0, 32)));
  });
}
