import * as path from 'node:path';

/**
 * How Dockside runs Compose: the `docker compose` plugin (Compose v2) when it is there, `docker-compose` otherwise,
 * with an argument vector (never a shell line, so no project or file name is parsed by a shell).
 */
export type ComposeProgram = 'plugin' | 'standalone';

export interface ComposeInvocation {
  /** The program to start: `docker` for the plugin, `docker-compose` for the standalone one. */
  command: string;
  args: string[];
}

export type ComposeVerb = 'up' | 'down' | 'restart';

const programCommand = (program: ComposeProgram) => (program === 'plugin' ? 'docker' : 'docker-compose');
const programPrefix = (program: ComposeProgram) => (program === 'plugin' ? ['compose'] : []);

/** The command for a verb on a project, with the compose files Compose recorded in its labels. */
export function composeInvocation(
  program: ComposeProgram,
  project: string,
  files: string[],
  verb: ComposeVerb,
): ComposeInvocation {
  return {
    command: programCommand(program),
    args: [
      ...programPrefix(program),
      '-p',
      project,
      ...files.flatMap((f) => ['-f', f]),
      verb,
      ...(verb === 'up' ? ['-d'] : []),
    ],
  };
}

/** The compose files and working folder of a project, from the labels Compose puts on its containers. */
export function projectFromLabels(labels: Readonly<Record<string, string>>): { files: string[]; workingDir?: string } {
  const workingDir = labels['com.docker.compose.project.working_dir'];
  const files = (labels['com.docker.compose.project.config_files'] ?? '').split(',').filter(Boolean);
  return { files, ...(workingDir ? { workingDir } : {}) };
}

/** What a command started from a compose file works on: the files, the folder, and which optional parts. */
export interface ComposeFileTarget {
  /** Absolute paths; the first one's folder is the project folder unless `projectDirectory` says otherwise. */
  files: string[];
  projectDirectory?: string;
  /** An env file other than the project folder's `.env`. */
  envFile?: string;
  /** Profiles to enable (`--profile`), for services that are off unless asked for. */
  profiles?: string[];
}

export type ComposeFileVerb = 'up' | 'down' | 'pull' | 'logs';

/**
 * The command for a verb on compose files, optionally for some services only. `up` starts detached (the editor
 * stays free; the log is one click away); `logs` follows the last lines, for a terminal.
 */
export function composeFileInvocation(
  program: ComposeProgram,
  target: ComposeFileTarget,
  verb: ComposeFileVerb,
  services: readonly string[] = [],
): ComposeInvocation {
  const verbArgs: Record<ComposeFileVerb, string[]> = {
    up: ['up', '-d'],
    down: ['down'],
    pull: ['pull'],
    logs: ['logs', '--follow', '--tail', '200'],
  };
  return {
    command: programCommand(program),
    args: [
      ...programPrefix(program),
      ...target.files.flatMap((f) => ['-f', f]),
      ...(target.projectDirectory ? ['--project-directory', target.projectDirectory] : []),
      ...(target.envFile ? ['--env-file', target.envFile] : []),
      ...(target.profiles ?? []).flatMap((p) => ['--profile', p]),
      ...verbArgs[verb],
      // A service name that starts with "-" must not be read as an option.
      ...(services.length ? ['--', ...services] : []),
    ],
  };
}

/** The names Compose finds by itself in a folder, in the order each program prefers them. */
const DEFAULT_FILES: Record<ComposeProgram, string[]> = {
  plugin: ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'],
  standalone: ['docker-compose.yml', 'docker-compose.yaml', 'compose.yml', 'compose.yaml'],
};
const OVERRIDE_FILES: Record<ComposeProgram, string[]> = {
  plugin: [
    'compose.override.yml',
    'compose.override.yaml',
    'docker-compose.override.yml',
    'docker-compose.override.yaml',
  ],
  standalone: [
    'docker-compose.override.yml',
    'docker-compose.override.yaml',
    'compose.override.yml',
    'compose.override.yaml',
  ],
};

/**
 * The files `docker compose up` would read for this file, when typed in its folder: a file with a default name
 * brings the folder's override file along (as Compose does when no `-f` is given); an override file is read on
 * top of the folder's default file. Any other name stands alone, as with `-f`.
 */
export function composeFilesFor(
  file: string,
  program: ComposeProgram,
  exists: (absolutePath: string) => boolean,
): string[] {
  const dir = path.dirname(file);
  const name = path.basename(file);
  const first = (names: string[]) => names.map((n) => path.join(dir, n)).find(exists);
  if (OVERRIDE_FILES[program].includes(name)) {
    const base = first(DEFAULT_FILES[program]);
    return base ? [base, file] : [file];
  }
  if (!DEFAULT_FILES[program].includes(name)) return [file];
  const override = first(OVERRIDE_FILES[program]);
  return override ? [file, override] : [file];
}

/**
 * The project a compose file's containers belong to, from the labels Compose put on them: the newest project
 * whose working folder is the file's folder and whose config files include one of these. Undefined until its
 * containers exist.
 */
export function projectForFiles(
  containers: Iterable<{ created: number; labels: Readonly<Record<string, string>>; composeProject?: string }>,
  files: readonly string[],
): string | undefined {
  const wanted = new Set(files.map((f) => path.resolve(f)));
  let best: { project: string; created: number } | undefined;
  for (const c of containers) {
    if (!c.composeProject) continue;
    const { files: recorded, workingDir } = projectFromLabels(c.labels);
    if (!workingDir || !recorded.some((f) => wanted.has(path.resolve(workingDir, f)))) continue;
    if (!best || c.created > best.created) best = { project: c.composeProject, created: c.created };
  }
  return best?.project;
}
