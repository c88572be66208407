/**
 * Progress for people, not for every message: a build or a push reports hundreds of messages a second, and a
 * notification redrawn that often flickers and costs the editor. `push` takes every value; `report` sees at most
 * one per `intervalMs`: the first at once, and the newest one at the end of each interval after that, so the last
 * state is always shown and nothing is reported twice. Pure, with real timers.
 */
export interface Throttle<T> {
  push(value: T): void;
  /** Drops a waiting value and stops. */
  dispose(): void;
}

export function throttle<T>(report: (value: T) => void, intervalMs = 100): Throttle<T> {
  let last = -Infinity;
  let waiting: { value: T } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;
  const fire = () => {
    timer = undefined;
    if (!waiting || disposed) return;
    const { value } = waiting;
    waiting = undefined;
    last = performance.now();
    report(value);
  };
  return {
    push(value) {
      if (disposed) return;
      waiting = { value };
      const since = performance.now() - last;
      if (since >= intervalMs) {
        clearTimeout(timer);
        fire();
      } else {
        // Timers may fire up to a millisecond early.
        timer ??= setTimeout(fire, Math.ceil(intervalMs - since) + 1);
      }
    },
    dispose() {
      disposed = true;
      waiting = undefined;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
