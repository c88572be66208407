import * as vscode from 'vscode';
import type { ListedEntry } from '../../docker/containerInside';
import { childPath, displayName, modeString, ownerText } from '../../docker/containerPaths';
import { formatBytes } from '../../docker/present';
import type { ContainerItem } from '../../docker/types';
import { containerUri, type ContainerFileSystem } from './containerFileSystem';

/** The nodes below a container in the Containers view: its "Files" node, and the files and folders inside. */
export type InsideNode =
  | { kind: 'insideFiles'; item: ContainerItem }
  | { kind: 'insideEntry'; item: ContainerItem; path: string; entry: ListedEntry }
  | { kind: 'insideNote'; item: ContainerItem; path: string; label: string; tooltip: string; icon: string };

export const isInsideNode = (n: { kind: string } | undefined): n is InsideNode =>
  !!n && (n.kind === 'insideFiles' || n.kind === 'insideEntry' || n.kind === 'insideNote');

/** Whether a node is a folder (or a link to one) that lists children. */
const isFolder = (e: ListedEntry) => e.type === 'directory' || (e.type === 'symlink' && e.target?.type === 'directory');

/**
 * Listings of the open folders, kept until the provider changes something in that container or its state changes,
 * so that the tree re-rendering on an engine event never re-reads an archive.
 */
export class InsideTree {
  private readonly listings = new Map<string, Promise<InsideNode[]>>();

  constructor(private readonly files: ContainerFileSystem) {}

  /** Forgets the listings of one container (after an upload, a save, a delete), or of all. */
  forget(id?: string): void {
    for (const key of [...this.listings.keys()]) if (!id || key.startsWith(`${id}\n`)) this.listings.delete(key);
  }

  children(node: InsideNode): Promise<InsideNode[]> | InsideNode[] {
    if (node.kind === 'insideNote') return [];
    if (node.kind === 'insideEntry' && !isFolder(node.entry)) return [];
    const path = node.kind === 'insideFiles' ? '/' : node.path;
    const key = `${node.item.id}\n${node.item.state}\n${path}`;
    let listing = this.listings.get(key);
    if (!listing) {
      listing = this.list(node.item, path);
      this.listings.set(key, listing);
      // A failure is shown once, then read again on the next expand.
      listing.catch(() => this.listings.delete(key));
    }
    return listing.catch((err: Error) => [
      {
        kind: 'insideNote' as const,
        item: node.item,
        path,
        label: 'Cannot list this folder',
        tooltip: err.message,
        icon: 'error',
      },
    ]);
  }

  private async list(item: ContainerItem, path: string): Promise<InsideNode[]> {
    const listing = await this.files.list(containerUri(item.id, path));
    const out: InsideNode[] = listing.entries
      .slice()
      .sort((a, b) => Number(isFolder(b)) - Number(isFolder(a)))
      .map((entry) => ({ kind: 'insideEntry' as const, item, path: childPath(listing.folder, entry.name), entry }));
    if (listing.truncated)
      out.push({
        kind: 'insideNote',
        item,
        path,
        label: `Only the first ${listing.entries.length} entries are shown`,
        tooltip:
          `Listing a folder reads everything below it; ` +
          `Dockside stopped after ${formatBytes(listing.bytes)}. Open a folder further down.`,
        icon: 'warning',
      });
    return out;
  }

  treeItem(node: InsideNode): vscode.TreeItem {
    const running = node.item.state === 'running' ? 'running' : 'stopped';
    if (node.kind === 'insideFiles') {
      const item = new vscode.TreeItem('Files', vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `insideFiles:${node.item.id}`;
      item.iconPath = new vscode.ThemeIcon('folder-library');
      item.resourceUri = containerUri(node.item.id, '/');
      item.contextValue = `insideFolder.${running}.root`;
      item.tooltip =
        `The files of ${node.item.name}, ` + `read through the Engine API (this works on stopped containers too).`;
      return item;
    }
    if (node.kind === 'insideNote') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon(node.icon);
      item.tooltip = node.tooltip;
      return item;
    }
    const e = node.entry;
    const folder = isFolder(e);
    const name = displayName(e.name);
    const item = new vscode.TreeItem(
      name,
      folder ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    const uri = containerUri(node.item.id, node.path);
    item.id = `insideEntry:${node.item.id}:${node.path}`;
    item.resourceUri = uri;
    const perms = modeString(e.type, e.mode);
    const owner = ownerText(e);
    item.description = [
      perms,
      owner,
      e.type === 'file' ? formatBytes(e.size) : undefined,
      e.linkTarget ? `→ ${displayName(e.linkTarget)}` : undefined,
    ]
      .filter(Boolean)
      .join(' · ');
    const md = new vscode.MarkdownString();
    md.supportHtml = false;
    md.isTrusted = false;
    md.appendText(`${displayName(node.path)}\n\n${perms}  ${owner}`);
    if (e.type === 'file') md.appendText(`  ${formatBytes(e.size)}`);
    if (e.linkTarget)
      md.appendText(`\n\nLink to ${displayName(e.linkTarget)}${e.target?.type === 'missing' ? ' (missing)' : ''}`);
    item.tooltip = md;
    item.accessibilityInformation = {
      label: `${name}, ${folder ? 'folder' : e.type === 'symlink' ? 'link' : 'file'}, ${perms}, owner ${owner}`,
    };
    item.contextValue = `${folder ? 'insideFolder' : 'insideFile'}.${running}`;
    if (!folder && e.type !== 'other' && e.target?.type !== 'missing')
      item.command = { command: 'vscode.open', title: 'Open', arguments: [uri] };
    if (folder) item.iconPath = vscode.ThemeIcon.Folder;
    else item.iconPath = vscode.ThemeIcon.File;
    return item;
  }
}
