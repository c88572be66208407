/** Median wall time of `fn` in milliseconds, after a warm-up. */
export function measure(fn: () => unknown, runs = 15): number {
  for (let i = 0; i < 3; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export function printRow(label: string, ours: number, baseline: number): void {
  console.log(`  ${label.padEnd(14)} dockside ${ours.toFixed(2).padStart(8)}   baseline ${baseline.toFixed(2).padStart(8)}   ratio ${(ours / baseline).toFixed(2)}`);
}
