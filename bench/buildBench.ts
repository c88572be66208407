import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { summarizeContext } from '../src/docker/buildContext';
import { packContext } from '../src/docker/dockerodeApi';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A 20,000-file project: 15,000 files under node_modules (excluded by .dockerignore), 5,000 sent. */
function makeProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-ctx-bench-'));
  fs.writeFileSync(path.join(dir, '.dockerignore'), 'node_modules\n.git\n');
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM busybox\nCOPY . /app\n');
  for (let i = 0; i < 15000; i++) {
    const d = path.join(dir, 'node_modules', `pkg${i % 300}`, 'lib');
    if (i < 300) fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, `f${i}.js`), `module.exports = ${i};\n`.repeat(20));
  }
  for (let i = 0; i < 4998; i++) {
    const d = path.join(dir, 'src', `mod${i % 100}`);
    if (i < 100) fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, `file${i}.ts`), `export const n = ${i};\n`.repeat(20));
  }
  return dir;
}

function drain(stream: NodeJS.ReadableStream): Promise<number> {
  let bytes = 0;
  return new Promise((resolve, reject) => {
    stream.on('data', (c: Buffer) => (bytes += c.length));
    stream.on('end', () => resolve(bytes));
    stream.on('error', reject);
  });
}

/** Packing a build context the way Dockside sends it, beside GNU tar packing the same included files. */
export async function benchBuildContext(): Promise<void> {
  const dir = makeProject();
  try {
    const ours: number[] = [];
    const packOnly: number[] = [];
    const gnu: number[] = [];
    let sent = 0;
    for (let run = 0; run < 5; run++) {
      let t = performance.now();
      const bare = summarizeContext(dir, { dockerfile: path.join(dir, 'Dockerfile'), measureExcluded: false });
      await drain(packContext(dir, bare.files));
      packOnly.push(performance.now() - t);
      t = performance.now();
      const summary = summarizeContext(dir, { dockerfile: path.join(dir, 'Dockerfile') });
      sent = await drain(packContext(dir, summary.files));
      ours.push(performance.now() - t);
      const list = path.join(os.tmpdir(), `dockside-ctx-list-${process.pid}`);
      fs.writeFileSync(list, summary.files.join('\n'));
      t = performance.now();
      const gnuBytes = await drain(spawn('tar', ['-C', dir, '-cf', '-', '--no-recursion', '-T', list], { stdio: ['ignore', 'pipe', 'inherit'] }).stdout);
      if (Math.abs(gnuBytes - sent) > 1 << 20) throw new Error(`GNU tar wrote ${gnuBytes} bytes, Dockside ${sent}: not the same set`);
      gnu.push(performance.now() - t);
      fs.rmSync(list, { force: true });
    }
    const summary = summarizeContext(dir);
    console.log('\nBuild context (20,000 files, node_modules excluded by .dockerignore)');
    console.log(`  ${summary.files.length} files sent (${(sent / 1e6).toFixed(1)} MB of tar), ${summary.excludedFiles} left out`);
    console.log(`  Dockside packing (walk + .dockerignore + tar stream): ${median(packOnly).toFixed(0)} ms; GNU tar of the same files: ${median(gnu).toFixed(0)} ms; ratio ${(median(packOnly) / median(gnu)).toFixed(2)} (target ≤ 1.2)`);
    console.log(`  with the explanation (sizes of what .dockerignore leaves out, one stat per excluded file): ${median(ours).toFixed(0)} ms`);
    console.log('  build progress: at most one notification update per 100 ms (10 a second), by construction in buildCommand.ts');
  } finally {
    execFileSync('rm', ['-rf', dir]);
  }
}
