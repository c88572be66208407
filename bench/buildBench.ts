import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { measureLeftOut } from '../src/docker/buildContext';
import type { Builder } from '../src/docker/buildkit/builderChoice';
import { applyBuildMessage, newBuildState } from '../src/docker/buildProgress';
import { packContext } from '../src/docker/contextPack';
import { throttle } from '../src/docker/throttle';
import { ensureTestImage, getTestEngine, TEST_IMAGE } from '../test/support/dockerEngine';
import { apiFor } from '../test/support/dockerModel';
import { inTurns, median } from './measure';

const RUNS = 41;

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

/** Reads a stream to its end, like the engine's connection would; the bytes and the tar entry names it holds. */
function drain(stream: NodeJS.ReadableStream): Promise<number> {
  let bytes = 0;
  return new Promise((resolve, reject) => {
    stream.on('data', (c: Buffer) => (bytes += c.length));
    stream.on('end', () => resolve(bytes));
    stream.on('error', reject);
  });
}

const entriesOf = (tarFile: string) =>
  execFileSync('tar', ['-tf', tarFile], { maxBuffer: 64 << 20 })
    .toString()
    .split('\n')
    .filter(Boolean)
    .map((n) => n.replace(/^\.\//, '').replace(/\/$/, ''))
    .filter((n) => n && n !== '.')
    .sort();

/**
 * Packing a build context the way a build sends it (walk + .dockerignore + tar, from the start to the last byte),
 * beside GNU tar packing the same folder with the same exclusions (its own walk) and GNU tar given the list of
 * files. Runs interleaved, RUNS times each, after checking once that all three pack the same entries.
 */
export async function benchBuildContext(): Promise<void> {
  const dir = makeProject();
  // Write the 20,000 new files out first: the kernel flushing them during the runs would time the disk, not tar.
  execFileSync('sync');
  const gnuWalk = () =>
    spawn('tar', ['-C', dir, '-cf', '-', '--exclude=./node_modules', '--exclude=./.git', '.'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    }).stdout;
  try {
    const check = path.join(os.tmpdir(), `dockside-ctx-check-${process.pid}`);
    const ours = packContext(dir, { dockerfile: path.join(dir, 'Dockerfile') });
    await new Promise<void>((resolve, reject) =>
      ours.stream
        .pipe(fs.createWriteStream(check))
        .on('finish', () => resolve())
        .on('error', reject),
    );
    const ourEntries = entriesOf(check);
    await new Promise<void>((resolve, reject) =>
      gnuWalk()
        .pipe(fs.createWriteStream(check))
        .on('finish', () => resolve())
        .on('error', reject),
    );
    const gnuEntries = entriesOf(check);
    fs.rmSync(check, { force: true });
    if (JSON.stringify(ourEntries) !== JSON.stringify(gnuEntries))
      throw new Error(`Dockside packed ${ourEntries.length} entries, GNU tar ${gnuEntries.length}: not the same set`);
    const summary = await ours.summary;
    const list = path.join(os.tmpdir(), `dockside-ctx-list-${process.pid}`);
    fs.writeFileSync(list, summary.files.join('\n'));

    const pack: number[] = [];
    const leftOut: number[] = [];
    const gnu: number[] = [];
    const gnuList: number[] = [];
    let sent = 0;
    const sides: (() => Promise<void>)[] = [
      async () => {
        const t = performance.now();
        const p = packContext(dir, { dockerfile: path.join(dir, 'Dockerfile') });
        // As a build does: the summary first (shown before anything is sent), then the stream to the engine.
        await p.summary;
        sent = await drain(p.stream);
        pack.push(performance.now() - t);
      },
      async () => {
        const t = performance.now();
        await drain(gnuWalk());
        gnu.push(performance.now() - t);
      },
      async () => {
        const t = performance.now();
        await drain(
          spawn('tar', ['-C', dir, '-cf', '-', '--no-recursion', '-T', list], { stdio: ['ignore', 'pipe', 'inherit'] })
            .stdout,
        );
        gnuList.push(performance.now() - t);
      },
    ];
    await inTurns(sides, RUNS);
    fs.rmSync(list, { force: true });
    let left = await measureLeftOut(summary);
    for (let run = 0; run < RUNS; run++) {
      const t = performance.now();
      left = await measureLeftOut(summary);
      leftOut.push(performance.now() - t);
    }
    console.log(`\nBuild context (20,000 files, node_modules excluded by .dockerignore; medians of ${RUNS})`);
    console.log(
      `  ${summary.files.length} files sent (${(sent / 1e6).toFixed(1)} MB of tar, ` +
        `the same ${ourEntries.length} entries as GNU tar), ` +
        `${left.files} left out (${(left.bytes / 1e6).toFixed(1)} MB)`,
    );
    console.log(
      `  Dockside packing (walk + .dockerignore + tar stream, start to last byte): ${median(pack).toFixed(1)} ms`,
    );
    console.log(
      `  GNU tar of the same set: ${median(gnu).toFixed(1)} ms walking with --exclude, ` +
        `${median(gnuList).toFixed(1)} ms given the file list`,
    );
    console.log(
      `  ratio ${(median(pack) / median(gnu)).toFixed(2)} to tar's own walk, ` +
        `${(median(pack) / median(gnuList)).toFixed(2)} to tar given the list (target ≤ 1.2)`,
    );
    console.log(
      '  adding up what .dockerignore leaves out ' +
        '(a stat per excluded file; a build does it while the context is sent): ' +
        `${median(leftOut).toFixed(1)} ms`,
    );
    // Build and push progress: a burst of messages as fast as an engine sends them, through the same throttle.
    const updates: number[] = [];
    const t = throttle<number>(() => updates.push(performance.now()));
    const burstStart = performance.now();
    for (let i = 0; i < 10000; i++) {
      t.push(i);
      if (i % 100 === 99) await new Promise((r) => setTimeout(r, 10));
    }
    const burst = performance.now() - burstStart;
    await new Promise((r) => setTimeout(r, 150));
    t.dispose();
    // updates[i] is the update before updates.slice(1)[i].
    const gap = Math.min(...updates.slice(1).map((at, i) => at - updates[i]!));
    console.log(
      `  build and push progress: 10,000 messages over ${(burst / 1000).toFixed(1)} s gave ${updates.length} ` +
        `notification updates, never closer than ${gap.toFixed(0)} ms apart ` +
        `(at most ${Math.floor(1000 / gap)} a second; target ≤ 10)`,
    );
  } finally {
    execFileSync('rm', ['-rf', dir]);
  }
}

const BUILD_RUNS = 5;

/**
 * The engine's two builders on the same 20-step Dockerfile (FROM, then RUN and COPY steps), through Dockside's own
 * build path: a first build where every step runs (a new value in each step, so nothing comes from the cache), and
 * a second build of the same file where every step is cached. Runs alternate between the builders, BUILD_RUNS each.
 */
export async function benchBuilders(): Promise<void> {
  const engine = await getTestEngine();
  if ('unavailable' in engine) {
    console.log(`\nBuilders: SKIPPED, no Docker engine (${engine.unavailable})`);
    return;
  }
  await ensureTestImage(engine.docker);
  const api = apiFor(engine.host);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-builders-bench-'));
  const tag = `dockside-bench-builders:${process.pid}`;
  fs.mkdirSync(path.join(dir, 'app'));
  for (let i = 0; i < 50; i++) fs.writeFileSync(path.join(dir, 'app', `f${i}.txt`), `file ${i}\n`.repeat(100));
  const dockerfile = (nonce: string) =>
    [
      `FROM ${TEST_IMAGE}`,
      ...Array.from({ length: 19 }, (_, i) =>
        i % 5 === 4 ? `COPY app/f${i}.txt /app/f${i}.txt` : `RUN echo ${nonce}-${i} > /step${i}.txt`,
      ),
      '',
    ].join('\n');
  const build = async (builder: Builder): Promise<{ ms: number; cached: number; steps: number }> => {
    const started = performance.now();
    const pack = packContext(dir, { dockerfile: path.join(dir, 'Dockerfile') });
    const state = newBuildState();
    const run = await api.build(pack.stream, { tag, dockerfile: 'Dockerfile', builder }, (m) =>
      applyBuildMessage(state, m),
    );
    await run.done;
    if (state.error) throw new Error(`${builder} build failed: ${state.error.message}`);
    const steps = state.steps.filter((s) => !s.instruction.startsWith('FROM'));
    return { ms: performance.now() - started, cached: steps.filter((s) => s.cached).length, steps: steps.length };
  };
  const times: Record<Builder, { first: number[]; cached: number[]; hits: string }> = {
    buildkit: { first: [], cached: [], hits: '' },
    classic: { first: [], cached: [], hits: '' },
  };
  try {
    for (let runNo = 0; runNo < BUILD_RUNS; runNo++) {
      for (const builder of (runNo % 2 ? ['classic', 'buildkit'] : ['buildkit', 'classic']) as Builder[]) {
        fs.writeFileSync(path.join(dir, 'Dockerfile'), dockerfile(`${builder}-${process.pid}-${runNo}-${Date.now()}`));
        times[builder].first.push((await build(builder)).ms);
        const again = await build(builder);
        times[builder].cached.push(again.ms);
        times[builder].hits = `${again.cached}/${again.steps}`;
      }
    }
    const row = (label: string, bk: number, classic: number) =>
      console.log(
        `  ${label.padEnd(34)} BuildKit ${(bk / 1000).toFixed(2).padStart(6)} s   ` +
          `classic ${(classic / 1000).toFixed(2).padStart(6)} s   ratio ${(bk / classic).toFixed(2)}`,
      );
    console.log(
      `\nBuilders on the engine at ${engine.host} ` +
        `(20-step Dockerfile through Dockside's build path; medians of ${BUILD_RUNS})`,
    );
    row('first build (every step runs)', median(times.buildkit.first), median(times.classic.first));
    row('second build (every step cached)', median(times.buildkit.cached), median(times.classic.cached));
    console.log(
      `  steps from the cache on the second build: BuildKit ${times.buildkit.hits}, classic ${times.classic.hits}`,
    );
  } finally {
    api.close();
    await engine.docker
      .getImage(tag)
      .remove({ force: true })
      .catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
