import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { readImageArchive } from '../src/panels/layers/imageTar';
import { buildLayerView } from '../src/panels/layers/layerData';
import { layerBody } from '../src/panels/layers/layerHtml';
import { buildDockerfile } from '../test/support/dockerBuild';
import { TEST_IMAGE, type TestEngine } from '../test/support/dockerEngine';
import { apiFor } from '../test/support/dockerModel';
import { median } from './measure';

/** The layer panel's data for a 100-layer image, and the file view of a 500 MB image in bounded memory. */
export async function benchLayers(engine: TestEngine): Promise<void> {
  const deep = 'dockside-bench-deep:1';
  const big = 'dockside-bench-big:1';
  const api = apiFor(engine.host);
  try {
    if (!(await engine.docker.listImages({ filters: JSON.stringify({ reference: [deep] }) })).length) {
      const steps = Array.from({ length: 99 }, (_, i) => `RUN echo ${i} > /step-${i}`);
      const built = await buildDockerfile(engine.docker, [`FROM ${TEST_IMAGE}`, ...steps, ''].join('\n'), {}, deep);
      if (!built.ok) throw new Error(built.log.slice(-500));
    }
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const started = performance.now();
      const [history, inspect] = await Promise.all([
        api.imageHistory(deep),
        api.inspect('image', deep) as Promise<{ Id: string; Created: string }>,
      ]);
      layerBody(buildLayerView(deep, inspect.Id, Date.parse(inspect.Created) / 1000, history));
      times.push(performance.now() - started);
    }
    const layers = (await api.imageHistory(deep)).length;
    console.log(
      `\nLayer panel\n  data and HTML for a ${layers}-step image: ${median(times).toFixed(1)} ms after the request ` +
        '(target ≤ 300 ms)',
    );

    if (!(await engine.docker.listImages({ filters: JSON.stringify({ reference: [big] }) })).length) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-big-'));
      for (let i = 0; i < 5; i++)
        fs.writeFileSync(path.join(dir, `blob-${i}.bin`), Buffer.alloc(100 * 1024 * 1024, i + 1));
      const tar = spawn('tar', ['-C', dir, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const stream = await engine.docker.importImage(
        tar.stdout as unknown as string,
        { repo: 'dockside-bench-big', tag: '1' } as object,
      );
      await new Promise<void>((resolve, reject) =>
        engine.docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())),
      );
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const save = await timeFileView(async () => (await api.saveImage(big)) as AsyncIterable<Uint8Array>);
    console.log(
      `  file view of a ${save.mb} MB image (docker save, ${save.files} files): ` +
        `${save.seconds} s, ${save.memory}: streamed, not held`,
    );

    // The containerd image store saves an OCI layout with gzip layers; skopeo makes one from the engine's image.
    let skopeo = true;
    try {
      execFileSync('skopeo', ['--version'], { stdio: 'ignore' });
    } catch {
      skopeo = false;
    }
    if (!skopeo) console.log('  file view of a gzip OCI archive: skipped (skopeo is not installed)');
    else {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-oci-bench-'));
      try {
        const archive = path.join(dir, 'big.tar');
        const from = `docker-daemon:${big}`;
        execFileSync('skopeo', ['copy', '--quiet', '--src-daemon-host', engine.host, from, `oci-archive:${archive}`]);
        const oci = await timeFileView(async () => fs.createReadStream(archive));
        console.log(
          `  file view of a gzip OCI archive of the same image (${oci.mb} MB, ${oci.unpacked} MB unpacked, ` +
            `${oci.files} files): ${oci.seconds} s, ${oci.memory}`,
        );
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    api.close();
  }
}

/** Reads an archive through the file view's reader, sampling the process's memory as it goes. */
async function timeFileView(
  open: () => Promise<AsyncIterable<Uint8Array>>,
): Promise<{ mb: string; unpacked: string; files: number; seconds: string; memory: string }> {
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  try {
    const result = await readImageArchive(await open());
    return {
      mb: (result.bytes / 1e6).toFixed(0),
      unpacked: (result.unpacked / 1e6).toFixed(0),
      files: result.layers.reduce((n, l) => n + l.files.length, 0),
      seconds: ((performance.now() - started) / 1000).toFixed(1),
      memory: `peak RSS ${(peak / 1e6).toFixed(0)} MB (${((peak - rssBefore) / 1e6).toFixed(0)} MB above the start)`,
    };
  } finally {
    clearInterval(sampler);
  }
}
