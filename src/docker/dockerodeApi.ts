import Docker from 'dockerode';
import { startBuild } from './buildkit/engineBuild';
import { createContainerInsideApi } from './containerInside';
import type { EngineApi, EventSubscription, PruneResult } from './engineApi';
import { EngineError } from './engineApi';
import type { DockerodeOptions } from './engineAddress';
import type { EngineVersion, RawContainer, RawEvent, RawImage, RawNetwork, RawVolume } from './types';

/** Requests that wait longer than this are given up (the engine is gone or stuck); streams are not limited. */
const REQUEST_TIMEOUT_MS = 15000;

/** A dockerode failure as an EngineError: the engine's own message, its HTTP status, the socket error's code. */
export function toEngineError(err: unknown): EngineError {
  const e = err as {
    message?: string;
    statusCode?: number;
    code?: string;
    json?: { message?: string } | Buffer | string | null;
    reason?: string;
  };
  // A body that is not JSON (Podman's "Not Found" for a route it lacks) comes as a Buffer or a string: its text is
  // the engine's answer, not dockerode's guess from the status code ("no such container").
  const body: unknown = e?.json;
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : undefined;
  const json = text === undefined ? (body as { message?: string } | null | undefined) : undefined;
  const message = json?.message ?? (text?.trim().slice(0, 500) || undefined) ?? e?.reason ?? e?.message ?? String(err);
  return new EngineError(message.replace(/^\(HTTP code \d+\) [a-z ]+ - /, '').trim(), e?.statusCode, e?.code);
}

/** null on 404 (the object is gone), the value otherwise; other failures throw an EngineError. */
async function orGone<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    const e = toEngineError(err);
    if (e.statusCode === 404) return undefined;
    throw e;
  }
}

/**
 * Splits a stream of JSON messages (the event stream sends one object per line, sometimes several per chunk and
 * sometimes one across chunks) into parsed objects; lines that are not JSON are skipped.
 */
export function jsonLines(onMessage: (value: unknown) => void): (chunk: Buffer | string) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk.toString();
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (!line) continue;
      try {
        onMessage(JSON.parse(line));
      } catch {
        // Not JSON: ignore the line rather than stop following.
      }
    }
    // A message never spans megabytes; drop runaway input instead of growing without bound.
    if (pending.length > 1 << 20) pending = '';
  };
}

/**
 * Demultiplexes the Engine's log stream for containers without a TTY: frames of [stream, 0, 0, 0, size(4)]
 * followed by `size` bytes. With a TTY the stream is raw text (`raw` = true).
 */
export function logFrames(
  raw: boolean,
  onText: (text: string, stream: 'stdout' | 'stderr') => void,
): (chunk: Buffer) => void {
  let buffer: Buffer = Buffer.alloc(0);
  return (chunk) => {
    if (raw) {
      onText(chunk.toString('utf8'), 'stdout');
      return;
    }
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    while (buffer.length >= 8) {
      const size = buffer.readUInt32BE(4);
      if (buffer.length < 8 + size) break;
      onText(buffer.subarray(8, 8 + size).toString('utf8'), buffer[0] === 2 ? 'stderr' : 'stdout');
      buffer = buffer.subarray(8 + size);
    }
  };
}

export function createDockerodeApi(options: DockerodeOptions, address: string): EngineApi {
  const docker = new Docker({ ...options, timeout: REQUEST_TIMEOUT_MS } as Docker.DockerOptions);
  const streams = new Docker(options as Docker.DockerOptions);
  const open = new Set<{ destroy(): void }>();
  let calls = 0;
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    calls++;
    try {
      return await fn();
    } catch (err) {
      throw err instanceof EngineError ? err : toEngineError(err);
    }
  };
  /** Feeds a long-lived stream to `onData` and reports its end once (error or not); `close()` stops it. */
  const follow = (
    stream: NodeJS.ReadableStream & { destroy(): void },
    onData: (chunk: Buffer) => void,
    onEnd: (err?: Error) => void,
  ): EventSubscription => {
    open.add(stream);
    let ended = false;
    const end = (err?: Error) => {
      if (ended) return;
      ended = true;
      open.delete(stream);
      onEnd(err);
    };
    stream.on('data', onData);
    stream.on('error', (err: Error) => end(toEngineError(err)));
    stream.on('end', () => end());
    stream.on('close', () => end());
    return {
      close: () => {
        // A close we asked for is not an end to report (destroy the stream instead to have it reported).
        ended = true;
        open.delete(stream);
        stream.destroy();
      },
    };
  };

  /**
   * The same for a stream with an end (a build, a push): settles when it ends, rejects when `failure` names a
   * failure (one the stream reported in its messages, or one of what fed it) or on a stream error. A named failure
   * wins over the stream's own error: it says why, where the stream can only say that it broke. Destroying the
   * stream ends it too.
   */
  const untilEnd = (
    stream: NodeJS.ReadableStream & { destroy(): void },
    onData: (chunk: Buffer) => void,
    failure?: () => string | undefined,
  ): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      follow(stream, onData, (err) => {
        const reported = failure?.();
        if (reported) reject(new EngineError(reported));
        else if (err) reject(err);
        else resolve();
      });
    });

  return {
    get calls() {
      return calls;
    },
    address,
    inside: createContainerInsideApi(docker, streams, {
      call,
      wrap: toEngineError,
      follow,
      jsonLines,
      logFrames,
      address,
    }),
    ping: () => call(async () => void (await docker.ping())),
    version: () =>
      call(async () => {
        const v = await docker.version();
        const podman = (v.Components ?? []).some((c) => /podman/i.test(c.Name ?? ''));
        return {
          ...(podman ? { product: 'Podman' as const } : {}),
          version: v.Version,
          apiVersion: v.ApiVersion,
          os: v.Os,
          arch: v.Arch,
        } satisfies EngineVersion;
      }),
    listContainers: (ids) =>
      call(
        () =>
          docker.listContainers({ all: true, ...(ids ? { filters: JSON.stringify({ id: ids }) } : {}) }) as Promise<
            RawContainer[]
          >,
      ),
    listImages: () => call(() => docker.listImages({ all: false }) as Promise<RawImage[]>),
    inspectImage: (id) => call(() => orGone(docker.getImage(id).inspect() as Promise<RawImage>)),
    listVolumes: () => call(async () => ((await docker.listVolumes()).Volumes ?? []) as RawVolume[]),
    inspectVolume: (name) => call(() => orGone(docker.getVolume(name).inspect() as Promise<RawVolume>)),
    listNetworks: () => call(() => docker.listNetworks() as Promise<RawNetwork[]>),
    inspectNetwork: (id) => call(() => orGone(docker.getNetwork(id).inspect() as Promise<RawNetwork>)),
    events: (onEvent, onEnd) =>
      call(async () => {
        const stream = (await streams.getEvents()) as NodeJS.ReadableStream & { destroy(): void };
        return follow(
          stream,
          jsonLines((v) => onEvent(v as RawEvent)),
          onEnd,
        );
      }),
    containerAction: (id, action) =>
      call(async () => {
        const c = docker.getContainer(id) as unknown as Record<typeof action, () => Promise<unknown>>;
        await c[action]();
      }),
    removeContainer: (id, options) =>
      call(async () => void (await docker.getContainer(id).remove({ force: !!options.force, v: !!options.volumes }))),
    renameContainer: (id, name) => call(async () => void (await docker.getContainer(id).rename({ name }))),
    inspect: (kind, id) =>
      call<unknown>(() => {
        switch (kind) {
          case 'container':
            return docker.getContainer(id).inspect();
          case 'image':
            return docker.getImage(id).inspect();
          case 'volume':
            return docker.getVolume(id).inspect();
          case 'network':
            return docker.getNetwork(id).inspect();
        }
      }),
    imageHistory: (id) =>
      call(
        () =>
          docker.getImage(id).history() as Promise<
            { Id: string; Created: number; CreatedBy: string; Tags: string[] | null; Size: number; Comment: string }[]
          >,
      ),
    removeImage: (id, options) => call(async () => void (await docker.getImage(id).remove({ force: !!options.force }))),
    saveImage: (id) =>
      call(async () => (await streams.getImage(id).get()) as unknown as NodeJS.ReadableStream & { destroy(): void }),
    removeVolume: (name) => call(async () => void (await docker.getVolume(name).remove())),
    removeNetwork: (id) => call(async () => void (await docker.getNetwork(id).remove())),
    logs: (id, options, onText, onEnd) =>
      call(async () => {
        const container = streams.getContainer(id);
        const info = await container.inspect();
        const stream = (await container.logs({
          follow: true,
          stdout: true,
          stderr: true,
          timestamps: options.timestamps,
          ...(options.tail !== undefined ? { tail: options.tail } : {}),
          ...(options.since !== undefined ? { since: options.since } : {}),
        } as never)) as unknown as NodeJS.ReadableStream & { destroy(): void };
        return follow(stream, logFrames(!!info.Config?.Tty, onText), onEnd);
      }),
    build: (context, options, onMessage) =>
      call(() => startBuild(streams, context, options, onMessage, { untilEnd, wrap: toEngineError, jsonLines })),
    runContainer: (body, name) =>
      call(async () => {
        const container = await docker.createContainer({
          ...(body as Docker.ContainerCreateOptions),
          ...(name ? { name } : {}),
        });
        await container.start();
        return container.id;
      }),
    tagImage: (id, repo, tag) => call(async () => void (await docker.getImage(id).tag({ repo, tag }))),
    transfer: (kind, ref, auth, onMessage) =>
      call(async () => {
        const authconfig = auth
          ? { username: auth.username, password: auth.password, serveraddress: auth.serveraddress }
          : undefined;
        // The API wants the repository in the path and the tag as a parameter.
        const slash = ref.lastIndexOf('/');
        const colon = ref.lastIndexOf(':');
        const [repo, tag] = colon > slash ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest'];
        const stream = (kind === 'push'
          ? await streams.getImage(repo).push({ tag, ...(authconfig ? { authconfig } : {}) } as never)
          : await streams.pull(
              `${repo}:${tag}`,
              {},
              undefined as never,
              authconfig as never,
            )) as unknown as NodeJS.ReadableStream & { destroy(): void };
        let failure: string | undefined;
        const onData = jsonLines((v) => {
          const m = v as { error?: string; errorDetail?: { message?: string } };
          if (m.error || m.errorDetail) failure = m.errorDetail?.message ?? m.error;
          onMessage(v as never);
        });
        return { cancel: () => stream.destroy(), done: untilEnd(stream, onData, () => failure) };
      }),
    logTail: (id, lines, maxLineChars) =>
      call(async () => {
        const container = docker.getContainer(id);
        const info = await container.inspect();
        const body = (await container.logs({
          follow: false,
          stdout: true,
          stderr: true,
          tail: lines,
        } as never)) as unknown as Buffer | string;
        const out: { stream: 'stdout' | 'stderr'; text: string }[] = [];
        const chunk = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
        logFrames(!!info.Config?.Tty, (text, stream) => out.push({ stream, text: text.slice(0, maxLineChars) }))(chunk);
        return out;
      }),
    pastEvents: (id, since, until, limit, actions) =>
      call(async () => {
        const filters = {
          type: ['container'],
          ...(id !== undefined ? { container: [id] } : {}),
          ...(actions ? { event: actions } : {}),
        };
        const stream = (await streams.getEvents({
          since,
          until,
          filters: JSON.stringify(filters),
        } as never)) as unknown as NodeJS.ReadableStream & { destroy(): void };
        const events: RawEvent[] = [];
        await new Promise<void>((resolve) => {
          follow(
            stream,
            jsonLines((v) => {
              if (events.length < limit) events.push(v as RawEvent);
              if (events.length >= limit) stream.destroy();
            }),
            () => resolve(),
          );
        });
        return events;
      }),
    execRead: (id, cmd, maxBytes) =>
      call(async () => {
        const exec = await docker
          .getContainer(id)
          .exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: false });
        const stream = (await (exec.start({
          hijack: true,
          stdin: false,
        } as never) as unknown as Promise<unknown>)) as NodeJS.ReadableStream & { destroy(): void };
        const parts: string[] = [];
        let size = 0;
        await new Promise<void>((resolve) => {
          follow(
            stream,
            logFrames(false, (text, which) => {
              if (which !== 'stdout' || size >= maxBytes) return;
              parts.push(text.slice(0, maxBytes - size));
              size += text.length;
              if (size >= maxBytes) stream.destroy();
            }),
            () => resolve(),
          );
        });
        const info = (await exec.inspect()) as { ExitCode?: number | null; Running?: boolean };
        return { exitCode: info.Running ? undefined : (info.ExitCode ?? undefined), stdout: parts.join('') };
      }),
    prune: (kind) =>
      call(async () => {
        const result = (await (kind === 'containers'
          ? docker.pruneContainers()
          : kind === 'images'
            ? docker.pruneImages({ filters: JSON.stringify({ dangling: ['true'] }) } as never)
            : kind === 'volumes'
              ? docker.pruneVolumes()
              : docker.pruneNetworks())) as {
          ContainersDeleted?: string[];
          ImagesDeleted?: { Deleted?: string; Untagged?: string }[];
          VolumesDeleted?: string[];
          NetworksDeleted?: string[];
          SpaceReclaimed?: number;
        };
        const deleted =
          result.ContainersDeleted ??
          result.VolumesDeleted ??
          result.NetworksDeleted ??
          (result.ImagesDeleted ?? []).map((i) => i.Deleted ?? i.Untagged ?? '');
        return { deleted: deleted ?? [], spaceReclaimed: result.SpaceReclaimed ?? 0 } satisfies PruneResult;
      }),
    close: () => {
      for (const s of open) s.destroy();
      open.clear();
    },
  };
}
