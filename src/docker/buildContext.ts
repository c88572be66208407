import * as fs from 'node:fs';
import { trimWhere } from '../language/text';
import * as path from 'node:path';
import dockerignore from '@balena/dockerignore';
import { dockerignorePatterns } from './dockerignorePatterns';

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

export function readDockerignore(root: string, dockerfile?: string, files: ContextFs = nodeContextFs): string[] {
  // BuildKit also reads <Dockerfile>.dockerignore beside the Dockerfile; the classic builder only .dockerignore.
  const candidates = [...(dockerfile ? [`${dockerfile}.dockerignore`] : []), files.paths.join(root, '.dockerignore')];
  for (const file of candidates) {
    const text = files.readText(file);
    if (text === undefined) continue;
    const name = file === candidates[candidates.length - 1] ? '.dockerignore' : `${files.paths.relative(root, file)}`;
    return dockerignorePatterns(text, name);
  }
  return [];
}

/** A folder entry, as the walk needs it (a `fs.Dirent` is one). */
export interface ContextEntry {
  name: string;
  isDirectory(): boolean;
  isFile(): boolean;
  isSymbolicLink(): boolean;
}

/**
 * The folders a walk reads and the path rules it follows: Node's own by default. A test passes a Windows folder
 * tree with `path.win32`, so that drive letters, backslashes and case are checked on any machine.
 */
export interface ContextFs {
  paths: Pick<typeof path.posix, 'join' | 'relative' | 'resolve' | 'sep'>;
  /** A folder's entries, or none when it cannot be read (gone, or no permission). */
  list(dir: string): ContextEntry[];
  readText(file: string): string | undefined;
  /** A file's size, or undefined when it is gone or cannot be looked at. */
  size(file: string): number | undefined;
  /** Whether the volume holding `dir` takes names that differ only in case for the same file (NTFS, APFS). */
  ignoresCase(dir: string): boolean;
}

export const nodeContextFs: ContextFs = {
  paths: path,
  list: entries,
  readText: (file) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  },
  size: sizeOf,
  ignoresCase: volumeIgnoresCase,
};

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

/**
 * Asks the volume itself: the folder's name with its letters' case swapped is the same folder on a volume that
 * ignores case (Windows and macOS by default; a Mac volume can be made case-sensitive, a Linux one can ignore case).
 */
function volumeIgnoresCase(dir: string): boolean {
  const swapped = dir.replace(/[a-z]/gi, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
  if (swapped === dir) return process.platform === 'win32' || process.platform === 'darwin';
  try {
    const a = fs.statSync(dir, { throwIfNoEntry: false, bigint: true });
    const b = a && fs.statSync(swapped, { throwIfNoEntry: false, bigint: true });
    return !!a && !!b && a.ino === b.ino && a.dev === b.dev;
  } catch {
    return false;
  }
}

/** A path inside the context as Docker names it: relative to the context, with forward slashes on every platform. */
export function contextRelative(root: string, file: string, paths: ContextFs['paths'] = path): string {
  return paths.relative(paths.resolve(root), paths.resolve(file)).split(paths.sep).join('/');
}

export interface WalkOptions {
  /** The Dockerfile (absolute): always sent, even where .dockerignore would leave it out, as Docker does. */
  dockerfile?: string;
  /** Stop with an error past this many files (a folder with no .dockerignore at the root of a disk). */
  limit?: number;
  /** The folders to read: this machine's by default. */
  files?: ContextFs;
  /**
   * Whether .dockerignore patterns ignore case: by default, when the volume does. Docker matches case-sensitively,
   * which on a volume that ignores case leaves in `Node_Modules` for a `node_modules` pattern: the same folder to
   * the user, and a build context hundreds of megabytes bigger than they asked for.
   */
  ignoreCase?: boolean;
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
  private readonly pending: [dir: string, rel: string, list: ContextEntry[] | undefined, next: number][];
  /** Subfolders found in the folder being read, queued when it is done. */
  private readonly found: [dir: string, rel: string, list: ContextEntry[] | undefined, next: number][] = [];
  private readonly matcher;
  private readonly files: ContextFs;
  private readonly ignoreCase: boolean;
  private readonly always: Set<string>;
  private readonly exceptions: boolean;
  private readonly sent: string[] = [];
  /** Which of `sent` are symbolic links. */
  private readonly links = new Set<number>();
  private readonly top = new Map<string, number>();
  private bytes = 0;
  private readonly leftOutFiles: string[] = [];
  private readonly leftOutFolders: string[] = [];
  private readonly patterns: string[];
  /** How many of `sent` measure() has looked at. */
  private measured = 0;

  constructor(
    private readonly root: string,
    private readonly options: WalkOptions = {},
    /** Told of each entry to send (folders and files), in walk order. */
    private readonly onSent?: (rel: string) => void,
  ) {
    this.files = options.files ?? nodeContextFs;
    this.patterns = readDockerignore(root, undefined, this.files);
    this.ignoreCase = options.ignoreCase ?? this.files.ignoresCase(root);
    // The package ignores case unless told otherwise; Docker does not, except where the volume does (see WalkOptions).
    this.matcher = dockerignore({ ignorecase: this.ignoreCase }).add(this.patterns);
    this.always = new Set(
      [
        '.dockerignore',
        ...(options.dockerfile ? [contextRelative(root, options.dockerfile, this.files.paths)] : []),
      ].map((p) => this.caseOf(p)),
    );
    this.exceptions = this.patterns.some((p) => p.startsWith('!'));
    this.pending = [[root, '', undefined, 0]];
  }

  /** Reads up to `budget` more entries (from one folder); returns false when nothing is left. */
  step(budget = 256): boolean {
    const current = this.pending[this.pending.length - 1];
    if (!current) return false;
    const [dir, rel] = current;
    const list = (current[2] ??= this.files.list(dir));
    const limit = this.options.limit ?? 1_000_000;
    const end = Math.min(list.length, current[3] + budget);
    for (let i = current[3]; i < end; i++) {
      const e = list[i]!;
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      const full = `${dir}${this.files.paths.sep}${e.name}`;
      if (e.isDirectory()) {
        if (!this.matcher.ignores(relPath)) {
          this.onSent?.(relPath);
          this.found.push([full, relPath, undefined, 0]);
        } else if (this.exceptions || this.alwaysInside(relPath)) this.found.push([full, relPath, undefined, 0]);
        else this.leftOutFolders.push(relPath);
        continue;
      }
      if (!e.isFile() && !e.isSymbolicLink()) continue;
      if (this.matcher.ignores(relPath) && !this.always.has(this.caseOf(relPath))) {
        this.leftOutFiles.push(relPath);
        continue;
      }
      if (this.sent.length >= limit)
        throw new Error(
          `The build context has more than ${limit} files; ` +
            'add a .dockerignore that leaves out what the build does not need.',
        );
      if (e.isSymbolicLink()) this.links.add(this.sent.length);
      this.sent.push(relPath);
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
    const end = Math.min(this.sent.length, this.measured + budget);
    for (let i = this.measured; i < end; i++) {
      const f = this.sent[i]!;
      // A symbolic link is sent as a link and adds no content; a file gone since the walk, tar will report.
      const size = this.links.has(i) ? 0 : (this.files.size(this.files.paths.join(this.root, f)) ?? 0);
      this.bytes += size;
      const h = head(f);
      this.top.set(h, (this.top.get(h) ?? 0) + size);
    }
    this.measured = end;
    return end < this.sent.length;
  }

  /** What is sent, once every size is known (measure() until it returns false). */
  summary(): ContextSummary {
    return {
      root: this.root,
      files: [...this.sent].sort(),
      bytes: this.bytes,
      largest: biggest(this.top),
      leftOut: { files: this.leftOutFiles, folders: this.leftOutFolders },
      patterns: this.patterns,
    };
  }

  private alwaysInside(rel: string): boolean {
    const prefix = `${this.caseOf(rel)}/`;
    for (const a of this.always) if (a.startsWith(prefix)) return true;
    return false;
  }

  /** A relative path in the form it is compared in: folded to lower case where the volume ignores case. */
  private caseOf(rel: string): string {
    return this.ignoreCase ? rel.toLowerCase() : rel;
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
  for (const [, name, , dq, sq, bare] of text.matchAll(
    /(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|'([^']*)'|(\S*))/g,
  ))
    out[name!] = dq ?? sq ?? bare ?? '';
  return out;
}

/** A tag Docker accepts, from a folder name: lower case, allowed characters only. */
export function defaultTag(folder: string): string {
  const name = trimWhere(folder.toLowerCase().replace(/[^a-z0-9._-]+/g, '-'), (c) => !/[a-z0-9]/.test(c)) || 'image';
  return `${name}:dev`;
}
