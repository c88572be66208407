import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { publishedHost } from '../docker/engineAddress';
import { probeHttp, webPorts } from '../docker/httpProbe';
import { completedWalkthroughSteps, WALKTHROUGH_KEYS } from '../docker/walkthroughProgress';
import type { CommandTable } from '../commands';
import { EXAMPLE_COMPOSE, EXAMPLE_DOCKERFILE } from './walkthroughExamples';
import type { DockerSession } from './explorer/dockerSession';

/** Set once the walkthrough has been opened for the user, so that it never opens by itself again. */
const OPENED_KEY = 'dockside.walkthrough.opened';

/** The files the walkthrough is about. */
const DOCKER_LANGUAGES = new Set(['dockerfile', 'dockercompose', 'dockerignore']);

/**
 * Opens the walkthrough once, on the first activation ever, as a tab beside the first Docker file the user has
 * in front. It opens in the background: an editor opened to the side made the file's CodeLenses ("Build Image",
 * "Up") vanish until a click, and one opened while a command asks its questions took the keyboard from them.
 * VS Code's own welcome page follows `workbench.startupEditor`; so does this: "none" means nothing opens by itself.
 */
function openOnce(ctx: Ctx): void {
  if (ctx.extension.globalState.get<boolean>(OPENED_KEY)) return;
  if (vscode.workspace.getConfiguration('workbench').get<string>('startupEditor') === 'none') return;
  const open = async () => {
    void ctx.extension.globalState.update(OPENED_KEY, true);
    // A file shown as a preview (one click in the explorer) would be replaced by the walkthrough's tab: keep it.
    await vscode.commands.executeCommand('workbench.action.keepEditor');
    await vscode.commands.executeCommand(
      'workbench.action.openWalkthrough',
      `${ctx.extension.extension.id}#getStarted`,
      { toSide: false, inactive: true },
    );
  };
  const isDocker = (editor: vscode.TextEditor | undefined) => DOCKER_LANGUAGES.has(editor?.document.languageId ?? '');
  if (isDocker(vscode.window.activeTextEditor)) return void open();
  const waiting = vscode.window.onDidChangeActiveTextEditor((editor) => {
    if (!isDocker(editor)) return;
    waiting.dispose();
    void open();
  });
  ctx.subscriptions.push(waiting);
}

/**
 * Walkthrough steps completed by what the engine shows, and the commands its steps link to. `mark` completes a
 * step from elsewhere (Up from a compose file completes the compose step).
 */
export function registerWalkthrough(
  ctx: Ctx,
  session: DockerSession,
): { commands: CommandTable; mark: (key: keyof typeof WALKTHROUGH_KEYS) => void } {
  openOnce(ctx);
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

  /** The last step: opens a running container's web port, the one that answers HTTP (asks when several do). */
  const openApp = async () => {
    const docker = await session.ready('open the running app');
    if (!docker) return;
    const host = publishedHost(session.target()?.address);
    const running = [...docker.model.containers.values()].filter((c) => c.state === 'running');
    const ports = webPorts(running, host);
    const answering = (
      await Promise.all(ports.map(async (p) => ((await probeHttp(p.host, p.hostPort, 1500)) === 'http' ? p : [])))
    ).flat();
    if (!answering.length)
      return void vscode.window.showInformationMessage(
        ports.length
          ? `No running container answers HTTP yet (tried ${ports.map((p) => p.hostPort).join(', ')}). ` +
              'Give it a moment, then try again.'
          : 'No running container publishes a port. Start the compose example with "Up" above "services:", ' +
              'or run an image with a published port.',
      );
    const pick =
      answering.length === 1
        ? answering[0]
        : (
            await vscode.window.showQuickPick(
              answering.map((p) => ({ label: p.service, description: `http://${p.host}:${p.hostPort}/`, p })),
              { placeHolder: 'Open which app?' },
            )
          )?.p;
    if (pick) await vscode.env.openExternal(vscode.Uri.parse(`http://${pick.host}:${pick.hostPort}/`));
  };

  const commands: CommandTable = {
    'dockside.walkthrough.openApp': openApp,
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
  return { commands, mark };
}
