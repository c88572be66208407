/** The shapes the compose service shares with its rules, its quick fixes, the editor and the CLI. */

export interface ComposeDocument {
  uri: string;
  version: number;
  text: string;
  /** Where the file is on disk, for checks against its folder (build contexts, extends files, `.env`). */
  path?: string;
  /** The workspace folder holding it: quick fixes write only there or in the file's own folder. */
  root?: string;
}

/** What the compose checks may read from outside the text: the disk and the environment. */
export interface ComposeHost {
  /** Whether a file or folder exists at this absolute path. */
  exists(path: string): boolean;
  readFile(path: string): string | undefined;
  /** Where a path really is, symbolic links followed; undefined when nothing is there. */
  realPath?(path: string): string | undefined;
  /** The environment Compose would interpolate from (before the project's `.env`). */
  env: Record<string, string | undefined>;
}

/** The compose file on disk, what may be read there, and the workspace folder that holds it. */
export interface ComposeFile {
  path: string;
  host: ComposeHost;
  root?: string;
}

/** What one run of the checks knows about the file's surroundings. */
export interface ComposeContext {
  /** The compose file's folder, which relative paths in it are resolved against. */
  dir: string;
  host: ComposeHost;
  /** Variables from the project's `.env`, read once per run. */
  dotEnv: Map<string, string>;
}

/** Names declared under the top-level sections that services refer into. */
export interface Declared {
  networks: Set<string>;
  volumes: Set<string>;
  services: Set<string>;
  secrets: Set<string>;
  configs: Set<string>;
}
