import { randomUUID } from 'node:crypto';
import { Transform, type Duplex, type TransformCallback } from 'node:stream';
import type Docker from 'dockerode';
import type { BuildMessage } from '../buildProgress';
import { EngineError, type BuildOptions, type BuildRun } from '../engineApi';
import { BUILDKIT_REFUSED, isBuildkitRefusal } from './builderChoice';
import { openSession, type BuildSession } from './session';
import { decodeBuildkitStatus } from './status';

type Stream = NodeJS.ReadableStream & { destroy(err?: Error): void };

/** What the build borrows from the Engine API client: its stream and error helpers. */
export interface StreamTools {
  untilEnd(stream: Stream, onData: (chunk: Buffer) => void, failure?: () => string | undefined): Promise<void>;
  wrap(err: unknown): EngineError;
  jsonLines(onMessage: (value: unknown) => void): (chunk: Buffer | string) => void;
}

interface DialOptions {
  path: string;
  method: string;
  options?: object;
  file?: unknown;
  isStream?: boolean;
  hijack?: boolean;
  headers?: Record<string, string | string[]>;
  statusCodes: Record<number, true | string>;
}

const dial = <T>(docker: Docker, options: DialOptions) =>
  new Promise<T>((resolve, reject) =>
    (docker.modem as { dial(o: DialOptions, cb: (err: Error | null, data: T) => void): void }).dial(
      options,
      (err, data) => (err ? reject(err) : resolve(data)),
    ),
  );

/**
 * `POST /build` with the engine's classic builder or with BuildKit. BuildKit needs a session first (session.ts);
 * the build names it and gets a `buildid`, so that cancelling can ask the engine to stop (closing the connection
 * alone leaves BuildKit to notice later). If the session drops while the build runs, the build is stopped: a
 * secret or the ssh agent could no longer be reached, and a build that waits for them would hang.
 */
export async function startBuild(
  docker: Docker,
  context: Stream,
  options: BuildOptions,
  onMessage: (m: BuildMessage) => void,
  io: StreamTools,
): Promise<BuildRun> {
  // A context that fails while being sent (a file tar cannot read) ends the request; its words say why.
  let contextError: string | undefined;
  context.on('error', (err: Error) => (contextError ??= err.message));
  let session: BuildSession | undefined;
  if (options.builder === 'buildkit') {
    try {
      session = await openSession(
        (headers) =>
          dial<Duplex>(docker, {
            method: 'POST',
            path: '/session',
            hijack: true,
            // An empty body with a length, rather than a chunked one whose end marker would follow the upgrade.
            file: Buffer.alloc(0),
            headers: { ...(docker.modem as { headers?: Record<string, string> }).headers, Upgrade: 'h2c', ...headers },
            statusCodes: { 101: true, 200: true, 400: 'bad parameter', 404: 'not found', 500: 'server error' },
          }),
        {
          ...(options.secret ? { secret: options.secret } : {}),
          ...(options.sshAgentSocket ? { sshAgentSocket: options.sshAgentSocket } : {}),
        },
      );
    } catch (err) {
      const e = io.wrap(err);
      // No HTTP answer at all means the engine is not there, which the classic builder would not change.
      if (e.statusCode === undefined) throw e;
      throw new EngineError(`it refused a BuildKit session: ${e.message}`, e.statusCode, BUILDKIT_REFUSED);
    }
  }

  const buildId = randomUUID();
  const started = performance.now();
  let bytes = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      bytes += chunk.length;
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      onMessage({ sent: { bytes, ms: performance.now() - started } });
      done();
    },
  });
  context.on('error', (err: Error) => counted.destroy(err));
  context.pipe(counted);

  let response: Stream;
  try {
    response = await dial<Stream>(docker, {
      path: '/build?',
      method: 'POST',
      file: counted,
      isStream: true,
      options: {
        dockerfile: options.dockerfile,
        ...(options.tag ? { t: options.tag } : {}),
        ...(options.buildargs ? { buildargs: options.buildargs } : {}),
        ...(options.target ? { target: options.target } : {}),
        ...(options.labels ? { labels: options.labels } : {}),
        rm: true,
        // Also remove the container of a failed step, which the classic builder otherwise leaves behind.
        forcerm: true,
        ...(session ? { version: '2', session: session.id, buildid: buildId } : {}),
      },
      statusCodes: { 200: true, 400: 'bad parameter', 404: 'not found', 500: 'server error' },
    });
  } catch (err) {
    session?.close();
    counted.destroy();
    if (contextError) throw new EngineError(contextError);
    const e = io.wrap(err);
    // For a streamed request the engine's words are only in the message ("(HTTP code 400) bad parameter - …").
    const words =
      String((err as Error).message ?? '')
        .replace(/^\(HTTP code \d+\) [a-z ]+ - /, '')
        .trim() || e.message;
    if (session && e.statusCode !== undefined && isBuildkitRefusal(e.statusCode, words))
      throw new EngineError(`it refused the BuildKit build: ${words}`, e.statusCode, BUILDKIT_REFUSED);
    throw new EngineError(words, e.statusCode, e.code);
  }

  let failure: string | undefined;
  let finished = false;
  const stop = () => {
    if (session && !finished) {
      dial(docker, {
        path: '/build/cancel?',
        method: 'POST',
        options: { id: buildId },
        statusCodes: { 200: true, 404: 'not found', 500: 'server error' },
      }).catch(() => undefined);
    }
    context.destroy();
    counted.destroy();
    response.destroy();
    session?.close();
  };
  void session?.ended.then((err) => {
    if (!err || finished) return;
    failure ??= `The build session with the engine dropped (${err.message}), so the build was stopped.`;
    stop();
  });
  const onData = io.jsonLines((value) => {
    const m = value as BuildMessage;
    if (m.id !== 'moby.buildkit.trace') return onMessage(m);
    if (typeof m.aux !== 'string') return;
    try {
      onMessage({ trace: decodeBuildkitStatus(m.aux) });
    } catch {
      // An update that does not decode is one line less of progress, not a reason to stop the build.
    }
  });
  const done = io
    .untilEnd(response, onData, () => contextError ?? failure)
    .finally(() => {
      finished = true;
      session?.close();
    });
  return {
    cancel: () => {
      failure ??= 'The build was cancelled.';
      stop();
    },
    done,
  };
}
