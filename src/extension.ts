import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { Ctx } from './ctx';
import { ComposeService } from './language/compose/composeService';
import { toRange } from './vscode/convert';
import { publishDiagnostics } from './vscode/diagnosticsPublisher';
import { createDockerfileService, registerDockerfileDiagnostics, registerDockerfileLanguageFeatures } from './vscode/dockerfileFeatures';

export function activate(context: vscode.ExtensionContext): void {
  const ctx = new Ctx(context);
  try {
    registerCommands(ctx);
    const dockerfiles = createDockerfileService(ctx);
    registerDockerfileDiagnostics(ctx, dockerfiles);
    registerDockerfileLanguageFeatures(ctx, dockerfiles);
    const compose = new ComposeService(ctx.rules());
    // Registered before the publisher's own listener, so a refresh sees the new rule levels.
    ctx.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('dockside.rules')) compose.configure(ctx.rules());
      }),
    );
    ctx.subscriptions.push(
      vscode.languages.registerHoverProvider({ language: 'dockercompose' }, {
        provideHover(doc, position) {
          const hover = compose.hover({ uri: doc.uri.toString(), version: doc.version, text: doc.getText() }, { line: position.line, character: position.character });
          return hover ? new vscode.Hover(new vscode.MarkdownString(hover.markdown), toRange(hover.range)) : undefined;
        },
      }),
    );
    publishDiagnostics(ctx, { languageId: 'dockercompose', diagnose: (doc) => compose.diagnose({ uri: doc.uri.toString(), version: doc.version, text: doc.getText() }), forget: (uri) => compose.forget(uri) });
    ctx.log.info('Dockside activated');
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    ctx.log.error(`Activation failed: ${message}`);
    void vscode.window.showErrorMessage(`Dockside could not start: ${message}. See the Dockside log for details.`, 'Show Log').then((choice) => {
      if (choice) ctx.log.show();
    });
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
