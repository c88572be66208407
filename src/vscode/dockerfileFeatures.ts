import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { DockerfileService, type DockerfileDocument } from '../language/dockerfile/dockerfileService';
import { asSyntaxErrorsSetting, isSyntaxCheck, PEER_LINTERS, showsSyntaxErrors } from '../language/peerLinters';
import { BaseImageConfigs } from '../docker/baseImageConfigs';
import type { Ctx } from '../ctx';
import type { DockerSession } from './explorer/dockerSession';
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

/** A small file's text, for checks that read one (a .dockerignore); undefined when it is missing or too large. */
function readSmallFile(path: string): string | undefined {
  try {
    return fs.statSync(path).size <= 1024 * 1024 ? fs.readFileSync(path, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

export interface DockerfileFeatures {
  service: DockerfileService;
  /** What the engine says about base images changed: Dockerfiles are checked again. */
  onDidChangeEngineFacts: vscode.Event<void>;
  /** From now on, checks that need the engine (DS047's platforms, UndefinedVar's base image env) ask this one. */
  useSession(session: DockerSession): void;
}

/**
 * The service with the user's rule levels; on-disk checks only for files on the local disk. Once the explorer's
 * session is connected, the engine's platform and its local base images' configs are given to the checks too. The
 * Dockerfile side never connects to the engine by itself.
 */
export function createDockerfileService(ctx: Ctx): DockerfileFeatures {
  let images: BaseImageConfigs | undefined;
  let targetPlatform: string | undefined;
  const options = () => ({
    rules: ctx.rules(),
    fileExists: (p: string) => fs.existsSync(p),
    readFile: readSmallFile,
    ...(images ? { imageConfig: (ref: string) => images?.lookup(ref) } : {}),
    ...(targetPlatform ? { targetPlatform } : {}),
  });
  const service = new DockerfileService(options());
  const engineFacts = new vscode.EventEmitter<void>();
  const reconfigure = () => {
    service.configure(options());
    engineFacts.fire();
  };
  ctx.subscriptions.push(
    engineFacts,
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('dockside.rules')) service.configure(options());
    }),
  );
  return {
    service,
    onDidChangeEngineFacts: engineFacts.event,
    useSession(session) {
      images = new BaseImageConfigs(
        {
          images: () => session.connectedModel()?.images.values(),
          inspect: async (id) => session.api()?.inspectImage(id),
        },
        reconfigure,
      );
      ctx.subscriptions.push(
        session.onDidChange(({ kinds }) => {
          const version = session.connectedModel()?.state.version;
          const platform = version?.os && version.arch ? `${version.os}/${version.arch}` : undefined;
          const imagesMoved = !kinds.length || kinds.includes('image');
          if (platform === targetPlatform && !imagesMoved) return;
          targetPlatform = platform;
          if (imagesMoved) images?.imagesChanged();
          reconfigure();
        }),
      );
    },
  };
}

/** The installed extensions that already show Dockerfile syntax errors. */
function installedPeers(): { id: string; name: string }[] {
  return PEER_LINTERS.filter((p) => vscode.extensions.getExtension(p.id) !== undefined);
}

export function registerDockerfileDiagnostics(ctx: Ctx, { service, onDidChangeEngineFacts }: DockerfileFeatures): void {
  const changed = new vscode.EventEmitter<void>();
  let showSyntax = true;
  const decide = (): void => {
    const peers = installedPeers();
    const setting = asSyntaxErrorsSetting(ctx.setting<unknown>('dockerfile.syntaxErrors', 'auto'));
    const wasShown = showSyntax;
    showSyntax = showsSyntaxErrors(
      setting,
      peers.map((p) => p.id),
    );
    if (setting === 'auto' && wasShown && !showSyntax)
      explainHiddenSyntaxErrors(ctx, peers.map((p) => p.name).join(' and '));
  };
  decide();
  ctx.subscriptions.push(
    changed,
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('dockside.dockerfile.syntaxErrors')) return;
      decide();
      changed.fire();
    }),
    vscode.extensions.onDidChange(() => {
      decide();
      changed.fire();
    }),
    onDidChangeEngineFacts(() => changed.fire()),
  );
  publishDiagnostics(ctx, {
    languageId: 'dockerfile',
    diagnose: (doc) => {
      const found = service.diagnose(asDocument(doc));
      return showSyntax ? found : found.filter((d) => !isSyntaxCheck(d));
    },
    forget: (uri) => service.forget(uri),
    refreshOn: changed.event,
  });
}

const NOTICE_KEY = 'dockside.syntaxErrorsLeftToPeer';

/** Says once (ever) that another extension's syntax errors are shown instead of Dockside's, with a way back. */
function explainHiddenSyntaxErrors(ctx: Ctx, peers: string): void {
  ctx.log.info(
    `${peers} already shows Dockerfile syntax errors, so Dockside leaves its own (the DSX codes) out; set ` +
      '"dockside.dockerfile.syntaxErrors" to "show" to see them too.',
  );
  if (ctx.extension.globalState.get<boolean>(NOTICE_KEY)) return;
  void ctx.extension.globalState.update(NOTICE_KEY, true);
  const showAnyway = 'Show anyway';
  void vscode.window
    .showInformationMessage(
      `${peers} already shows Dockerfile syntax errors, so Dockside shows only its own checks, not a second copy.`,
      showAnyway,
    )
    .then((choice) => {
      if (choice === showAnyway)
        void vscode.workspace
          .getConfiguration('dockside')
          .update('dockerfile.syntaxErrors', 'show', vscode.ConfigurationTarget.Global);
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
