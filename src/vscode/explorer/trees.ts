import * as vscode from 'vscode';
import type { DockerModel } from '../../docker/model';
import {
  connectedEngine,
  containerAccessibilityLabel,
  containerContextValue,
  containerDescription,
  containerTooltip,
  groupContainers,
  imageDescription,
  imageLabel,
  imageTooltip,
  networkTooltip,
  projectTooltip,
  stateLook,
  volumeTooltip,
} from '../../docker/present';
import type { ContainerItem, ImageItem, NetworkItem, ObjectKind, VolumeItem } from '../../docker/types';
import { isInsideNode, type InsideNode, type InsideTree } from './containerFilesTree';
import type { DockerSession } from './dockerSession';

/** What a node of the Docker views stands for; commands receive these. */
export type DockerNode =
  | { kind: 'project'; project: string; containers: ContainerItem[] }
  | { kind: 'service'; project: string; service: string; containers: ContainerItem[] }
  | { kind: 'container'; item: ContainerItem }
  | { kind: 'image'; item: ImageItem; users: ContainerItem[] }
  | { kind: 'dangling'; images: ImageItem[] }
  | { kind: 'volume'; item: VolumeItem; users: ContainerItem[] }
  | { kind: 'network'; item: NetworkItem; members: ContainerItem[] }
  | { kind: 'info'; label: string; description?: string; icon?: string; command?: vscode.Command; tooltip?: string }
  | InsideNode;

const md = (text: string) => {
  const m = new vscode.MarkdownString(text);
  m.supportHtml = false;
  m.isTrusted = false;
  return m;
};

/** One Docker view over the session's model: refreshed from model changes of its kind, never on a timer. */
abstract class DockerTree implements vscode.TreeDataProvider<DockerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DockerNode | undefined>();
  private readonly subscription: vscode.Disposable;
  readonly onDidChangeTreeData = this.changed.event;
  view: vscode.TreeView<DockerNode> | undefined;

  constructor(
    protected readonly session: DockerSession,
    private readonly kinds: ObjectKind[],
  ) {
    this.subscription = session.onDidChange((change) => {
      // A state-only change (another failed retry) must not re-render a list: that would make the welcome flicker.
      if (change.kinds.some((k) => this.kinds.includes(k))) this.changed.fire(undefined);
      this.updateMessage();
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  /** Re-renders the view (something the model does not track changed, such as a container's files). */
  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(node?: DockerNode): DockerNode[] | Promise<DockerNode[]> {
    const model = this.session.model();
    this.updateMessage();
    if (!model || model.state.status !== 'connected') return [];
    return this.children(model, node);
  }

  abstract children(model: DockerModel, node?: DockerNode): DockerNode[];
  abstract getTreeItem(node: DockerNode): vscode.TreeItem;

  /** The view's message line: the connection problem in plain words, shown above the welcome content. */
  updateMessage(): void {
    if (!this.view) return;
    // A view with a message shows no welcome content: the containers view shows the welcome (what to do) and puts
    // the address in its header; the other views carry the whole reason as their message.
    const unreachable =
      this.session.configurationError || (this.session.started && this.session.model()?.state.status === 'unreachable');
    const message = this.welcomeWhenUnreachable && unreachable ? undefined : this.currentMessage();
    if (this.view.message !== message) this.view.message = message;
    const description =
      this.welcomeWhenUnreachable && unreachable
        ? `${this.session.target()?.label ?? 'no engine'}: not reachable`
        : undefined;
    if (this.view.description !== description) this.view.description = description;
  }

  protected welcomeWhenUnreachable = false;

  private currentMessage(): string | undefined {
    const model = this.session.started ? this.session.model() : undefined;
    const error = this.session.configurationError;
    return error
      ? `Dockside cannot tell which engine to use: ${error}`
      : model?.state.status === 'unreachable'
        ? `${model.state.error} Retrying…`
        : model?.state.status === 'connecting'
          ? `Connecting to ${this.session.target()?.label ?? 'Docker'}…`
          : undefined;
  }
}

export class ContainersTree extends DockerTree {
  /** The Files nodes below each container (containerFiles.ts sets it). */
  files: InsideTree | undefined;

  constructor(session: DockerSession) {
    super(session, ['container']);
    this.welcomeWhenUnreachable = true;
  }

  override getChildren(node?: DockerNode): DockerNode[] | Promise<DockerNode[]> {
    if (isInsideNode(node)) return this.files?.children(node) ?? [];
    return super.getChildren(node);
  }

  children(model: DockerModel, node?: DockerNode): DockerNode[] {
    if (!node) {
      const out: DockerNode[] = [];
      // With what the inspect adds for some (a failed start, an OOM kill), so their rows can say it.
      for (const group of groupContainers([...model.containers.values()].map((c) => model.described(c)))) {
        if (group.project) out.push({ kind: 'project', project: group.project, containers: group.containers });
        else for (const item of group.containers) out.push({ kind: 'container' as const, item });
      }
      return out;
    }
    if (node.kind === 'project') {
      const [group] = groupContainers(node.containers);
      if (!group) return [];
      return group.services.map((s) => ({
        kind: 'service' as const,
        project: node.project,
        service: s.service,
        containers: s.containers,
      }));
    }
    if (node.kind === 'service') return node.containers.map((item) => ({ kind: 'container' as const, item }));
    if (node.kind === 'container' && this.files) return [{ kind: 'insideFiles', item: node.item }];
    return [];
  }

  getTreeItem(node: DockerNode): vscode.TreeItem {
    switch (node.kind) {
      case 'project': {
        const running = node.containers.filter((c) => c.state === 'running').length;
        const item = new vscode.TreeItem(node.project, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `project:${node.project}`;
        item.description = `${running}/${node.containers.length} running`;
        item.iconPath = new vscode.ThemeIcon('layers', running ? new vscode.ThemeColor('charts.green') : undefined);
        item.contextValue = 'composeProject';
        item.tooltip = md(projectTooltip(node.project, running, node.containers.length));
        return item;
      }
      case 'service': {
        const item = new vscode.TreeItem(node.service, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `service:${node.project}/${node.service}`;
        item.description = node.containers.length > 1 ? `${node.containers.length} replicas` : undefined;
        item.iconPath = new vscode.ThemeIcon('symbol-class');
        item.contextValue = 'composeService';
        return item;
      }
      case 'container': {
        const c = node.item;
        const look = stateLook(c);
        const item = new vscode.TreeItem(
          c.name,
          this.files ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
        );
        item.id = `container:${c.id}`;
        item.description = containerDescription(c);
        item.iconPath = new vscode.ThemeIcon(look.icon, new vscode.ThemeColor(look.color));
        item.contextValue = containerContextValue(c);
        item.accessibilityInformation = { label: containerAccessibilityLabel(c) };
        return item;
      }
      case 'insideFiles':
      case 'insideEntry':
      case 'insideNote':
        return this.files?.treeItem(node) ?? new vscode.TreeItem('');
      default:
        return new vscode.TreeItem('');
    }
  }

  /** The tooltip needs the environment, which only inspect has: fetched when the tooltip is about to show. */
  async resolveTreeItem(item: vscode.TreeItem, node: DockerNode): Promise<vscode.TreeItem> {
    if (node.kind !== 'container') return item;
    let env: string[] | undefined;
    try {
      const info = (await this.session.api()?.inspect('container', node.item.id)) as
        { Config?: { Env?: string[] } } | undefined;
      env = info?.Config?.Env ?? undefined;
    } catch {
      // Gone or unreachable: the tooltip shows what the model has.
    }
    item.tooltip = md(containerTooltip(node.item, env));
    return item;
  }
}

export class ImagesTree extends DockerTree {
  constructor(session: DockerSession) {
    super(session, ['image', 'container']);
  }

  children(model: DockerModel, node?: DockerNode): DockerNode[] {
    const users = new Map<string, ContainerItem[]>();
    for (const c of model.containers.values()) users.set(c.imageId, [...(users.get(c.imageId) ?? []), c]);
    const images = [...model.images.values()];
    if (node?.kind === 'dangling')
      return node.images.map((item) => ({ kind: 'image' as const, item, users: users.get(item.id) ?? [] }));
    if (node) return [];
    const tagged = images.filter((i) => i.tags.length).sort((a, b) => imageLabel(a).localeCompare(imageLabel(b)));
    const dangling = images.filter((i) => !i.tags.length);
    const out: DockerNode[] = tagged.map((item) => ({ kind: 'image' as const, item, users: users.get(item.id) ?? [] }));
    if (dangling.length) out.push({ kind: 'dangling', images: dangling });
    return out;
  }

  getTreeItem(node: DockerNode): vscode.TreeItem {
    if (node.kind === 'dangling') {
      const item = new vscode.TreeItem('Dangling images', vscode.TreeItemCollapsibleState.Collapsed);
      item.id = 'dangling';
      item.description = `${node.images.length}`;
      item.iconPath = new vscode.ThemeIcon('debug-disconnect');
      item.tooltip = md(
        'Images no tag points at any more, usually left behind by rebuilds. ' +
          '**Prune Images** removes those no container uses.',
      );
      return item;
    }
    if (node.kind !== 'image') return new vscode.TreeItem('');
    const item = new vscode.TreeItem(imageLabel(node.item), vscode.TreeItemCollapsibleState.None);
    item.id = `image:${node.item.id}`;
    item.description = imageDescription(node.item, node.users.length);
    item.iconPath = new vscode.ThemeIcon(
      'file-binary',
      node.users.length ? new vscode.ThemeColor('charts.blue') : undefined,
    );
    item.contextValue = node.users.length ? 'image.inUse' : 'image';
    item.tooltip = md(imageTooltip(node.item, node.users));
    return item;
  }
}

export class VolumesTree extends DockerTree {
  constructor(session: DockerSession) {
    super(session, ['volume', 'container']);
  }

  children(model: DockerModel, node?: DockerNode): DockerNode[] {
    if (node) return [];
    return [...model.volumes.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((item) => ({ kind: 'volume' as const, item, users: model.containersUsingVolume(item.name) }));
  }

  getTreeItem(node: DockerNode): vscode.TreeItem {
    if (node.kind !== 'volume') return new vscode.TreeItem('');
    const item = new vscode.TreeItem(node.item.name, vscode.TreeItemCollapsibleState.None);
    item.id = `volume:${node.item.name}`;
    item.description = [node.item.driver, node.users.length ? `used by ${node.users.length}` : 'unused'].join(' · ');
    item.iconPath = new vscode.ThemeIcon(
      'database',
      node.users.length ? new vscode.ThemeColor('charts.blue') : undefined,
    );
    item.contextValue = node.users.length ? 'volume.inUse' : 'volume';
    item.tooltip = md(volumeTooltip(node.item, node.users));
    return item;
  }
}

export class NetworksTree extends DockerTree {
  constructor(session: DockerSession) {
    super(session, ['network', 'container']);
  }

  children(model: DockerModel, node?: DockerNode): DockerNode[] {
    if (node) return [];
    return [...model.networks.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((item) => ({ kind: 'network' as const, item, members: model.containersOnNetwork(item.name) }));
  }

  getTreeItem(node: DockerNode): vscode.TreeItem {
    if (node.kind !== 'network') return new vscode.TreeItem('');
    const item = new vscode.TreeItem(node.item.name, vscode.TreeItemCollapsibleState.None);
    item.id = `network:${node.item.id}`;
    item.description = [
      node.item.driver,
      node.item.scope,
      `${node.members.length} container${node.members.length === 1 ? '' : 's'}`,
    ].join(' · ');
    item.iconPath = new vscode.ThemeIcon('type-hierarchy');
    item.contextValue = ['bridge', 'host', 'none'].includes(node.item.name) ? 'network.builtin' : 'network';
    item.tooltip = md(networkTooltip(node.item, node.members));
    return item;
  }
}

/**
 * The connection view: which engine, where that choice came from, its version, and how to switch. It shows the
 * connection state itself, as items, so it refreshes on every change, state-only ones included.
 */
export class ConnectionTree implements vscode.TreeDataProvider<DockerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DockerNode | undefined>();
  private readonly subscription: vscode.Disposable;
  readonly onDidChangeTreeData = this.changed.event;
  view: vscode.TreeView<DockerNode> | undefined;

  constructor(private readonly session: DockerSession) {
    this.subscription = session.onDidChange((change) => {
      if (change.kinds.length === 0 || change.kinds.includes('container') || change.kinds.includes('image'))
        this.changed.fire(undefined);
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  getChildren(): DockerNode[] {
    const model = this.session.model();
    const target = this.session.target();
    const switchCommand: vscode.Command = { command: 'dockside.engine.choose', title: 'Choose Engine…' };
    const out: DockerNode[] = [];
    if (this.session.configurationError)
      out.push({
        kind: 'info',
        label: 'Invalid address',
        description: this.session.configurationError,
        icon: 'error',
        command: switchCommand,
      });
    if (target)
      out.push({
        kind: 'info',
        label: target.label,
        description: target.source,
        icon: 'plug',
        command: switchCommand,
        tooltip: `Dockside talks to ${target.label} (from ${target.source}). Click to choose another engine.`,
      });
    if (model?.state.status === 'connected') {
      const running = [...model.containers.values()].filter((c) => c.state === 'running').length;
      out.push({ kind: 'info', ...connectedEngine(model.state.version), icon: 'pass-filled' });
      out.push({
        kind: 'info',
        label: `${running} running`,
        description: `${model.containers.size} containers · ${model.images.size} images`,
        icon: 'vm',
      });
    } else if (model?.state.status === 'unreachable') {
      out.push({
        kind: 'info',
        label: 'Not reachable',
        description: model.state.error,
        icon: 'debug-disconnect',
        tooltip: model.state.error,
        command: { command: 'dockside.engine.retry', title: 'Retry' },
      });
    } else if (model) {
      out.push({ kind: 'info', label: 'Connecting…', icon: 'loading~spin' });
    }
    out.push({ kind: 'info', label: 'Choose Engine…', icon: 'arrow-swap', command: switchCommand });
    return out;
  }

  getTreeItem(node: DockerNode): vscode.TreeItem {
    if (node.kind !== 'info') return new vscode.TreeItem('');
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
    item.description = node.description;
    if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon);
    if (node.command) item.command = node.command;
    if (node.tooltip) item.tooltip = node.tooltip;
    return item;
  }
}
