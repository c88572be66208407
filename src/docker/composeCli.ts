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

/** The command for a verb on a project, with the compose files Compose recorded in its labels. */
export function composeInvocation(
  program: ComposeProgram,
  project: string,
  files: string[],
  verb: ComposeVerb,
): ComposeInvocation {
  return {
    command: program === 'plugin' ? 'docker' : 'docker-compose',
    args: [
      ...(program === 'plugin' ? ['compose'] : []),
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
