import * as vscode from 'vscode';
import { generalCommands, registerCommandTables } from './commands';
import { Ctx } from './ctx';
import { registerBuild } from './vscode/build/buildCommand';
import { registerRun } from './vscode/build/runCommand';
import { registerCacheForecast } from './vscode/cacheForecast';
import { registerComposeFeatures } from './vscode/composeFeatures';
import { registerComposeRun } from './vscode/composeRun';
import { registerDoctor } from './vscode/doctorCommands';
import {
  createDockerfileService,
  registerDockerfileDiagnostics,
  registerDockerfileLanguageFeatures,
} from './vscode/dockerfileFeatures';
import { registerExplorer } from './vscode/explorer';
import { learningCommands } from './vscode/learning';
import { registerLessonLinks } from './vscode/lessonLinks';
import { newProjectCommands } from './vscode/newProject';
import { registerPanels } from './vscode/panels';
import { registerRegistries } from './vscode/registries';
import { registerWalkthrough } from './vscode/walkthrough';

/**
 * Activation is a short list: the language features first (they need no engine), then the Docker side, which
 * connects only when a view or command first needs it. Features hand back their command tables, and all of them
 * are registered in one place with one error policy (src/commands.ts).
 */
export function activate(context: vscode.ExtensionContext): void {
  const ctx = new Ctx(context);
  try {
    const dockerfiles = createDockerfileService(ctx);
    registerDockerfileDiagnostics(ctx, dockerfiles);
    registerDockerfileLanguageFeatures(ctx, dockerfiles.service);
    const cacheForecast = registerCacheForecast(ctx);
    registerComposeFeatures(ctx);
    registerLessonLinks(ctx);
    const explorer = registerExplorer(ctx);
    const { session } = explorer;
    cacheForecast.useSession(session);
    dockerfiles.useSession(session);
    const walkthrough = registerWalkthrough(ctx, session);
    registerCommandTables(
      ctx,
      generalCommands(ctx),
      learningCommands(),
      explorer.commands,
      registerPanels(ctx, session),
      registerBuild(ctx, session, cacheForecast),
      registerRun(ctx, session),
      registerRegistries(ctx, session),
      walkthrough.commands,
      registerComposeRun(ctx, explorer, () => walkthrough.mark('composeRunning')),
      newProjectCommands(ctx),
      registerDoctor(ctx, session),
    );
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
