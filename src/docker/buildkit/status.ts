import { statusResponseType } from './protos';

/** One node of BuildKit's build graph: a Dockerfile step, or internal work (loading the context, exporting). */
export interface BuildkitVertex {
  digest: string;
  name: string;
  cached: boolean;
  /** Milliseconds since the epoch, as the engine's clock says. */
  started?: number;
  completed?: number;
  error?: string;
}

/** Progress of one piece of work inside a vertex (bytes of the context sent, layers exported). */
export interface BuildkitVertexStatus {
  id: string;
  vertex: string;
  name: string;
  current: number;
  total: number;
  completed?: number;
}

export interface BuildkitLog {
  vertex: string;
  /** 1 stdout, 2 stderr. */
  stream: number;
  /** Raw bytes: a character may be split between two messages, so the reader decodes per vertex. */
  msg: Uint8Array;
}

export interface BuildkitWarning {
  vertex: string;
  level: number;
  short: string;
  detail: string[];
  url: string;
  filename?: string;
  /** 1-based lines, as BuildKit counts them. */
  ranges: { start: { line: number; character: number }; end: { line: number; character: number } }[];
}

/** One decoded status update of a BuildKit build. */
export interface BuildkitStatus {
  vertexes: BuildkitVertex[];
  statuses: BuildkitVertexStatus[];
  logs: BuildkitLog[];
  warnings: BuildkitWarning[];
}

interface RawTimestamp {
  seconds?: number;
  nanos?: number;
}

const millis = (t: RawTimestamp | null | undefined): number | undefined =>
  t ? (t.seconds ?? 0) * 1000 + Math.round((t.nanos ?? 0) / 1e6) : undefined;
const text = (b: Uint8Array | undefined): string => (b ? Buffer.from(b).toString('utf8') : '');

/** Decodes the base64 `aux` of a `moby.buildkit.trace` message. Throws on bytes that are not a StatusResponse. */
export function decodeBuildkitStatus(aux: string): BuildkitStatus {
  const type = statusResponseType();
  const raw = type.toObject(type.decode(Buffer.from(aux, 'base64')), { longs: Number, arrays: true }) as {
    vertexes: {
      digest: string;
      name?: string;
      cached?: boolean;
      started?: RawTimestamp;
      completed?: RawTimestamp;
      error?: string;
    }[];
    statuses: {
      ID?: string;
      vertex?: string;
      name?: string;
      current?: number;
      total?: number;
      completed?: RawTimestamp;
    }[];
    logs: { vertex?: string; stream?: number; msg?: Uint8Array }[];
    warnings: {
      vertex?: string;
      level?: number;
      short?: Uint8Array;
      detail?: Uint8Array[];
      url?: string;
      info?: { filename?: string };
      ranges?: { start?: { line?: number; character?: number }; end?: { line?: number; character?: number } }[];
    }[];
  };
  const position = (p?: { line?: number; character?: number }) => ({
    line: p?.line ?? 0,
    character: p?.character ?? 0,
  });
  return {
    vertexes: raw.vertexes.map((v) => ({
      digest: v.digest,
      name: v.name ?? '',
      cached: !!v.cached,
      ...(v.started ? { started: millis(v.started) } : {}),
      ...(v.completed ? { completed: millis(v.completed) } : {}),
      ...(v.error ? { error: v.error } : {}),
    })),
    statuses: raw.statuses.map((s) => ({
      id: s.ID ?? '',
      vertex: s.vertex ?? '',
      name: s.name ?? '',
      current: s.current ?? 0,
      total: s.total ?? 0,
      ...(s.completed ? { completed: millis(s.completed) } : {}),
    })),
    logs: raw.logs.map((l) => ({ vertex: l.vertex ?? '', stream: l.stream ?? 1, msg: l.msg ?? new Uint8Array() })),
    warnings: raw.warnings.map((w) => ({
      vertex: w.vertex ?? '',
      level: w.level ?? 0,
      short: text(w.short),
      detail: (w.detail ?? []).map(text),
      url: w.url ?? '',
      ...(w.info?.filename ? { filename: w.info.filename } : {}),
      ranges: (w.ranges ?? []).map((r) => ({ start: position(r.start), end: position(r.end) })),
    })),
  };
}

/** Encodes a status update the way the engine does: for tests of the decoding and of what reads it. */
export function encodeBuildkitStatus(status: object): string {
  const type = statusResponseType();
  return Buffer.from(type.encode(type.fromObject(status as Record<string, unknown>)).finish()).toString('base64');
}
