import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateDockerfile } from './generate';
import { median } from './measure';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

/** dockerfile-utils' validate alone, as a whole process: read the file, validate it, print the count. */
const BASELINE = `
const fs = require('node:fs');
const { validate } = require(${JSON.stringify(path.join(ROOT, 'node_modules', 'dockerfile-utils'))});
process.stdout.write(String(validate(fs.readFileSync(process.argv[1], 'utf8')).length));
`;

/** CPU time (user and system) of this process's finished children, in ms; undefined where /proc is missing. */
function childrenCpuMs(): number | undefined {
  try {
    // Fields 16 and 17 of /proc/self/stat, after the command name in parentheses: cutime and cstime, in ticks.
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/** Wall time and CPU time of one whole `node` process, in ms. */
function processMs(args: string[]): { wall: number; cpu: number | undefined } {
  const cpuBefore = childrenCpuMs();
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  const cpuAfter = childrenCpuMs();
  return { wall, cpu: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore };
}

/**
 * Cold diagnostics: the first run in a fresh process, as the CLI and the first open of a file see it. Each side is
 * a whole `node` process on a 10,000-line Dockerfile minus the same process on a one-line file (which leaves out
 * starting node and loading the code, and keeps what the first diagnose costs: compiling the code it runs, and
 * running it). Dockside is its CLI bundle (`dockside lint`); the baseline is dockerfile-utils' validate. The runs
 * alternate, so a busy machine slows both alike.
 */
export function benchDockerfileCold(runs = 9): void {
  if (!fs.existsSync(CLI)) {
    console.log('\nCold Dockerfile diagnostics: skipped, dist/cli.js is missing (npm run build)');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-cold-'));
  try {
    const big = path.join(dir, 'Dockerfile');
    const tiny = path.join(dir, 'tiny.Dockerfile');
    fs.writeFileSync(big, generateDockerfile(10000));
    fs.writeFileSync(tiny, 'FROM alpine:3.20\n');
    const sides = {
      dockside: (file: string) => processMs([CLI, 'lint', file, '--format', 'json']),
      baseline: (file: string) => processMs(['-e', BASELINE, file]),
    };
    type Sample = { wall: number; cpu: number | undefined };
    const times = {
      dockside: { big: [] as Sample[], tiny: [] as Sample[] },
      baseline: { big: [] as Sample[], tiny: [] as Sample[] },
    };
    for (let i = 0; i < runs; i++) {
      for (const side of i % 2 ? (['dockside', 'baseline'] as const) : (['baseline', 'dockside'] as const)) {
        times[side].tiny.push(sides[side](tiny));
        times[side].big.push(sides[side](big));
      }
    }
    const cost = (side: 'dockside' | 'baseline', what: 'wall' | 'cpu') => {
      const pick = (xs: Sample[]) => median(xs.map((x) => x[what] ?? NaN));
      return pick(times[side].big) - pick(times[side].tiny);
    };
    console.log(
      '\nCold Dockerfile diagnostics, 10,000 lines ' +
        `(whole processes minus a one-line file; median of ${runs}; target ≤ 1.3)`,
    );
    for (const what of ['wall', 'cpu'] as const) {
      const ours = cost('dockside', what);
      const baseline = cost('baseline', what);
      if (Number.isNaN(ours) || Number.isNaN(baseline)) continue;
      console.log(
        `  ${what === 'wall' ? 'wall time' : 'CPU time '}  dockside ${ours.toFixed(0).padStart(6)} ms   ` +
          `baseline ${baseline.toFixed(0).padStart(6)} ms   ratio ${(ours / baseline).toFixed(2)}`,
      );
    }
    console.log(
      `  (a one-line file takes ${median(times.dockside.tiny.map((t) => t.wall)).toFixed(0)} ms with Dockside, ` +
        `${median(times.baseline.tiny.map((t) => t.wall)).toFixed(0)} ms with the baseline; ` +
        'CPU time is what a busy machine disturbs least)',
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) benchDockerfileCold(Number(process.argv[2] ?? 9));
