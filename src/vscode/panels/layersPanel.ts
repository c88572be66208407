import * as vscode from 'vscode';
import { DOCKERFILE_LABEL, labelledDockerfilePath, matchesDockerfileLabel } from '../../docker/dockerfileLabel';
import { shortId } from '../../docker/present';
import { DOCKERFILE_GLOB } from '../../language/dockerfileNames';
import { escapeHtml, formatSize } from '../../panels/html';
import { DEFAULT_LIMITS, ImageArchiveError, readImageArchive } from '../../panels/layers/imageTar';
import { buildLayerView, matchDockerfile, ownSteps, type LayerView } from '../../panels/layers/layerData';
import { layerBody, layerFilesHtml } from '../../panels/layers/layerHtml';
import type { DockerSession } from '../explorer/dockerSession';
import type { DockerNode } from '../explorer/trees';
import { Panel, PanelKind, type PanelHost, type PanelMessage } from './panel';

export type LayerState = { kind: 'layers'; image: string; name: string };

const isLayerState = (s: unknown): s is LayerState =>
  !!s &&
  (s as LayerState).kind === 'layers' &&
  typeof (s as LayerState).image === 'string' &&
  typeof (s as LayerState).name === 'string';

/**
 * The Dockerfile in the workspace that this image's steps match best, and the view with its lines filled in. Only
 * files inside the open workspace are read; the image's label (a relative path) narrows them to those at its path.
 */
async function findDockerfile(
  view: LayerView,
  labelled?: string,
): Promise<{ uri: vscode.Uri; view: LayerView } | undefined> {
  if (!ownSteps(view)) return undefined;
  const found = await vscode.workspace.findFiles(DOCKERFILE_GLOB, '**/node_modules/**', 100);
  const label = labelledDockerfilePath(labelled);
  const named = label
    ? found.filter((uri) => matchesDockerfileLabel(vscode.workspace.asRelativePath(uri, false), label))
    : [];
  let best: { uri: vscode.Uri; view: LayerView; matched: number } | undefined;
  for (const uri of named.length ? named : found) {
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
  // Half of the image's own steps must match; counted on the matched copy, where the base may now be known.
  if (!best || best.matched < Math.max(1, Math.ceil(ownSteps(best.view) / 2))) return undefined;
  best.view.dockerfile = { path: vscode.workspace.asRelativePath(best.uri), matched: best.matched };
  return best;
}

/** An image's layers: its history step by step, linked to the Dockerfile lines, and the files of each layer. */
class LayersPanel extends Panel<LayerState> {
  private shown: LayerView | undefined;
  private dockerfile: vscode.Uri | undefined;

  constructor(
    panel: vscode.WebviewPanel,
    host: PanelHost,
    state: LayerState,
    private readonly session: DockerSession,
  ) {
    super(panel, host, state);
    // The cursor on a Dockerfile line highlights its step.
    this.disposables.push(
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (!this.shown || !this.dockerfile || e.textEditor.document.uri.toString() !== this.dockerfile.toString())
          return;
        const line = e.selections[0]?.active.line ?? 0;
        const lines = this.shown.steps.filter((s) => s.line !== undefined && s.line <= line).map((s) => s.line!);
        if (lines.length) void this.panel.webview.postMessage({ type: 'highlight', line: Math.max(...lines) });
      }),
    );
  }

  async fill(): Promise<void> {
    const { name, image } = this.state;
    const api = (await this.session.ready())?.api;
    if (!api)
      return this.render(`<p>Docker is not reachable, so the layers of ${escapeHtml(name)} cannot be read.</p>`, name);
    let view: LayerView;
    let labelled: string | undefined;
    try {
      const [history, inspect] = await Promise.all([
        api.imageHistory(image),
        api.inspect('image', image) as Promise<{
          Id: string;
          Created: string;
          Config?: { Labels?: Record<string, string> | null };
        }>,
      ]);
      view = buildLayerView(name, inspect.Id, Math.floor(Date.parse(inspect.Created) / 1000), history);
      labelled = inspect.Config?.Labels?.[DOCKERFILE_LABEL];
    } catch (err) {
      return this.render(`<p>The image could not be read: ${escapeHtml((err as Error).message)}</p>`, name);
    }
    const match = await findDockerfile(view, labelled);
    this.shown = match?.view ?? view;
    this.dockerfile = match?.uri;
    this.render(layerBody(this.shown), `Layers: ${name}`);
  }

  protected async onMessage(m: PanelMessage): Promise<void> {
    if (m.type === 'lesson') await this.openLesson(m.id);
    else if (m.type === 'files' && this.shown) await this.streamFiles(this.shown);
    else if ((m.type === 'reveal' || m.type === 'openDockerfile') && this.dockerfile) {
      const editor = await vscode.window.showTextDocument(this.dockerfile, {
        viewColumn: vscode.ViewColumn.One,
        preserveFocus: false,
      });
      if (m.type === 'reveal' && m.line < editor.document.lineCount) {
        const range = editor.document.lineAt(m.line).range;
        editor.selection = new vscode.Selection(range.start, range.end);
        editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      }
    }
  }

  /** Reads the image archive as it streams (cancellable), then sends the per-layer file lists to the panel. */
  private async streamFiles(view: LayerView): Promise<void> {
    const api = (await this.session.ready())?.api;
    if (!api) return;
    const where = {
      location: vscode.ProgressLocation.Notification,
      title: `Reading the files of ${this.state.name}`,
      cancellable: true,
    };
    await vscode.window.withProgress(where, async (progress, token) => {
      try {
        // A multi-platform image is shown for the engine's platform, as `docker history` shows it.
        const engine = await api.version().catch(() => undefined);
        const stream = await api.saveImage(this.state.image);
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
        void this.panel.webview.postMessage({ type: 'files', html: layerFilesHtml(files, view) });
      } catch (err) {
        const message = token.isCancellationRequested
          ? 'Stopped reading the image.'
          : err instanceof ImageArchiveError
            ? `The file view stopped: ${err.message}`
            : `The image could not be read: ${(err as Error).message}`;
        void this.panel.webview.postMessage({ type: 'files', html: `<p class="muted">${escapeHtml(message)}</p>` });
      }
    });
  }
}

/** The layer panel kind, and the "Show Image Layers" command. */
export function layerPanels(
  host: PanelHost,
  session: DockerSession,
): { kind: PanelKind<LayerState>; show(arg?: DockerNode | vscode.Uri): Promise<void> } {
  const kind = new PanelKind<LayerState>(
    host,
    'dockside.layers',
    (panel, state) => new LayersPanel(panel, host, state, session),
    isLayerState,
    (s) => s.image,
  );

  const pickImage = async (forDockerfile?: vscode.Uri): Promise<LayerState | undefined> => {
    const model = (await session.ready())?.model;
    if (!model) return undefined;
    const images = [...model.images.values()].sort((a, b) => b.created - a.created);
    if (!images.length) return void vscode.window.showInformationMessage('There are no images yet. Build one first.');
    const items = images.map((i) => ({
      label: i.tags[0] ?? `<none> ${shortId(i.id)}`,
      description: new Date(i.created * 1000).toLocaleString(),
      id: i.id,
    }));
    const pick = await vscode.window.showQuickPick(items, {
      placeHolder: forDockerfile
        ? `Which image was built from ${vscode.workspace.asRelativePath(forDockerfile)}? (newest first)`
        : 'Show the layers of which image?',
    });
    return pick && { kind: 'layers', image: pick.id, name: pick.label };
  };

  return {
    kind,
    async show(arg) {
      let state: LayerState | undefined;
      if (arg && !(arg instanceof vscode.Uri) && arg.kind === 'image') {
        state = { kind: 'layers', image: arg.item.id, name: arg.item.tags[0] ?? shortId(arg.item.id) };
      } else {
        const editor = vscode.window.activeTextEditor;
        state = await pickImage(
          arg instanceof vscode.Uri
            ? arg
            : editor?.document.languageId === 'dockerfile'
              ? editor.document.uri
              : undefined,
        );
      }
      if (state) await kind.show(state, `Layers: ${state.name}`);
    },
  };
}
