/** Cleanups registered by test helpers (engines, editors started for the run), run once when mocha finishes. */
const cleanups: (() => Promise<void> | void)[] = [];

export function onRunEnd(cleanup: () => Promise<void> | void): void {
  cleanups.push(cleanup);
}

export async function runTeardown(): Promise<void> {
  while (cleanups.length) {
    const cleanup = cleanups.pop()!;
    try {
      await cleanup();
    } catch (err) {
      console.error('teardown failed:', err);
    }
  }
}
