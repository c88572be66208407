import { execFile, spawn } from 'node:child_process';
import type { ComposeInvocation, ComposeProgram } from './composeCli';
import { cliProgram } from './hostPlatform';

/**
 * Runs a command-line program (`docker.exe` on Windows) and says whether it works: `missing` when it is not on the
 * PATH, `fails` when it runs but exits with an error (`docker compose` without the plugin, say).
 */
export function commandWorks(
  cmd: string,
  args: string[],
  env: Record<string, string>,
): Promise<'works' | 'missing' | 'fails'> {
  return new Promise((resolve) =>
    execFile(cliProgram(cmd), args, { env: { ...process.env, ...env }, timeout: 10000, windowsHide: true }, (err) =>
      resolve(!err ? 'works' : (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'fails'),
    ),
  );
}

/** What to say when the docker command-line client is not on the PATH. */
export const NO_DOCKER_CLI =
  'The docker command-line client is not on the PATH. Docker Desktop installs it (Windows, macOS); on Linux, ' +
  'install the docker CLI package. Restart VS Code once it is installed.';

/** What to say when neither Compose is there: which one to install, and where it comes from. */
export const NO_COMPOSE =
  'Dockside runs Compose, and neither the "docker compose" plugin nor "docker-compose" is installed. Install the ' +
  'Compose plugin: Docker Desktop includes it; on Linux install the "docker-compose-plugin" package from ' +
  "Docker's repository (or your distribution's docker-compose package). Then try again.";

/**
 * The Compose to use: the v2 plugin when `docker compose version` works, else the standalone `docker-compose`,
 * else the reason there is none, in words.
 */
export async function findCompose(env: Record<string, string>): Promise<ComposeProgram | { missing: string }> {
  if ((await commandWorks('docker', ['compose', 'version'], env)) === 'works') return 'plugin';
  if ((await commandWorks('docker-compose', ['version'], env)) === 'works') return 'standalone';
  return {
    missing:
      (await commandWorks('docker', ['--version'], env)) === 'missing' ? `${NO_COMPOSE} ${NO_DOCKER_CLI}` : NO_COMPOSE,
  };
}

export interface ComposeRunResult {
  /** The exit code; null when the process could not start or was killed. */
  code: number | null;
  /** Everything it printed, stdout and stderr interleaved as they came. */
  output: string;
  /** Set when the program could not be started at all. */
  startError?: string;
}

/** Keeps the output a failure is explained from bounded: a pull can print a line per layer and per update. */
const MAX_KEPT_OUTPUT = 256 * 1024;

/**
 * Runs Compose as a child process (not a shell), handing each output line to `onLine` as it comes: that is
 * what the progress notification and the output channel show. `signal` stops it.
 */
export function runCompose(
  run: ComposeInvocation,
  options: { cwd: string; env: Record<string, string>; onLine?: (line: string) => void; signal?: AbortSignal },
): Promise<ComposeRunResult> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(cliProgram(run.command), run.args, {
      cwd: options.cwd,
      // Plain lines, no colours or cursor movement: the output is read, not shown in a terminal.
      env: { ...process.env, ...options.env, COMPOSE_ANSI: 'never', NO_COLOR: '1', COMPOSE_PROGRESS: 'plain' },
      windowsHide: true,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const partial = { stdout: '', stderr: '' };
    const take = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const text = partial[stream] + chunk.toString('utf8');
      const lines = text.split(/\r?\n|\r/);
      partial[stream] = lines.pop() ?? '';
      for (const line of lines) emit(line);
    };
    const emit = (line: string) => {
      if (output.length < MAX_KEPT_OUTPUT) output += `${line}\n`;
      options.onLine?.(line);
    };
    child.stdout.on('data', take('stdout'));
    child.stderr.on('data', take('stderr'));
    let startError: string | undefined;
    child.on('error', (err) => (startError = err.message));
    child.on('close', (code) => {
      for (const rest of [partial.stdout, partial.stderr]) if (rest) emit(rest);
      resolve({ code, output, ...(startError ? { startError } : {}) });
    });
  });
}
