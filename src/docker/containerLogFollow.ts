import type { EngineApi, EventSubscription } from './engineApi';
import type { RawEvent } from './types';
import { readEvent } from './normalize';

/** Where a followed log goes: the container's output, and Dockside's own marked lines. */
export interface LogSink {
  text(text: string, stream: 'stdout' | 'stderr'): void;
  /** A line of Dockside's ("restarted at …"): the terminal marks it apart from the container's output. */
  note(line: string): void;
}

export interface LogFollower {
  /** Settles once the first log stream is open (rejects when it cannot be: no such container, no engine). */
  ready: Promise<void>;
  close(): void;
}

const clock = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');

/**
 * Follows a container's log across restarts. The engine ends a log stream when the container stops; this keeps
 * listening to the engine's events and, on the container's next `start`, attaches again from that moment (so
 * nothing is printed twice) after a marked line "restarted at …". It stops on `destroy` (the container was
 * removed), when the event stream ends, or on `close()`. No timer: only events move it.
 */
export function followLogsAcrossRestarts(
  api: Pick<EngineApi, 'logs' | 'events'>,
  id: string,
  options: { timestamps: boolean; tail?: number },
  sink: LogSink,
): LogFollower {
  let closed = false;
  let events: EventSubscription | undefined;
  const logs = new Set<EventSubscription>();
  /** When the last run ended, by the engine's clock (its `die` event), in milliseconds. */
  let endedAt: number | undefined;

  const stopAll = () => {
    closed = true;
    events?.close();
    for (const l of logs) l.close();
    logs.clear();
  };

  const attach = async (since?: number): Promise<void> => {
    let ended = false;
    let sub: EventSubscription | undefined = undefined;
    const opened = await api.logs(
      id,
      {
        follow: true,
        timestamps: options.timestamps,
        ...(since === undefined ? (options.tail !== undefined ? { tail: options.tail } : {}) : { since }),
      },
      (text, stream) => {
        if (!closed) sink.text(text, stream);
      },
      (err) => {
        ended = true;
        if (sub) logs.delete(sub);
        if (closed) return;
        sink.note(
          err
            ? `The log stream broke: ${err.message}. Waiting for the container to start again.`
            : `The container stopped at ${clock(Date.now())}. ` +
                `Waiting for it to start again; close this terminal to stop.`,
        );
      },
    );
    sub = opened;
    if (closed) opened.close();
    else if (!ended) logs.add(opened);
  };

  const onEvent = (e: RawEvent) => {
    const event = readEvent(e);
    if (closed || event.type !== 'container' || event.id !== id) return;
    const { action } = event;
    const at = event.atMs ?? Date.now();
    if (action === 'die') endedAt = at;
    else if (action === 'start') {
      sink.note(`── restarted at ${clock(at)} ──`);
      // From the end of the last run on (the API takes seconds, fractions allowed): everything before it was printed
      // already, and the new run's first lines can be logged before its start event is sent.
      const since = endedAt ?? at - 1000;
      attach(Math.floor(since) / 1000).catch((err: Error) =>
        sink.note(`Could not follow the log again: ${err.message}`),
      );
    } else if (action === 'destroy') {
      sink.note(`The container was removed at ${clock(at)}. The log ends here.`);
      stopAll();
    }
  };

  const ready = (async () => {
    // Events first, so that a start between the two requests is not missed.
    const sub = await api.events(onEvent, (err) => {
      if (closed) return;
      sink.note(
        `Dockside lost the engine's events${err ? ` (${err.message})` : ''}: ` +
          `the log is no longer followed across restarts.`,
      );
      events = undefined;
    });
    if (closed) {
      sub.close();
      return;
    }
    events = sub;
    try {
      await attach();
    } catch (err) {
      stopAll();
      throw err;
    }
  })();

  return { ready, close: stopAll };
}
