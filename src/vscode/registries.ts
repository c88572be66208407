import * as vscode from 'vscode';
import type { CommandTable } from '../commands';
import type { Ctx } from '../ctx';
import { formatBytes } from '../docker/present';
import {
  cliRegistries,
  RegistryClient,
  registryAddressProblem,
  registryHost,
  type RegistryCredentials,
} from '../docker/registry';
import { throttle } from '../docker/throttle';
import type { DockerSession } from './explorer/dockerSession';
import type { DockerNode } from './explorer/trees';

type RegistryNode =
  | { kind: 'registry'; host: string; helper?: string }
  | { kind: 'repository'; host: string; name: string }
  | { kind: 'tag'; host: string; repository: string; tag: string }
  | { kind: 'message'; text: string };

const ADDED_KEY = 'dockside.registries';
const secretKey = (host: string) => `dockside.registry:${host}`;

/**
 * The Registries view and its commands; credentials live in VS Code's SecretStorage only, never in settings or
 * logs.
 */
export function registerRegistries(ctx: Ctx, session: DockerSession): CommandTable {
  const secrets = ctx.extension.secrets;
  const credentials = async (host: string): Promise<RegistryCredentials | undefined> => {
    const raw = await secrets.get(secretKey(host));
    try {
      return raw ? (JSON.parse(raw) as RegistryCredentials) : undefined;
    } catch {
      return undefined;
    }
  };
  const client = async (host: string) => new RegistryClient(host, await credentials(host));
  // Addresses saved by older versions could hold a user name and password: those are dropped, never used.
  const added = () => ctx.extension.globalState.get<string[]>(ADDED_KEY, []).filter((h) => !registryAddressProblem(h));
  const stored = ctx.extension.globalState.get<string[]>(ADDED_KEY, []);
  if (stored.length !== added().length) void ctx.extension.globalState.update(ADDED_KEY, added());

  const changed = new vscode.EventEmitter<RegistryNode | undefined>();
  const provider: vscode.TreeDataProvider<RegistryNode> = {
    onDidChangeTreeData: changed.event,
    async getChildren(node) {
      if (!node) {
        const hosts = new Map<string, string | undefined>();
        for (const r of cliRegistries()) hosts.set(r.host, r.helper);
        for (const h of added()) if (!hosts.has(h)) hosts.set(h, undefined);
        return [...hosts.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([host, helper]) => ({ kind: 'registry' as const, host, ...(helper ? { helper } : {}) }));
      }
      try {
        if (node.kind === 'registry') {
          const repos = await (await client(node.host)).repositories(500);
          return repos.length
            ? repos.map((name) => ({ kind: 'repository' as const, host: node.host, name }))
            : [{ kind: 'message' as const, text: 'No repositories yet. Push an image here from the Images view.' }];
        }
        if (node.kind === 'repository')
          return (await (await client(node.host)).tags(node.name, 500)).map((tag) => ({
            kind: 'tag' as const,
            host: node.host,
            repository: node.name,
            tag,
          }));
      } catch (err) {
        return [{ kind: 'message' as const, text: (err as Error).message }];
      }
      return [];
    },
    getTreeItem(node) {
      switch (node.kind) {
        case 'registry': {
          const item = new vscode.TreeItem(node.host, vscode.TreeItemCollapsibleState.Collapsed);
          item.id = `registry:${node.host}`;
          item.iconPath = new vscode.ThemeIcon('server');
          item.description = node.helper ? `Docker CLI (${node.helper})` : undefined;
          item.contextValue = 'registry';
          return item;
        }
        case 'repository': {
          const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Collapsed);
          item.iconPath = new vscode.ThemeIcon('repo');
          item.contextValue = 'registryRepository';
          return item;
        }
        case 'tag': {
          const item = new vscode.TreeItem(node.tag, vscode.TreeItemCollapsibleState.None);
          item.iconPath = new vscode.ThemeIcon('tag');
          item.description = `${node.host}/${node.repository}:${node.tag}`;
          item.contextValue = 'registryTag';
          return item;
        }
        default: {
          const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
          item.iconPath = new vscode.ThemeIcon('info');
          item.tooltip = node.text;
          return item;
        }
      }
    },
  };
  ctx.subscriptions.push(
    changed,
    vscode.window.createTreeView('dockside.registries', { treeDataProvider: provider, showCollapseAll: true }),
  );

  const login = async (host: string): Promise<boolean> => {
    const username = await vscode.window.showInputBox({
      title: `Log in to ${host}`,
      prompt: 'User name',
      ignoreFocusOut: true,
    });
    if (!username) return false;
    const password = await vscode.window.showInputBox({
      title: `Log in to ${host}`,
      prompt: 'Password or access token',
      password: true,
      ignoreFocusOut: true,
    });
    if (!password) return false;
    try {
      await new RegistryClient(host, { username, password }).check();
    } catch (err) {
      void vscode.window.showErrorMessage((err as Error).message);
      return false;
    }
    await secrets.store(secretKey(host), JSON.stringify({ username, password }));
    ctx.log.info(`Logged in to ${host} as ${username}`);
    changed.fire(undefined);
    return true;
  };

  const addRegistry = async () => {
    const address = await vscode.window.showInputBox({
      title: 'Add a registry',
      prompt: 'host[:port] of the registry',
      placeHolder: 'registry.example.com or 127.0.0.1:5000',
      ignoreFocusOut: true,
      validateInput: registryAddressProblem,
    });
    if (!address?.trim()) return;
    const problem = registryAddressProblem(address);
    if (problem) return void vscode.window.showErrorMessage(problem);
    const host = registryHost(address);
    await ctx.extension.globalState.update(ADDED_KEY, [...new Set([...added(), host])]);
    changed.fire(undefined);
    try {
      await new RegistryClient(host, await credentials(host)).check();
    } catch (err) {
      if ((err as { status?: number }).status === 401) {
        if ((await vscode.window.showInformationMessage(`${host} needs a login.`, 'Log In')) === 'Log In')
          await login(host);
      } else void vscode.window.showWarningMessage((err as Error).message);
    }
  };

  /** Pushes or pulls with progress: layers done of layers seen, bytes of the current layer. */
  const transfer = async (kind: 'push' | 'pull', ref: string, host: string) => {
    const api = (await session.ready(kind))?.api;
    if (!api) return;
    const creds = await credentials(host);
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `${kind === 'push' ? 'Pushing' : 'Pulling'} ${ref}`,
        cancellable: true,
      },
      async (progress, token) => {
        const layers = new Map<string, string>();
        // At most ten updates a second, the newest always shown; counted when shown, not per message.
        const updates = throttle<{ current?: number; total?: number } | undefined>((detail) => {
          const done = [...layers.values()].filter((s) =>
            /Pushed|already exists|Pull complete|Already exists|Download complete/.test(s),
          ).length;
          const bytes = detail?.current
            ? ` · ${formatBytes(detail.current)}${detail.total ? ` of ${formatBytes(detail.total)}` : ''}`
            : '';
          progress.report({ message: `${done} of ${layers.size} layers${bytes}` });
        });
        try {
          const run = await api.transfer(kind, ref, creds ? { ...creds, serveraddress: host } : undefined, (m) => {
            if (m.id && m.status) layers.set(m.id, m.status);
            updates.push(m.progressDetail);
          });
          token.onCancellationRequested(() => run.cancel());
          await run.done.finally(() => updates.dispose());
          void vscode.window.showInformationMessage(`${kind === 'push' ? 'Pushed' : 'Pulled'} ${ref}.`);
          changed.fire(undefined);
        } catch (err) {
          const message = (err as Error).message;
          const needsLogin = /unauthorized|authentication required|no basic auth/i.test(message);
          const choice = await vscode.window.showErrorMessage(
            `${kind === 'push' ? 'Push' : 'Pull'} of ${ref} failed: ${message}` +
              (needsLogin ? ' Log in to the registry first.' : ''),
            ...(needsLogin ? ['Log In'] : []),
          );
          if (choice === 'Log In') await login(host);
        }
      },
    );
  };

  const pushImage = async (node?: DockerNode) => {
    const model = session.model();
    const image = node?.kind === 'image' ? node.item : undefined;
    const source =
      image?.tags[0] ??
      (await vscode.window.showQuickPick(
        [...(model?.images.values() ?? [])].flatMap((i) => i.tags),
        { placeHolder: 'Push which image?' },
      ));
    if (!source) return;
    const hosts = [...new Set([...cliRegistries().map((r) => r.host), ...added()])];
    const host =
      hosts.length === 1
        ? hosts[0]
        : await vscode.window.showQuickPick([...hosts, '$(add) Another registry…'], {
            placeHolder: `Push ${source} to which registry?`,
          });
    if (!host) return;
    const typed = host.startsWith('$(add)')
      ? await vscode.window.showInputBox({
          prompt: 'host[:port] of the registry',
          validateInput: registryAddressProblem,
        })
      : host;
    if (!typed?.trim() || registryAddressProblem(typed)) return;
    const target = registryHost(typed);
    // Without the source's own registry host (a first segment with a dot in it), then split off the tag.
    const slash = source.indexOf('/');
    const local = slash > 0 && /.\../.test(source.slice(0, slash)) ? source.slice(slash + 1) : source;
    const [name, tag = 'latest'] = local.split(/:(?=[^:/]+$)/);
    const ref = await vscode.window.showInputBox({
      title: 'Push image',
      prompt: 'The name in the registry (host/repository:tag)',
      value: `${target}/${name}:${tag}`,
      ignoreFocusOut: true,
    });
    if (!ref) return;
    const api = session.api();
    if (!api) return;
    const colon = ref.lastIndexOf(':');
    try {
      await api.tagImage(source, ref.slice(0, colon), ref.slice(colon + 1));
    } catch (err) {
      return void vscode.window.showErrorMessage(`Tagging ${source} as ${ref} failed: ${(err as Error).message}`);
    }
    if (!added().includes(target) && !cliRegistries().some((r) => r.host === target))
      await ctx.extension.globalState.update(ADDED_KEY, [...added(), target]);
    await transfer('push', ref, target);
  };

  return {
    'dockside.registry.add': addRegistry,
    'dockside.registry.refresh': () => changed.fire(undefined),
    'dockside.registry.login': (node?: RegistryNode) => node?.kind === 'registry' && login(node.host),
    'dockside.registry.logout': async (node?: RegistryNode) => {
      if (node?.kind !== 'registry') return;
      await secrets.delete(secretKey(node.host));
      ctx.log.info(`Logged out of ${node.host}`);
      changed.fire(undefined);
    },
    'dockside.registry.remove': async (node?: RegistryNode) => {
      if (node?.kind !== 'registry') return;
      await ctx.extension.globalState.update(
        ADDED_KEY,
        added().filter((h) => h !== node.host),
      );
      await secrets.delete(secretKey(node.host));
      changed.fire(undefined);
    },
    'dockside.registry.pull': (node?: RegistryNode) =>
      node?.kind === 'tag' && transfer('pull', `${node.host}/${node.repository}:${node.tag}`, node.host),
    'dockside.registry.deleteTag': async (node?: RegistryNode) => {
      if (node?.kind !== 'tag') return;
      const ref = `${node.host}/${node.repository}:${node.tag}`;
      const detail =
        'Everyone who pulls this tag loses it. Other tags of the same image go too, since they share its manifest.';
      if (
        (await vscode.window.showWarningMessage(
          `Delete ${ref} from the registry?`,
          { modal: true, detail },
          'Delete',
        )) !== 'Delete'
      )
        return;
      try {
        await (await client(node.host)).deleteTag(node.repository, node.tag);
        changed.fire(undefined);
      } catch (err) {
        void vscode.window.showErrorMessage((err as Error).message);
      }
    },
    'dockside.image.push': pushImage,
  };
}
