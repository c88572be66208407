import * as fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import * as path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Docker from 'dockerode';
import * as tar from 'tar-stream';
import {
  INSIDE_ERRORS,
  baseName,
  childPath,
  containerPath,
  decodePathStat,
  entryFromHeader,
  relativeToRoot,
  type ArchiveEntry,
  type EntryType,
  type PathStat,
} from './containerPaths';
import { statsSample, type RawStats, type StatsSample } from './containerStats';
import { EngineError, type EventSubscription } from './engineApi';
import { plainEngineError } from './model';

export { INSIDE_ERRORS } from './containerPaths';

/** A folder's entries, and whether reading stopped early (the folder was larger than allowed). */
export interface FolderListing {
  /** The folder that was read: the path asked for, or where a link to a folder led. */
  folder: string;
  entries: ListedEntry[];
  /** Bytes of archive read to list it: a folder's archive holds everything below it. */
  bytes: number;
  truncated: boolean;
}

/** A listed entry; a symbolic link also says what it leads to, as the engine resolves it inside the container. */
export interface ListedEntry extends ArchiveEntry {
  target?: { path: string; type: EntryType | 'missing' };
}

/** A file or folder to write into a container through the archive API. */
export interface NewEntry {
  name: string;
  type: 'file' | 'directory';
  data?: Uint8Array;
  mode: number;
  uid: number;
  gid: number;
  uname?: string;
  gname?: string;
}

export interface TransferResult {
  files: number;
  folders: number;
  links: number;
  bytes: number;
  /** Entries left out, each with the reason. */
  skipped: string[];
}

/**
 * What Dockside does inside a container through the Engine API: its files through the archive endpoints (which
 * work on stopped containers too), commands through exec (running ones only), and the stats stream.
 */
export interface ContainerInsideApi {
  /** `HEAD …/archive`: what is at a path (links not followed), or undefined when nothing is there. */
  statPath(id: string, path: string): Promise<PathStat | undefined>;
  /**
   * The entries directly in a folder, from `GET …/archive` of it. The archive holds everything below the folder, so
   * it is read as it streams and only headers are kept; past `maxBytes` reading stops and the listing is marked
   * truncated, as it is past `maxEntries` entries. A link to a folder lists the folder it leads to.
   */
  listFolder(id: string, path: string, options?: { maxBytes?: number; maxEntries?: number }): Promise<FolderListing>;
  /** A path's own tar header (its mode and owner); the rest of its archive is not read. */
  pathEntry(id: string, path: string): Promise<ArchiveEntry | undefined>;
  /**
   * A file's content (a link is followed), refused beyond `maxBytes`; with `head`, its first `maxBytes` (to tell
   * a binary file), the rest not read.
   */
  readFile(
    id: string,
    path: string,
    maxBytes: number,
    options?: { head?: boolean },
  ): Promise<{ path: string; entry: ArchiveEntry; data: Buffer }>;
  /** Writes files and folders into a folder (`PUT …/archive`), with the modes and owners given. */
  putEntries(id: string, folder: string, entries: NewEntry[]): Promise<void>;
  /**
   * Packs files and folders of this machine and streams them into a folder of the container. Modes are kept;
   * the owner is root, as `docker cp` does. `onBytes` hears the running total.
   */
  upload(
    id: string,
    folder: string,
    hostPaths: string[],
    onBytes?: (bytes: number) => void,
    signal?: AbortSignal,
  ): Promise<TransferResult>;
  /**
   * Streams a file or folder of the container to `hostTarget` on this machine. Every entry is written below
   * `hostTarget` or not at all; links are made last, so no entry is ever written through one.
   */
  download(
    id: string,
    path: string,
    hostTarget: string,
    onBytes?: (bytes: number) => void,
    signal?: AbortSignal,
  ): Promise<TransferResult>;
  /** Runs a command (an argument vector, no shell) in a running container: its exit code and last output. */
  exec(id: string, cmd: string[], timeoutMs?: number): Promise<{ exitCode: number; output: string }>;
  /**
   * Follows `GET …/stats`: `onSample` gets each message's figures (undefined when the container is not running);
   * `onEnd` is called once when the stream ends or fails. `os` is the engine's, from `/version`.
   */
  stats(
    id: string,
    os: string,
    onSample: (s: StatsSample | undefined) => void,
    onEnd: (err?: Error) => void,
  ): Promise<EventSubscription>;
}

/** What dockerodeApi.ts lends: its request counter and error wrapper, and its stream helpers. */
export interface InsideTools {
  call<T>(fn: () => Promise<T>): Promise<T>;
  wrap(err: unknown): EngineError;
  follow(
    stream: NodeJS.ReadableStream & { destroy(): void },
    onData: (chunk: Buffer) => void,
    onEnd: (err?: Error) => void,
  ): EventSubscription;
  jsonLines(onMessage: (value: unknown) => void): (chunk: Buffer | string) => void;
  logFrames(raw: boolean, onText: (text: string, stream: 'stdout' | 'stderr') => void): (chunk: Buffer) => void;
  /** The engine's address in words, for messages. */
  address: string;
}

/** How many links of one folder are followed to learn whether they lead to a file or a folder. */
const MAX_LINKS_RESOLVED = 200;
const LINK_LOOKUPS_AT_ONCE = 8;
const DEFAULT_LIST_BYTES = 64 * 1024 * 1024;
const DEFAULT_LIST_ENTRIES = 5000;
const EXEC_TIMEOUT_MS = 30_000;

export function createContainerInsideApi(docker: Docker, streams: Docker, tools: InsideTools): ContainerInsideApi {
  const { wrap } = tools;
  const asEngineError = (err: unknown) => (err instanceof EngineError ? err : wrap(err));
  /** Counts the request, and turns a broken connection into words (the engine's own errors pass as they are). */
  const call = <T>(fn: () => Promise<T>): Promise<T> =>
    tools.call(async () => {
      try {
        return await fn();
      } catch (err) {
        const e = asEngineError(err);
        const ours = (Object.values(INSIDE_ERRORS) as string[]).includes(e.code ?? '');
        if (ours || e.statusCode !== undefined) throw e;
        throw new EngineError(plainEngineError(err, tools.address), undefined, INSIDE_ERRORS.streamBroken);
      }
    });

  /** A 404 is ambiguous (no such path, or no such container): inspect tells which. */
  const notFound = async (id: string, what: string): Promise<EngineError> => {
    try {
      await docker.getContainer(id).inspect();
    } catch (err) {
      if (asEngineError(err).statusCode === 404)
        return new EngineError('The container no longer exists.', 404, INSIDE_ERRORS.containerGone);
    }
    return new EngineError(`Nothing is at ${what} in the container.`, 404, INSIDE_ERRORS.notFound);
  };

  const stat = async (id: string, p: string): Promise<PathStat | undefined> => {
    try {
      const res = (await docker.getContainer(id).infoArchive({ path: containerPath(p) })) as unknown as IncomingMessage;
      res.resume();
      const raw = res.headers['x-docker-container-path-stat'];
      const found = decodePathStat(Array.isArray(raw) ? raw[0] : raw);
      if (!found) throw new EngineError(`The engine answered for ${containerPath(p)} without describing it.`);
      return found;
    } catch (err) {
      const e = asEngineError(err);
      if (e.statusCode !== 404) throw e;
      const why = await notFound(id, containerPath(p));
      if (why.code === INSIDE_ERRORS.containerGone) throw why;
      return undefined;
    }
  };

  /** Where a path leads: itself, or (for a link) the engine's resolution of the link inside the container. */
  const follow = async (id: string, p: string): Promise<{ path: string; stat: PathStat }> => {
    let current = containerPath(p);
    for (let hops = 0; hops < 40; hops++) {
      const found = await stat(id, current);
      if (!found) throw await notFound(id, current);
      if (found.type !== 'symlink' || !found.linkTarget) return { path: current, stat: found };
      current = containerPath(found.linkTarget);
    }
    throw new EngineError(`${containerPath(p)} is a link that leads round in circles.`, 400, INSIDE_ERRORS.notFound);
  };

  const getArchive = async (id: string, p: string): Promise<IncomingMessage> => {
    try {
      // The client with the request timeout: it counts silence, so an engine that stops sending mid-archive fails
      // the read instead of leaving it waiting, while a long archive that keeps coming is read to its end.
      return (await docker.getContainer(id).getArchive({ path: containerPath(p) })) as unknown as IncomingMessage;
    } catch (err) {
      const e = asEngineError(err);
      if (e.statusCode === 404) throw await notFound(id, containerPath(p));
      throw e;
    }
  };

  /** Reads an archive's entries one at a time; `onEntry` returns false to stop reading. */
  const readArchive = async (
    res: IncomingMessage,
    onEntry: (header: tar.Header, body: Readable) => Promise<boolean | void>,
    signal?: AbortSignal,
  ): Promise<void> => {
    const extract = tar.extract();
    let stopped = false;
    const stop = () => {
      stopped = true;
      res.destroy();
      extract.destroy();
    };
    signal?.addEventListener('abort', stop, { once: true });
    const feeding = pipeline(res, extract).catch((err: Error) => {
      if (!stopped) throw err;
    });
    let failure: unknown;
    try {
      for await (const entry of extract) {
        const goOn = await onEntry(entry.header, entry as unknown as Readable);
        // An entry must be read to its end before the next one comes.
        entry.resume();
        if (goOn === false) {
          stop();
          break;
        }
      }
    } catch (err) {
      if (!stopped) failure = err;
    } finally {
      signal?.removeEventListener('abort', stop);
    }
    await feeding.catch((err: unknown) => (failure ??= err));
    if (signal?.aborted) throw new EngineError('Cancelled.', undefined, INSIDE_ERRORS.cancelled);
    if (failure === undefined) return;
    // Our own refusals (too large) pass as they are; a broken stream says where it broke, in words.
    if (failure instanceof EngineError && failure.code) throw failure;
    throw new EngineError(
      `The engine stopped sending the archive part-way (${(failure as Error)?.message ?? String(failure)}). ` +
        `Is Docker still running?`,
      undefined,
      INSIDE_ERRORS.streamBroken,
    );
  };

  const resolveLinks = async (id: string, folder: string, entries: ListedEntry[]): Promise<void> => {
    const links = entries.filter((e) => e.type === 'symlink').slice(0, MAX_LINKS_RESOLVED);
    let next = 0;
    const worker = async () => {
      while (next < links.length) {
        const link = links[next++]!;
        try {
          const own = await stat(id, childPath(folder, link.name));
          const to = own?.linkTarget ? containerPath(own.linkTarget) : undefined;
          const target = to ? await stat(id, to) : undefined;
          if (to)
            link.target = {
              path: to,
              type: target ? (target.type === 'symlink' ? 'symlink' : target.type) : 'missing',
            };
        } catch {
          // The folder's listing stands without knowing where this link leads.
        }
      }
    };
    await Promise.all(Array.from({ length: LINK_LOOKUPS_AT_ONCE }, worker));
  };

  return {
    statPath: (id, p) => call(() => stat(id, p)),

    listFolder: (id, p, options = {}) =>
      call(async () => {
        const { path: folder, stat: found } = await follow(id, p);
        if (found.type !== 'directory')
          throw new EngineError(`${folder} is not a folder.`, 400, INSIDE_ERRORS.notAFolder);
        const res = await getArchive(id, folder);
        const max = options.maxBytes ?? DEFAULT_LIST_BYTES;
        const maxEntries = options.maxEntries ?? DEFAULT_LIST_ENTRIES;
        let bytes = 0;
        let truncated = false;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        const entries: ListedEntry[] = [];
        let root: string | undefined;
        await readArchive(res, async (header) => {
          root ??= header.name;
          const rel = relativeToRoot(root, header.name);
          if (rel && !rel.includes('/')) entries.push(entryFromHeader(asFileIfHardLink(header), rel));
          if (bytes > max || entries.length >= maxEntries) {
            truncated = true;
            return false;
          }
          return true;
        });
        await resolveLinks(id, folder, entries);
        entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        return { folder, entries, bytes, truncated };
      }),

    pathEntry: (id, p) =>
      call(async () => {
        let res: IncomingMessage;
        try {
          res = await getArchive(id, p);
        } catch (err) {
          if (err instanceof EngineError && err.code === INSIDE_ERRORS.notFound) return undefined;
          throw err;
        }
        let found: ArchiveEntry | undefined;
        await readArchive(res, async (header) => {
          found = entryFromHeader(asFileIfHardLink(header), baseName(p));
          return false;
        });
        return found;
      }),

    readFile: (id, p, maxBytes, options = {}) =>
      call(async () => {
        const { path: file, stat: found } = await follow(id, p);
        if (found.type === 'directory') throw new EngineError(`${file} is a folder.`, 400, INSIDE_ERRORS.isAFolder);
        if (found.size > maxBytes && !options.head)
          throw new EngineError(`${file} is larger than ${maxBytes} bytes.`, 413, INSIDE_ERRORS.tooLarge);
        const res = await getArchive(id, file);
        let result: { path: string; entry: ArchiveEntry; data: Buffer } | undefined;
        await readArchive(res, async (header, body) => {
          const chunks: Buffer[] = [];
          let size = 0;
          for await (const chunk of body) {
            size += (chunk as Buffer).length;
            if (size > maxBytes && options.head) {
              // Only the start was asked for: the rest of the archive is not read.
              chunks.push((chunk as Buffer).subarray(0, (chunk as Buffer).length - (size - maxBytes)));
              break;
            }
            if (size > maxBytes)
              throw new EngineError(`${file} is larger than ${maxBytes} bytes.`, 413, INSIDE_ERRORS.tooLarge);
            chunks.push(chunk as Buffer);
          }
          result = { path: file, entry: entryFromHeader(header, baseName(file)), data: Buffer.concat(chunks) };
          return false;
        });
        if (!result) throw await notFound(id, file);
        return result;
      }),

    putEntries: (id, folder, entries) =>
      call(async () => {
        const pack = tar.pack();
        const mtime = new Date();
        for (const e of entries) {
          const header = {
            name: e.name,
            type: e.type,
            mode: e.mode & 0o7777,
            uid: e.uid,
            gid: e.gid,
            ...(e.uname ? { uname: e.uname } : {}),
            ...(e.gname ? { gname: e.gname } : {}),
            mtime,
          };
          if (e.type === 'file') pack.entry(header, Buffer.from(e.data ?? new Uint8Array()));
          else pack.entry(header);
        }
        pack.finalize();
        await put(id, folder, pack as unknown as Readable);
      }),

    upload: (id, folder, hostPaths, onBytes, signal) =>
      call(async () => {
        const result: TransferResult = { files: 0, folders: 0, links: 0, bytes: 0, skipped: [] };
        const pack = tar.pack();
        const body = new PassThrough();
        (pack as unknown as Readable).pipe(body);
        const abort = () => body.destroy(new EngineError('Cancelled.', undefined, INSIDE_ERRORS.cancelled));
        signal?.addEventListener('abort', abort, { once: true });
        const writing = (async () => {
          for (const host of hostPaths) await packHostPath(pack, host, path.basename(host), result, onBytes, signal);
          pack.finalize();
        })();
        try {
          await Promise.all([put(id, folder, body), writing]);
        } catch (err) {
          if (signal?.aborted) throw new EngineError('Cancelled.', undefined, INSIDE_ERRORS.cancelled);
          throw err;
        } finally {
          signal?.removeEventListener('abort', abort);
        }
        return result;
      }),

    download: (id, p, hostTarget, onBytes, signal) =>
      call(async () => {
        const { path: source } = await follow(id, p);
        const res = await getArchive(id, source);
        const result: TransferResult = { files: 0, folders: 0, links: 0, bytes: 0, skipped: [] };
        const links: { at: string; to: string }[] = [];
        let root: string | undefined;
        await readArchive(
          res,
          async (header, body) => {
            root ??= header.name;
            const rel = relativeToRoot(root, header.name);
            const target = rel === undefined ? undefined : hostPathBelow(hostTarget, rel);
            if (!target) {
              result.skipped.push(`${header.name}: its name does not fit below the folder chosen on this machine`);
              return;
            }
            if (header.type === 'directory') {
              await fs.promises.mkdir(target, { recursive: true });
              result.folders++;
            } else if (header.type === 'symlink') {
              links.push({ at: target, to: header.linkname ?? '' });
            } else if (header.type === 'file' || header.type === 'contiguous-file') {
              await pipeline(
                body,
                async function* (source: AsyncIterable<Buffer>) {
                  for await (const chunk of source) {
                    result.bytes += chunk.length;
                    onBytes?.(result.bytes);
                    yield chunk;
                  }
                },
                fs.createWriteStream(target, { mode: (header.mode ?? 0o644) & 0o777 }),
              );
              await fs.promises.chmod(target, (header.mode ?? 0o644) & 0o777).catch(() => undefined);
              result.files++;
            } else {
              result.skipped.push(`${rel || header.name}: a ${header.type ?? 'special file'}, which is not copied`);
            }
          },
          signal,
        );
        // Links last: while entries are written no link exists below the target, so none is written through one.
        for (const link of links) {
          try {
            await fs.promises.symlink(link.to, link.at);
            result.links++;
          } catch (err) {
            result.skipped.push(
              `${path.relative(hostTarget, link.at)}: the link could not be made (${(err as Error).message})`,
            );
          }
        }
        return result;
      }),

    exec: (id, cmd, timeoutMs = EXEC_TIMEOUT_MS) =>
      call(async () => {
        const exec = await docker
          .getContainer(id)
          .exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: false });
        const stream = (await exec.start({ hijack: true, stdin: false })) as unknown as NodeJS.ReadableStream & {
          destroy(): void;
        };
        let output = '';
        const onData = tools.logFrames(false, (text) => (output = (output + text).slice(-16384)));
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => {
            stream.destroy();
            reject(new EngineError(`"${cmd.join(' ')}" did not finish within ${timeoutMs / 1000} seconds.`));
          }, timeoutMs);
          const done = (err?: Error) => {
            clearTimeout(timer);
            if (err) reject(err);
            else resolve();
          };
          stream.on('data', onData);
          stream.on('end', () => done());
          stream.on('close', () => done());
          stream.on('error', (err: Error) => done(err));
        });
        const info = await exec.inspect();
        return { exitCode: info.ExitCode ?? -1, output };
      }),

    stats: (id, os, onSample, onEnd) =>
      call(async () => {
        const stream = (await streams.getContainer(id).stats({ stream: true })) as unknown as NodeJS.ReadableStream & {
          destroy(): void;
        };
        return tools.follow(
          stream,
          tools.jsonLines((v) => onSample(statsSample(v as RawStats, os))),
          onEnd,
        );
      }),
  };

  async function put(id: string, folder: string, body: Readable): Promise<void> {
    try {
      // The stream client: an upload may take longer than the request timeout, and a dead engine ends the socket.
      await streams.getContainer(id).putArchive(body as unknown as NodeJS.ReadableStream, {
        path: containerPath(folder),
        noOverwriteDirNonDir: true,
      });
    } catch (err) {
      const e = asEngineError(err);
      if (e.statusCode === 404) throw await notFound(id, containerPath(folder));
      throw e;
    }
  }
}

/** A hard link names a file already in the archive: for a listing it is just a file. */
function asFileIfHardLink(h: tar.Header): tar.Header {
  return h.type === 'link' ? { ...h, type: 'file', size: 0 } : h;
}

/**
 * Where an archive entry (its path below the downloaded root, `/`-separated) goes below `hostTarget`, or
 * undefined when it cannot go there: a `..` or empty part, or a part this machine cannot name (a `\` or NUL, or
 * any of `<>:"|?*` on Windows).
 */
export function hostPathBelow(
  hostTarget: string,
  rel: string,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  if (rel === '') return hostTarget;
  const parts = rel.split('/');
  const bad = platform === 'win32' ? /[\\<>:"|?*\0]|[. ]$/ : /[\\\0]/;
  if (parts.some((p) => p === '' || p === '.' || p === '..' || bad.test(p))) return undefined;
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const full = paths.join(hostTarget, ...parts);
  const back = paths.relative(hostTarget, full);
  return back && !back.startsWith('..') && !paths.isAbsolute(back) ? full : undefined;
}

/** Adds a host file or folder (recursively, links as links) to a pack as `name`, streaming file contents. */
async function packHostPath(
  pack: tar.Pack,
  full: string,
  name: string,
  result: TransferResult,
  onBytes: ((bytes: number) => void) | undefined,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (signal?.aborted) throw new EngineError('Cancelled.', undefined, INSIDE_ERRORS.cancelled);
  const st = await fs.promises.lstat(full);
  // Windows has no Unix permissions: folders and files get what the Docker CLI gives them there.
  const mode = process.platform === 'win32' ? (st.isDirectory() ? 0o755 : 0o644) : st.mode & 0o7777;
  const header = { name, mode, uid: 0, gid: 0, mtime: new Date(Math.floor(st.mtimeMs / 1000) * 1000) };
  const add = (h: Parameters<tar.Pack['entry']>[0], data?: Buffer) =>
    new Promise<void>((resolve, reject) => {
      const settle = (err?: Error | null) => (err ? reject(err) : resolve());
      if (data) pack.entry(h, data, settle);
      else pack.entry(h, settle);
    });
  if (st.isDirectory()) {
    await add({ ...header, type: 'directory' });
    result.folders++;
    for (const child of (await fs.promises.readdir(full)).sort())
      await packHostPath(pack, path.join(full, child), `${name}/${child}`, result, onBytes, signal);
  } else if (st.isSymbolicLink()) {
    await add({ ...header, type: 'symlink', linkname: await fs.promises.readlink(full) });
    result.links++;
  } else if (st.isFile()) {
    await new Promise<void>((resolve, reject) => {
      const sink = pack.entry({ ...header, type: 'file', size: st.size }, (err) => (err ? reject(err) : resolve()));
      void (async () => {
        // Only as many bytes as the header says: a file that grows meanwhile is cut there, as tar does.
        if (st.size > 0)
          for await (const chunk of fs.createReadStream(full, { end: st.size - 1, highWaterMark: 1 << 20 })) {
            result.bytes += (chunk as Buffer).length;
            onBytes?.(result.bytes);
            if (!sink.write(chunk as Buffer)) await new Promise<void>((r) => sink.once('drain', () => r()));
          }
        (sink as unknown as NodeJS.WritableStream).end();
      })().catch((err: Error) => sink.destroy(err));
    });
    result.files++;
  } else {
    result.skipped.push(`${name}: not a file, folder or link`);
  }
}
