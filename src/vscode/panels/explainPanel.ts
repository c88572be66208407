import * as vscode from 'vscode';
import { explainBody, explainDockerfile } from '../../panels/explain/explainHtml';
import { Panel, PanelKind, type PanelHost, type PanelMessage } from './panel';

/** The Dockerfile explained, by its URI: all that is needed to show it again after a reload. */
export type ExplainState = { kind: 'explain'; uri: string };

const isExplainState = (s: unknown): s is ExplainState =>
  !!s && (s as ExplainState).kind === 'explain' && typeof (s as ExplainState).uri === 'string';

/** "Explain This Dockerfile": each instruction in plain words, with its layer and its lesson; redrawn on save. */
class ExplainPanel extends Panel<ExplainState> {
  private readonly uri: vscode.Uri;

  constructor(panel: vscode.WebviewPanel, host: PanelHost, state: ExplainState) {
    super(panel, host, state);
    this.uri = vscode.Uri.parse(state.uri);
    this.disposables.push(
      vscode.workspace.onDidSaveTextDocument((saved) => {
        if (saved.uri.toString() === state.uri) void this.fill();
      }),
    );
  }

  async fill(): Promise<void> {
    const name = vscode.workspace.asRelativePath(this.uri);
    let text: string;
    try {
      text = (await vscode.workspace.openTextDocument(this.uri)).getText();
    } catch {
      return this.render(
        '<p>This Dockerfile is no longer there, so there is nothing to explain.</p>',
        `Explain: ${name}`,
      );
    }
    this.render(explainBody(name, explainDockerfile(text)), `Explain: ${name}`);
  }

  protected async onMessage(m: PanelMessage): Promise<void> {
    if (m.type === 'lesson') await this.openLesson(m.id);
    if (m.type === 'reveal') {
      const doc = await vscode.workspace.openTextDocument(this.uri);
      const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
      const range = doc.lineAt(Math.min(m.line, doc.lineCount - 1)).range;
      editor.selection = new vscode.Selection(range.start, range.end);
      editor.revealRange(range);
    }
  }
}

/** The Explain panel kind (revived after a reload), and its command. */
export function explainPanels(host: PanelHost): {
  kind: PanelKind<ExplainState>;
  show(arg?: vscode.Uri): Promise<void>;
} {
  const kind = new PanelKind<ExplainState>(
    host,
    'dockside.explain',
    (panel, state) => new ExplainPanel(panel, host, state),
    isExplainState,
    (s) => s.uri,
  );
  return {
    kind,
    async show(arg) {
      const editor = vscode.window.activeTextEditor;
      const uri =
        arg instanceof vscode.Uri
          ? arg
          : editor?.document.languageId === 'dockerfile'
            ? editor.document.uri
            : undefined;
      if (!uri) return void vscode.window.showInformationMessage('Open a Dockerfile first.');
      await kind.show({ kind: 'explain', uri: uri.toString() }, `Explain: ${vscode.workspace.asRelativePath(uri)}`);
    },
  };
}
