import * as vscode from 'vscode';
import { closableSubscription } from '../../docker/closable';
import { StatsHistory } from '../../docker/containerStats';
import { statsBody, statsSection, type ContainerStatsView } from '../../panels/stats/statsHtml';
import { actionError } from '../../docker/actionError';
import type { DockerSession } from '../explorer/dockerSession';
import type { DockerNode } from '../explorer/trees';
import { Panel, PanelKind, type PanelHost, type PanelMessage } from './panel';

/** The containers a stats panel follows (ids), and its title. */
export type StatsState = { kind: 'stats'; ids: string[]; title: string };

const MAX_CONTAINERS = 12;

const isStatsState = (s: unknown): s is StatsState =>
  !!s &&
  (s as StatsState).kind === 'stats' &&
  typeof (s as StatsState).title === 'string' &&
  Array.isArray((s as StatsState).ids) &&
  (s as StatsState).ids.length <= MAX_CONTAINERS &&
  (s as StatsState).ids.every((id) => typeof id === 'string' && /^[0-9a-f]{12,64}$/.test(id));

/** One followed container: its minute of history and its stream, open only while the panel is visible. */
interface Followed {
  id: string;
  key: string;
  name: string;
  history: StatsHistory;
  stream?: { close(): void };
  status: ContainerStatsView['status'];
  reason?: string;
  /** Whether it has a memory limit of its own (read once from its inspect); undefined until known. */
  memoryLimitSet?: boolean;
}

/**
 * Live stats of one or several containers. Each has its own stream; the streams are open while the panel is
 * visible and closed when it is hidden (the graph breaks there) or closed. A stream that ends says why; it is
 * opened again when the container starts again (an engine event), never on a timer.
 */
class StatsPanel extends Panel<StatsState> {
  private readonly followed: Followed[];
  private shown: boolean;

  constructor(
    panel: vscode.WebviewPanel,
    host: PanelHost,
    state: StatsState,
    private readonly session: DockerSession,
  ) {
    super(panel, host, state);
    this.shown = panel.visible;
    const model = session.model();
    this.followed = state.ids.map((id, i) => ({
      id,
      key: `stats-${i}`,
      name: model?.containers.get(id)?.name ?? id.slice(0, 12),
      history: new StatsHistory(),
      status: 'waiting',
    }));
    this.disposables.push(
      // The event also comes when the panel only gains or loses focus: only a change of visibility matters.
      panel.onDidChangeViewState(() => {
        if (panel.visible === this.shown) return;
        this.shown = panel.visible;
        if (panel.visible) void this.resume();
        else this.pause();
      }),
      session.onDidChange((change) => {
        if (!change.kinds.includes('container') || !panel.visible) return;
        // A container that started again gets its stream back.
        for (const f of this.followed)
          if (!f.stream && session.model()?.containers.get(f.id)?.state === 'running') this.open(f);
      }),
      { dispose: () => this.pause() },
    );
  }

  private view(f: Followed): ContainerStatsView {
    // The engine's clock, not this machine's: a remote engine's readings keep their places even when clocks differ.
    const now = f.history.latest?.time ?? Date.now();
    const points = f.history.window(now);
    return {
      key: f.key,
      name: f.name,
      status: f.status,
      ...(f.reason ? { reason: f.reason } : {}),
      points,
      ...(f.history.latest ? { latest: f.history.latest } : {}),
      now,
      ...(f.memoryLimitSet !== undefined ? { memoryLimitSet: f.memoryLimitSet } : {}),
    };
  }

  async fill(): Promise<void> {
    if (this.panel.visible) await this.resume();
    else this.renderAll();
  }

  private renderAll(): void {
    this.render(
      statsBody(
        this.state.title,
        this.followed.map((f) => this.view(f)),
      ),
      this.state.title,
    );
  }

  private async resume(): Promise<void> {
    if (this.isDisposed) return;
    // A webview that was hidden lost its page: it is drawn again with what is known.
    this.renderAll();
    if (!(await this.session.ready())) return;
    for (const f of this.followed) if (!f.stream) this.open(f);
  }

  private pause(): void {
    for (const f of this.followed) {
      if (!f.stream) continue;
      f.stream.close();
      f.stream = undefined;
      f.history.breakLine();
      f.status = 'paused';
    }
  }

  private open(f: Followed): void {
    const api = this.session.api();
    const model = this.session.model();
    if (!api || this.isDisposed) return;
    const os = model?.state.status === 'connected' ? (model.state.version?.os ?? 'linux') : 'linux';
    f.status = 'waiting';
    f.reason = undefined;
    const stream = closableSubscription(() =>
      api.inside.stats(
        f.id,
        os,
        (sample) => {
          if (f.stream !== stream) return;
          if (!sample) {
            f.status = 'stopped';
            f.reason = 'the container is not running. Start it to see its figures.';
          } else if (f.history.add(sample)) f.status = 'live';
          this.push(f);
        },
        (err) => {
          if (f.stream !== stream) return;
          f.stream = undefined;
          f.history.breakLine();
          f.status = 'stopped';
          f.reason = err
            ? actionError(err, 'The engine')
            : this.session.model()?.containers.get(f.id)?.state === 'running'
              ? 'the engine ended it: the container stopped, or the connection to the engine was lost. ' +
                'It starts again when the container runs.'
              : 'the container stopped. It starts again when the container runs.';
          this.push(f, `The stats of ${f.name} stopped: ${f.reason}`);
        },
      ),
    );
    f.stream = stream;
    if (f.memoryLimitSet === undefined)
      void api
        .inspect('container', f.id)
        .then((inspect) => {
          const memory = (inspect as { HostConfig?: { Memory?: number } } | undefined)?.HostConfig?.Memory;
          if (typeof memory !== 'number') return;
          f.memoryLimitSet = memory > 0;
          this.push(f);
        })
        // Without it the panel shows the limit as the engine reports it, as before.
        .catch(() => undefined);
    stream.ready.catch((err: unknown) => {
      if (f.stream !== stream) return;
      f.stream = undefined;
      f.status = 'stopped';
      f.reason = actionError(err, `Container "${f.name}"`);
      this.push(f, f.reason);
    });
    this.push(f);
  }

  private push(f: Followed, announce?: string): void {
    if (this.isDisposed || !this.panel.visible) return;
    void this.panel.webview.postMessage({
      type: 'section',
      id: f.key,
      html: statsSection(this.view(f)),
      ...(announce ? { announce } : {}),
    });
  }

  protected onMessage(m: PanelMessage): void {
    if (m.type === 'lesson') void this.openLesson(m.id);
  }
}

/** The stats panel kind, and the "Show Stats" command for a container, a selection or a compose project. */
export function statsPanels(
  host: PanelHost,
  session: DockerSession,
): { kind: PanelKind<StatsState>; show(node?: DockerNode, selected?: DockerNode[]): Promise<void> } {
  const kind = new PanelKind<StatsState>(
    host,
    'dockside.stats',
    (panel, state) => new StatsPanel(panel, host, state, session),
    isStatsState,
    (s) => s.ids.join(','),
  );
  return {
    kind,
    async show(node, selected) {
      const nodes = selected?.length ? selected : node ? [node] : [];
      const containers = nodes.flatMap((n) =>
        n.kind === 'container' ? [n.item] : n.kind === 'project' || n.kind === 'service' ? n.containers : [],
      );
      if (!containers.length || !(await session.ready())) return;
      const running = containers.filter((c) => c.state === 'running');
      const chosen = (running.length ? running : containers).slice(0, MAX_CONTAINERS);
      const project = nodes.length === 1 && nodes[0]?.kind === 'project' ? nodes[0].project : undefined;
      const title = project
        ? `Stats: ${project}`
        : chosen.length === 1
          ? `Stats: ${chosen[0]!.name}`
          : `Stats: ${chosen.length} containers`;
      await kind.show({ kind: 'stats', ids: chosen.map((c) => c.id), title }, title);
    },
  };
}
