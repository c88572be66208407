import type { BuildMessage } from './buildProgress';
import type { Builder } from './buildkit/builderChoice';
import type { ContainerInsideApi } from './containerInside';
import type { EngineVersion, RawContainer, RawEvent, RawImage, RawNetwork, RawVolume } from './types';

/** A live subscription to the Engine's event stream. */
export interface EventSubscription {
  close(): void;
}

export interface PruneResult {
  deleted: string[];
  spaceReclaimed: number;
}

/**
 * The Engine API calls Dockside makes. The real implementation (dockerodeApi.ts) is the only code that loads
 * dockerode; it is bundled apart and loaded on first use. `calls` counts requests, so tests and the bench can
 * prove that an event costs a targeted fetch, never a full re-list.
 */
export interface EngineApi {
  readonly calls: number;
  /** The address in words, for messages. */
  readonly address: string;
  /** Inside one container: its files (archive endpoints), exec, and the stats stream (containerInside.ts). */
  readonly inside: ContainerInsideApi;
  ping(): Promise<void>;
  version(): Promise<EngineVersion>;
  /** All containers, or only those with these ids (one request either way). */
  listContainers(ids?: string[]): Promise<RawContainer[]>;
  listImages(): Promise<RawImage[]>;
  /** undefined when the image no longer exists. */
  inspectImage(id: string): Promise<RawImage | undefined>;
  listVolumes(): Promise<RawVolume[]>;
  inspectVolume(name: string): Promise<RawVolume | undefined>;
  listNetworks(): Promise<RawNetwork[]>;
  inspectNetwork(id: string): Promise<RawNetwork | undefined>;
  /** Streams events from now on; `onEnd` is called once when the stream ends or fails. */
  events(onEvent: (e: RawEvent) => void, onEnd: (err?: Error) => void): Promise<EventSubscription>;

  containerAction(id: string, action: 'start' | 'stop' | 'restart' | 'pause' | 'unpause' | 'kill'): Promise<void>;
  removeContainer(id: string, options: { force?: boolean; volumes?: boolean }): Promise<void>;
  renameContainer(id: string, name: string): Promise<void>;
  inspect(kind: 'container' | 'image' | 'volume' | 'network', id: string): Promise<unknown>;
  /** `GET /images/{id}/history`: the steps that made an image, newest first. */
  imageHistory(
    id: string,
  ): Promise<
    { Id: string; Created: number; CreatedBy: string; Tags: string[] | null; Size: number; Comment: string }[]
  >;
  removeImage(id: string, options: { force?: boolean }): Promise<void>;
  /** `GET /images/{id}/get`: the image as a tar stream (`docker save`), to be read as it arrives. */
  saveImage(id: string): Promise<NodeJS.ReadableStream & { destroy(): void }>;
  removeVolume(name: string): Promise<void>;
  removeNetwork(id: string): Promise<void>;
  /**
   * Follows a container's log. Calls `onText` with each piece of output (stdout and stderr demultiplexed) and
   * `onEnd` when the log ends (the container stopped) or the stream failed. `close()` stops following. `since`
   * (seconds since the epoch) starts the log there, for following it again after a restart.
   */
  logs(
    id: string,
    options: { follow: boolean; timestamps: boolean; tail?: number; since?: number },
    onText: (text: string, stream: 'stdout' | 'stderr') => void,
    onEnd: (err?: Error) => void,
  ): Promise<EventSubscription>;
  /**
   * Builds an image from a context tar stream (contextPack.ts makes one; it is streamed, never held whole),
   * reporting each message of the build stream (BuildKit's status updates decoded). With `builder: 'buildkit'` it
   * first opens a BuildKit session that answers the engine's requests for secrets and the ssh agent; when the engine
   * refuses the session or the BuildKit build, it rejects with an EngineError whose code is BUILDKIT_REFUSED
   * (builderChoice.ts), before any build ran. `done` settles when the build ends (rejecting with the stream's own
   * error if the context fails while being sent, or when the session drops mid-build); `cancel()` stops the build
   * on the engine.
   */
  build(
    context: NodeJS.ReadableStream & { destroy(err?: Error): void },
    options: BuildOptions,
    onMessage: (m: BuildMessage) => void,
  ): Promise<BuildRun>;
  /** Creates a container from an Engine API create request and starts it; returns its id. */
  runContainer(body: object, name?: string): Promise<string>;
  /** Tags an image: `repo` may include a registry host (`127.0.0.1:5000/team/app`). */
  tagImage(id: string, repo: string, tag: string): Promise<void>;
  /**
   * Pushes or pulls an image, reporting per-layer progress (`{ id, status, progressDetail }` messages) and failing
   * with the registry's message. Credentials go to the engine only, base64-encoded in a header as the API wants.
   */
  transfer(
    kind: 'push' | 'pull',
    ref: string,
    auth: { username: string; password: string; serveraddress: string } | undefined,
    onMessage: (m: {
      id?: string;
      status?: string;
      progressDetail?: { current?: number; total?: number };
      error?: string;
    }) => void,
  ): Promise<{ cancel(): void; done: Promise<void> }>;
  prune(kind: 'containers' | 'images' | 'volumes' | 'networks'): Promise<PruneResult>;
  /**
   * The last `lines` entries of a container's log (stdout and stderr), without following: the engine seeks to the
   * tail, so a huge log costs no more than a small one. Each entry is cut to `maxLineChars`.
   */
  logTail(id: string, lines: number, maxLineChars: number): Promise<{ stream: 'stdout' | 'stderr'; text: string }[]>;
  /**
   * The container events the engine still remembers between two times (seconds), at most `limit`: about one
   * container, or about all of them when `id` is undefined; only the `actions` named, when given.
   */
  pastEvents(
    id: string | undefined,
    since: number,
    until: number,
    limit: number,
    actions?: string[],
  ): Promise<RawEvent[]>;
  /**
   * Runs a program in a running container (no shell, no tty) and returns its exit code and the first `maxBytes`
   * of its standard output; stops reading there.
   */
  execRead(id: string, cmd: string[], maxBytes: number): Promise<{ exitCode: number | undefined; stdout: string }>;
  close(): void;
}

export interface BuildOptions {
  tag?: string;
  /** The Dockerfile's path inside the context, with forward slashes. */
  dockerfile: string;
  buildargs?: Record<string, string>;
  target?: string;
  labels?: Record<string, string>;
  builder: Builder;
  /** BuildKit: the value of a secret when the engine asks for it (see SessionProviders.secret). */
  secret?: (id: string) => Promise<Uint8Array | undefined>;
  /** BuildKit: the ssh-agent socket that `RUN --mount=type=ssh` reaches. */
  sshAgentSocket?: string;
}

export interface BuildRun {
  cancel(): void;
  done: Promise<void>;
}

/** An error from the Engine, with the HTTP status it answered with (404 gone, 409 conflict, …) when it answered. */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly statusCode?: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * Whether the engine answered 404 because it has no such endpoint, not because the object is gone. Docker and
 * Podman name the missing object in their 404s ("No such container: x", "no container with name or ID …"); a
 * route they do not have answers a bare "Not Found", "page not found" or "Path … is not supported". Podman's
 * Docker-compatible API leaves some of Docker's routes out (container update, build cache prune, plugins, swarm).
 */
export function unsupportedByEngine(err: unknown): boolean {
  return (
    err instanceof EngineError &&
    err.statusCode === 404 &&
    /^(404 )?(page )?not found\.?$|\bis not supported\b/i.test(err.message.trim())
  );
}
