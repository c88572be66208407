import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import * as tar from 'tar-stream';
import { breather, ContextWalk, type ContextSummary, type WalkOptions } from './buildContext';

/** How much packed context is held while nobody reads it yet (the user is reading the summary, say). */
const HOLD_BYTES = 8 << 20;
/** The walk gives the event loop a turn this often, so the packer's output keeps flowing while it walks. */
const TURN_MS = 0.25;
/** Names the built-in packer may have waiting before the walk waits for it. */
const QUEUED_NAMES = 4096;
/** Files up to this size are read whole by the built-in packer; bigger ones are streamed. */
const SMALL_FILE = 256 << 10;
/**
 * How many entries the built-in packer looks up (and, for small files, reads) ahead of the one it writes, so that
 * the file system's round trips overlap rather than wait for each other (they are slow on Windows, where this
 * packer is the default). At most READ_AHEAD × SMALL_FILE bytes are held.
 */
const READ_AHEAD = 32;

export interface ContextPack {
  /** What is sent and what .dockerignore leaves out; settles when the walk is done (rejects if it fails). */
  summary: Promise<ContextSummary>;
  /**
   * The context as a tar stream. Packing starts at once, beside the walk; up to 8 MB is held until the stream is
   * read, then the packer waits. Fails (with the packer's words) if a file cannot be read.
   */
  stream: NodeJS.ReadableStream & { destroy(err?: Error): void };
  /** Stops the walk and the packing. */
  cancel(): void;
}

/** GNU tar, bsdtar (macOS's and Windows' `tar`), or the built-in packer written on tar-stream. */
export type PackerKind = 'gnu' | 'bsd' | 'js';

export interface PackOptions extends WalkOptions {
  /** Which packer to use; by default the system's tar (the built-in one on Windows, or when there is no tar). */
  packer?: PackerKind;
}

/** The tar programs on this machine by kind, each the command to start it by. */
export type TarPrograms = Partial<Record<'gnu' | 'bsd', string>>;

let programs: Promise<TarPrograms> | undefined;

/** Finds GNU tar and bsdtar under their usual names (`tar`, `gtar`, `bsdtar`); asks each once per process. */
export function findTarPrograms(): Promise<TarPrograms> {
  programs ??= (async () => {
    const found: TarPrograms = {};
    for (const name of ['tar', 'gtar', 'bsdtar']) {
      const version = await new Promise<string>((resolve) =>
        execFile(name, ['--version'], { windowsHide: true }, (err, out) => resolve(err ? '' : out)),
      );
      const kind = /GNU tar/.test(version) ? 'gnu' : /bsdtar|libarchive/.test(version) ? 'bsd' : undefined;
      if (kind && !found[kind]) found[kind] = name;
    }
    return found;
  })();
  return programs;
}

/**
 * The packer a build uses when none is asked for. Windows has bsdtar as `tar.exe`, but it reads the list of names
 * in the system's code page, not UTF-8, so a file named `café.txt` would not be found: there the built-in packer
 * packs instead.
 */
async function defaultPacker(): Promise<{ kind: PackerKind; program?: string }> {
  if (process.platform === 'win32') return { kind: 'js' };
  const found = await findTarPrograms();
  if (found.gnu) return { kind: 'gnu', program: found.gnu };
  if (found.bsd) return { kind: 'bsd', program: found.bsd };
  return { kind: 'js' };
}

async function chosenPacker(kind: PackerKind | undefined): Promise<{ kind: PackerKind; program?: string }> {
  if (!kind) return defaultPacker();
  if (kind === 'js') return { kind };
  const program = (await findTarPrograms())[kind];
  if (!program)
    throw new Error(`Packing the build context with ${kind === 'gnu' ? 'GNU tar' : 'bsdtar'} needs it on the PATH.`);
  return { kind, program };
}

type EntryHeader = Partial<tar.Header> & Pick<tar.Header, 'name'>;

/** What a packer is told by the walk, and how it is stopped. */
interface Packer {
  /** Names to pack, in walk order; resolves when the packer is ready for more. */
  add(names: string[]): Promise<void>;
  /** No more names. */
  end(): void;
  stop(): void;
  readonly running: boolean;
}

/** How a packer reports back to the pack it works for. */
interface PackerControl {
  out: PassThrough;
  fail(err: Error): void;
  /** The packer has written its last byte. */
  finished(): void;
  readonly cancelled: boolean;
}

const CANCELLED = 'The build context was not sent: cancelled.';

/**
 * Packs a build context the way `docker build` sends it, in one pass: the walk applies .dockerignore and hands
 * each name to the packer as it finds it, so files are read and packed while the walk goes on. The summary (sizes,
 * what is left out) is ready before anything needs to be sent, and nothing is held whole: names only, and at most
 * HOLD_BYTES of packed output. The three packers give the same entries for the same folder.
 */
export function packContext(root: string, options: PackOptions = {}): ContextPack {
  const out = new PassThrough({ highWaterMark: HOLD_BYTES });
  let packer: Packer | undefined;
  let failure: Error | undefined;
  let cancelled = false;
  const fail = (err: Error) => {
    if (failure) return;
    failure = err;
    packer?.stop();
    out.destroy(err);
  };
  const control: PackerControl = {
    out,
    fail,
    finished: () => {
      if (!failure) out.end();
    },
    get cancelled() {
      return cancelled;
    },
  };
  // Whoever reads the stream may destroy it (a cancelled build): then the packer and the walk stop too.
  out.on('close', () => {
    if (!packer?.running) return;
    cancelled = true;
    packer.stop();
  });
  const ready = chosenPacker(options.packer).then((chosen) => {
    packer = chosen.kind === 'js' ? builtinPacker(root, control) : tarPacker(chosen.program ?? 'tar', root, control);
    if (failure || out.destroyed) {
      cancelled ||= !failure;
      packer.stop();
    }
    return packer;
  });

  const summary = (async () => {
    const sink = await ready;
    let names: string[] = [];
    const walk = new ContextWalk(root, options, (rel) => names.push(rel));
    const breathe = breather(TURN_MS);
    while (!cancelled && !failure && walk.step()) {
      const turn = breathe();
      if (turn) {
        // The packer gets the names found so far, and its output gets read.
        if (names.length) {
          const batch = names;
          names = [];
          await sink.add(batch);
        }
        await turn;
      }
    }
    if (names.length && !failure && !cancelled) void sink.add(names);
    sink.end();
    // The packer has every name now; the sizes for the summary are looked up while it packs.
    while (!cancelled && !failure && walk.measure()) await breathe();
    if (failure) throw failure;
    if (cancelled) throw new Error(CANCELLED);
    return walk.summary();
  })();
  summary.catch((err: Error) => fail(err));

  return {
    summary,
    stream: out,
    cancel: () => {
      cancelled = true;
      fail(new Error(CANCELLED));
    },
  };
}

/**
 * The system's tar, given the names on its standard input. Names go NUL-separated, which GNU tar and bsdtar both
 * read verbatim: a file named like an option (`--checkpoint-action=…`, `-C`) is packed as a file, never taken as
 * an option. Records of 64 KB (`-b 128`) mean fewer, larger writes into the pipe; numeric owners spare a user-name
 * lookup per file (the engine makes what COPY and ADD write owned by root anyway). Every option here means the same
 * to both tars.
 */
function tarPacker(program: string, root: string, control: PackerControl): Packer {
  const child = spawn(
    program,
    ['-C', root, '-b', '128', '--numeric-owner', '-cf', '-', '--no-recursion', '--null', '-T', '-'],
    { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true },
  );
  let stderr = '';
  child.stdout.pipe(control.out, { end: false });
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  // A write after tar has gone fails with EPIPE; tar's own exit says why.
  child.stdin.on('error', () => undefined);
  child.on('error', (err: NodeJS.ErrnoException) =>
    control.fail(
      new Error(
        err.code === 'ENOENT'
          ? 'Packing the build context needs a tar program on the PATH (GNU tar or bsdtar); none was found.'
          : `Could not start tar to pack the build context: ${err.message}`,
      ),
    ),
  );
  // 'close' comes after the output has been read to its end and the process has exited.
  child.on('close', (code, signal) => {
    if (code === 0) control.finished();
    else
      control.fail(
        new Error(
          control.cancelled
            ? CANCELLED
            : `tar could not pack the build context (${signal ?? `exit ${code}`}): ` +
                (lastLines(stderr) || 'no message'),
        ),
      );
  });
  return {
    add: (names) =>
      new Promise<void>((resolve) => {
        if (child.stdin.write(`${names.join('\0')}\0`)) return resolve();
        const go = () => {
          child.stdin.off('drain', go);
          child.off('close', go);
          resolve();
        };
        child.stdin.on('drain', go);
        child.on('close', go);
      }),
    end: () => child.stdin.end(),
    stop: () => child.kill(),
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
  };
}

/**
 * Packs with tar-stream where there is no usable tar: entries in walk order, as tar writes them, big files
 * streamed, a second name of the same file (a hard link) recorded as a link. The headers carry what GNU tar's do
 * with --numeric-owner: mode, numeric owner, whole-second modification time. On Windows every entry gets the
 * permissions the Docker CLI gives it there (rwxr-xr-x), since Windows has no Unix permissions to read.
 */
function builtinPacker(root: string, control: PackerControl): Packer {
  const pack = tar.pack({ highWaterMark: 1 << 20 });
  const queue: string[] = [];
  let ended = false;
  let stopped = false;
  let done = false;
  let wake: (() => void) | undefined;
  let roomForMore: (() => void) | undefined;
  const firstNameOf = new Map<string, string>();

  pack.on('data', (chunk) => {
    if (!control.out.write(chunk as Buffer)) {
      pack.pause();
      control.out.once('drain', () => pack.resume());
    }
  });
  pack.on('end', () => {
    done = true;
    control.finished();
  });
  pack.on('error', (err: Error) => {
    done = true;
    if (!stopped) control.fail(new Error(`The build context could not be packed: ${err.message}`));
  });

  const mode = (m: number) => (process.platform === 'win32' ? (m | 0o111) & 0o755 : m & 0o7777);
  /** What an entry needs from the disk: its lookup, a link's target, a small file's content. */
  interface Found {
    name: string;
    full: string;
    stat: fs.Stats;
    linkname?: string;
    body?: Buffer;
  }
  const find = async (name: string): Promise<Found> => {
    const full = path.join(root, name);
    const stat = await fs.promises.lstat(full);
    if (stat.isSymbolicLink()) return { name, full, stat, linkname: await fs.promises.readlink(full) };
    if (stat.isFile() && stat.size <= SMALL_FILE) return { name, full, stat, body: await fs.promises.readFile(full) };
    return { name, full, stat };
  };
  const entry = async ({ name, full, stat, linkname, body }: Found) => {
    const header: EntryHeader = {
      name,
      mode: mode(stat.mode),
      uid: stat.uid,
      gid: stat.gid,
      mtime: new Date(Math.floor(stat.mtimeMs / 1000) * 1000),
    };
    if (stat.isDirectory()) return write({ ...header, type: 'directory' });
    if (linkname !== undefined) return write({ ...header, type: 'symlink', linkname });
    if (!stat.isFile()) throw Object.assign(new Error('it is no longer a file, folder or link'), { path: name });
    if (stat.nlink > 1) {
      const key = `${stat.dev}:${stat.ino}`;
      const first = firstNameOf.get(key);
      if (first !== undefined) return write({ ...header, type: 'link', linkname: first });
      firstNameOf.set(key, name);
    }
    if (body) return write({ ...header, type: 'file' }, body);
    return streamFile({ ...header, type: 'file', size: stat.size }, full);
  };
  const write = (header: EntryHeader, body?: Buffer) =>
    new Promise<void>((resolve, reject) => {
      const settle = (err?: Error | null) => (err ? reject(err) : resolve());
      if (body) pack.entry(header, body, settle);
      else pack.entry(header, settle).end(undefined);
    });
  const streamFile = (header: EntryHeader, full: string) =>
    new Promise<void>((resolve, reject) => {
      const sink = pack.entry(header, (err) => (err ? reject(err) : resolve()));
      void (async () => {
        // Only as many bytes as the header says: a file that grows meanwhile is cut there, as tar does.
        for await (const chunk of fs.createReadStream(full, { end: header.size! - 1, highWaterMark: 1 << 20 }))
          if (!sink.write(chunk as Buffer)) await once(sink, 'drain');
        sink.end(undefined);
      })().catch((err: Error) => {
        sink.destroy(err);
        reject(err);
      });
    });

  void (async () => {
    const ahead: { name: string; found: Promise<Found> }[] = [];
    while (!stopped) {
      while (ahead.length < READ_AHEAD && queue.length) {
        const name = queue.shift()!;
        const found = find(name);
        // Its failure is reported when its turn comes, in walk order.
        found.catch(() => undefined);
        ahead.push({ name, found });
      }
      if (queue.length < QUEUED_NAMES / 2 && roomForMore) {
        roomForMore();
        roomForMore = undefined;
      }
      const next = ahead.shift();
      if (!next) {
        if (ended) break;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      try {
        await entry(await next.found);
      } catch (err) {
        if (!stopped) control.fail(new Error(`The build context could not be packed: ${next.name}: ${words(err)}`));
        return;
      }
    }
    if (!stopped) pack.finalize();
  })();

  const nudge = () => {
    wake?.();
    wake = undefined;
  };
  return {
    add: (names) => {
      queue.push(...names);
      nudge();
      return queue.length < QUEUED_NAMES ? Promise.resolve() : new Promise<void>((resolve) => (roomForMore = resolve));
    },
    end: () => {
      ended = true;
      nudge();
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      roomForMore?.();
      nudge();
      pack.destroy();
    },
    get running() {
      return !stopped && !done;
    },
  };
}

/** A file system error in the words tar uses for it. */
function words(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'No such file or directory (it was removed while the context was packed)';
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'Permission denied';
  if (e.message === 'Size mismatch') return 'it changed size while it was read';
  return e.message ?? String(err);
}

const lastLines = (text: string) => text.trim().split('\n').slice(-3).join(' ').trim();
