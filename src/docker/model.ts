import { EngineError, type EngineApi, type EventSubscription } from './engineApi';
import { needsState, readEvent, toContainer, toImage, toNetwork, toVolume, withState } from './normalize';
import type {
  ContainerItem,
  ContainerState,
  EngineVersion,
  ImageItem,
  NetworkItem,
  ObjectKind,
  RawContainerState,
  RawEvent,
  SilentPort,
  VolumeItem,
} from './types';

export type ConnectionState =
  | { status: 'connecting' }
  /**
   * Listed. `version` comes a moment after the containers (undefined until then, or the one from the last
   * connection): the engine's `/version` runs `runc` and `docker-init` to learn their versions, which took as long
   * as listing 500 containers and slowed that listing by a third when both were asked at once.
   */
  | { status: 'connected'; version: EngineVersion | undefined }
  | { status: 'unreachable'; error: string; problem: EngineProblem; retryInMs: number };

/** What kind of failure it was, so the views can say what to do about it. */
export type EngineProblem = 'no-socket' | 'refused' | 'permission' | 'timeout' | 'dns' | 'closed' | 'other';

export function engineProblem(err: unknown): EngineProblem {
  const e = err as { code?: string; message?: string };
  const text = `${e?.code ?? ''} ${e?.message ?? String(err)}`;
  if (/ENOENT/.test(text)) return 'no-socket';
  if (/ECONNREFUSED/.test(text)) return 'refused';
  if (/EACCES|permission denied/i.test(text)) return 'permission';
  if (/timeout|ETIMEDOUT/i.test(text)) return 'timeout';
  if (/ENOTFOUND|EAI_AGAIN/.test(text)) return 'dns';
  if (/socket hang up|ECONNRESET/.test(text)) return 'closed';
  return 'other';
}

export interface ModelChange {
  /** Which lists changed; the connection state may have changed too. */
  kinds: ObjectKind[];
}

export interface DockerModelOptions {
  /** How long to gather a burst of events before fetching what they touched. */
  coalesceMs?: number;
  /** Delays between reconnection attempts; the last one repeats. */
  backoffMs?: number[];
  /** The clock for counting recent exits (tests pass their own). */
  now?: () => number;
}

/** How far back a container's own exits count towards a restart loop. */
export const RESTART_WINDOW_MS = 10 * 60_000;
/** A running container that stopped on its own this many times in the window is restarting in a loop. */
export const RESTART_LOOP_EXITS = 3;
/** A `die` this soon after a `kill` event (docker stop, restart or kill) was asked for, not the container's doing. */
const ASKED_STOP_MS = 30_000;
/** Exit times kept per container: enough to count a loop, bounded however fast it restarts. */
const MAX_EXITS_KEPT = 20;
/** Remembered `die` and `kill` events read on connecting: a bound on the work, whatever the engine keeps. */
const MAX_SEEDED_EVENTS = 2000;

/** One event, told apart from the others of its container by its time. */
const eventKey = (e: { id: string; action: string; atMs: number | undefined }) => `${e.id} ${e.action} ${e.atMs}`;
/** Whether a `die` at `at` followed a stop or kill someone asked for (its `kill` event at `killed`). */
const askedFor = (killed: number | undefined, at: number) => killed !== undefined && at - killed < ASKED_STOP_MS;

/** The states a container can be in once the engine has done what a container event reports. */
const EXPECTED_AFTER: Readonly<Record<string, ContainerState[]>> = {
  die: ['exited', 'dead', 'restarting', 'removing'],
  start: ['running', 'exited', 'dead', 'restarting'],
  pause: ['paused'],
  unpause: ['running', 'exited', 'dead'],
};

/** How many times in a row a failed fetch of one object is tried again before the model gives up on it. */
const MAX_FETCH_RETRIES = 5;

/** Container actions that change nothing the model shows. */
const IGNORED_CONTAINER_ACTIONS = /^(exec_|attach|resize|top|export|archive-path|extract-to-dir|copy|commit|detach)/;

/** The Engine's error in plain words, with what to do about it. */
export function plainEngineError(err: unknown, address: string): string {
  const e = err as { code?: string; message?: string; statusCode?: number };
  const code = e?.code ?? '';
  const message = e?.message ?? String(err);
  if (code === 'ENOENT' || /ENOENT/.test(message))
    return `There is no Docker socket at ${address}: Docker is not running there (or it listens elsewhere).`;
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(message))
    return `Nothing answers at ${address}: the Docker engine is not running, or listens on another address.`;
  if (code === 'EACCES' || /EACCES|permission denied/i.test(message))
    return (
      `Permission denied at ${address}: your user may not use the Docker socket ` +
      '(on Linux, join the "docker" group and log in again).'
    );
  if (code === 'ETIMEDOUT' || /timeout|ETIMEDOUT/i.test(message))
    return `${address} did not answer in time: the engine is busy, or the network to it is down.`;
  if (code === 'ENOTFOUND' || /ENOTFOUND|EAI_AGAIN/.test(message))
    return `The host of ${address} could not be found (DNS).`;
  if (code === 'ECONNRESET' || /socket hang up|ECONNRESET/.test(message))
    return `The connection to ${address} was closed: the engine stopped or restarted.`;
  return `${address}: ${message}`;
}

/**
 * A live copy of the Engine's containers, images, volumes and networks: one snapshot when it connects, then the
 * event stream. An event marks what it touched; a burst is gathered for `coalesceMs` and then only those objects are
 * fetched (one filtered list for all touched containers, one inspect per touched image, volume or network), never a
 * full re-list. A touched container the list cannot describe (created: perhaps its start failed; exited with 137:
 * perhaps out of memory) gets one inspect in that fetch, for its State, kept beside the list's item (`described`).
 * When the stream ends the model says so at once, retries with backoff, and takes a fresh snapshot when the engine
 * is back. No I/O besides the EngineApi; no timers while the stream is healthy.
 */
export class DockerModel {
  readonly containers = new Map<string, ContainerItem>();
  readonly images = new Map<string, ImageItem>();
  readonly volumes = new Map<string, VolumeItem>();
  readonly networks = new Map<string, NetworkItem>();
  /** The inspect's State of containers the list cannot describe (see `needsState`), by id; `described` adds it. */
  private readonly states = new Map<string, RawContainerState>();
  state: ConnectionState = { status: 'connecting' };
  /** The engine's version from the last time it answered, shown while a reconnection asks again. */
  private knownVersion: EngineVersion | undefined;
  /** Events received since the model was created. */
  eventsSeen = 0;
  /** When each container stopped on its own (local clock, oldest first, at most MAX_EXITS_KEPT), from `die` events. */
  private readonly exits = new Map<string, number[]>();
  /** When a stop or kill was last asked for, per container (its `kill` event), until its `die`. */
  private readonly killedAt = new Map<string, number>();
  /** While the exits from before connecting are read: the live `die` and `kill` events, so none counts twice. */
  private liveWhileSeeding: Set<string> | undefined;
  private seeding: Promise<void> | undefined;
  /** Silent published ports a watcher found (doctor/portWatch.ts), per running container. */
  private readonly silent = new Map<string, SilentPort[]>();
  private readonly now: () => number;

  private readonly listeners = new Set<(change: ModelChange) => void>();
  private readonly dirty: Record<ObjectKind, Set<string>> = {
    container: new Set(),
    image: new Set(),
    volume: new Set(),
    network: new Set(),
  };
  /** Bumped on every event about an id, so a fetch that started before a newer event does not overwrite it. */
  private readonly generation = new Map<string, number>();
  /** The last state-changing event per container, and how many times a fetch has been re-done for it. */
  private readonly lastAction = new Map<string, string>();
  private readonly rechecks = new Map<string, number>();
  /** Failed fetches in a row per id (engine errors other than "not found"), for backoff and the retry cap. */
  private readonly failures = new Map<string, number>();
  /** Ids removed since the last fetch ended: their generation is kept until no fetch can still be running. */
  private readonly removed = new Set<string>();
  /** Which start() is current: a superseded one closes what it opened and stops. */
  private startRun = 0;
  private subscription: EventSubscription | undefined;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> | undefined;
  private inBurst = false;
  private loading = false;
  private disposed = false;
  private attempt = 0;
  private readonly coalesceMs: number;
  private readonly backoffMs: number[];

  constructor(
    readonly api: EngineApi,
    options: DockerModelOptions = {},
  ) {
    this.coalesceMs = options.coalesceMs ?? 15;
    this.backoffMs = options.backoffMs ?? [250, 500, 1000, 2000, 4000];
    this.now = options.now ?? Date.now;
  }

  onDidChange(listener: (change: ModelChange) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Connects (or reconnects): subscribe first, then snapshot, so nothing that happens in between is missed. */
  async start(): Promise<void> {
    if (this.disposed) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.loading = true;
    const run = ++this.startRun;
    // A later start() (a retry while this one connects) or dispose() makes this one stale.
    const stale = () => this.disposed || run !== this.startRun;
    try {
      this.subscription?.close();
      this.subscription = undefined;
      this.liveWhileSeeding = new Set();
      const subscription = await this.api.events(
        (e) => {
          if (run === this.startRun) this.onEvent(e);
        },
        (err) => {
          if (run === this.startRun) this.onStreamEnd(err);
        },
      );
      if (stale()) {
        subscription.close();
        return;
      }
      this.subscription = subscription;
      // Containers first and alone (the first thing the explorer shows): anything asked beside them makes the
      // engine share its time and delays them by a fifth to a third (images most: their sizes are worked out on
      // each listing; the version, which starts two programs). The rest follow at once and fill in a moment later.
      const containers = await this.api.listContainers();
      if (stale()) return;
      this.replace(this.containers, containers.map(toContainer), (c) => c.id);
      this.states.clear();
      this.state = { status: 'connected', version: this.knownVersion };
      this.emit(['container']);
      // Beside the other lists: what the container list cannot say about some of them (a failed start, an OOM kill).
      const states = this.snapshotStates([...this.containers.values()].filter(needsState));
      const [images, volumes, networks, version] = await Promise.all([
        this.api.listImages(),
        this.api.listVolumes(),
        this.api.listNetworks(),
        this.api.version(),
      ]);
      // The event stream may have ended meanwhile: the model is unreachable then, and the retry lists again.
      if (stale() || this.state.status !== 'connected') return;
      // Only now is the connection whole: an engine that lists containers but fails the rest (a socket proxy that
      // blocks /version, say) is retried with growing pauses, not every 250 ms.
      this.attempt = 0;
      this.knownVersion = version;
      this.state = { status: 'connected', version };
      this.replace(this.images, images.map(toImage), (i) => i.id);
      this.replace(this.volumes, volumes.map(toVolume), (v) => v.name);
      this.replace(this.networks, networks.map(toNetwork), (n) => n.id);
      this.loading = false;
      this.emit(['image', 'volume', 'network']);
      // Events that arrived while the snapshot was taken: fetch what they touched.
      if (this.hasDirty()) this.scheduleFlush(0);
      let added = false;
      for (const [item, state] of await states) {
        // Only for the item the snapshot listed: a fetch since then has read the container (and its State) again.
        if (stale() || this.containers.get(item.id) !== item) continue;
        this.states.set(item.id, state);
        added ||= withState(item, state) !== item;
      }
      if (added && !stale()) this.emit(['container']);
      this.seeding = this.seedExits(stale);
    } catch (err) {
      if (stale()) return;
      this.loading = false;
      this.subscription?.close();
      this.subscription = undefined;
      this.lost(err);
    }
  }

  dispose(): void {
    this.disposed = true;
    this.startRun++;
    clearTimeout(this.flushTimer);
    clearTimeout(this.retryTimer);
    this.subscription?.close();
    this.listeners.clear();
  }

  /** Resolves once pending events have been fetched and applied (for tests and the bench). */
  async settled(): Promise<void> {
    await this.seeding;
    for (let i = 0; i < 100 && (this.flushTimer || this.flushing || this.hasDirty()); i++) {
      if (this.flushTimer) {
        clearTimeout(this.flushTimer);
        this.flushTimer = undefined;
        // After the one running, never beside it: fetches must not overlap.
        this.flushing = (this.flushing ?? Promise.resolve()).then(() => this.flush());
      }
      await this.flushing;
    }
  }

  /**
   * The container as the explorer shows it: the list's item with what its inspect added (a failed start's exit code
   * and error, an OOM kill). `containers` itself holds exactly what the list says.
   */
  described(c: ContainerItem): ContainerItem {
    const item = withState(c, this.states.get(c.id));
    const exits = this.exits.get(c.id);
    const silent = item.state === 'running' ? this.silent.get(c.id) : undefined;
    if (!exits && !silent) return item;
    const now = this.now();
    const recent = exits ? exits.filter((t) => now - t < RESTART_WINDOW_MS).length : 0;
    if (!recent && !silent) return item;
    return { ...item, ...(recent ? { recentExits: recent } : {}), ...(silent ? { silentPorts: silent } : {}) };
  }

  /**
   * Records which published ports of a running container do not answer (an empty list or undefined clears it), as
   * a watcher of its sockets found; the explorer marks the container. Changes are announced as container changes.
   */
  noteSilentPorts(id: string, ports: SilentPort[] | undefined): void {
    const before = this.silent.get(id);
    if (!ports?.length) {
      if (!this.silent.delete(id)) return;
    } else {
      if (!this.containers.has(id) || JSON.stringify(before) === JSON.stringify(ports)) return;
      this.silent.set(id, ports);
    }
    this.emit(['container']);
  }

  containersUsingImage(imageId: string): ContainerItem[] {
    return [...this.containers.values()].filter((c) => c.imageId === imageId);
  }

  containersUsingVolume(name: string): ContainerItem[] {
    return [...this.containers.values()].filter((c) => c.mounts.some((m) => m.type === 'volume' && m.name === name));
  }

  containersOnNetwork(name: string): ContainerItem[] {
    return [...this.containers.values()].filter((c) => c.networks.includes(name));
  }

  private replace<T>(map: Map<string, T>, items: T[], key: (item: T) => string): void {
    map.clear();
    for (const item of items) map.set(key(item), item);
  }

  private emit(kinds: ObjectKind[]): void {
    const change = { kinds };
    for (const l of [...this.listeners]) {
      try {
        l(change);
      } catch {
        // A listener's failure must not stop the model.
      }
    }
  }

  private hasDirty(): boolean {
    return Object.values(this.dirty).some((s) => s.size > 0);
  }

  private touch(kind: ObjectKind, id: string): void {
    this.generation.set(id, (this.generation.get(id) ?? 0) + 1);
    this.dirty[kind].add(id);
  }

  /** A removal the event itself tells completely: applied at once, and no fetch that started earlier may undo it. */
  private removeNow(kind: ObjectKind, id: string): void {
    this.generation.set(id, (this.generation.get(id) ?? 0) + 1);
    this.removed.add(id);
    this.dirty[kind].delete(id);
    this.lastAction.delete(id);
    this.rechecks.delete(id);
    this.failures.delete(id);
    this.states.delete(id);
    this.exits.delete(id);
    this.killedAt.delete(id);
    this.silent.delete(id);
    const map = { container: this.containers, image: this.images, volume: this.volumes, network: this.networks }[
      kind
    ] as Map<string, unknown>;
    if (map.delete(id)) this.emit([kind]);
  }

  private onEvent(e: RawEvent): void {
    this.eventsSeen++;
    const event = readEvent(e);
    const { type, action, id } = event;
    if (!id) return;
    const attributes = e.Actor?.Attributes ?? {};
    switch (type) {
      case 'container':
        if (IGNORED_CONTAINER_ACTIONS.test(action)) return;
        if (action === 'destroy') return this.removeNow('container', id);
        if (action === 'kill' || action === 'die') this.liveWhileSeeding?.add(eventKey(event));
        if (action === 'kill') this.killedAt.set(id, this.now());
        else if (action === 'die') this.noteExit(id, this.now());
        this.touch('container', id);
        if (EXPECTED_AFTER[action]) this.lastAction.set(id, action);
        break;
      case 'image':
        if (action === 'delete') return this.removeNow('image', id);
        this.touch('image', id);
        break;
      case 'volume':
        if (action === 'destroy') return this.removeNow('volume', id);
        // mount and unmount change the containers' view, which their own events cover.
        if (action !== 'create') return;
        this.touch('volume', id);
        break;
      case 'network':
        if (action === 'destroy') return this.removeNow('network', id);
        if ((action === 'connect' || action === 'disconnect') && attributes.container)
          this.touch('container', attributes.container);
        else this.touch('network', id);
        break;
      default:
        return;
    }
    this.scheduleFlush(this.coalesceMs);
  }

  /** A `die` at `at`: counted as the container's own exit unless a stop or kill was asked for just before it. */
  private noteExit(id: string, at: number): void {
    const now = this.now();
    const killed = this.killedAt.get(id);
    this.killedAt.delete(id);
    if (askedFor(killed, at)) return;
    const kept = (this.exits.get(id) ?? []).filter((t) => now - t < RESTART_WINDOW_MS);
    kept.push(at);
    this.exits.set(id, kept.slice(-MAX_EXITS_KEPT));
  }

  /**
   * The exits from before this connection: a container that has been crashing for minutes is marked as soon as
   * the explorer connects, not after three more crashes. The engine remembers recent events, so the `die` and
   * `kill` events of the last RESTART_WINDOW_MS are asked for once and counted as the live ones are, at their own
   * times (moved onto the model's clock). A live event that the answer also holds counts once. An engine that
   * cannot answer leaves the counting to the live events.
   */
  private async seedExits(stale: () => boolean): Promise<void> {
    const live = this.liveWhileSeeding;
    if (!live) return;
    const untilMs = Date.now();
    let past: RawEvent[];
    try {
      past = await this.api.pastEvents(
        undefined,
        Math.floor((untilMs - RESTART_WINDOW_MS) / 1000),
        Math.ceil(untilMs / 1000),
        MAX_SEEDED_EVENTS,
        ['die', 'kill'],
      );
    } catch {
      past = [];
    }
    if (stale() || this.liveWhileSeeding !== live) return;
    this.liveWhileSeeding = undefined;
    const now = this.now();
    const offset = now - Date.now();
    const events = past
      .map(readEvent)
      .map((e) => ({ ...e, at: (e.atMs ?? 0) + offset }))
      .sort((a, b) => a.at - b.at);
    // Counted apart from the live bookkeeping, which is newer and must not be overwritten by older kills.
    const killed = new Map<string, number>();
    const seeded = new Map<string, number[]>();
    for (const e of events) {
      const { id, action, at } = e;
      if (!this.containers.has(id) || live.has(eventKey(e))) continue;
      if (action === 'kill') killed.set(id, at);
      else if (action === 'die') {
        const k = killed.get(id);
        killed.delete(id);
        if (askedFor(k, at) || now - at >= RESTART_WINDOW_MS) continue;
        const times = seeded.get(id);
        if (times) times.push(at);
        else seeded.set(id, [at]);
      }
    }
    // A stop asked for just before connecting whose `die` has not come yet.
    for (const [id, t] of killed) if (!this.killedAt.has(id)) this.killedAt.set(id, t);
    if (!seeded.size) return;
    // The live exits counted meanwhile are newer: they stay last.
    for (const [id, times] of seeded)
      this.exits.set(id, [...times, ...(this.exits.get(id) ?? [])].slice(-MAX_EXITS_KEPT));
    this.emit(['container']);
  }

  private scheduleFlush(delay: number): void {
    if (this.loading || this.flushTimer || !this.hasDirty()) return;
    // In a burst (events kept arriving while the last fetch ran) gather longer, so a trickle of events costs few
    // fetches; a lone event is still fetched after `coalesceMs`.
    if (delay > 0 && this.inBurst) delay = Math.max(delay, 50);
    // After failed fetches, wait longer each time (50 ms, 100 ms, … up to 2 s): the engine is struggling.
    const failed = Math.max(0, ...this.failures.values());
    if (failed > 0) delay = Math.max(delay, Math.min(2000, 25 * 2 ** failed));
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      const previous = this.flushing ?? Promise.resolve();
      this.flushing = previous.then(() => this.flush());
    }, delay);
  }

  /** Fetches everything marked dirty, applying only results that no newer event has overtaken. */
  private async flush(): Promise<void> {
    const take = (kind: ObjectKind) => {
      const ids = [...this.dirty[kind]];
      this.dirty[kind].clear();
      return ids.map((id) => ({ id, gen: this.generation.get(id) ?? 0 }));
    };
    const containers = take('container');
    const images = take('image');
    const volumes = take('volume');
    const networks = take('network');
    const current = (x: { id: string; gen: number }) => (this.generation.get(x.id) ?? 0) === x.gen;
    const changed = new Set<ObjectKind>();
    try {
      await Promise.all([
        (async () => {
          if (!containers.length) return;
          const found = await this.api.listContainers(containers.map((c) => c.id));
          const byId = new Map(found.map((r) => [r.Id, r]));
          const fetched = containers.map((c) => {
            // A filter by id matches prefixes too; keep the exact one.
            const raw = byId.get(c.id) ?? found.find((r) => r.Id.startsWith(c.id));
            return { c, item: raw ? toContainer(raw) : undefined, state: undefined as RawContainerState | undefined };
          });
          // What the list cannot say (a failed start, an OOM kill): one inspect per such container in this fetch.
          await Promise.all(
            fetched.map(async (f) => {
              if (f.item && needsState(f.item) && current(f.c)) f.state = await this.containerState(f.item.id);
            }),
          );
          for (const { c, item, state } of fetched) {
            if (!current(c)) continue;
            if (item) this.containers.set(item.id, item);
            else this.containers.delete(c.id);
            if (item && state) this.states.set(item.id, state);
            else this.states.delete(item?.id ?? c.id);
            this.recheckIfBehind(c.id, item);
            changed.add('container');
          }
        })(),
        ...images.map(async (i) => {
          const raw = await this.api.inspectImage(i.id);
          if (!current(i)) return;
          if (raw) {
            this.images.set(raw.Id, toImage(raw));
            // A pull or tag event names the image by reference; the model keys images by id.
            if (raw.Id !== i.id) this.images.delete(i.id);
          } else this.images.delete(i.id);
          changed.add('image');
        }),
        ...volumes.map(async (v) => {
          const raw = await this.api.inspectVolume(v.id);
          if (!current(v)) return;
          if (raw) this.volumes.set(raw.Name, toVolume(raw));
          else this.volumes.delete(v.id);
          changed.add('volume');
        }),
        ...networks.map(async (n) => {
          const raw = await this.api.inspectNetwork(n.id);
          if (!current(n)) return;
          if (raw) this.networks.set(raw.Id, toNetwork(raw));
          else this.networks.delete(n.id);
          changed.add('network');
        }),
      ]);
      for (const x of [...containers, ...images, ...volumes, ...networks]) this.failures.delete(x.id);
    } catch {
      // The engine failed a fetch (it went away, or answered with an error). Try each object again, fewer and
      // fewer times: if the stream ended, its end reports it; if not, the model keeps what it had after a few tries.
      const again = (kind: ObjectKind, batch: { id: string }[]) => {
        for (const { id } of batch) {
          const tries = (this.failures.get(id) ?? 0) + 1;
          if (tries > MAX_FETCH_RETRIES) {
            this.failures.delete(id);
            continue;
          }
          this.failures.set(id, tries);
          this.dirty[kind].add(id);
        }
      };
      again('container', containers);
      again('image', images);
      again('volume', volumes);
      again('network', networks);
    }
    // No fetch runs now (they run one after another): objects that are gone need their generation no longer.
    const maps: Record<ObjectKind, Map<string, unknown>> = {
      container: this.containers,
      image: this.images,
      volume: this.volumes,
      network: this.networks,
    };
    const gone = (id: string) =>
      !Object.values(maps).some((m) => m.has(id)) && !Object.values(this.dirty).some((d) => d.has(id));
    for (const id of this.removed) if (gone(id)) this.generation.delete(id);
    for (const { id } of [...containers, ...images, ...volumes, ...networks]) if (gone(id)) this.generation.delete(id);
    this.removed.clear();
    if (changed.size) this.emit([...changed]);
    this.inBurst = this.hasDirty();
    if (this.inBurst && this.state.status === 'connected') this.scheduleFlush(this.coalesceMs);
  }

  /** The inspect's State of one container; undefined when it is gone. Other engine errors fail the fetch. */
  private async containerState(id: string): Promise<RawContainerState | undefined> {
    try {
      return ((await this.api.inspect('container', id)) as { State?: RawContainerState } | undefined)?.State;
    } catch (err) {
      if (err instanceof EngineError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  /** The States of the snapshot's containers that need one, a few at a time; one that cannot be read is left out. */
  private async snapshotStates(items: ContainerItem[]): Promise<[ContainerItem, RawContainerState][]> {
    const out: [ContainerItem, RawContainerState][] = [];
    for (let i = 0; i < items.length; i += 8)
      await Promise.all(
        items.slice(i, i + 8).map(async (item) => {
          const state = await this.containerState(item.id).catch(() => undefined);
          if (state) out.push([item, state]);
        }),
      );
    return out;
  }

  /**
   * The engine sends "die" a moment before its list shows the container stopped; under load a fetch can land in
   * between and, with no later event, the model would keep the old state. When a fetch contradicts the last state
   * event, fetch again (a few times, at the burst pace).
   */
  private recheckIfBehind(id: string, item: ContainerItem | undefined): void {
    const action = this.lastAction.get(id);
    const behind = !!item && !!action && !EXPECTED_AFTER[action]!.includes(item.state);
    const tries = this.rechecks.get(id) ?? 0;
    if (behind && tries < 5) {
      this.rechecks.set(id, tries + 1);
      this.dirty.container.add(id);
      return;
    }
    this.lastAction.delete(id);
    this.rechecks.delete(id);
  }

  private onStreamEnd(err?: Error): void {
    if (this.disposed) return;
    this.subscription = undefined;
    this.lost(err ?? new Error('ECONNRESET: the event stream ended'));
  }

  private lost(err: unknown): void {
    if (this.disposed) return;
    // An empty backoff list (a test option) retries at once.
    const retryInMs = this.backoffMs[Math.min(this.attempt, this.backoffMs.length - 1)] ?? 0;
    this.attempt++;
    const wasConnected = this.state.status === 'connected';
    const previous = this.state.status === 'unreachable' ? this.state.error : undefined;
    this.state = {
      status: 'unreachable',
      error: plainEngineError(err, this.api.address),
      problem: engineProblem(err),
      retryInMs,
    };
    for (const s of Object.values(this.dirty)) s.clear();
    this.lastAction.clear();
    this.rechecks.clear();
    this.failures.clear();
    this.containers.clear();
    this.states.clear();
    this.exits.clear();
    this.killedAt.clear();
    this.liveWhileSeeding = undefined;
    this.silent.clear();
    this.images.clear();
    this.volumes.clear();
    this.networks.clear();
    if (wasConnected || this.attempt === 1) this.emit(['container', 'image', 'volume', 'network']);
    else if (previous !== this.state.error) this.emit([]);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.start();
    }, retryInMs);
  }

  /** Tries to reconnect now (the "Retry" button), instead of waiting for the next attempt. */
  retryNow(): void {
    if (this.state.status === 'unreachable' && !this.loading) void this.start();
  }

  /** How many ids the model keeps a generation for (bounded by the objects it shows, and pending fetches). */
  get trackedIds(): number {
    return this.generation.size;
  }
}
