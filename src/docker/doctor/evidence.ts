/**
 * What the failure doctor looks at, as the Engine API gives it (`GET /containers/{id}/json`, `GET /images/{id}/json`,
 * `GET /events`): only the fields it reads, all optional, because engines differ and data may be recorded. No I/O.
 */
import type { RawEvent } from '../types';
import type { ListeningSocket } from './sockets';

export interface HealthLogEntry {
  Start?: string;
  End?: string;
  ExitCode?: number;
  Output?: string;
}

export interface ContainerInspect {
  Id?: string;
  Name?: string;
  Path?: string;
  Args?: string[] | null;
  Image?: string;
  RestartCount?: number;
  Platform?: string;
  State?: {
    Status?: string;
    Running?: boolean;
    Paused?: boolean;
    Restarting?: boolean;
    OOMKilled?: boolean;
    Dead?: boolean;
    Pid?: number;
    ExitCode?: number;
    Error?: string;
    StartedAt?: string;
    FinishedAt?: string;
    Health?: { Status?: string; FailingStreak?: number; Log?: HealthLogEntry[] | null } | null;
  };
  Config?: {
    Cmd?: string[] | null;
    Entrypoint?: string[] | null;
    Env?: string[] | null;
    Image?: string;
    Labels?: Record<string, string> | null;
    User?: string;
    WorkingDir?: string;
    Tty?: boolean;
    ExposedPorts?: Record<string, unknown> | null;
    Healthcheck?: { Test?: string[] | null } | null;
  };
  HostConfig?: {
    Memory?: number;
    MemorySwap?: number;
    RestartPolicy?: { Name?: string; MaximumRetryCount?: number } | null;
    NetworkMode?: string;
    PortBindings?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null;
  };
  NetworkSettings?: {
    IPAddress?: string;
    Ports?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null;
    Networks?: Record<string, { IPAddress?: string; GlobalIPv6Address?: string }> | null;
  };
}

export interface ImageInspect {
  Id?: string;
  RepoTags?: string[] | null;
  Architecture?: string;
  Os?: string;
  Variant?: string;
  Config?: {
    Cmd?: string[] | null;
    Entrypoint?: string[] | null;
    Labels?: Record<string, string> | null;
    Healthcheck?: { Test?: string[] | null } | null;
    Env?: string[] | null;
  } | null;
}

/** The container's listening sockets, or why they could not be read. */
export type SocketReading = { via: 'host-proc' | 'exec'; sockets: ListeningSocket[] } | { via: 'none'; why: string };

/** Everything gathered about one container, ready for `diagnose`. */
export interface Evidence {
  container: ContainerInspect;
  /** undefined when the image is gone (removed after the container was made) or could not be read. */
  image?: ImageInspect;
  /** The engine's platform, e.g. `linux`/`amd64`. */
  engine: { os: string; arch: string };
  /** The last lines of the log, oldest first, each already cut to a readable length. */
  logTail: string[];
  /** Whether the log had more than the lines read (the doctor never reads all of it). */
  logCut: boolean;
  /** The engine's remembered events about this container, oldest first (it keeps only the recent ones). */
  events: RawEvent[];
  /** Read only for a running container that publishes a TCP port. */
  sockets?: SocketReading;
}
