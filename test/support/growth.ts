import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// A full collection before each timed run: otherwise a run pays for the garbage the runs before it left (a large
// run's garbage lands in the next small one), and the ratio measures the collector's schedule, not the work.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * Bounded work without absolute times: run a function on an input and on one `factor` times larger, and check that
 * the time grows no faster than the input does (with generous slack for noise). A quadratic scan grows by the
 * factor squared and fails; a linear one grows by about the factor.
 */
export function growthRatio(
  run: (size: number) => void,
  small: number,
  factor = 8,
  repeats = 3,
  minBaseMs = 0.05,
): number {
  const time = (size: number) => {
    let best = Infinity;
    for (let i = 0; i < repeats; i++) {
      collectGarbage();
      const started = process.hrtime.bigint();
      run(size);
      best = Math.min(best, Number(process.hrtime.bigint() - started));
    }
    return best;
  };
  time(small); // warm up the JIT on the small size
  // Below a floor the timer's and the garbage collector's noise dominates: a base that small counts as the floor.
  const base = Math.max(time(small), minBaseMs * 1e6);
  return time(small * factor) / base;
}

/**
 * The growth ratio, measured again when the first measurement is over `limit`: a load spike from another process
 * can double one measurement, but a quadratic cost is over the limit both times.
 */
export function settledGrowthRatio(
  run: (size: number) => void,
  small: number,
  factor: number,
  limit: number,
  repeats = 3,
  minBaseMs = 5,
): number {
  const first = growthRatio(run, small, factor, repeats, minBaseMs);
  return first < limit ? first : Math.min(first, growthRatio(run, small, factor, repeats, minBaseMs));
}

/** Fails unless growing the input `factor` times grows the time less than `factor * slack` times. */
export function assertLinear(run: (size: number) => void, small: number, what: string, factor = 8, slack = 3): void {
  const ratio = settledGrowthRatio(run, small, factor, factor * slack, 3, 0.05);
  if (ratio >= factor * slack)
    throw new Error(
      `${what}: ${factor}x the input took ${ratio.toFixed(1)}x the time (linear would be about ${factor}x)`,
    );
}
