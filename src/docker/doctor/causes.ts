/**
 * The causes the failure doctor can name, as data: a short name for lists and the lesson that explains it. The
 * explanations themselves are written in diagnose.ts, where the facts are.
 */

export const CAUSES = {
  'command-not-found': { name: 'command not found', lesson: 'cmd-and-entrypoint' },
  'exec-form-needs-shell': { name: 'exec form given a shell command', lesson: 'cmd-and-entrypoint' },
  'not-executable': { name: 'not executable', lesson: 'container-doctor' },
  'missing-interpreter': { name: "script's interpreter missing", lesson: 'container-doctor' },
  'exec-format': { name: 'not a program this machine can run', lesson: 'container-doctor' },
  'platform-mismatch': { name: 'image built for another platform', lesson: 'container-doctor' },
  'oom-killed': { name: 'out of memory', lesson: 'container-doctor' },
  'stop-timeout': { name: 'killed after ignoring the stop signal', lesson: 'cmd-and-entrypoint' },
  killed: { name: 'killed', lesson: 'container-doctor' },
  segfault: { name: 'crashed (segmentation fault)', lesson: 'container-doctor' },
  signal: { name: 'ended by a signal', lesson: 'container-doctor' },
  'missing-variable': { name: 'a required variable is missing', lesson: 'variables' },
  'missing-file': { name: 'a file is missing', lesson: 'workdir-and-paths' },
  'exit-error': { name: 'the program reported an error', lesson: 'container-doctor' },
  'start-failed': { name: 'the engine could not start it', lesson: 'container-doctor' },
  unhealthy: { name: 'health check failing', lesson: 'healthcheck' },
  'port-loopback-only': { name: 'listens only on 127.0.0.1', lesson: 'ports-and-expose' },
  'port-mismatch': { name: 'published port points at the wrong container port', lesson: 'ports-and-expose' },
  'port-not-listening': { name: 'nothing listens on the published port', lesson: 'ports-and-expose' },
  'exited-ok': { name: 'finished normally', lesson: 'container-doctor' },
  stopped: { name: 'stopped on request', lesson: 'container-doctor' },
  'not-started': { name: 'never started', lesson: 'images-and-containers' },
  'no-trouble': { name: 'nothing wrong found', lesson: 'container-doctor' },
} as const satisfies Record<string, { name: string; lesson: string }>;

export type CauseId = keyof typeof CAUSES;

/** What a signal number means, for exit codes above 128 (128 + the signal). */
export const SIGNALS: Readonly<Record<number, { name: string; words: string }>> = {
  1: { name: 'SIGHUP', words: 'the terminal or session it belonged to closed' },
  2: { name: 'SIGINT', words: 'an interrupt, as Ctrl+C sends' },
  4: {
    name: 'SIGILL',
    words: 'an illegal CPU instruction: the program uses CPU features this machine lacks, or is corrupt',
  },
  6: { name: 'SIGABRT', words: 'the program aborted itself, usually after a failed internal check' },
  7: { name: 'SIGBUS', words: 'a bad memory access, often a file it had mapped into memory changed or shrank' },
  9: { name: 'SIGKILL', words: 'a kill that cannot be caught or ignored' },
  11: { name: 'SIGSEGV', words: 'a segmentation fault: the program touched memory it does not own' },
  13: { name: 'SIGPIPE', words: 'it wrote to a pipe or socket whose reader had gone' },
  15: { name: 'SIGTERM', words: 'a polite request to stop, as `docker stop` sends first' },
};
