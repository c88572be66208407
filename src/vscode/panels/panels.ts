import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../../ctx';
import { buildLayerView, matchDockerfile, ownSteps, type LayerView } from '../../panels/layers/layerData';
import { DEFAULT_LIMITS, ImageArchiveError, readImageArchive } from '../../panels/layers/imageTar';
import { layerBody, layerFilesHtml } from '../../panels/layers/layerHtml';
import { escapeHtml, formatSize, makeNonce, page } from '../../panels/html';
import { portMapFromCompose, portMapFromContainers, type PortMap } from '../../panels/ports/portData';
import { portBody, portRows, portSummary } from '../../panels/ports/portHtml';
import { DOCKERFILE_LABEL, labelledDockerfilePath, matchesDockerfileLabel } from '../../docker/dockerfileLabel';
import { guardEngineCommand } from '../trust';
import type { DockerSession } from '../explorer/dockerSession';
import type { DockerNode } from '../explorer/trees';

/** Messages the panels' script sends (media/panels/panel.js). */
type PanelMessage =
  | { type: 'ready' }
  | { type: 'files' }
  | { type: 'reveal'; line: number }
  | { type: 'openUrl'; url: string }
  | { type: 'lesson'; id: string }
  | { type: 'openDockerfile' };

type LayerState = { kind: 'layers'; image: string; name: string };
type PortState = { kind: 'ports'; compose?: string };

const DOCKERFILE_GLOB = '**/{Dockerfile,Dockerfile.*,*.Dockerfile,*.dockerfile,Containerfile}';

function isMessage(m: unknown): m is PanelMessage {
  return !!m && typeof m === 'object' && typeof (m as { type?: unknown }).type === 'string';
}

export function registerPanels(ctx: Ctx, session: DockerSession): void {
  const media = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media');
  const options = (): vscode.WebviewOptions & vscode.WebviewPanelOptions => ({
    enableScripts: true,
    localResourceRoots: [media, vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist')],
    retainContextWhenHidden: false,
  });
  const html = (webview: vscode.Webview, title: string, body: string, state: unknown) =>
    page({
      title,
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'panels', 'panel.css')).toString(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'panels', 'panel.js')).toString(),
      body,
      state,
    });
  const ready = () => session.connected()?.model;
  const openLesson = (id: string) => vscode.commands.executeCommand('dockside.openLesson', id);

  // ---- Image layers ----
  async function findDockerfile(
    view: LayerView,
    labelled?: string,
  ): Promise<{ uri: vscode.Uri; view: LayerView } | undefined> {
    const own = ownSteps(view);
    if (!own) return undefined;
    // Only Dockerfiles inside the open workspace are read; a label narrows them to the ones at its relative path.
    const found = await vscode.workspace.findFiles(DOCKERFILE_GLOB, '**/node_modules/**', 100);
    const label = labelledDockerfilePath(labelled);
    const named = label
      ? found.filter((uri) => matchesDockerfileLabel(vscode.workspace.asRelativePath(uri, false), label))
      : [];
    const candidates = named.length ? named : found;
    let best: { uri: vscode.Uri; view: LayerView; matched: number } | undefined;
    for (const uri of candidates) {
      let text: string;
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        continue;
      }
      const copy = structuredClone(view);
      const matched = matchDockerfile(copy, text);
      if (matched > (best?.matched ?? 0)) best = { uri, view: copy, matched };
    }
    if (!best || best.matched < Math.max(1, Math.ceil(own / 2))) return undefined;
    best.view.dockerfile = { path: vscode.workspace.asRelativePath(best.uri), matched: best.matched };
    return best;
  }

  async function fillLayers(panel: vscode.WebviewPanel, state: LayerState): Promise<void> {
    const api = ready() && session.api();
    if (!api) {
      panel.webview.html = html(
        panel.webview,
        state.name,
        `<p>Docker is not reachable, so the layers of ${state.name.replace(/[<&]/g, '')} cannot be read.</p>`,
        state,
      );
      return;
    }
    let view: LayerView;
    let labelled: string | undefined;
    try {
      const [history, inspect] = await Promise.all([
        api.imageHistory(state.image),
        api.inspect('image', state.image) as Promise<{
          Id: string;
          Created: string;
          Config?: { Labels?: Record<string, string> | null };
        }>,
      ]);
      view = buildLayerView(state.name, inspect.Id, Math.floor(Date.parse(inspect.Created) / 1000), history);
      labelled = inspect.Config?.Labels?.[DOCKERFILE_LABEL];
    } catch (err) {
      panel.webview.html = html(
        panel.webview,
        state.name,
        `<p>The image could not be read: ${String((err as Error).message).replace(/[<&]/g, '')}</p>`,
        state,
      );
      return;
    }
    const match = await findDockerfile(view, labelled);
    const shown = match?.view ?? view;
    panel.title = `Layers: ${state.name}`;
    panel.webview.html = html(panel.webview, `Layers: ${state.name}`, layerBody(shown), state);
    const disposables: vscode.Disposable[] = [];
    disposables.push(
      panel.webview.onDidReceiveMessage(async (m: unknown) => {
        if (!isMessage(m)) return;
        if (m.type === 'lesson') await openLesson(m.id);
        else if (m.type === 'files') await streamFiles(panel, state, shown);
        else if ((m.type === 'reveal' || m.type === 'openDockerfile') && match) {
          const editor = await vscode.window.showTextDocument(match.uri, {
            viewColumn: vscode.ViewColumn.One,
            preserveFocus: false,
          });
          if (m.type === 'reveal' && Number.isInteger(m.line) && m.line >= 0 && m.line < editor.document.lineCount) {
            const range = editor.document.lineAt(m.line).range;
            editor.selection = new vscode.Selection(range.start, range.end);
            editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
          }
        }
      }),
      // And back: the cursor on a Dockerfile line highlights its step.
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (!match || e.textEditor.document.uri.toString() !== match.uri.toString()) return;
        const line = e.selections[0].active.line;
        const lines = shown.steps.filter((s) => s.line !== undefined && s.line <= line).map((s) => s.line!);
        if (lines.length) void panel.webview.postMessage({ type: 'highlight', line: Math.max(...lines) });
      }),
    );
    panel.onDidDispose(() => disposables.forEach((d) => d.dispose()));
  }

  /** Reads the image tar as it streams (cancellable), then sends the per-layer file lists to the panel. */
  async function streamFiles(panel: vscode.WebviewPanel, state: LayerState, view: LayerView): Promise<void> {
    const api = ready() && session.api();
    if (!api) return;
    const title = `Reading the files of ${state.name}`;
    const where = { location: vscode.ProgressLocation.Notification, title, cancellable: true };
    await vscode.window.withProgress(where, async (progress, token) => {
      try {
        // A multi-platform image is shown for the engine's platform, as `docker history` shows it.
        const engine = await api.version().catch(() => undefined);
        const stream = await api.saveImage(state.image);
        token.onCancellationRequested(() => stream.destroy());
        let reported = 0;
        const files = await readImageArchive(stream as AsyncIterable<Uint8Array>, {
          platform: engine && { os: engine.os, architecture: engine.arch },
          // Room for an image many times the size its history states, and never less than the default.
          limits: { unpackedBytes: Math.max(DEFAULT_LIMITS.unpackedBytes, 4 * view.totalSize) },
          onProgress: (bytes, unpacked) => {
            if (bytes - reported < 5e6) return;
            reported = bytes;
            progress.report({ message: `${formatSize(bytes)} read, ${formatSize(unpacked)} unpacked` });
          },
        });
        if (token.isCancellationRequested) throw new Error('cancelled');
        void panel.webview.postMessage({ type: 'files', html: layerFilesHtml(files, view) });
      } catch (err) {
        const message = token.isCancellationRequested
          ? 'Stopped reading the image.'
          : err instanceof ImageArchiveError
            ? `The file view stopped: ${err.message}`
            : `The image could not be read: ${(err as Error).message}`;
        void panel.webview.postMessage({ type: 'files', html: `<p class="muted">${escapeHtml(message)}</p>` });
      }
    });
  }

  async function pickImage(forDockerfile?: vscode.Uri): Promise<{ id: string; name: string } | undefined> {
    const model = ready();
    if (!model) return undefined;
    const images = [...model.images.values()].sort((a, b) => b.created - a.created);
    if (!images.length) return void vscode.window.showInformationMessage('There are no images yet. Build one first.');
    const items = images.map((i) => ({
      label: i.tags[0] ?? `<none> ${i.id.slice(7, 19)}`,
      description: new Date(i.created * 1000).toLocaleString(),
      id: i.id,
    }));
    const pick = await vscode.window.showQuickPick(items, {
      placeHolder: forDockerfile
        ? `Which image was built from ${vscode.workspace.asRelativePath(forDockerfile)}? (newest first)`
        : 'Show the layers of which image?',
    });
    return pick && { id: pick.id, name: pick.label };
  }

  const openLayerPanel = async (state: LayerState, existing?: vscode.WebviewPanel) => {
    const panel =
      existing ??
      vscode.window.createWebviewPanel('dockside.layers', `Layers: ${state.name}`, vscode.ViewColumn.Beside, options());
    panel.iconPath = vscode.Uri.joinPath(media, 'dockside-activity.svg');
    await fillLayers(panel, state);
  };

  // ---- Port mappings ----
  const openPortPanel = async (state: PortState, existing?: vscode.WebviewPanel) => {
    const panel =
      existing ?? vscode.window.createWebviewPanel('dockside.ports', 'Ports', vscode.ViewColumn.Beside, options());
    panel.iconPath = vscode.Uri.joinPath(media, 'dockside-activity.svg');
    const compute = async (): Promise<PortMap | undefined> => {
      if (state.compose) {
        const uri = vscode.Uri.parse(state.compose);
        const doc =
          vscode.workspace.textDocuments.find((d) => d.uri.toString() === state.compose) ??
          (await vscode.workspace.openTextDocument(uri));
        return portMapFromCompose(doc.getText(), vscode.workspace.asRelativePath(uri));
      }
      const model = session.model();
      if (!model || model.state.status !== 'connected') return undefined;
      const target = session.target();
      return portMapFromContainers(
        model.containers.values(),
        target?.address.kind === 'tcp' || target?.address.kind === 'ssh' ? target.address.host : 'localhost',
      );
    };
    const first = await compute();
    panel.title = state.compose
      ? `Ports: ${path.basename(vscode.Uri.parse(state.compose).fsPath)}`
      : 'Ports: running containers';
    panel.webview.html = first
      ? html(panel.webview, panel.title, portBody(first), state)
      : html(panel.webview, panel.title, '<p>Docker is not reachable; the port map shows once it is.</p>', state);
    const push = async () => {
      const map = await compute();
      if (map) void panel.webview.postMessage({ type: 'rows', html: portRows(map), summary: portSummary(map) });
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const disposables: vscode.Disposable[] = [
      panel.webview.onDidReceiveMessage(async (m: unknown) => {
        if (!isMessage(m)) return;
        if (m.type === 'lesson') await openLesson(m.id);
        else if (m.type === 'openUrl' && /^http:\/\/[^/\s]+\/$/.test(m.url))
          await vscode.env.openExternal(vscode.Uri.parse(m.url));
      }),
      state.compose
        ? vscode.workspace.onDidChangeTextDocument((e) => {
            if (e.document.uri.toString() !== state.compose) return;
            clearTimeout(timer);
            timer = setTimeout(() => void push(), 300);
          })
        : session.onDidChange((change) => {
            if (change.kinds.includes('container')) void push();
          }),
    ];
    panel.onDidDispose(() => {
      clearTimeout(timer);
      disposables.forEach((d) => d.dispose());
    });
  };

  const showLayers = async (arg?: DockerNode | vscode.Uri) => {
    if (arg && !(arg instanceof vscode.Uri) && arg.kind === 'image')
      return openLayerPanel({ kind: 'layers', image: arg.item.id, name: arg.item.tags[0] ?? arg.item.id.slice(7, 19) });
    const editorUri =
      arg instanceof vscode.Uri
        ? arg
        : vscode.window.activeTextEditor?.document.languageId === 'dockerfile'
          ? vscode.window.activeTextEditor.document.uri
          : undefined;
    const picked = await pickImage(editorUri);
    if (picked) await openLayerPanel({ kind: 'layers', image: picked.id, name: picked.name });
  };

  const showPorts = async (arg?: DockerNode | vscode.Uri) => {
    if (arg instanceof vscode.Uri) return openPortPanel({ kind: 'ports', compose: arg.toString() });
    if (!arg && vscode.window.activeTextEditor?.document.languageId === 'dockercompose') {
      const choice = await vscode.window.showQuickPick(
        [
          { label: 'Running containers', live: true },
          {
            label: `This compose file: ${vscode.workspace.asRelativePath(vscode.window.activeTextEditor.document.uri)}`,
            live: false,
          },
        ],
        { placeHolder: 'Show the ports of…' },
      );
      if (!choice) return;
      if (!choice.live)
        return openPortPanel({ kind: 'ports', compose: vscode.window.activeTextEditor.document.uri.toString() });
    }
    if (!ready()) return;
    return openPortPanel({ kind: 'ports' });
  };

  ctx.subscriptions.push(
    vscode.commands.registerCommand(
      'dockside.showLayers',
      guardEngineCommand('dockside.showLayers', (arg?: DockerNode | vscode.Uri) =>
        showLayers(arg).catch((err) => vscode.window.showErrorMessage(String((err as Error).message))),
      ),
    ),
    vscode.commands.registerCommand(
      'dockside.showPorts',
      guardEngineCommand('dockside.showPorts', (arg?: DockerNode | vscode.Uri) =>
        showPorts(arg).catch((err) => vscode.window.showErrorMessage(String((err as Error).message))),
      ),
    ),
    vscode.window.registerWebviewPanelSerializer('dockside.layers', {
      async deserializeWebviewPanel(panel, state: LayerState | undefined) {
        panel.webview.options = options();
        if (state?.kind === 'layers' && typeof state.image === 'string') await openLayerPanel(state, panel);
        else panel.dispose();
      },
    }),
    vscode.window.registerWebviewPanelSerializer('dockside.ports', {
      async deserializeWebviewPanel(panel, state: PortState | undefined) {
        panel.webview.options = options();
        await openPortPanel(state?.kind === 'ports' ? state : { kind: 'ports' }, panel);
      },
    }),
  );
}
