/**
 * Watches the published TCP ports of running containers and tells the model which ones nothing answers on, so the
 * explorer can mark them. A port's answer is read from the container's listening sockets (gather.ts: the engine
 * machine's /proc when it is this one, else `cat` inside the container), never by connecting: Docker's port proxy
 * accepts a connection even when nothing listens behind it.
 *
 * A container is looked at a few times after it is seen running (a server needs a moment to open its port), then
 * left alone until it runs again. Listening on the loopback only is marked at once (waiting does not change it);
 * nothing listening on the port is marked only at the last look. The looks are bounded: a few per start, a few at
 * a time. When the sockets cannot be read, nothing is marked.
 */
import type { DockerModel } from '../model';
import type { ContainerItem } from '../types';
import type { ContainerInspect } from './evidence';
import { readSockets, type DoctorEngine, type GatherOptions } from './gather';
import { silentPorts } from './published';

export interface PortWatchOptions extends GatherOptions {
  /** When to look, counted from when the container was seen running. */
  delaysMs?: number[];
  /** How many containers are looked at together. */
  parallel?: number;
}

const DEFAULT_DELAYS_MS = [3_000, 10_000, 30_000];

interface Watched {
  /** Which look comes next (an index into the delays); the delays' length once done. */
  step: number;
  timer?: ReturnType<typeof setTimeout>;
}

const publishesTcp = (c: ContainerItem) => c.ports.some((p) => p.protocol === 'tcp' && p.hostPort !== undefined);

export class PortWatch {
  private readonly watched = new Map<string, Watched>();
  private readonly queue: string[] = [];
  private active = 0;
  private disposed = false;
  private readonly delays: number[];
  private readonly parallel: number;
  private readonly subscription: { dispose(): void };
  /** Looks taken so far (for tests and the bench). */
  looks = 0;

  constructor(
    private readonly model: DockerModel,
    private readonly api: DoctorEngine,
    private readonly options: PortWatchOptions = {},
  ) {
    this.delays = options.delaysMs?.length ? options.delaysMs : DEFAULT_DELAYS_MS;
    this.parallel = Math.max(1, options.parallel ?? 2);
    this.subscription = model.onDidChange((change) => {
      if (change.kinds.includes('container')) this.sync();
    });
    this.sync();
  }

  dispose(): void {
    this.disposed = true;
    this.subscription.dispose();
    for (const w of this.watched.values()) clearTimeout(w.timer);
    this.watched.clear();
    this.queue.length = 0;
  }

  /** Starts watching containers that run and publish a TCP port; forgets those that stopped. */
  private sync(): void {
    if (this.disposed) return;
    for (const [id, w] of this.watched) {
      const c = this.model.containers.get(id);
      if (c?.state === 'running') continue;
      clearTimeout(w.timer);
      this.watched.delete(id);
      this.model.noteSilentPorts(id, undefined);
    }
    for (const c of this.model.containers.values())
      if (c.state === 'running' && publishesTcp(c) && !this.watched.has(c.id)) {
        const w: Watched = { step: 0 };
        this.watched.set(c.id, w);
        this.schedule(c.id, w);
      }
  }

  private schedule(id: string, w: Watched): void {
    const previous = w.step > 0 ? (this.delays[w.step - 1] ?? 0) : 0;
    w.timer = setTimeout(
      () => {
        w.timer = undefined;
        this.queue.push(id);
        this.pump();
      },
      Math.max(0, (this.delays[w.step] ?? 0) - previous),
    );
  }

  private pump(): void {
    while (!this.disposed && this.active < this.parallel && this.queue.length) {
      const id = this.queue.shift()!;
      this.active++;
      void this.look(id)
        .catch(() => undefined)
        .finally(() => {
          this.active--;
          this.pump();
        });
    }
  }

  private async look(id: string): Promise<void> {
    const w = this.watched.get(id);
    if (!w || this.disposed) return;
    this.looks++;
    const inspect = (await this.api.inspect('container', id).catch(() => undefined)) as ContainerInspect | undefined;
    // Stopped (or gone) since: the model's next change forgets it.
    if (!inspect?.State?.Running || this.watched.get(id) !== w) return;
    const reading = await readSockets(this.api, inspect, this.options);
    if (this.watched.get(id) !== w || this.disposed) return;
    const last = w.step >= this.delays.length - 1;
    w.step++;
    if (reading.via === 'none') {
      // Cannot tell: say nothing rather than guess, and do not ask again until it runs again.
      w.step = this.delays.length;
      return;
    }
    const silent = silentPorts(inspect, reading.sockets);
    const definite = silent.filter((p) => p.why === 'loopback-only');
    this.model.noteSilentPorts(id, last ? silent : definite);
    if (silent.length && !last) this.schedule(id, w);
    else w.step = this.delays.length;
  }
}
