import * as vscode from 'vscode';
import { DockerfileService, type DockerfileDocument } from '../language/dockerfile/dockerfileService';
import { toDiagnostic, toRange } from './convert';

export const DOCKERFILE_SELECTOR: vscode.DocumentSelector = { language: 'dockerfile' };

function asDocument(doc: vscode.TextDocument): DockerfileDocument {
  return { uri: doc.uri.toString(), version: doc.version, text: doc.getText() };
}

/**
 * Problems-panel diagnostics for Dockerfiles: recomputed after typing pauses (debounced), once per document version.
 */
export function registerDockerfileDiagnostics(
  context: vscode.ExtensionContext,
  service: DockerfileService,
  debounceMs: () => number,
): void {
  const collection = vscode.languages.createDiagnosticCollection('dockside-dockerfile');
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  const refresh = (doc: vscode.TextDocument): void => {
    if (doc.languageId !== 'dockerfile' || doc.isClosed) return;
    collection.set(doc.uri, service.diagnose(asDocument(doc)).map(toDiagnostic));
  };
  const schedule = (doc: vscode.TextDocument): void => {
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        refresh(doc);
      }, debounceMs()),
    );
  };
  const forget = (doc: vscode.TextDocument): void => {
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.delete(key);
    collection.delete(doc.uri);
    service.forget(key);
  };

  context.subscriptions.push(
    collection,
    vscode.workspace.onDidOpenTextDocument(refresh),
    vscode.workspace.onDidChangeTextDocument((e) => schedule(e.document)),
    vscode.workspace.onDidCloseTextDocument(forget),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
  vscode.workspace.textDocuments.forEach(refresh);
}

export function registerDockerfileHover(context: vscode.ExtensionContext, service: DockerfileService): void {
  context.subscriptions.push(
    vscode.languages.registerHoverProvider(DOCKERFILE_SELECTOR, {
      provideHover(doc, position) {
        const hover = service.hover(asDocument(doc), { line: position.line, character: position.character });
        if (!hover) return undefined;
        const md = new vscode.MarkdownString(hover.markdown);
        return new vscode.Hover(md, hover.range ? toRange(hover.range) : undefined);
      },
    }),
  );
}
