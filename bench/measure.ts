/**
 * Median wall time in milliseconds of `a` and `b`, run alternately (so that garbage collection and CPU frequency
 * changes hit both alike) after a warm-up. `fn` gets the run number, so a caller can hand each run a new text.
 *
 * The warm-up runs both at least 3 times and for at least `warmMs`: a few runs are not enough for the JIT to
 * compile a small input's code paths, and a baseline that is one library call warms up faster than the code under
 * test, which made a 1 ms measurement mostly a measurement of the interpreter. An editor calls these functions on
 * every edit, so steady state is what users get.
 */
export function measurePair(
  a: (run: number) => unknown,
  b: (run: number) => unknown,
  runs = 21,
  warmMs = 300,
): [number, number] {
  warmUp((i) => {
    a(i);
    b(i);
  }, warmMs);
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < runs; i++) {
    for (const [fn, out] of i % 2
      ? ([
          [a, ta],
          [b, tb],
        ] as const)
      : ([
          [b, tb],
          [a, ta],
        ] as const)) {
      const start = process.hrtime.bigint();
      fn(i);
      out.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  return [median(ta), median(tb)];
}

/**
 * Runs the async `sides` `runs` times each, taking turns at going first (run r starts with side r mod n), and
 * `between` after each round. In a fixed order one side always meets what the one before it left behind (an
 * engine still busy, the kernel writing back): 1.17x to 1.45x from one bench run to the next.
 */
export async function inTurns(
  sides: readonly (() => Promise<unknown>)[],
  runs: number,
  between?: () => Promise<unknown>,
): Promise<void> {
  for (let run = 0; run < runs; run++) {
    for (let k = 0; k < sides.length; k++) await sides[(run + k) % sides.length]!();
    await between?.();
  }
}

/**
 * Runs `fn` at least 3 times and for at least `warmMs`, with run numbers -1, -2, …: a few runs are not enough for
 * the JIT to compile a small input's code paths (see measurePair).
 */
export function warmUp(fn: (run: number) => unknown, warmMs = 300): void {
  const warmStart = performance.now();
  for (let i = 0; i < 3 || performance.now() - warmStart < warmMs; i++) fn(-1 - i);
}

/** The middle value (the upper of the two for an even count); NaN when there is none. */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
}

/** Median wall time of `fn` in milliseconds, after a warm-up. */
export function measure(fn: () => unknown, runs = 15): number {
  return measurePair(fn, () => undefined, runs)[0];
}

export function printRow(label: string, ours: number, baseline: number): void {
  console.log(
    `  ${label.padEnd(14)} dockside ${ours.toFixed(2).padStart(8)}   baseline ${baseline.toFixed(2).padStart(8)}   ` +
      `ratio ${(ours / baseline).toFixed(2)}`,
  );
}
