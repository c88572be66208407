/**
 * The Docker side's vocabulary: what the Engine API returns (only the fields Dockside reads) and the model's own
 * items. No I/O here.
 */

export interface RawPort {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

export interface RawMount {
  Type?: string;
  Name?: string;
  Source?: string;
  Destination?: string;
  RW?: boolean;
}

/** One entry of `GET /containers/json`. */
export interface RawContainer {
  Id: string;
  Names?: string[];
  Image?: string;
  ImageID?: string;
  Command?: string;
  Created?: number;
  Ports?: RawPort[];
  Labels?: Record<string, string> | null;
  State?: string;
  Status?: string;
  HostConfig?: { NetworkMode?: string };
  NetworkSettings?: { Networks?: Record<string, { NetworkID?: string; IPAddress?: string }> | null };
  Mounts?: RawMount[];
}

/** `GET /images/json` entries and `GET /images/{id}/json` share these fields (Created differs in type). */
export interface RawImage {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Size?: number;
  Created?: number | string;
  Labels?: Record<string, string> | null;
  Config?: {
    Labels?: Record<string, string> | null;
    ExposedPorts?: Record<string, unknown> | null;
    Env?: string[] | null;
  };
  /** In an image inspect only (not in the list). */
  Os?: string;
  Architecture?: string;
  Variant?: string;
}

export interface RawVolume {
  Name: string;
  Driver?: string;
  Mountpoint?: string;
  Labels?: Record<string, string> | null;
  Scope?: string;
  CreatedAt?: string;
}

export interface RawNetwork {
  Id: string;
  Name: string;
  Driver?: string;
  Scope?: string;
  Internal?: boolean;
  Labels?: Record<string, string> | null;
  Created?: string;
}

/** The part of `GET /containers/{id}/json` the model reads for containers the list cannot describe. */
export interface RawContainerState {
  ExitCode?: number;
  Error?: string;
  OOMKilled?: boolean;
}

/** One message of `GET /events`. */
export interface RawEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  id?: string;
  status?: string;
  time?: number;
  timeNano?: number;
}

export interface EngineVersion {
  /** `Podman` when `/version` names the Podman Engine among its components; Docker otherwise. */
  product?: 'Podman';
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
}

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface PortBinding {
  /** Host address the port is bound to; undefined when not published. */
  hostIp?: string;
  hostPort?: number;
  containerPort: number;
  protocol: string;
}

export interface MountInfo {
  type: string;
  /** Volume name, for volumes. */
  name?: string;
  source: string;
  destination: string;
  readOnly: boolean;
}

export interface ContainerItem {
  id: string;
  name: string;
  image: string;
  imageId: string;
  command: string;
  created: number;
  state: ContainerState;
  /** The engine's status line ("Up 5 minutes (healthy)", "Exited (137) 2 hours ago"), as of the last fetch. */
  status: string;
  health?: 'healthy' | 'unhealthy' | 'starting';
  /** From the status line; for a container whose start failed ("created"), from its inspect. */
  exitCode?: number;
  /** The engine's reason a start failed (inspect's `State.Error`), for a container the list shows as "created". */
  startError?: string;
  /** Killed by the kernel for memory (inspect's `State.OOMKilled`), looked up only for an exit with code 137. */
  oomKilled?: boolean;
  /**
   * How many times it stopped on its own (no stop or kill asked for it) in the last `RESTART_WINDOW_MS`, counted
   * from the event stream while Dockside watches. Absent when none.
   */
  recentExits?: number;
  /** Published TCP ports nothing answers on, found by looking at its listening sockets (doctor/portWatch.ts). */
  silentPorts?: SilentPort[];
  ports: PortBinding[];
  labels: Record<string, string>;
  mounts: MountInfo[];
  networks: string[];
  networkMode: string;
  composeProject?: string;
  composeService?: string;
}

/** A published TCP port where nothing reachable listens, and what listens instead. */
export interface SilentPort {
  containerPort: number;
  hostPort: number;
  /** `loopback-only`: it listens on 127.0.0.1 (or ::1) only; `other-ports`: on other ports; else on no TCP port. */
  why: 'loopback-only' | 'other-ports' | 'nothing-listens';
}

export interface ImageItem {
  id: string;
  tags: string[];
  digests: string[];
  size: number;
  created: number;
  labels: Record<string, string>;
}

export interface VolumeItem {
  name: string;
  driver: string;
  mountpoint: string;
  scope: string;
  labels: Record<string, string>;
}

export interface NetworkItem {
  id: string;
  name: string;
  driver: string;
  scope: string;
  internal: boolean;
  labels: Record<string, string>;
}

export type ObjectKind = 'container' | 'image' | 'volume' | 'network';
