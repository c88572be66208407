import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { ComposeService, type ComposeDocument } from '../language/compose/composeService';
import type { ComposeCompletion, ComposeSymbol } from '../language/compose/composeNavigation';
import { fsComposeHost } from '../language/compose/fsHost';
import { toRange } from './convert';
import { publishDiagnostics } from './diagnosticsPublisher';
import { registerQuickFixes } from './quickFixActions';

const asCompose = (doc: vscode.TextDocument): ComposeDocument => {
  const root = vscode.workspace.getWorkspaceFolder(doc.uri)?.uri;
  return {
    uri: doc.uri.toString(),
    version: doc.version,
    text: doc.getText(),
    ...(doc.uri.scheme === 'file'
      ? { path: doc.uri.fsPath, ...(root?.scheme === 'file' ? { root: root.fsPath } : {}) }
      : {}),
  };
};

const SELECTOR: vscode.DocumentSelector = { language: 'dockercompose' };
const SYMBOL_KINDS: Record<ComposeSymbol['kind'], vscode.SymbolKind> = {
  section: vscode.SymbolKind.Namespace,
  service: vscode.SymbolKind.Class,
  network: vscode.SymbolKind.Interface,
  volume: vscode.SymbolKind.Struct,
  secret: vscode.SymbolKind.Key,
  config: vscode.SymbolKind.File,
};
const COMPLETION_KINDS: Record<ComposeCompletion['kind'], vscode.CompletionItemKind> = {
  key: vscode.CompletionItemKind.Property,
  value: vscode.CompletionItemKind.EnumMember,
  service: vscode.CompletionItemKind.Class,
  network: vscode.CompletionItemKind.Interface,
  volume: vscode.CompletionItemKind.Struct,
  secret: vscode.CompletionItemKind.Constant,
  config: vscode.CompletionItemKind.File,
};

/**
 * Compose files: diagnostics, quick fixes, hover, outline, definition and completion, through the pure
 * ComposeService.
 */
export function registerComposeFeatures(ctx: Ctx): void {
  const compose = new ComposeService(ctx.rules(), fsComposeHost());
  // Registered before the publisher's own listener, so its refresh sees the new rule levels.
  ctx.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('dockside.rules')) compose.configure(ctx.rules());
    }),
    vscode.languages.registerHoverProvider(SELECTOR, {
      provideHover(doc, position) {
        const hover = compose.hover(asCompose(doc), { line: position.line, character: position.character });
        return hover ? new vscode.Hover(new vscode.MarkdownString(hover.markdown), toRange(hover.range)) : undefined;
      },
    }),
    vscode.languages.registerDocumentSymbolProvider(SELECTOR, {
      provideDocumentSymbols(doc) {
        const convert = (s: ComposeSymbol): vscode.DocumentSymbol => {
          const symbol = new vscode.DocumentSymbol(
            s.name,
            s.detail,
            SYMBOL_KINDS[s.kind],
            toRange(s.range),
            toRange(s.selectionRange),
          );
          symbol.children = s.children.map(convert);
          return symbol;
        };
        return compose.outline(asCompose(doc)).map(convert);
      },
    }),
    vscode.languages.registerDefinitionProvider(SELECTOR, {
      provideDefinition(doc, position) {
        return compose
          .definition(asCompose(doc), { line: position.line, character: position.character })
          .map((r) => new vscode.Location(doc.uri, toRange(r)));
      },
    }),
    vscode.languages.registerCompletionItemProvider(
      SELECTOR,
      {
        provideCompletionItems(doc, position) {
          return compose
            .completions(asCompose(doc), { line: position.line, character: position.character })
            .map((c) => {
              const item = new vscode.CompletionItem(c.label, COMPLETION_KINDS[c.kind]);
              if (c.detail) item.detail = c.detail;
              if (c.documentation) item.documentation = new vscode.MarkdownString(c.documentation);
              if (c.insertText) item.insertText = c.insertText;
              return item;
            });
        },
      },
      ':',
      '-',
      ' ',
    ),
  );
  publishDiagnostics(ctx, {
    languageId: 'dockercompose',
    diagnose: (doc) => compose.diagnose(asCompose(doc)),
    forget: (uri) => compose.forget(uri),
  });
  registerQuickFixes(ctx, 'dockercompose', {
    diagnose: (doc) => compose.diagnose(asCompose(doc)),
    quickFixes: (doc, d) => compose.quickFixes(asCompose(doc), d),
  });
}
