import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { Ctx } from './ctx';
import { registerComposeFeatures } from './vscode/composeFeatures';
import { registerExplorer } from './vscode/explorer';
import { registerLearning } from './vscode/learning';
import { registerPanels } from './vscode/panels/panels';
import { registerBuild } from './vscode/build/buildCommand';
import { registerRun } from './vscode/build/runCommand';
import { registerRegistries } from './vscode/registries';
import { registerWalkthrough } from './vscode/walkthrough';
import {
  createDockerfileService,
  registerDockerfileDiagnostics,
  registerDockerfileLanguageFeatures,
} from './vscode/dockerfileFeatures';

export function activate(context: vscode.ExtensionContext): void {
  const ctx = new Ctx(context);
  try {
    registerCommands(ctx);
    const dockerfiles = createDockerfileService(ctx);
    registerDockerfileDiagnostics(ctx, dockerfiles);
    registerDockerfileLanguageFeatures(ctx, dockerfiles);
    registerComposeFeatures(ctx);
    registerLearning(ctx);
    const session = registerExplorer(ctx);
    registerPanels(ctx, session);
    registerBuild(ctx, session);
    registerRun(ctx, session);
    registerRegistries(ctx, session);
    registerWalkthrough(ctx, session);
    ctx.log.info('Dockside activated');
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    ctx.log.error(`Activation failed: ${message}`);
    void vscode.window
      .showErrorMessage(`Dockside could not start: ${message}. See the Dockside log for details.`, 'Show Log')
      .then((choice) => {
        if (choice) ctx.log.show();
      });
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
