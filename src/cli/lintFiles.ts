import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDockerfileName } from '../language/dockerfileNames';

export type LintKind = 'dockerfile' | 'compose';

const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);

/** Which language service a file name belongs to, or undefined for files `dockside lint` does not look at. */
export function lintKind(fileName: string): LintKind | undefined {
  const base = path.basename(fileName);
  if (isDockerfileName(base)) return 'dockerfile';
  if (/^(docker-)?compose(\.[^/]+)?\.ya?ml$/.test(base)) return 'compose';
  return undefined;
}

const INSTRUCTION_KEYWORDS =
  'FROM|ARG|RUN|CMD|LABEL|EXPOSE|ENV|ADD|COPY|ENTRYPOINT|VOLUME|USER|WORKDIR|ONBUILD|STOPSIGNAL|HEALTHCHECK|' +
  'SHELL|MAINTAINER';
const INSTRUCTION = new RegExp(`^(${INSTRUCTION_KEYWORDS})\\s`, 'i');

/**
 * The kind of a file named on the command line, which may be called anything (`stack.yml`, `build.txt`): by its
 * name, else YAML by extension, else by its first line that is not blank or a comment. Undefined when neither.
 */
export function explicitLintKind(fileName: string, firstBytes: string): LintKind | undefined {
  const byName = lintKind(fileName);
  if (byName) return byName;
  if (/\.ya?ml$/i.test(fileName)) return 'compose';
  const first = firstBytes.split(/\r?\n/).find((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  if (first === undefined) return firstBytes.trim().startsWith('#') ? 'dockerfile' : undefined;
  if (INSTRUCTION.test(first.trim())) return 'dockerfile';
  if (/^[A-Za-z_][\w.-]*:(\s|$)/.test(first) || first.trim() === '---') return 'compose';
  return undefined;
}

/** Why a path named on the command line cannot be linted (a FIFO, a device, a socket), or undefined. */
export function notLintable(stat: fs.Stats): string | undefined {
  if (stat.isFile() || stat.isDirectory()) return undefined;
  const what = stat.isFIFO()
    ? 'a named pipe'
    : stat.isCharacterDevice() || stat.isBlockDevice()
      ? 'a device'
      : stat.isSocket()
        ? 'a socket'
        : 'not a regular file';
  return `it is ${what}, not a file Dockside can read`;
}

/**
 * Expands the CLI's path arguments: a file is taken as it is; a folder is searched for Dockerfiles and compose
 * files, skipping node_modules and .git. Results are sorted so the output is stable.
 */
export function findLintTargets(paths: string[]): { file: string; kind: LintKind }[] {
  const out: { file: string; kind: LintKind }[] = [];
  const walk = (dir: string): void => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(e.name)) walk(full);
        continue;
      }
      const kind = lintKind(e.name);
      if (!kind) continue;
      // A symbolic link to a file counts as that file; links to folders are not followed (they can loop).
      if (e.isFile() || (e.isSymbolicLink() && statOrUndefined(full)?.isFile())) out.push({ file: full, kind });
    }
  };
  for (const p of paths) {
    const stat = fs.statSync(p);
    const problem = notLintable(stat);
    if (problem) throw new LintTargetError(p, problem);
    if (stat.isDirectory()) {
      walk(p);
      continue;
    }
    const kind = explicitLintKind(p, readStart(p));
    if (!kind)
      throw new LintTargetError(
        p,
        'unknown file kind: it is neither a Dockerfile nor a compose file ' +
          '(name it Dockerfile, *.Dockerfile or compose.yaml)',
      );
    out.push({ file: p, kind });
  }
  return out;
}

/** A path on the command line that cannot be linted, and why. */
export class LintTargetError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

const statOrUndefined = (p: string): fs.Stats | undefined => {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
};

/** The first 4 KB of a regular file, to tell its kind. */
function readStart(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    return buffer.subarray(0, fs.readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A file's text, or undefined when it is larger than `limit` bytes: the language services check files up to
 * 1 MB, so a larger one is never read whole (a 5 GB file, or one that grows while read, must not fill memory).
 */
export function readLimited(file: string, limit: number): { text: string } | { tooLarge: number } {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    if (size > limit) return { tooLarge: size };
    const buffer = Buffer.alloc(limit + 1);
    let length = 0;
    for (let n = 1; n > 0 && length <= limit; length += n)
      n = fs.readSync(fd, buffer, length, buffer.length - length, null);
    if (length > limit) return { tooLarge: length };
    return { text: buffer.subarray(0, length).toString('utf8') };
  } finally {
    fs.closeSync(fd);
  }
}
