import * as vscode from 'vscode';
import type { Ctx } from '../../ctx';
import { makeNonce, page } from '../../panels/html';

/** Messages the panels' script sends (media/panels/panel.js), checked before any handler sees them. */
export type PanelMessage =
  | { type: 'ready' }
  | { type: 'files' }
  | { type: 'reveal'; line: number }
  | { type: 'openUrl'; url: string }
  | { type: 'lesson'; id: string }
  | { type: 'openDockerfile' };

/** The one message guard: a message of a known type with the fields that type needs, of the right kinds. */
export function asPanelMessage(m: unknown): PanelMessage | undefined {
  if (!m || typeof m !== 'object') return undefined;
  const msg = m as Record<string, unknown>;
  switch (msg.type) {
    case 'ready':
    case 'files':
    case 'openDockerfile':
      return { type: msg.type };
    case 'reveal':
      return Number.isInteger(msg.line) && (msg.line as number) >= 0
        ? { type: 'reveal', line: msg.line as number }
        : undefined;
    case 'openUrl':
      return typeof msg.url === 'string' ? { type: 'openUrl', url: msg.url } : undefined;
    case 'lesson':
      return typeof msg.id === 'string' ? { type: 'lesson', id: msg.id } : undefined;
    default:
      return undefined;
  }
}

/** What every panel kind is given: the context, and where the panels' stylesheet and script live. */
export interface PanelHost {
  ctx: Ctx;
  /** media/panels/: the only folder a panel's page may load from. */
  assets: vscode.Uri;
}

export function panelHost(ctx: Ctx): PanelHost {
  return { ctx, assets: ctx.asset('media', 'panels') };
}

/** Options for every panel: scripts on, and only media/panels/ (the stylesheet and script) may be loaded. */
export function panelOptions(host: PanelHost): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return { enableScripts: true, localResourceRoots: [host.assets], retainContextWhenHidden: false };
}

/**
 * A Dockside webview panel: renders through the shared `page()` (CSP with a fresh nonce, theme colours, no inline
 * script), receives only checked messages, and disposes what it registered when it closes. Subclasses hold the
 * data and say what a message does. The state given here is what VS Code saves and hands back on revival.
 */
export abstract class Panel<State extends { kind: string }> implements vscode.Disposable {
  protected readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    protected readonly host: PanelHost,
    protected readonly state: State,
  ) {
    panel.iconPath = host.ctx.asset('media', 'dockside-activity.svg');
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const m = asPanelMessage(raw);
        if (!m) return;
        Promise.resolve(this.onMessage(m)).catch((err: unknown) =>
          host.ctx.log.error(`${panel.viewType}: ${err instanceof Error ? err.message : String(err)}`),
        );
      }),
    );
    panel.onDidDispose(() => this.dispose());
  }

  /** Fills the panel: reads what it shows and renders it. Called on creation and on revival. */
  abstract fill(): Promise<void>;

  protected abstract onMessage(m: PanelMessage): void | Promise<void>;

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Renders a body (already escaped by the HTML builders) into the page shell. */
  protected render(body: string, title = this.panel.title): void {
    const webview = this.panel.webview;
    this.panel.title = title;
    webview.html = page({
      title,
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.host.assets, 'panel.css')).toString(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.host.assets, 'panel.js')).toString(),
      body,
      state: this.state,
    });
  }

  protected openLesson(id: string): Thenable<unknown> {
    return vscode.commands.executeCommand('dockside.openLesson', id);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

/**
 * One kind of panel (a view type): opens a new one or shows the one already open for the same key, and revives
 * saved ones after a reload through a serializer. Register the returned disposable with the extension.
 */
export class PanelKind<State extends { kind: string }> implements vscode.Disposable {
  private readonly open = new Map<string, Panel<State>>();
  private readonly serializer: vscode.Disposable;

  constructor(
    private readonly host: PanelHost,
    readonly viewType: string,
    private readonly create: (panel: vscode.WebviewPanel, state: State) => Panel<State>,
    private readonly isState: (state: unknown) => state is State,
    private readonly key: (state: State) => string,
  ) {
    this.serializer = vscode.window.registerWebviewPanelSerializer(viewType, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        if (!this.isState(state)) return panel.dispose();
        panel.webview.options = panelOptions(this.host);
        await this.track(this.create(panel, state), state).fill();
      },
    });
  }

  /** Shows the panel for this state, creating and filling it when none is open. */
  async show(state: State, title: string): Promise<void> {
    const existing = this.open.get(this.key(state));
    if (existing && !existing.isDisposed) return existing.panel.reveal();
    const panel = vscode.window.createWebviewPanel(
      this.viewType,
      title,
      vscode.ViewColumn.Beside,
      panelOptions(this.host),
    );
    await this.track(this.create(panel, state), state).fill();
  }

  private track(panel: Panel<State>, state: State): Panel<State> {
    const key = this.key(state);
    this.open.set(key, panel);
    panel.panel.onDidDispose(() => {
      if (this.open.get(key) === panel) this.open.delete(key);
    });
    return panel;
  }

  dispose(): void {
    this.serializer.dispose();
    for (const p of [...this.open.values()]) p.dispose();
    this.open.clear();
  }
}
