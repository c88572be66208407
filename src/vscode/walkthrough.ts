import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { completedWalkthroughSteps, WALKTHROUGH_KEYS } from '../docker/walkthroughProgress';
import type { CommandTable } from '../commands';
import { EXAMPLE_COMPOSE, EXAMPLE_DOCKERFILE } from './walkthroughExamples';
import type { DockerSession } from './explorer/dockerSession';

/** Walkthrough steps completed by what the engine shows, and the commands its steps link to. */
export function registerWalkthrough(ctx: Ctx, session: DockerSession): CommandTable {
  const done = new Set<string>();
  const mark = (key: keyof typeof WALKTHROUGH_KEYS) => {
    if (done.has(key)) return;
    done.add(key);
    void vscode.commands.executeCommand('setContext', WALKTHROUGH_KEYS[key], true);
  };
  ctx.subscriptions.push(
    session.onDidChange((change) => {
      if (!change.kinds.includes('container')) return;
      const model = session.model();
      if (model?.state.status === 'connected') completedWalkthroughSteps(model).forEach(mark);
    }),
  );

  const writeIfMissing = async (relative: string, content: string): Promise<vscode.Uri | undefined> => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      void vscode.window.showInformationMessage(
        'Open a folder first: the walkthrough writes its examples into the workspace.',
      );
      return undefined;
    }
    const uri = vscode.Uri.joinPath(folder.uri, relative);
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(content));
    }
    return uri;
  };

  return {
    'dockside.walkthrough.newDockerfile': async () => {
      await writeIfMissing(
        'site/index.html',
        '<!doctype html>\n<title>Hello</title>\n<h1>Hello from a container</h1>\n',
      );
      const uri = await writeIfMissing('Dockerfile', EXAMPLE_DOCKERFILE);
      if (uri) await vscode.window.showTextDocument(uri);
    },
    'dockside.walkthrough.composeExample': async () => {
      await writeIfMissing('db.env', 'POSTGRES_PASSWORD=change-me\nPGADMIN_DEFAULT_PASSWORD=change-me-too\n');
      const uri = await writeIfMissing('compose.yaml', EXAMPLE_COMPOSE);
      if (uri) await vscode.window.showTextDocument(uri);
    },
    'dockside.walkthrough.markBuilt': (multiStage: unknown) => {
      mark('built');
      if (multiStage === true) mark('multiStageBuilt');
    },
  };
}
