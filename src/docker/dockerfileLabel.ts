/**
 * The label Dockside stamps on the images it builds, so that the layer panel (and later the cache forecast and the
 * failure doctor) can find the Dockerfile behind an image. It holds the Dockerfile's path relative to the build
 * context, with forward slashes (`Dockerfile`, `docker/api.Dockerfile`): never an absolute path, which would ship
 * the user's folder layout with every push. docs/ARCHITECTURE.md defines it; this file is its one implementation.
 */
import * as path from 'node:path';

export const DOCKERFILE_LABEL = 'com.dockside.dockerfile';

type PathApi = Pick<typeof path.posix, 'relative' | 'sep' | 'isAbsolute' | 'resolve'>;

/** The label's value for a Dockerfile built with this context folder (the same string sent as `dockerfile`). */
export function dockerfileLabelValue(contextDir: string, dockerfile: string, paths: PathApi = path): string {
  return paths.relative(paths.resolve(contextDir), paths.resolve(dockerfile)).split(paths.sep).join('/');
}

/**
 * The label's value as a safe relative path, or undefined when it is not one: empty, absolute (images built by
 * older versions, or by anyone who sets the label by hand), with a drive letter or a `..` segment. Only such a
 * path may be looked for, and only inside the open workspace.
 */
export function labelledDockerfilePath(value: string | undefined): string | undefined {
  if (!value || value.length > 4096 || /[\0\r\n]/.test(value)) return undefined;
  const slashed = value.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed)) return undefined;
  const parts = slashed.split('/').filter((p) => p !== '' && p !== '.');
  if (!parts.length || parts.some((p) => p === '..')) return undefined;
  return parts.join('/');
}

/**
 * Whether a workspace file could be the labelled Dockerfile: its path, relative to a workspace folder, is the
 * label itself or ends with `/<label>` (the build context may be any folder inside the workspace). The label was
 * written from the real name, so case counts, except where the file system ignores it (Windows and macOS by
 * default): there `Docker/API.Dockerfile` and `docker/api.Dockerfile` are one file, and a build started from a
 * path typed in another case labels it so.
 */
export function matchesDockerfileLabel(
  relativePath: string,
  label: string,
  ignoreCase = process.platform === 'win32' || process.platform === 'darwin',
): boolean {
  const fold = (s: string) => (ignoreCase ? s.toLowerCase() : s);
  const rel = fold(relativePath.replace(/\\/g, '/'));
  const wanted = fold(label);
  return rel === wanted || rel.endsWith(`/${wanted}`);
}
