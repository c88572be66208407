/**
 * Which files are Dockerfiles, in one list for every feature that looks for them (the CLI's folder walk, Build
 * Image, the layer panel's search) and the same as the language contribution in package.json (a test keeps both
 * in step): `Dockerfile`, `Containerfile`, `Dockerfile.*`, `Containerfile.*`, `*.Dockerfile`, `*.dockerfile`.
 */
export const DOCKERFILE_NAMES = ['Dockerfile', 'Containerfile'] as const;
export const DOCKERFILE_NAME_PATTERNS = ['Dockerfile.*', 'Containerfile.*', '*.Dockerfile', '*.dockerfile'] as const;

/** A glob for `findFiles`: every Dockerfile in the workspace. */
export const DOCKERFILE_GLOB = `**/{${[...DOCKERFILE_NAMES, ...DOCKERFILE_NAME_PATTERNS].join(',')}}`;

/** Whether a file name (no folder) is a Dockerfile's. */
export function isDockerfileName(base: string): boolean {
  return /^(Dockerfile|Containerfile)(\..+)?$/.test(base) || /.\.(Dockerfile|dockerfile)$/.test(base);
}
