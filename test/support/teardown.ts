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

/**
 * Runs `cleanup` once, when the suite of the hook `ctx` belongs to ends (after that suite's own `after` hooks), or
 * at the end of the run if the suite never gets there. For what only that suite uses (an editor, a browser): left
 * running, it goes on costing the suites after it.
 */
export function onSuiteEnd(ctx: Mocha.Context, title: string, cleanup: () => Promise<void>): void {
  let done: Promise<void> | undefined;
  const once = () => (done ??= cleanup());
  onRunEnd(once);
  ctx.test?.parent?.afterAll(title, once);
}
