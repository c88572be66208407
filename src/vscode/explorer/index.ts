import * as vscode from 'vscode';
import type { Ctx } from '../../ctx';
import type { CommandTable } from '../../commands';
import { engineName } from '../../docker/present';
import { dockerActionCommands } from './actions';
import { registerContainerFiles } from './containerFiles';
import { DockerSession } from './dockerSession';
import { ConnectionTree, ContainersTree, ImagesTree, NetworksTree, VolumesTree, type DockerNode } from './trees';

/**
 * The containers tree, able to reveal a node: `TreeView.reveal` asks for a node's parent, which the tree (built
 * from the top down) does not keep, so it is found again from the model by the same grouping.
 */
class RevealableContainersTree extends ContainersTree {
  getParent(node: DockerNode): DockerNode | undefined {
    const model = this.session.model();
    if (!model || (node.kind !== 'service' && node.kind !== 'container')) return undefined;
    const project = node.kind === 'service' ? node.project : node.item.composeProject;
    if (!project) return undefined;
    const members = [...model.containers.values()].filter((c) => c.composeProject === project);
    if (node.kind === 'service') return { kind: 'project', project, containers: members };
    const service = node.item.composeService ?? '';
    return {
      kind: 'service',
      project,
      service,
      containers: members.filter((c) => (c.composeService ?? '') === service),
    };
  }
}

/** What the explorer offers the rest of Dockside. */
export interface Explorer {
  session: DockerSession;
  commands: CommandTable;
  /** Shows the Containers view with this compose project selected and expanded. */
  revealProject(project: string): Promise<void>;
}

/**
 * The Docker explorer: five views over one lazily started session, the actions, and a status-bar item. Nothing
 * here talks to the engine until a view is shown or a Docker command runs.
 */
export function registerExplorer(ctx: Ctx): Explorer {
  const session = new DockerSession(ctx);
  const containers = new RevealableContainersTree(session);
  const containerFiles = registerContainerFiles(ctx, session, () => containers.refresh());
  containers.files = containerFiles.tree;
  const views: [string, ContainersTree | ImagesTree | VolumesTree | NetworksTree | ConnectionTree, boolean][] = [
    ['dockside.containers', containers, true],
    ['dockside.images', new ImagesTree(session), true],
    ['dockside.volumes', new VolumesTree(session), false],
    ['dockside.networks', new NetworksTree(session), false],
    ['dockside.connection', new ConnectionTree(session), false],
  ];
  for (const [id, provider, canSelectMany] of views) {
    const view = vscode.window.createTreeView<DockerNode>(id, {
      treeDataProvider: provider,
      canSelectMany,
      showCollapseAll: id === 'dockside.containers',
      ...(id === 'dockside.containers' ? { dragAndDropController: containerFiles.dragAndDrop } : {}),
    });
    provider.view = view;
    ctx.subscriptions.push(view, provider);
  }

  const status = vscode.window.createStatusBarItem('dockside.engine', vscode.StatusBarAlignment.Left, 10);
  status.name = 'Dockside: Docker engine';
  status.command = 'dockside.containers.focus';
  const update = () => {
    const model = session.started ? session.model() : undefined;
    if (!model) return status.hide();
    if (model.state.status === 'connected') {
      const running = [...model.containers.values()].filter((c) => c.state === 'running').length;
      status.text = `$(vm-running) ${running}/${model.containers.size}`;
      status.tooltip =
        `${engineName(model.state.version)} at ${session.target()?.label}: ` +
        `${running} running of ${model.containers.size} containers`;
      status.backgroundColor = undefined;
    } else if (model.state.status === 'unreachable') {
      status.text = '$(debug-disconnect) Docker';
      status.tooltip = model.state.error;
      status.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else {
      status.text = '$(loading~spin) Docker';
      status.tooltip = `Connecting to ${session.target()?.label ?? 'Docker'}…`;
      status.backgroundColor = undefined;
    }
    status.show();
  };
  ctx.subscriptions.push(status, session.onDidChange(update));
  const revealProject = async (project: string) => {
    const members = [...(session.model()?.containers.values() ?? [])].filter((c) => c.composeProject === project);
    if (!members.length || !containers.view) return;
    await vscode.commands.executeCommand('dockside.containers.focus');
    await containers.view.reveal(
      { kind: 'project', project, containers: members },
      { select: true, focus: false, expand: true },
    );
  };
  return {
    session,
    commands: { ...dockerActionCommands(ctx, session), ...containerFiles.commands },
    revealProject,
  };
}
