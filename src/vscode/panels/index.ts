import type * as vscode from 'vscode';
import type { CommandTable } from '../../commands';
import type { Ctx } from '../../ctx';
import type { DockerSession } from '../explorer/dockerSession';
import type { DockerNode } from '../explorer/trees';
import { explainPanels } from './explainPanel';
import { layerPanels } from './layersPanel';
import { panelHost } from './panel';
import { portPanels } from './portsPanel';
import { statsPanels } from './statsPanel';

/** The webview panels (layers, ports, explain): their kinds, which revive after a reload, and their commands. */
export function registerPanels(ctx: Ctx, session: DockerSession): CommandTable {
  const host = panelHost(ctx);
  const layers = layerPanels(host, session);
  const ports = portPanels(host, session);
  const explain = explainPanels(host);
  const stats = statsPanels(host, session);
  ctx.subscriptions.push(layers.kind, ports.kind, explain.kind, stats.kind);
  return {
    'dockside.showLayers': (arg?: DockerNode | vscode.Uri) => layers.show(arg),
    'dockside.showPorts': (arg?: DockerNode | vscode.Uri) => ports.show(arg),
    'dockside.explainDockerfile': (arg?: vscode.Uri) => explain.show(arg),
    'dockside.container.stats': (node?: DockerNode, selected?: DockerNode[]) => stats.show(node, selected),
  };
}
