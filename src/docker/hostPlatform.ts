import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** What is at a path, following links: a unix socket, something else (a file, a folder), or nothing. */
export type PathKind = 'socket' | 'other' | 'none';

/**
 * The parts of the machine that engine resolution and discovery look at. Everything goes through this object so
 * that a test on Linux can play a Windows or macOS machine: its platform, environment, home folder and files.
 */
export interface HostPlatform {
  os: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  home: string;
  /** The user id, for the rootless socket's default folder (`/run/user/<uid>`) when XDG_RUNTIME_DIR is unset. */
  uid?: number;
  kindOf(file: string): PathKind;
  readFile(file: string): Buffer | undefined;
  /** A folder's entry names, or none when it cannot be read. */
  readDir(dir: string): string[];
}

/** This machine, as Node sees it. */
export function hostPlatform(): HostPlatform {
  return {
    os: process.platform,
    env: process.env,
    home: os.homedir(),
    ...(typeof process.getuid === 'function' ? { uid: process.getuid() } : {}),
    kindOf,
    readFile: (file) => {
      try {
        return fs.readFileSync(file);
      } catch {
        return undefined;
      }
    },
    readDir: (dir) => {
      try {
        return fs.readdirSync(dir);
      } catch {
        return [];
      }
    },
  };
}

function kindOf(file: string): PathKind {
  try {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    return !stat ? 'none' : stat.isSocket() ? 'socket' : 'other';
  } catch {
    // A broken link, or a folder on the way that cannot be read: nothing usable is there.
    return 'none';
  }
}

/** The path rules of a platform: Windows paths for win32, POSIX paths everywhere else. */
export const pathsOf = (platform: Pick<HostPlatform, 'os'>): path.PlatformPath =>
  platform.os === 'win32' ? path.win32 : path.posix;

/**
 * The file name to start a command-line program by: `docker.exe` on Windows, where a program's file name carries
 * its extension; naming it in full leaves nothing to how a terminal or `execFile` looks programs up.
 */
export const cliProgram = (name: string, platformOs: NodeJS.Platform = process.platform): string =>
  platformOs === 'win32' && !/\.exe$/i.test(name) ? `${name}.exe` : name;
