import * as fs from 'node:fs';
import { trimWhere } from '../language/text';
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
  /** The biggest top-level entries sent, for "412 MB, node_modules is 398 MB of it". */
  largest: { path: string; bytes: number }[];
  /**
   * What .dockerignore leaves out, as the walk met it: files, and folders left out whole (not walked). Their sizes
   * are not looked at during the walk (that would slow the build down); measureLeftOut adds them up afterwards.
   */
  leftOut: { files: string[]; folders: string[] };
  patterns: string[];
}

/** The sizes of what .dockerignore leaves out, for "it leaves out 15,000 files, 398 MB (node_modules 398 MB)". */
export interface LeftOut {
  files: number;
  bytes: number;
  largest: { path: string; bytes: number }[];
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

/** A file's size, or undefined when it is gone or cannot be looked at. */
function sizeOf(file: string): number | undefined {
  try {
    return fs.statSync(file, { throwIfNoEntry: false })?.size;
  } catch {
    return undefined;
  }
}

export interface WalkOptions {
  /** The Dockerfile (absolute): always sent, even where .dockerignore would leave it out, as Docker does. */
  dockerfile?: string;
  /** Stop with an error past this many files (a folder with no .dockerignore at the root of a disk). */
  limit?: number;
}

/**
 * Walks a build context a slice at a time (so that a caller can interleave other work), telling `onSent` about
 * each entry to send in walk order: folders (so that empty ones are sent too, as Docker does) and files. A folder
 * that .dockerignore excludes is not sent itself; it is skipped whole unless a `!` exception or an always-sent
 * file could be inside it, and then walked for those. Names come first (`step` until it returns false), sizes
 * after (`measure` until it returns false): a packer can start on the names before the sizes are known.
 */
export class ContextWalk {
  /** Folders still to read, the next last: path, relative path, its entries once read, how many are done. */
  private readonly pending: [dir: string, rel: string, list: fs.Dirent[] | undefined, next: number][];
  /** Subfolders found in the folder being read, queued when it is done. */
  private readonly found: [dir: string, rel: string, list: fs.Dirent[] | undefined, next: number][] = [];
  private readonly matcher;
  private readonly always: Set<string>;
  private readonly exceptions: boolean;
  private readonly files: string[] = [];
  /** Which of `files` are symbolic links. */
  private readonly links = new Set<number>();
  private readonly top = new Map<string, number>();
  private bytes = 0;
  private readonly leftOutFiles: string[] = [];
  private readonly leftOutFolders: string[] = [];
  private readonly patterns: string[];
  /** How many of `files` measure() has looked at. */
  private measured = 0;

  constructor(
    private readonly root: string,
    private readonly options: WalkOptions = {},
    /** Told of each entry to send (folders and files), in walk order. */
    private readonly onSent?: (rel: string) => void,
  ) {
    this.patterns = readDockerignore(root);
    // Docker matches case-sensitively (the package's default is to ignore case).
    this.matcher = dockerignore({ ignorecase: false }).add(this.patterns);
    this.always = new Set([
      '.dockerignore',
      ...(options.dockerfile ? [path.relative(root, options.dockerfile).split(path.sep).join('/')] : []),
    ]);
    this.exceptions = this.patterns.some((p) => p.startsWith('!'));
    this.pending = [[root, '', undefined, 0]];
  }

  /** Reads up to `budget` more entries (from one folder); returns false when nothing is left. */
  step(budget = 256): boolean {
    const current = this.pending[this.pending.length - 1];
    if (!current) return false;
    const [dir, rel] = current;
    const list = (current[2] ??= entries(dir));
    const limit = this.options.limit ?? 1_000_000;
    const end = Math.min(list.length, current[3] + budget);
    for (let i = current[3]; i < end; i++) {
      const e = list[i];
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      const full = `${dir}${path.sep}${e.name}`;
      if (e.isDirectory()) {
        if (!this.matcher.ignores(relPath)) {
          this.onSent?.(relPath);
          this.found.push([full, relPath, undefined, 0]);
        } else if (this.exceptions || this.alwaysInside(relPath)) this.found.push([full, relPath, undefined, 0]);
        else this.leftOutFolders.push(relPath);
        continue;
      }
      if (!e.isFile() && !e.isSymbolicLink()) continue;
      if (this.matcher.ignores(relPath) && !this.always.has(relPath)) {
        this.leftOutFiles.push(relPath);
        continue;
      }
      if (this.files.length >= limit)
        throw new Error(
          `The build context has more than ${limit} files; add a .dockerignore that leaves out what the build does not need.`,
        );
      if (e.isSymbolicLink()) this.links.add(this.files.length);
      this.files.push(relPath);
      this.onSent?.(relPath);
    }
    current[3] = end;
    if (end >= list.length) {
      // This folder is done: its subfolders come next.
      this.pending.pop();
      while (this.found.length) this.pending.push(this.found.pop()!);
    }
    return this.pending.length > 0;
  }

  /** Looks up the sizes of up to `budget` more files sent; returns whether any are left. */
  measure(budget = 256): boolean {
    const end = Math.min(this.files.length, this.measured + budget);
    for (let i = this.measured; i < end; i++) {
      const f = this.files[i];
      // A symbolic link is sent as a link and adds no content; a file gone since the walk, tar will report.
      const size = this.links.has(i) ? 0 : (sizeOf(`${this.root}/${f}`) ?? 0);
      this.bytes += size;
      const h = head(f);
      this.top.set(h, (this.top.get(h) ?? 0) + size);
    }
    this.measured = end;
    return end < this.files.length;
  }

  /** What is sent, once every size is known (measure() until it returns false). */
  summary(): ContextSummary {
    return {
      root: this.root,
      files: [...this.files].sort(),
      bytes: this.bytes,
      largest: biggest(this.top),
      leftOut: { files: this.leftOutFiles, folders: this.leftOutFolders },
      patterns: this.patterns,
    };
  }

  private alwaysInside(rel: string): boolean {
    for (const a of this.always) if (a.startsWith(`${rel}/`)) return true;
    return false;
  }
}

const head = (rel: string) => {
  const slash = rel.indexOf('/');
  return slash < 0 ? rel : rel.slice(0, slash);
};

/**
 * For long synchronous work done in slices: `breathe()` gives the event loop a turn once `everyMs` have passed
 * since the last one (so streams keep flowing and the editor stays responsive), and costs nothing otherwise.
 */
export function breather(everyMs: number): () => Promise<void> | undefined {
  let turn = performance.now();
  return () => {
    if (performance.now() - turn < everyMs) return undefined;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        turn = performance.now();
        resolve();
      }),
    );
  };
}

const biggest = (m: Map<string, number>) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([p, b]) => ({ path: p, bytes: b }));

/**
 * Adds up what .dockerignore leaves out (a stat per file, folders walked whole), giving the event loop a turn every
 * few milliseconds: a build runs it beside sending the context, not before.
 */
export async function measureLeftOut(summary: ContextSummary): Promise<LeftOut> {
  const top = new Map<string, number>();
  let files = 0;
  let bytes = 0;
  const breathe = breather(4);
  const add = (rel: string, size: number) => {
    files++;
    bytes += size;
    top.set(head(rel), (top.get(head(rel)) ?? 0) + size);
  };
  const folder = async (full: string, rel: string) => {
    for (const e of entries(full)) {
      const child = `${full}${path.sep}${e.name}`;
      if (e.isDirectory()) await folder(child, rel);
      else if (e.isFile() || e.isSymbolicLink()) add(rel, (e.isFile() && sizeOf(child)) || 0);
    }
    await breathe();
  };
  for (const rel of summary.leftOut.files) {
    const size = sizeOf(path.join(summary.root, rel));
    if (size !== undefined) add(rel, size);
    await breathe();
  }
  for (const rel of summary.leftOut.folders) {
    top.set(head(rel), top.get(head(rel)) ?? 0);
    await folder(path.join(summary.root, rel), rel);
  }
  return { files, bytes, largest: biggest(top) };
}

/** The whole context at once (for tests and tools; a build streams it with packContext instead). */
export function summarizeContext(root: string, options: WalkOptions = {}): ContextSummary {
  const walk = new ContextWalk(root, options);
  while (walk.step());
  while (walk.measure());
  return walk.summary();
}

/** Turns "A=1 B=two" into build args; values may be quoted. */
export function parseBuildArgs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  // A name starts only where no name character comes before it, so a long run without `=` is scanned once.
  for (const m of text.matchAll(/(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|'([^']*)'|(\S*))/g))
    out[m[1]] = m[3] ?? m[4] ?? m[5] ?? '';
  return out;
}

/** A tag Docker accepts, from a folder name: lower case, allowed characters only. */
export function defaultTag(folder: string): string {
  const name = trimWhere(folder.toLowerCase().replace(/[^a-z0-9._-]+/g, '-'), (c) => !/[a-z0-9]/.test(c)) || 'image';
  return `${name}:dev`;
}
