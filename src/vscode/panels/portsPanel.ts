import * as path from 'node:path';
import * as vscode from 'vscode';
import { publishedHost } from '../../docker/engineAddress';
import { portMapFromCompose, portMapFromContainers, type PortMap } from '../../panels/ports/portData';
import { portBody, portRows, portSummary } from '../../panels/ports/portHtml';
import type { DockerSession } from '../explorer/dockerSession';
import type { DockerNode } from '../explorer/trees';
import { Panel, PanelKind, type PanelHost, type PanelMessage } from './panel';

/** Live from the engine's running containers, or static from one compose file (by its URI). */
export type PortState = { kind: 'ports'; compose?: string };

const isPortState = (s: unknown): s is PortState =>
  !!s &&
  (s as PortState).kind === 'ports' &&
  ((s as PortState).compose === undefined || typeof (s as PortState).compose === 'string');

/** Which host port leads to which container port, kept current from the model or from the compose file's edits. */
class PortsPanel extends Panel<PortState> {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    panel: vscode.WebviewPanel,
    host: PanelHost,
    state: PortState,
    private readonly session: DockerSession,
  ) {
    super(panel, host, state);
    const compose = state.compose;
    this.disposables.push(
      compose
        ? vscode.workspace.onDidChangeTextDocument((e) => {
            if (e.document.uri.toString() !== compose) return;
            clearTimeout(this.timer);
            this.timer = setTimeout(() => void this.push(), 300);
          })
        : session.onDidChange((change) => {
            if (change.kinds.includes('container')) void this.push();
          }),
      { dispose: () => clearTimeout(this.timer) },
    );
  }

  private async compute(): Promise<PortMap | undefined> {
    const compose = this.state.compose;
    if (compose) {
      const uri = vscode.Uri.parse(compose);
      const doc =
        vscode.workspace.textDocuments.find((d) => d.uri.toString() === compose) ??
        (await vscode.workspace.openTextDocument(uri));
      return portMapFromCompose(doc.getText(), vscode.workspace.asRelativePath(uri));
    }
    const model = this.session.model();
    if (!model || model.state.status !== 'connected') return undefined;
    return portMapFromContainers(model.containers.values(), publishedHost(this.session.target()?.address));
  }

  async fill(): Promise<void> {
    const title = this.state.compose
      ? `Ports: ${path.basename(vscode.Uri.parse(this.state.compose).fsPath)}`
      : 'Ports: running containers';
    const map = await this.compute();
    this.render(map ? portBody(map) : '<p>Docker is not reachable; the port map shows once it is.</p>', title);
  }

  private async push(): Promise<void> {
    const map = await this.compute();
    if (map && !this.isDisposed)
      void this.panel.webview.postMessage({ type: 'rows', html: portRows(map), summary: portSummary(map) });
  }

  protected async onMessage(m: PanelMessage): Promise<void> {
    if (m.type === 'lesson') await this.openLesson(m.id);
    // Only the plain http://host:port/ links the page itself builds are opened.
    else if (m.type === 'openUrl' && /^http:\/\/[^/\s]+\/$/.test(m.url))
      await vscode.env.openExternal(vscode.Uri.parse(m.url));
  }
}

/** The port panel kind, and the "Show Port Map" command. */
export function portPanels(
  host: PanelHost,
  session: DockerSession,
): { kind: PanelKind<PortState>; show(arg?: DockerNode | vscode.Uri): Promise<void> } {
  const kind = new PanelKind<PortState>(
    host,
    'dockside.ports',
    (panel, state) => new PortsPanel(panel, host, state, session),
    isPortState,
    (s) => s.compose ?? 'live',
  );
  return {
    kind,
    async show(arg) {
      if (arg instanceof vscode.Uri) return kind.show({ kind: 'ports', compose: arg.toString() }, 'Ports');
      const editor = vscode.window.activeTextEditor;
      if (!arg && editor?.document.languageId === 'dockercompose') {
        const choice = await vscode.window.showQuickPick(
          [
            { label: 'Running containers', live: true },
            { label: `This compose file: ${vscode.workspace.asRelativePath(editor.document.uri)}`, live: false },
          ],
          { placeHolder: 'Show the ports of…' },
        );
        if (!choice) return;
        if (!choice.live) return kind.show({ kind: 'ports', compose: editor.document.uri.toString() }, 'Ports');
      }
      if (!(await session.ready())) return;
      await kind.show({ kind: 'ports' }, 'Ports');
    },
  };
}
