import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CommandTable } from '../../commands';
import type { Ctx } from '../../ctx';
import type { TransferResult } from '../../docker/containerInside';
import { INSIDE_ERRORS, baseName, childPath, displayName, invalidName } from '../../docker/containerPaths';
import { EngineError } from '../../docker/engineApi';
import { formatBytes } from '../../docker/present';
import { actionError } from '../../docker/actionError';
import { CONTAINER_SCHEME, ContainerFileSystem, containerUri, fromContainerUri } from './containerFileSystem';
import { InsideTree, isInsideNode, type InsideNode } from './containerFilesTree';
import type { DockerSession } from './dockerSession';
import type { DockerNode } from './trees';

/** The folder a node stands for (the Files node is `/`), or the folder a file node is in. */
function folderOf(node: InsideNode): { id: string; path: string } | undefined {
  if (node.kind === 'insideFiles') return { id: node.item.id, path: '/' };
  if (node.kind !== 'insideEntry') return undefined;
  const folder =
    node.entry.type === 'directory' || node.entry.target?.type === 'directory'
      ? node.path
      : node.path.slice(0, node.path.lastIndexOf('/')) || '/';
  return { id: node.item.id, path: folder };
}

function summary(r: TransferResult): string {
  const parts = [`${r.files} file${r.files === 1 ? '' : 's'}`, `${r.folders} folder${r.folders === 1 ? '' : 's'}`];
  if (r.links) parts.push(`${r.links} link${r.links === 1 ? '' : 's'}`);
  return (
    `${parts.join(', ')} (${formatBytes(r.bytes)})` +
    `${r.skipped.length ? `; ${r.skipped.length} left out (see the Dockside log)` : ''}`
  );
}

export interface ContainerFiles {
  tree: InsideTree;
  commands: CommandTable;
  dragAndDrop: vscode.TreeDragAndDropController<DockerNode>;
}

/**
 * Container files: the `docker-container:` file system, the Files nodes of the Containers view, and their commands
 * (upload by command or drop, download, new file or folder, delete through exec). `refresh` re-renders the view.
 */
export function registerContainerFiles(ctx: Ctx, session: DockerSession, refresh: () => void): ContainerFiles {
  const files = new ContainerFileSystem(session);
  const tree = new InsideTree(files);
  ctx.subscriptions.push(
    files,
    vscode.workspace.registerFileSystemProvider(CONTAINER_SCHEME, files, { isCaseSensitive: true }),
    files.onDidChangeFile((changes) => {
      for (const c of changes) tree.forget(fromContainerUri(c.uri).id);
      refresh();
    }),
  );

  const api = async () => (await session.ready())?.api;

  const upload = async (id: string, folder: string, hostPaths: string[]) => {
    const inside = (await api())?.inside;
    if (!inside || !hostPaths.length) return;
    const name = session.model()?.containers.get(id)?.name ?? id.slice(0, 12);
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Uploading to ${displayName(folder)} in ${name}`,
        cancellable: true,
      },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return inside.upload(id, folder, hostPaths, (n) => progress.report({ message: formatBytes(n) }), abort.signal);
      },
    );
    for (const s of result.skipped) ctx.log.warn(`Upload to ${name}:${folder}: ${s}`);
    files.changedBelow(containerUri(id, folder));
    void vscode.window.showInformationMessage(`Uploaded ${summary(result)} to ${displayName(folder)} in ${name}.`);
  };

  const reportTransfer = (err: unknown, what: string) => {
    if (err instanceof EngineError && err.code === INSIDE_ERRORS.cancelled) return;
    void vscode.window.showErrorMessage(actionError(err, what));
  };

  /** Upload files, or folders (the dialog picks one kind or the other), into the folder of `node`. */
  const uploadCommand = (folders: boolean) => async (node?: DockerNode) => {
    const at = node && isInsideNode(node) ? folderOf(node) : undefined;
    if (!at) return;
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: !folders,
      canSelectFolders: folders,
      canSelectMany: true,
      openLabel: 'Upload',
      title: `Upload ${folders ? 'folders ' : ''}into ${displayName(at.path)}`,
    });
    if (!picked?.length) return;
    await upload(
      at.id,
      at.path,
      picked.map((u) => u.fsPath),
    ).catch((err) => reportTransfer(err, 'The upload'));
  };

  const download = async (node?: DockerNode) => {
    if (node?.kind !== 'insideEntry' && node?.kind !== 'insideFiles') return;
    const source = node.kind === 'insideFiles' ? '/' : node.path;
    const inside = (await api())?.inside;
    if (!inside) return;
    const workspace = vscode.workspace.workspaceFolders?.[0]?.uri;
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: false,
      canSelectFolders: true,
      ...(workspace ? { defaultUri: workspace } : {}),
      openLabel: 'Download Here',
      title: `Download ${displayName(source)} into…`,
    });
    const into = picked?.[0];
    if (!into) return;
    const name = baseName(source) || node.item.name;
    const target = path.join(into.fsPath, invalidName(name) || /[\\\0]/.test(name) ? node.item.name : name);
    // Never into something that exists: an existing link there could lead the download anywhere.
    if (fs.existsSync(target)) {
      void vscode.window.showErrorMessage(`${target} already exists. Choose another folder, or remove it first.`);
      return;
    }
    try {
      const result = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Downloading ${displayName(source)}`,
          cancellable: true,
        },
        async (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          return inside.download(
            node.item.id,
            source,
            target,
            (n) => progress.report({ message: formatBytes(n) }),
            abort.signal,
          );
        },
      );
      for (const s of result.skipped) ctx.log.warn(`Download of ${node.item.name}:${source}: ${s}`);
      void vscode.window.showInformationMessage(`Downloaded ${summary(result)} to ${target}.`);
    } catch (err) {
      reportTransfer(err, 'The download');
    }
  };

  const create = (type: 'file' | 'folder') => async (node?: DockerNode) => {
    const at = node && isInsideNode(node) ? folderOf(node) : undefined;
    if (!at) return;
    const name = await vscode.window.showInputBox({
      title: `New ${type} in ${displayName(at.path)}`,
      prompt: 'A name (any characters but / and NUL)',
      validateInput: (v) => invalidName(v),
    });
    if (name === undefined) return;
    const uri = containerUri(at.id, childPath(at.path, name));
    try {
      if (type === 'folder') await files.createDirectory(uri);
      else {
        await files.writeFile(uri, new Uint8Array(), { create: true, overwrite: false });
        await vscode.window.showTextDocument(uri);
      }
    } catch (err) {
      void vscode.window.showErrorMessage((err as Error).message);
    }
  };

  const remove = async (node?: DockerNode) => {
    if (node?.kind !== 'insideEntry') return;
    const why = files.whyNoExec(node.item.id);
    if (why) {
      void vscode.window.showInformationMessage(why);
      return;
    }
    const folder = node.entry.type === 'directory';
    const ok = await vscode.window.showWarningMessage(
      `Delete ${displayName(node.path)} in ${node.item.name}?`,
      {
        modal: true,
        detail:
          `${folder ? 'The folder and everything in it are' : 'The file is'} ` +
          `removed with rm inside the container. This cannot be undone.`,
      },
      'Delete',
    );
    if (ok !== 'Delete') return;
    try {
      await files.delete(containerUri(node.item.id, node.path), { recursive: folder });
    } catch (err) {
      void vscode.window.showErrorMessage((err as Error).message);
    }
  };

  const dragAndDrop: vscode.TreeDragAndDropController<DockerNode> = {
    dropMimeTypes: ['text/uri-list'],
    dragMimeTypes: [],
    async handleDrop(target, data) {
      const at = target && isInsideNode(target) ? folderOf(target) : undefined;
      const list = await data.get('text/uri-list')?.asString();
      if (!at || !list) return;
      const hostPaths = list
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => vscode.Uri.parse(l))
        .filter((u) => u.scheme === 'file')
        .map((u) => u.fsPath);
      if (!hostPaths.length) {
        void vscode.window.showInformationMessage('Only files and folders of this machine can be dropped here.');
        return;
      }
      await upload(at.id, at.path, hostPaths).catch((err) => reportTransfer(err, 'The upload'));
    },
  };

  return {
    tree,
    dragAndDrop,
    commands: {
      'dockside.containerFiles.upload': uploadCommand(false),
      'dockside.containerFiles.uploadFolder': uploadCommand(true),
      'dockside.containerFiles.download': download,
      'dockside.containerFiles.newFile': create('file'),
      'dockside.containerFiles.newFolder': create('folder'),
      'dockside.containerFiles.delete': remove,
      'dockside.containerFiles.whyNoDelete': (node?: DockerNode) => {
        if (node?.kind !== 'insideEntry') return;
        void vscode.window.showInformationMessage(
          files.whyNoExec(node.item.id) ?? 'Delete is available: the container is running.',
        );
      },
      'dockside.containerFiles.refresh': (node?: DockerNode) => {
        tree.forget(node && isInsideNode(node) ? node.item.id : undefined);
        refresh();
      },
    },
  };
}
