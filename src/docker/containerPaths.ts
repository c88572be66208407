/**
 * Paths inside a container as the Engine's archive API (`/containers/{id}/archive`) reads them, and what its
 * answers say about a path: the `X-Docker-Container-Path-Stat` header (Go's FileMode bits) and tar headers (Unix
 * modes, owners). Pure: nothing here touches the host's files, so a container path can never become a host path.
 */

/** The error codes of ContainerInsideApi failures, so that the editor can say what happened in its own words. */
export const INSIDE_ERRORS = {
  containerGone: 'CONTAINER_GONE',
  notFound: 'PATH_NOT_FOUND',
  notAFolder: 'NOT_A_FOLDER',
  isAFolder: 'IS_A_FOLDER',
  tooLarge: 'TOO_LARGE',
  cancelled: 'CANCELLED',
  streamBroken: 'STREAM_BROKEN',
} as const;

export type EntryType = 'file' | 'directory' | 'symlink' | 'other';

/** One file or folder in a container, from a tar header of the archive API. */
export interface ArchiveEntry {
  /** The name in its folder: any bytes but `/` and NUL, newlines included. */
  name: string;
  type: EntryType;
  size: number;
  /** Permission bits with setuid, setgid and sticky (0o7777). */
  mode: number;
  uid: number;
  gid: number;
  /** Owner and group names when the tar carries them (Docker fills them in from the container's files). */
  uname?: string;
  gname?: string;
  /** Seconds since the epoch. */
  mtime: number;
  /** For a symbolic link: its target, as written in the link. */
  linkTarget?: string;
}

/** What `HEAD /containers/{id}/archive?path=…` says about a path. */
export interface PathStat {
  name: string;
  size: number;
  type: EntryType;
  mode: number;
  /** Seconds since the epoch. */
  mtime: number;
  /**
   * For a symbolic link, where it leads, resolved by the engine inside the container's root: a link to
   * `/../../etc` reads `/etc`, never a path of the host.
   */
  linkTarget?: string;
}

/**
 * A path as the archive API resolves it: absolute, `.` and `..` taken away lexically, never above `/` (the API
 * scopes paths to the container's root the same way). `a/../../b` and `/../b` both become `/b`.
 */
export function containerPath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/** The folder a path is in (`/` for `/` itself). */
export function parentPath(path: string): string {
  const p = containerPath(path);
  const slash = p.lastIndexOf('/');
  return slash <= 0 ? '/' : p.slice(0, slash);
}

/** The last part of a path (`''` for `/`). */
export function baseName(path: string): string {
  const p = containerPath(path);
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Why a name cannot be a file's name in a folder, or undefined when it can. Newlines are allowed, as in Linux. */
export function invalidName(name: string): string | undefined {
  if (name === '') return 'A name cannot be empty.';
  if (name === '.' || name === '..') return `"${name}" names a folder itself, not an entry in it.`;
  if (name.includes('/')) return 'A name cannot contain "/": that separates folders.';
  if (name.includes('\0')) return 'A name cannot contain a NUL character.';
  return undefined;
}

/** A name added to a folder's path; throws for a name that is not one entry (see `invalidName`). */
export function childPath(folder: string, name: string): string {
  const why = invalidName(name);
  if (why) throw new Error(why);
  const parent = containerPath(folder);
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

// Go's os.FileMode: the type in the high bits, the Unix permissions in the low nine.
const GO_DIR = 2 ** 31;
const GO_SYMLINK = 2 ** 27;
/** Device, named pipe, socket, character device, irregular: none of them a file, folder or link. */
const GO_OTHER_TYPES = [2 ** 26, 2 ** 25, 2 ** 24, 2 ** 21, 2 ** 19];
const GO_SETUID = 2 ** 23;
const GO_SETGID = 2 ** 22;
const GO_STICKY = 2 ** 20;

/** The type and Unix mode bits (0o7777) of a Go FileMode, as the path-stat header carries it. */
export function fromGoFileMode(mode: number): { type: EntryType; mode: number } {
  const has = (bit: number) => Math.floor(mode / bit) % 2 === 1;
  const type: EntryType = has(GO_DIR)
    ? 'directory'
    : has(GO_SYMLINK)
      ? 'symlink'
      : GO_OTHER_TYPES.some(has)
        ? 'other'
        : 'file';
  const unix =
    (mode % 0o1000) + (has(GO_SETUID) ? 0o4000 : 0) + (has(GO_SETGID) ? 0o2000 : 0) + (has(GO_STICKY) ? 0o1000 : 0);
  return { type, mode: unix };
}

/** The `X-Docker-Container-Path-Stat` header (base64 JSON), or undefined when it is missing or not readable. */
export function decodePathStat(header: string | undefined): PathStat | undefined {
  if (!header) return undefined;
  try {
    const raw = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as {
      name?: unknown;
      size?: unknown;
      mode?: unknown;
      mtime?: unknown;
      linkTarget?: unknown;
    };
    if (typeof raw.name !== 'string' || typeof raw.mode !== 'number') return undefined;
    const { type, mode } = fromGoFileMode(raw.mode);
    const mtime = typeof raw.mtime === 'string' ? Date.parse(raw.mtime) : NaN;
    return {
      name: raw.name,
      size: typeof raw.size === 'number' ? raw.size : 0,
      type,
      mode,
      mtime: Number.isNaN(mtime) ? 0 : Math.floor(mtime / 1000),
      ...(typeof raw.linkTarget === 'string' && raw.linkTarget ? { linkTarget: raw.linkTarget } : {}),
    };
  } catch {
    return undefined;
  }
}

/** The parts of a tar-stream header Dockside reads. */
export interface TarHeaderLike {
  name: string;
  type?: string | null;
  size?: number | null;
  mode?: number | null;
  uid?: number | null;
  gid?: number | null;
  uname?: string | null;
  gname?: string | null;
  mtime?: Date | null;
  linkname?: string | null;
}

/** A tar header as an entry named `name`. */
export function entryFromHeader(h: TarHeaderLike, name: string): ArchiveEntry {
  const type: EntryType =
    h.type === 'directory'
      ? 'directory'
      : h.type === 'symlink'
        ? 'symlink'
        : h.type === 'file' || h.type === 'contiguous-file'
          ? 'file'
          : 'other';
  return {
    name,
    type,
    size: type === 'file' ? (h.size ?? 0) : 0,
    mode: (h.mode ?? 0) & 0o7777,
    uid: h.uid ?? 0,
    gid: h.gid ?? 0,
    ...(h.uname ? { uname: h.uname } : {}),
    ...(h.gname ? { gname: h.gname } : {}),
    mtime: h.mtime ? Math.floor(h.mtime.getTime() / 1000) : 0,
    ...(type === 'symlink' && h.linkname ? { linkTarget: h.linkname } : {}),
  };
}

/**
 * Where a tar entry of a folder's archive sits relative to the folder. The API names the folder itself first
 * (`www/`, or `/` for the root) and everything in it below that name. Returns the entry's path below the folder
 * (`index.html`, `css/site.css`), `''` for the folder itself, or undefined for a name outside it.
 */
export function relativeToRoot(rootName: string, entryName: string): string | undefined {
  const root = trimSlashes(rootName);
  const name = trimSlashes(entryName);
  if (name === root) return '';
  const prefix = root === '' ? '/' : `${root}/`;
  return name.startsWith(prefix) ? name.slice(prefix.length) : undefined;
}

/** A name without its trailing slashes (a loop, not a regular expression: `/+$` backtracks on long runs). */
function trimSlashes(name: string): string {
  let end = name.length;
  while (end > 0 && name.charCodeAt(end - 1) === 0x2f) end--;
  return name.slice(0, end);
}

/** `drwxr-xr-x`, as `ls -l` writes a mode, with setuid (s/S), setgid (s/S) and sticky (t/T). */
export function modeString(type: EntryType, mode: number): string {
  const kind = type === 'directory' ? 'd' : type === 'symlink' ? 'l' : type === 'other' ? '?' : '-';
  const triple = (bits: number, special: boolean, mark: string) =>
    (bits & 4 ? 'r' : '-') +
    (bits & 2 ? 'w' : '-') +
    (special ? (bits & 1 ? mark : mark.toUpperCase()) : bits & 1 ? 'x' : '-');
  return (
    kind +
    triple((mode >> 6) & 7, (mode & 0o4000) !== 0, 's') +
    triple((mode >> 3) & 7, (mode & 0o2000) !== 0, 's') +
    triple(mode & 7, (mode & 0o1000) !== 0, 't')
  );
}

/** `root:root`, or the numbers where the archive has no names. */
export function ownerText(e: Pick<ArchiveEntry, 'uid' | 'gid' | 'uname' | 'gname'>): string {
  return `${e.uname ?? e.uid}:${e.gname ?? e.gid}`;
}

/** A name as one line of text: control characters (a newline in a file name) written as escapes. */
export function displayName(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is being made visible
  return name.replace(/[\u0000-\u001f\u007f]/g, (c) =>
    c === '\n'
      ? '\\n'
      : c === '\t'
        ? '\\t'
        : c === '\r'
          ? '\\r'
          : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** How much of a file is looked at to decide whether it is text: a NUL byte there means binary, as git decides. */
export const BINARY_SNIFF_BYTES = 8000;

export function looksBinary(data: Uint8Array): boolean {
  const end = Math.min(data.length, BINARY_SNIFF_BYTES);
  for (let i = 0; i < end; i++) if (data[i] === 0) return true;
  return false;
}
