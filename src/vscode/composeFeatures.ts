import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { ComposeService, type ComposeDocument } from '../language/compose/composeService';
import { fsComposeHost } from '../language/compose/fsHost';
import { toRange } from './convert';
import { publishDiagnostics } from './diagnosticsPublisher';
import { registerQuickFixes } from './quickFixActions';

const asCompose = (doc: vscode.TextDocument): ComposeDocument => ({ uri: doc.uri.toString(), version: doc.version, text: doc.getText(), ...(doc.uri.scheme === 'file' ? { path: doc.uri.fsPath } : {}) });

/** Compose files: diagnostics, quick fixes and hover, through the pure ComposeService. */
export function registerComposeFeatures(ctx: Ctx): void {
  const compose = new ComposeService(ctx.rules(), fsComposeHost());
  // Registered before the publisher's own listener, so its refresh sees the new rule levels.
  ctx.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('dockside.rules')) compose.configure(ctx.rules());
    }),
    vscode.languages.registerHoverProvider(
      { language: 'dockercompose' },
      {
        provideHover(doc, position) {
          const hover = compose.hover(asCompose(doc), { line: position.line, character: position.character });
          return hover ? new vscode.Hover(new vscode.MarkdownString(hover.markdown), toRange(hover.range)) : undefined;
        },
      },
    ),
  );
  publishDiagnostics(ctx, { languageId: 'dockercompose', diagnose: (doc) => compose.diagnose(asCompose(doc)), forget: (uri) => compose.forget(uri) });
  registerQuickFixes(ctx, 'dockercompose', { diagnose: (doc) => compose.diagnose(asCompose(doc)), quickFixes: (doc, d) => compose.quickFixes(asCompose(doc), d) });
}
