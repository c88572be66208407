import type { EventSubscription } from './engineApi';

/**
 * A subscription that may be closed before it exists. A terminal or panel can be closed while the engine is still
 * answering the request that opens a stream; the stream that arrives afterwards must be closed at once instead of
 * being left open with nobody reading it.
 */
export function closableSubscription(open: () => Promise<EventSubscription>): { ready: Promise<void>; close(): void } {
  let subscription: EventSubscription | undefined;
  let closed = false;
  // A synchronous throw of `open` becomes a rejection of `ready`, like a failure of the request itself.
  const ready = Promise.resolve()
    .then(open)
    .then((s) => {
      if (closed) s.close();
      else subscription = s;
    });
  return {
    ready,
    close() {
      closed = true;
      subscription?.close();
      subscription = undefined;
    },
  };
}
