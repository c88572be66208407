import * as vscode from 'vscode';
import type { DocksideDiagnostic } from '../language/diagnostic';
import type { Ctx } from '../ctx';
import { toDiagnostic } from './convert';

export interface DiagnosticsSource {
  languageId: string;
  diagnose(doc: vscode.TextDocument): DocksideDiagnostic[];
  forget(uri: string): void;
  /** Fires when what `diagnose` returns changes for every document (a setting the source reads itself). */
  refreshOn?: vscode.Event<void>;
}

/**
 * Problems-panel diagnostics for one language: computed when a document opens, and again once typing pauses
 * (debounced by `dockside.diagnostics.debounceMs`); the source caches per document version.
 */
export function publishDiagnostics(ctx: Ctx, source: DiagnosticsSource): void {
  const collection = vscode.languages.createDiagnosticCollection(`dockside-${source.languageId}`);
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  const refresh = (doc: vscode.TextDocument): void => {
    if (doc.languageId !== source.languageId || doc.isClosed) return;
    collection.set(doc.uri, source.diagnose(doc).map(toDiagnostic));
  };
  const refreshAll = (): void => {
    for (const doc of vscode.workspace.textDocuments) {
      source.forget(doc.uri.toString());
      refresh(doc);
    }
  };
  const schedule = (doc: vscode.TextDocument): void => {
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(
        () => {
          timers.delete(key);
          refresh(doc);
        },
        ctx.setting('diagnostics.debounceMs', 250),
      ),
    );
  };
  const forget = (doc: vscode.TextDocument): void => {
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.delete(key);
    collection.delete(doc.uri);
    source.forget(key);
  };

  ctx.subscriptions.push(
    collection,
    vscode.workspace.onDidOpenTextDocument(refresh),
    vscode.workspace.onDidChangeTextDocument((e) => schedule(e.document)),
    vscode.workspace.onDidCloseTextDocument(forget),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('dockside.rules')) refreshAll();
    }),
    // A new or deleted file (such as a .dockerignore) can change findings of open documents.
    vscode.workspace.onDidCreateFiles(refreshAll),
    vscode.workspace.onDidDeleteFiles(refreshAll),
    // Saving another file (a .env, an extended compose file) can change findings too.
    vscode.workspace.onDidSaveTextDocument((doc) => {
      if (doc.languageId !== source.languageId) refreshAll();
    }),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
  if (source.refreshOn) ctx.subscriptions.push(source.refreshOn(refreshAll));
  vscode.workspace.textDocuments.forEach(refresh);
}
