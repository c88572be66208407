/**
 * Collects the evidence about one container through the Engine API: its inspect data, its image's, the tail of its
 * log (never the whole log), the events the engine still remembers about it and, for a running container that
 * publishes a TCP port, its listening sockets. Everything read is bounded.
 */
import * as fs from 'node:fs/promises';
import { EngineError, type EngineApi } from '../engineApi';
import type { ContainerInspect, Evidence, ImageInspect, SocketReading } from './evidence';
import { parseProcNetTcp, type ListeningSocket } from './sockets';

/** The Engine API calls the doctor needs. */
export type DoctorEngine = Pick<EngineApi, 'inspect' | 'version' | 'logTail' | 'pastEvents' | 'execRead'>;

export const LIMITS = {
  /** Log lines read from the end of the log. */
  logLines: 200,
  /** Characters kept of each log line (clue patterns only look at readable lines). */
  lineChars: 2000,
  /** Events asked for (the engine keeps only its recent ones anyway). */
  events: 200,
  /** Bytes read of each `/proc/net/tcp{,6}` file. */
  procBytes: 512 * 1024,
} as const;

/** Thrown when the container cannot be diagnosed, with a message for the user. */
export class DoctorError extends Error {
  constructor(
    message: string,
    readonly gone: boolean,
  ) {
    super(message);
  }
}

const isGone = (err: unknown) => err instanceof EngineError && err.statusCode === 404;

export interface GatherOptions {
  /**
   * Reads a file of the engine's machine, for `/proc/<pid>/net/tcp`. Given only when the engine runs on this
   * machine (a local socket, no virtual machine in between); undefined otherwise.
   */
  readHostFile?: (file: string, maxBytes: number) => Promise<string | undefined>;
}

/** Reads at most `maxBytes` of a local file; undefined when it cannot be read. */
export async function readLocalFile(file: string, maxBytes: number): Promise<string | undefined> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const buffer = Buffer.alloc(maxBytes);
    let size = 0;
    while (size < maxBytes) {
      const { bytesRead } = await handle.read(buffer, size, maxBytes - size, null);
      if (!bytesRead) break;
      size += bytesRead;
    }
    return buffer.subarray(0, size).toString('latin1');
  } catch {
    return undefined;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

export async function gatherEvidence(api: DoctorEngine, id: string, options: GatherOptions = {}): Promise<Evidence> {
  let container: ContainerInspect & { Created?: string };
  try {
    container = (await api.inspect('container', id)) as ContainerInspect & { Created?: string };
  } catch (err) {
    if (isGone(err))
      throw new DoctorError('The container no longer exists: it was removed before Dockside could look at it.', true);
    throw err;
  }
  const imageId = container.Image;
  const [image, version, log, events] = await Promise.all([
    imageId ? (api.inspect('image', imageId) as Promise<ImageInspect>).catch(() => undefined) : undefined,
    api.version().catch(() => undefined),
    api.logTail(id, LIMITS.logLines, LIMITS.lineChars).catch((err: unknown) => {
      if (isGone(err))
        throw new DoctorError('The container was removed while Dockside was reading it, so its log is gone.', true);
      return [];
    }),
    pastEvents(api, id, container.Created),
  ]);
  // A log entry may hold several lines (or, with a terminal, carriage returns): keep the last lines, each cut.
  const lines = log
    .flatMap((entry) => entry.text.split(/\r?\n|\r/))
    .map((l) => l.trimEnd().slice(0, LIMITS.lineChars))
    .filter((l) => l.length > 0);
  const logTail = lines.slice(-LIMITS.logLines);
  const evidence: Evidence = {
    container,
    ...(image ? { image } : {}),
    engine: { os: version?.os ?? 'linux', arch: version?.arch ?? '' },
    logTail,
    logCut: lines.length >= LIMITS.logLines,
    events,
  };
  if (container.State?.Running && publishesTcp(container))
    evidence.sockets = await readSockets(api, container, options);
  return evidence;
}

async function pastEvents(api: DoctorEngine, id: string, created: string | undefined) {
  const since = created ? Math.floor(Date.parse(created) / 1000) : NaN;
  const now = Math.ceil(Date.now() / 1000);
  try {
    return await api.pastEvents(id, Number.isFinite(since) ? since : now - 24 * 3600, now, LIMITS.events);
  } catch {
    return [];
  }
}

function publishesTcp(container: ContainerInspect): boolean {
  return Object.entries(container.NetworkSettings?.Ports ?? {}).some(
    ([key, bindings]) => key.endsWith('/tcp') && !!bindings?.length,
  );
}

/**
 * The container's listening sockets: from the engine machine's `/proc/<pid>/net/tcp{,6}` when it is this machine
 * (and the process there is the container's), else with `cat` inside the container, else why neither worked.
 */
export async function readSockets(
  api: DoctorEngine,
  container: ContainerInspect,
  options: GatherOptions,
): Promise<SocketReading> {
  const pid = container.State?.Pid ?? 0;
  if (options.readHostFile && Number.isInteger(pid) && pid > 0) {
    // The pid is the engine's: only trust it when the process with that number here is the container's.
    const cgroup = await options.readHostFile(`/proc/${pid}/cgroup`, 64 * 1024);
    const program = (await options.readHostFile(`/proc/${pid}/cmdline`, 4096))?.split('\0')[0];
    const ours = (!!container.Id && !!cgroup?.includes(container.Id)) || (!!program && program === container.Path);
    if (ours) {
      const tcp = await options.readHostFile(`/proc/${pid}/net/tcp`, LIMITS.procBytes);
      const tcp6 = await options.readHostFile(`/proc/${pid}/net/tcp6`, LIMITS.procBytes);
      if (tcp !== undefined) return { via: 'host-proc', sockets: parse(tcp, tcp6) };
    }
  }
  const id = container.Id ?? '';
  try {
    const tcp = await api.execRead(id, ['cat', '/proc/net/tcp'], LIMITS.procBytes);
    if (tcp.exitCode === 0) {
      const tcp6 = await api.execRead(id, ['cat', '/proc/net/tcp6'], LIMITS.procBytes).catch(() => undefined);
      return { via: 'exec', sockets: parse(tcp.stdout, tcp6?.exitCode === 0 ? tcp6.stdout : undefined) };
    }
    // The engine runs an exec whose program is missing, and reports 126 (or 127) as its exit code.
    if (tcp.exitCode === 126 || tcp.exitCode === 127) return { via: 'none', why: NO_CAT };
    return { via: 'none', why: `running \`cat /proc/net/tcp\` in it failed (exit code ${tcp.exitCode ?? 'unknown'}).` };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/executable file not found|no such file or directory/i.test(message)) return { via: 'none', why: NO_CAT };
    return { via: 'none', why: `reading its sockets failed: ${message.slice(0, 200)}` };
  }
}

const NO_CAT =
  "Dockside cannot read them from the engine's machine (it is another machine, a virtual machine, " +
  'or not readable here), and the image has no `cat` to read them with from inside.';

function parse(tcp: string, tcp6: string | undefined): ListeningSocket[] {
  return [...parseProcNetTcp(tcp, 4), ...(tcp6 === undefined ? [] : parseProcNetTcp(tcp6, 6))];
}
