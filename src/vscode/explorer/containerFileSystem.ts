import * as vscode from 'vscode';
import type { FolderListing } from '../../docker/containerInside';
import {
  BINARY_SNIFF_BYTES,
  INSIDE_ERRORS,
  baseName,
  containerPath,
  displayName,
  looksBinary,
  modeString,
  ownerText,
  parentPath,
  type ArchiveEntry,
  type PathStat,
} from '../../docker/containerPaths';
import { EngineError, type EngineApi } from '../../docker/engineApi';
import { maskSecrets } from '../../language/secrets';
import type { DockerSession } from './dockerSession';

/** `docker-container://<container id>/<path inside>`: a container's files over the Engine API's archive endpoints. */
export const CONTAINER_SCHEME = 'docker-container';

/** Files larger than this are not opened in an editor (the whole text would be held); Download streams them. */
export const MAX_OPEN_BYTES = 50 * 1024 * 1024;

export function containerUri(id: string, path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: CONTAINER_SCHEME, authority: id, path: containerPath(path) });
}

/** The container id and path a URI of this scheme names. */
export function fromContainerUri(uri: vscode.Uri): { id: string; path: string } {
  return { id: uri.authority, path: containerPath(uri.path) };
}

/** A failure of the engine as the FileSystemError the editor understands, with words a person can act on. */
function asFsError(err: unknown, uri: vscode.Uri): Error {
  if (err instanceof vscode.FileSystemError) return err;
  const { path } = fromContainerUri(uri);
  if (err instanceof EngineError) {
    switch (err.code) {
      case INSIDE_ERRORS.containerGone:
        return vscode.FileSystemError.Unavailable(
          `The container of ${path} no longer exists: it was removed. ` +
            `Your edits stay in the editor; save them elsewhere.`,
        );
      case INSIDE_ERRORS.notFound:
        return vscode.FileSystemError.FileNotFound(uri);
      case INSIDE_ERRORS.notAFolder:
        return vscode.FileSystemError.FileNotADirectory(uri);
      case INSIDE_ERRORS.isAFolder:
        return vscode.FileSystemError.FileIsADirectory(uri);
      case INSIDE_ERRORS.tooLarge:
        return vscode.FileSystemError.NoPermissions(
          `${path} is larger than ${MAX_OPEN_BYTES / 1024 / 1024} MB, ` +
            `too large to open in an editor. Use Download instead.`,
        );
    }
    return vscode.FileSystemError.Unavailable(maskSecrets(`${path}: ${err.message}`));
  }
  return vscode.FileSystemError.Unavailable(maskSecrets(`${path}: ${(err as Error)?.message ?? String(err)}`));
}

const fileType = (type: PathStat['type']): vscode.FileType =>
  type === 'directory'
    ? vscode.FileType.Directory
    : type === 'symlink'
      ? vscode.FileType.SymbolicLink
      : type === 'file'
        ? vscode.FileType.File
        : vscode.FileType.Unknown;

/** Whether a version of a file (its time and size) is binary, so that `stat` reads its start only once. */
interface Sniffed {
  mtime: number;
  size: number;
  binary: boolean;
}

/**
 * The container file system. Reads and writes go through the archive endpoints, so they work on stopped containers
 * too; saving keeps the file's mode and owner (read from its tar header first). Delete and rename have no archive
 * endpoint: they run `rm` and `mv` through exec, in running containers only. Binary files are read-only, with a
 * notice. No watching: the provider reports its own changes.
 */
export class ContainerFileSystem implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  private readonly sniffed = new Map<string, Sniffed>();
  private readonly noticed = new Set<string>();

  constructor(private readonly session: DockerSession) {}

  private async api(): Promise<EngineApi> {
    await this.session.settle();
    const why = this.session.whyNotConnected();
    const api = this.session.api();
    if (why || !api) throw vscode.FileSystemError.Unavailable(why ?? 'Docker is not reachable.');
    return api;
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const { id, path } = fromContainerUri(uri);
    try {
      const api = await this.api();
      const found = await api.inside.statPath(id, path);
      if (!found) throw vscode.FileSystemError.FileNotFound(uri);
      let type = fileType(found.type);
      let target = found;
      if (found.type === 'symlink' && found.linkTarget) {
        const to = await api.inside.statPath(id, found.linkTarget);
        if (to) {
          target = to;
          type = fileType(to.type) | vscode.FileType.SymbolicLink;
        }
      }
      const binary = target.type === 'file' && (await this.sniff(api, uri, target));
      return {
        type,
        ctime: target.mtime * 1000,
        mtime: target.mtime * 1000,
        size: target.size,
        ...(binary ? { permissions: vscode.FilePermission.Readonly } : {}),
      };
    } catch (err) {
      throw asFsError(err, uri);
    }
  }

  /** Whether a file is binary, from its first bytes (read once per version of the file). */
  private async sniff(api: EngineApi, uri: vscode.Uri, found: PathStat): Promise<boolean> {
    const key = uri.toString();
    const known = this.sniffed.get(key);
    if (known && known.mtime === found.mtime && known.size === found.size) return known.binary;
    const { id, path } = fromContainerUri(uri);
    const head = await api.inside.readFile(id, path, BINARY_SNIFF_BYTES, { head: true });
    const binary = looksBinary(head.data);
    if (this.sniffed.size > 256) this.sniffed.clear();
    this.sniffed.set(key, { mtime: found.mtime, size: found.size, binary });
    return binary;
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    const listing = await this.list(uri);
    return listing.entries.map((e) => [
      e.name,
      e.type === 'symlink'
        ? vscode.FileType.SymbolicLink |
          (e.target?.type === 'directory'
            ? vscode.FileType.Directory
            : e.target?.type === 'file'
              ? vscode.FileType.File
              : 0)
        : fileType(e.type),
    ]);
  }

  /** A folder's entries with modes and owners (the tree shows them). */
  async list(uri: vscode.Uri): Promise<FolderListing> {
    const { id, path } = fromContainerUri(uri);
    try {
      return await (await this.api()).inside.listFolder(id, path);
    } catch (err) {
      throw asFsError(err, uri);
    }
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const key = uri.toString();
    const { id, path } = fromContainerUri(uri);
    try {
      const read = await (await this.api()).inside.readFile(id, path, MAX_OPEN_BYTES);
      const data = read.data;
      if (looksBinary(data) && !this.noticed.has(key)) {
        this.noticed.add(key);
        void vscode.window.showInformationMessage(
          `${baseName(path) || path} is a binary file: it opens read-only. Download it to change it on this machine.`,
        );
      }
      return data;
    } catch (err) {
      throw asFsError(err, uri);
    }
  }

  async writeFile(
    uri: vscode.Uri,
    content: Uint8Array,
    options: { create: boolean; overwrite: boolean },
  ): Promise<void> {
    const { id, path } = fromContainerUri(uri);
    try {
      const api = await this.api();
      let found = await api.inside.statPath(id, path);
      let target = path;
      // Saving through a link writes the file it leads to (resolved by the engine, inside the container).
      if (found?.type === 'symlink' && found.linkTarget) {
        target = containerPath(found.linkTarget);
        found = await api.inside.statPath(id, target);
      }
      if (found && !options.overwrite) throw vscode.FileSystemError.FileExists(uri);
      if (!found && !options.create) throw vscode.FileSystemError.FileNotFound(uri);
      if (found?.type === 'directory') throw vscode.FileSystemError.FileIsADirectory(uri);
      const own = found ? await api.inside.pathEntry(id, target) : undefined;
      const folder = found ? undefined : await api.inside.pathEntry(id, parentPath(target));
      await api.inside.putEntries(id, parentPath(target), [
        {
          name: baseName(target),
          type: 'file',
          data: content,
          // An existing file keeps its mode and owner; a new one gets the usual 644, owned like its folder.
          mode: own?.mode ?? 0o644,
          uid: own?.uid ?? folder?.uid ?? 0,
          gid: own?.gid ?? folder?.gid ?? 0,
        },
      ]);
      this.sniffed.delete(uri.toString());
      this.changed.fire([{ type: found ? vscode.FileChangeType.Changed : vscode.FileChangeType.Created, uri }]);
      if (own) await this.checkKept(api, id, target, own);
    } catch (err) {
      throw asFsError(err, uri);
    }
  }

  /**
   * Some engines do not apply the owner written in the archive (Podman's compatible API makes files root's): the
   * save went through, but the user is told what changed rather than finding out later.
   */
  private async checkKept(api: EngineApi, id: string, path: string, was: ArchiveEntry): Promise<void> {
    const now = await api.inside.pathEntry(id, path).catch(() => undefined);
    if (!now || (now.uid === was.uid && now.gid === was.gid && now.mode === was.mode)) return;
    void vscode.window.showWarningMessage(
      `Saved ${displayName(path)}, but the engine did not keep its owner and mode: ` +
        `${modeString('file', was.mode)} ${ownerText(was)} is now ${modeString('file', now.mode)} ${ownerText(now)}.`,
    );
  }

  async createDirectory(uri: vscode.Uri): Promise<void> {
    const { id, path } = fromContainerUri(uri);
    try {
      const api = await this.api();
      if (await api.inside.statPath(id, path)) throw vscode.FileSystemError.FileExists(uri);
      const folder = await api.inside.pathEntry(id, parentPath(path));
      await api.inside.putEntries(id, parentPath(path), [
        { name: baseName(path), type: 'directory', mode: 0o755, uid: folder?.uid ?? 0, gid: folder?.gid ?? 0 },
      ]);
      this.changed.fire([{ type: vscode.FileChangeType.Created, uri }]);
    } catch (err) {
      throw asFsError(err, uri);
    }
  }

  /** Why deleting or renaming cannot work in this container now, or undefined when it can (running). */
  whyNoExec(id: string): string | undefined {
    const c = this.session.model()?.containers.get(id);
    if (!c) return undefined;
    return c.state === 'running'
      ? undefined
      : `The archive API cannot delete or rename, and "${c.name}" is ${c.state}: ` +
          `start it so that Dockside can run rm or mv inside it.`;
  }

  private async run(uri: vscode.Uri, cmd: string[], what: string): Promise<void> {
    const { id } = fromContainerUri(uri);
    const why = this.whyNoExec(id);
    if (why) throw vscode.FileSystemError.NoPermissions(why);
    const api = await this.api();
    let result: { exitCode: number; output: string };
    try {
      result = await api.inside.exec(id, cmd);
    } catch (err) {
      throw asFsError(err, uri);
    }
    if (result.exitCode === 126 || result.exitCode === 127)
      throw vscode.FileSystemError.NoPermissions(
        `Cannot ${what}: the container's image has no "${cmd[0]}" program, and the archive API has no way to ${what}.`,
      );
    if (result.exitCode !== 0)
      throw vscode.FileSystemError.NoPermissions(
        maskSecrets(`Cannot ${what}: ${cmd[0]} failed (${result.output.trim() || `exit code ${result.exitCode}`}).`),
      );
  }

  async delete(uri: vscode.Uri, options: { recursive: boolean }): Promise<void> {
    const { path } = fromContainerUri(uri);
    if (path === '/') throw vscode.FileSystemError.NoPermissions('The root of a container is not deleted.');
    await this.run(uri, ['rm', options.recursive ? '-rf' : '-f', '--', path], `delete ${path}`);
    this.changed.fire([{ type: vscode.FileChangeType.Deleted, uri }]);
  }

  async rename(from: vscode.Uri, to: vscode.Uri, options: { overwrite: boolean }): Promise<void> {
    const a = fromContainerUri(from);
    const b = fromContainerUri(to);
    if (a.id !== b.id) throw vscode.FileSystemError.NoPermissions('Files move within one container only.');
    await this.run(from, ['mv', options.overwrite ? '-f' : '-n', '--', a.path, b.path], `rename ${a.path}`);
    this.changed.fire([
      { type: vscode.FileChangeType.Deleted, uri: from },
      { type: vscode.FileChangeType.Created, uri: to },
    ]);
  }

  /** Tells the editor and the tree that something below this folder changed (an upload). */
  changedBelow(uri: vscode.Uri): void {
    this.changed.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  dispose(): void {
    this.changed.dispose();
    this.sniffed.clear();
  }
}
