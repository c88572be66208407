import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { breather, ContextWalk, type ContextSummary, type WalkOptions } from './buildContext';

/** How much packed context is held while nobody reads it yet (the user is reading the summary, say). */
const HOLD_BYTES = 8 << 20;
/** The walk gives the event loop a turn this often, so tar's output keeps flowing while it walks. */
const TURN_MS = 0.25;

export interface ContextPack {
  /** What is sent and what .dockerignore leaves out; settles when the walk is done (rejects if it fails). */
  summary: Promise<ContextSummary>;
  /**
   * The context as a tar stream. Packing starts at once, beside the walk; up to 8 MB is held until the stream is
   * read, then tar waits. Fails (with tar's words) if a file cannot be read.
   */
  stream: NodeJS.ReadableStream & { destroy(err?: Error): void };
  /** Stops the walk and the packing. */
  cancel(): void;
}

/**
 * Packs a build context the way `docker build` sends it, in one pass: the walk applies .dockerignore and hands
 * each name to the system's tar (GNU tar or bsdtar, which every platform VS Code runs on has) as it finds it, so
 * tar reads and packs files while the walk goes on. Names go NUL-separated, which both tars read verbatim: a
 * file named like an option (`--checkpoint-action=…`, `-C`) is packed as a file, never taken as an option.
 * Nothing is held whole: names only, and at most HOLD_BYTES of tar output. Records of 64 KB (`-b 128`) mean
 * fewer, larger writes into the pipe; numeric owners spare a user-name lookup per file (the engine makes what
 * COPY and ADD write owned by root anyway). Both flags mean the same to GNU tar and bsdtar.
 */
export function packContext(root: string, options: WalkOptions = {}): ContextPack {
  const out = new PassThrough({ highWaterMark: HOLD_BYTES });
  const tar = spawn(
    'tar',
    ['-C', root, '-b', '128', '--numeric-owner', '-cf', '-', '--no-recursion', '--null', '-T', '-'],
    { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true },
  );
  let stderr = '';
  let failure: Error | undefined;
  let cancelled = false;
  const fail = (err: Error) => {
    if (failure) return;
    failure = err;
    tar.kill();
    out.destroy(err);
  };
  tar.stdout.pipe(out, { end: false });
  // Whoever reads the stream may destroy it (a cancelled build): then tar and the walk stop too.
  out.on('close', () => {
    if (tar.exitCode !== null || tar.signalCode !== null) return;
    cancelled = true;
    tar.kill();
  });
  tar.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  // A write after tar has gone fails with EPIPE; tar's own exit says why.
  tar.stdin.on('error', () => undefined);
  tar.on('error', (err: NodeJS.ErrnoException) =>
    fail(
      new Error(
        err.code === 'ENOENT'
          ? 'Packing the build context needs a tar program on the PATH (GNU tar or bsdtar); none was found.'
          : `Could not start tar to pack the build context: ${err.message}`,
      ),
    ),
  );
  // 'close' comes after the output has been read to its end and the process has exited.
  tar.on('close', (code, signal) => {
    if (failure) return;
    if (code === 0) out.end();
    else
      fail(
        new Error(
          cancelled
            ? 'The build context was not sent: cancelled.'
            : `tar could not pack the build context (${signal ?? `exit ${code}`}): ${lastLines(stderr) || 'no message'}`,
        ),
      );
  });

  /** Hands names to tar; waits while tar is behind on them (or until it has gone). */
  const send = (names: string) =>
    new Promise<string>((resolve) => {
      if (tar.stdin.write(names)) return resolve('');
      const go = () => {
        tar.stdin.off('drain', go);
        tar.off('close', go);
        resolve('');
      };
      tar.stdin.on('drain', go);
      tar.on('close', go);
    });

  const summary = (async () => {
    let names = '';
    const walk = new ContextWalk(root, options, (rel) => (names += `${rel}\0`));
    const breathe = breather(TURN_MS);
    while (!cancelled && !failure && walk.step()) {
      const turn = breathe();
      if (turn) {
        // Tar gets the names found so far, and its output gets read.
        if (names) names = await send(names);
        await turn;
      }
    }
    if (names && !failure && !cancelled) tar.stdin.write(names);
    tar.stdin.end();
    // Tar has every name now; the sizes for the summary are looked up while it packs.
    while (!cancelled && !failure && walk.measure()) await breathe();
    if (failure) throw failure;
    if (cancelled) throw new Error('The build context was not sent: cancelled.');
    return walk.summary();
  })();
  summary.catch((err: Error) => fail(err));

  return {
    summary,
    stream: out,
    cancel: () => {
      cancelled = true;
      fail(new Error('The build context was not sent: cancelled.'));
    },
  };
}

const lastLines = (text: string) => text.trim().split('\n').slice(-3).join(' ').trim();
