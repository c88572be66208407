import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { DockerfileService, type DockerfileDocument } from '../language/dockerfile/dockerfileService';
import type { Ctx } from '../ctx';
import { toRange } from './convert';
import { publishDiagnostics } from './diagnosticsPublisher';
import { registerQuickFixes } from './quickFixActions';

export const DOCKERFILE_SELECTOR: vscode.DocumentSelector = { language: 'dockerfile' };

export function asDocument(doc: vscode.TextDocument): DockerfileDocument {
  return {
    uri: doc.uri.toString(),
    version: doc.version,
    text: doc.getText(),
    ...(doc.uri.scheme === 'file' ? { path: doc.uri.fsPath } : {}),
  };
}

/** The service with the user's rule levels; on-disk checks only for files on the local disk. */
export function createDockerfileService(ctx: Ctx): DockerfileService {
  const options = () => ({ rules: ctx.rules(), fileExists: (p: string) => fs.existsSync(p) });
  const service = new DockerfileService(options());
  ctx.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('dockside.rules')) service.configure(options());
    }),
  );
  return service;
}

export function registerDockerfileDiagnostics(ctx: Ctx, service: DockerfileService): void {
  publishDiagnostics(ctx, {
    languageId: 'dockerfile',
    diagnose: (doc) => service.diagnose(asDocument(doc)),
    forget: (uri) => service.forget(uri),
  });
}

export function registerDockerfileLanguageFeatures(ctx: Ctx, service: DockerfileService): void {
  registerQuickFixes(ctx, 'dockerfile', {
    diagnose: (doc) => service.diagnose(asDocument(doc)),
    quickFixes: (doc, d) => service.quickFixes(asDocument(doc), d),
  });
  ctx.subscriptions.push(
    vscode.languages.registerHoverProvider(DOCKERFILE_SELECTOR, {
      provideHover(doc, position) {
        const hover = service.hover(asDocument(doc), { line: position.line, character: position.character });
        if (!hover) return undefined;
        return new vscode.Hover(
          new vscode.MarkdownString(hover.markdown),
          hover.range ? toRange(hover.range) : undefined,
        );
      },
    }),
    vscode.languages.registerCompletionItemProvider(
      DOCKERFILE_SELECTOR,
      {
        async provideCompletionItems(doc, position) {
          const items = await service.completions(asDocument(doc), {
            line: position.line,
            character: position.character,
          });
          return items.map((i) => {
            const kind =
              i.kind === 'stage'
                ? vscode.CompletionItemKind.Module
                : i.kind === 'variable'
                  ? vscode.CompletionItemKind.Variable
                  : vscode.CompletionItemKind.Keyword;
            const item = new vscode.CompletionItem(i.label, kind);
            item.detail = i.detail;
            if (i.kind === 'library') {
              if (i.edit) {
                item.range = toRange(i.edit.range);
                item.insertText = i.snippet ? new vscode.SnippetString(i.edit.newText) : i.edit.newText;
              }
              if (i.documentation) item.documentation = new vscode.MarkdownString(i.documentation);
            }
            return item;
          });
        },
      },
      '=',
      '$',
      '{',
      '-',
    ),
    vscode.languages.registerDefinitionProvider(DOCKERFILE_SELECTOR, {
      provideDefinition(doc, position) {
        return service
          .definition(asDocument(doc), { line: position.line, character: position.character })
          .map((r) => new vscode.Location(doc.uri, toRange(r)));
      },
    }),
    vscode.languages.registerDocumentSymbolProvider(DOCKERFILE_SELECTOR, {
      provideDocumentSymbols(doc) {
        const convert = (s: ReturnType<DockerfileService['outline']>[number]): vscode.DocumentSymbol => {
          const symbol = new vscode.DocumentSymbol(
            s.name,
            s.detail,
            s.kind === 'stage' ? vscode.SymbolKind.Module : vscode.SymbolKind.Field,
            toRange(s.range),
            toRange(s.selectionRange),
          );
          symbol.children = s.children.map(convert);
          return symbol;
        };
        return service.outline(asDocument(doc)).map(convert);
      },
    }),
    vscode.languages.registerDocumentFormattingEditProvider(DOCKERFILE_SELECTOR, {
      provideDocumentFormattingEdits(doc, options) {
        return service
          .format(asDocument(doc), { tabSize: options.tabSize, insertSpaces: options.insertSpaces })
          .map((e) => vscode.TextEdit.replace(toRange(e.range), e.newText));
      },
    }),
  );
}
