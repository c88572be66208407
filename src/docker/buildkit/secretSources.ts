import * as fs from 'node:fs';

/**
 * Where the value of one build secret comes from. This is what Dockside remembers per Dockerfile: a path or a
 * variable name, never the value itself.
 */
export type SecretSource = { kind: 'file'; path: string } | { kind: 'env'; name: string } | { kind: 'omit' };

/** The sources chosen for a build, by secret id. */
export type SecretSources = Record<string, SecretSource>;

/** The source in words, for the build log ("the file ~/token.txt", "the variable NPM_TOKEN"). */
export function describeSource(source: SecretSource): string {
  switch (source.kind) {
    case 'file':
      return `the file ${source.path}`;
    case 'env':
      return `the environment variable ${source.name} of VS Code's process`;
    case 'omit':
      return 'nothing (left out)';
  }
}

/**
 * Checks, before anything is sent, that every chosen source can be read: the file exists, is a file and may be
 * read; the variable is set. Returns the problems in words (empty when there are none). Reads no value.
 */
export async function checkSecretSources(
  sources: SecretSources,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> {
  const problems: string[] = [];
  for (const [id, source] of Object.entries(sources)) {
    if (source.kind === 'env' && env[source.name] === undefined) {
      problems.push(
        `The secret "${id}" should come from the environment variable ${source.name}, ` +
          "which VS Code's process does not have.",
      );
    }
    if (source.kind !== 'file') continue;
    try {
      const stat = await fs.promises.stat(source.path);
      if (!stat.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
      await fs.promises.access(source.path, fs.constants.R_OK);
    } catch (err) {
      problems.push(
        `The secret "${id}" should come from ${source.path}, which ${fileProblem(err as NodeJS.ErrnoException)}.`,
      );
    }
  }
  return problems;
}

function fileProblem(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return 'does not exist';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'VS Code may not read';
    default:
      return `cannot be read (${err.code ?? err.message})`;
  }
}

/**
 * Answers the engine's requests for secrets from the chosen sources, reading each value only when it is asked for
 * and handing it straight on. An id without a source (or left out) is answered "not found": BuildKit then skips a
 * mount that is not required. A chosen source that cannot be read fails the request, and so the build.
 */
export function secretReader(
  sources: SecretSources,
  env: NodeJS.ProcessEnv = process.env,
): (id: string) => Promise<Uint8Array | undefined> {
  return async (id) => {
    const source = sources[id];
    if (!source || source.kind === 'omit') return undefined;
    if (source.kind === 'env') {
      const value = env[source.name];
      if (value === undefined)
        throw new Error(`the secret "${id}" should come from the variable ${source.name}, which is not set`);
      return Buffer.from(value);
    }
    try {
      return await fs.promises.readFile(source.path);
    } catch (err) {
      throw new Error(
        `the secret "${id}" should come from ${source.path}, which ${fileProblem(err as NodeJS.ErrnoException)}`,
        { cause: err },
      );
    }
  };
}
