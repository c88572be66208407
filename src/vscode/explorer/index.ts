import * as vscode from 'vscode';
import type { Ctx } from '../../ctx';
import type { CommandTable } from '../../commands';
import { dockerActionCommands } from './actions';
import { DockerSession } from './dockerSession';
import { ConnectionTree, ContainersTree, ImagesTree, NetworksTree, VolumesTree, type DockerNode } from './trees';

/**
 * The Docker explorer: five views over one lazily started session, the actions, and a status-bar item. Nothing
 * here talks to the engine until a view is shown or a Docker command runs.
 */
export function registerExplorer(ctx: Ctx): { session: DockerSession; commands: CommandTable } {
  const session = new DockerSession(ctx);
  const views: [string, ContainersTree | ImagesTree | VolumesTree | NetworksTree | ConnectionTree, boolean][] = [
    ['dockside.containers', new ContainersTree(session), true],
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
      status.tooltip = `Docker ${model.state.version.version} at ${session.target()?.label}: ${running} running of ${model.containers.size} containers`;
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
  return { session, commands: dockerActionCommands(ctx, session) };
}
