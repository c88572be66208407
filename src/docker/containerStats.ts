/**
 * The figures of `GET /containers/{id}/stats`, worked out the way `docker stats` works them out (the CLI's
 * stats_helpers.go), and a window of the last minute of them for the stats panel. Pure: no I/O.
 */

interface RawCpu {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null };
  system_cpu_usage?: number;
  online_cpus?: number;
}

/** One message of the stats stream: only the fields Dockside reads. */
export interface RawStats {
  read?: string;
  preread?: string;
  /** Windows engines: the number of processors. */
  num_procs?: number;
  pids_stats?: { current?: number };
  cpu_stats?: RawCpu;
  precpu_stats?: RawCpu;
  memory_stats?: {
    usage?: number;
    limit?: number;
    stats?: Record<string, number>;
    /** Windows engines. */
    privateworkingset?: number;
  };
  blkio_stats?: { io_service_bytes_recursive?: { op?: string; value?: number }[] | null };
  /** Windows engines: block I/O is counted here. */
  storage_stats?: { read_size_bytes?: number; write_size_bytes?: number };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }> | null;
}

/** What one stats message says, in the units `docker stats` shows. Totals are since the container started. */
export interface StatsSample {
  /** When the engine read the figures, in milliseconds since the epoch. */
  time: number;
  /** Undefined when the message has no earlier reading to measure against (the first one of a stream). */
  cpuPercent?: number;
  memory?: { used: number; limit?: number; percent?: number };
  /** Undefined for a container without a network (`--network none`, `host`). */
  network?: { rx: number; tx: number };
  blockIo: { read: number; write: number };
  pids?: number;
}

/** The engine sends this time for "no reading": a container that is not running. */
const ZERO_TIME = /^0001-01-01T/;

const timeOf = (text: string | undefined): number | undefined => {
  if (!text || ZERO_TIME.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
};

/**
 * CPU use as `docker stats` computes it on Linux: the container's CPU time over the host's, between this reading
 * and the one before (`precpu_stats`), times the number of CPUs. It can pass 100 % on a machine with several.
 */
export function cpuPercentUnix(s: RawStats): number {
  const cpuDelta = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (s.cpu_stats?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
  let cpus = s.cpu_stats?.online_cpus ?? 0;
  if (!cpus) cpus = s.cpu_stats?.cpu_usage?.percpu_usage?.length ?? 0;
  return systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
}

/** On Windows the engine counts CPU time in 100 ns intervals: used intervals over possible ones since `preread`. */
export function cpuPercentWindows(s: RawStats): number {
  const read = timeOf(s.read);
  const preread = timeOf(s.preread);
  if (read === undefined || preread === undefined) return 0;
  const possible = (((read - preread) * 1e6) / 100) * (s.num_procs ?? 0);
  const used = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  return possible > 0 ? (used / possible) * 100 : 0;
}

/**
 * Memory in use without the page cache, as `docker stats` shows it: usage minus `total_inactive_file` (cgroup v1)
 * or `inactive_file` (cgroup v2), when that is smaller than the usage.
 */
export function memoryUsedUnix(m: NonNullable<RawStats['memory_stats']>): number {
  const usage = m.usage ?? 0;
  const v1 = m.stats?.total_inactive_file;
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = m.stats?.inactive_file ?? 0;
  return v2 < usage ? usage - v2 : usage;
}

/** Bytes read and written, summed over the devices as `docker stats` does (ops starting with r or w). */
export function blockIo(s: RawStats, os: string): { read: number; write: number } {
  if (os === 'windows')
    return { read: s.storage_stats?.read_size_bytes ?? 0, write: s.storage_stats?.write_size_bytes ?? 0 };
  let read = 0;
  let write = 0;
  for (const entry of s.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = (entry.op ?? '').charAt(0).toLowerCase();
    if (op === 'r') read += entry.value ?? 0;
    else if (op === 'w') write += entry.value ?? 0;
  }
  return { read, write };
}

/**
 * The figures of one stats message, or undefined when it holds none (the engine sends empty readings for a
 * container that is not running). `os` is the engine's (`/version` Os): Windows engines count differently.
 */
export function statsSample(s: RawStats, os = 'linux'): StatsSample | undefined {
  const time = timeOf(s.read);
  if (time === undefined) return undefined;
  const windows = os === 'windows';
  // The first message of a stream has no earlier reading: `docker stats` prints a figure for it anyway, averaged
  // over the host's whole uptime. On a graph that point would mean something else than its neighbours, so it has none.
  const measured = windows ? timeOf(s.preread) !== undefined : !!s.precpu_stats?.system_cpu_usage;
  const m = s.memory_stats;
  let memory: StatsSample['memory'];
  if (m && (m.usage !== undefined || m.privateworkingset !== undefined)) {
    const used = windows ? (m.privateworkingset ?? 0) : memoryUsedUnix(m);
    const limit = !windows && m.limit ? m.limit : undefined;
    memory = { used, ...(limit ? { limit, percent: (used / limit) * 100 } : {}) };
  }
  const nets = Object.values(s.networks ?? {});
  return {
    time,
    ...(measured ? { cpuPercent: windows ? cpuPercentWindows(s) : cpuPercentUnix(s) } : {}),
    ...(memory ? { memory } : {}),
    ...(nets.length
      ? {
          network: {
            rx: nets.reduce((sum, n) => sum + (n.rx_bytes ?? 0), 0),
            tx: nets.reduce((sum, n) => sum + (n.tx_bytes ?? 0), 0),
          },
        }
      : {}),
    blockIo: blockIo(s, os),
    ...(s.pids_stats?.current !== undefined ? { pids: s.pids_stats.current } : {}),
  };
}

/** The stats panel keeps at most this much history. */
export const HISTORY_MS = 60_000;

/**
 * One point of a graph: the sample's figures, with network and disk as rates (bytes per second since the point
 * before), which show activity where the totals only grow. `gap` breaks the line before this point.
 */
export interface StatsPoint {
  time: number;
  cpu?: number;
  memUsed?: number;
  memLimit?: number;
  rxRate?: number;
  txRate?: number;
  readRate?: number;
  writeRate?: number;
  pids?: number;
  gap?: boolean;
}

/** The last minute of one container's samples, as graph points; older ones fall out. */
export class StatsHistory {
  private readonly points: StatsPoint[] = [];
  private last: StatsSample | undefined;
  private broken = false;

  constructor(private readonly windowMs = HISTORY_MS) {}

  /** Adds a sample; returns its point. A sample not newer than the last one is ignored (undefined). */
  add(sample: StatsSample): StatsPoint | undefined {
    const before = this.broken ? undefined : this.last;
    if (this.last && sample.time <= this.last.time) return undefined;
    const seconds = before ? (sample.time - before.time) / 1000 : 0;
    // A counter that went down was reset (the container restarted): no rate for that step.
    const rate = (now: number | undefined, then: number | undefined) =>
      seconds > 0 && now !== undefined && then !== undefined && now >= then ? (now - then) / seconds : undefined;
    const point: StatsPoint = {
      time: sample.time,
      ...(sample.cpuPercent !== undefined ? { cpu: sample.cpuPercent } : {}),
      ...(sample.memory ? { memUsed: sample.memory.used } : {}),
      ...(sample.memory?.limit !== undefined ? { memLimit: sample.memory.limit } : {}),
      ...optional('rxRate', rate(sample.network?.rx, before?.network?.rx)),
      ...optional('txRate', rate(sample.network?.tx, before?.network?.tx)),
      ...optional('readRate', rate(sample.blockIo.read, before?.blockIo.read)),
      ...optional('writeRate', rate(sample.blockIo.write, before?.blockIo.write)),
      ...(sample.pids !== undefined ? { pids: sample.pids } : {}),
      ...(this.broken && this.points.length ? { gap: true } : {}),
    };
    this.broken = false;
    this.last = sample;
    this.points.push(point);
    this.trim(sample.time);
    return point;
  }

  /** The line breaks here: the stream stopped or was paused, so the next point does not join the last one. */
  breakLine(): void {
    this.broken = true;
  }

  /** The newest sample, with its totals. */
  get latest(): StatsSample | undefined {
    return this.last;
  }

  /** Points within the window that ends at `now` (the newest point's time by default). */
  window(now = this.last?.time ?? 0): StatsPoint[] {
    return this.points.filter((p) => p.time > now - this.windowMs);
  }

  private trim(now: number): void {
    while (this.points.length && this.points[0]!.time <= now - this.windowMs) this.points.shift();
  }
}

const optional = <K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> =>
  value === undefined ? {} : ({ [key]: value } as Record<K, number>);
