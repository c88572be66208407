import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { DockerModel } from '../src/docker/model';
import { toContainer } from '../src/docker/normalize';
import type { RawContainer } from '../src/docker/types';
import { ensureTestImage, getTestEngine, TEST_IMAGE, type TestEngine } from '../test/support/dockerEngine';
import { apiFor } from '../test/support/dockerModel';
import { benchLayers } from './layersBench';
import { inTurns, median } from './measure';

const LABEL = 'dockside.bench';
const CONTAINERS = 500;
const IMAGES = 200;

function timeProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { env, maxBuffer: 64 << 20 }, (err) =>
      err ? reject(err) : resolve(performance.now() - started),
    ),
  );
}

export async function populate(engine: TestEngine): Promise<void> {
  const { docker } = engine;
  const existing = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [LABEL] }) });
  for (let i = existing.length; i < CONTAINERS; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, CONTAINERS - i) }, (_, k) =>
        docker.createContainer({
          Image: TEST_IMAGE,
          Cmd: ['sleep', '1'],
          Labels: { [LABEL]: String(i + k) },
          HostConfig: { NetworkMode: 'none' },
        }),
      ),
    );
  }
  const images = await docker.listImages({ filters: JSON.stringify({ label: [LABEL] }) });
  // Distinct images need distinct content: import a one-file layer each.
  for (let i = images.length; i < IMAGES; i++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-bench-img-'));
    fs.writeFileSync(path.join(dir, 'n'), String(i));
    const tar = spawn('tar', ['-C', dir, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const stream = await docker.importImage(
      tar.stdout as unknown as string,
      { repo: 'dockside-bench', tag: String(i), changes: [`LABEL ${LABEL}=${i}`] } as object,
    );
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())),
    );
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The explorer's model against the real engine: first population, event latency, calls per event, memory. */
export async function benchExplorer(): Promise<void> {
  const engine = await getTestEngine();
  if ('unavailable' in engine) {
    console.log(`\nExplorer: SKIPPED, no Docker engine (${engine.unavailable})`);
    return;
  }
  try {
    await ensureTestImage(engine.docker);
    console.log(
      `\nExplorer (real engine at ${engine.host}; creating ${CONTAINERS} containers and ${IMAGES} images once)`,
    );
    await populate(engine);
    const counts = {
      containers: (await engine.docker.listContainers({ all: true })).length,
      images: (await engine.docker.listImages()).length,
    };
    console.log(`  engine holds ${counts.containers} containers, ${counts.images} images`);

    const firstListings: number[] = [];
    const populations: number[] = [];
    const raw: number[] = [];
    const cli: number[] = [];
    const rawListing = async () => {
      // Each on a new connection, as the explorer's first listing is.
      const api = apiFor(engine.host);
      const started = performance.now();
      await api.listContainers();
      raw.push(performance.now() - started);
      api.close();
    };
    const modelListing = async () => {
      const model = new DockerModel(apiFor(engine.host));
      let listed = NaN;
      model.onDidChange((change) => {
        if (Number.isNaN(listed) && model.state.status === 'connected' && change.kinds.includes('container'))
          listed = performance.now() - started;
      });
      const started = performance.now();
      await model.start();
      populations.push(performance.now() - started);
      firstListings.push(listed);
      // What the model asks after its population (the exits of the last minutes) ends before the next run.
      await model.settled();
      model.dispose();
      model.api.close();
    };
    await inTurns([modelListing, rawListing], 21, async () =>
      cli.push(
        await timeProcess('docker', ['ps', '-a'], { ...process.env, DOCKER_HOST: engine.host }).catch(() => NaN),
      ),
    );
    console.log(
      '  first listing (events subscribed, containers in the model, the views told): ' +
        `${median(firstListings).toFixed(1)} ms`,
    );
    console.log(
      `  raw GET /containers/json alone: ${median(raw).toFixed(1)} ms; ` +
        `ratio ${(median(firstListings) / median(raw)).toFixed(2)} (target ≤ 1.2)`,
    );
    console.log(
      `  full population (images, volumes, networks and version too): ${median(populations).toFixed(1)} ms; ` +
        `"docker ps -a" as a process: ${median(cli).toFixed(1)} ms`,
    );

    const api = apiFor(engine.host);
    const model = new DockerModel(api);
    await model.start();
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const container = await engine.docker.createContainer({
        Image: TEST_IMAGE,
        Cmd: ['sleep', '1'],
        Labels: { [LABEL]: `latency-${i}` },
        HostConfig: { NetworkMode: 'none' },
      });
      const created = performance.now();
      while (!model.containers.has(container.id)) await new Promise((r) => setImmediate(r));
      latencies.push(performance.now() - created);
      await container.remove({ force: true });
    }
    console.log(
      `  event reflected in the model: median ${median(latencies).toFixed(1)} ms, ` +
        `worst ${Math.max(...latencies).toFixed(1)} ms after the API call returned (target ≤ 50 ms)`,
    );

    const callsBefore = api.calls;
    const eventsBefore = model.eventsSeen;
    const ids = [...model.containers.values()]
      .filter((c) => c.labels[LABEL] !== undefined)
      .slice(0, 100)
      .map((c) => c.id);
    await Promise.all(
      ids.map((id) => engine.docker.getContainer(id).rename({ name: `bench-renamed-${id.slice(0, 8)}` })),
    );
    while (model.eventsSeen - eventsBefore < ids.length) await new Promise((r) => setTimeout(r, 5));
    await model.settled();
    console.log(
      `  ${model.eventsSeen - eventsBefore} rename events cost ${api.calls - callsBefore} Engine API calls ` +
        '(no re-list)',
    );
    model.dispose();
    api.close();

    const sample = (await engine.docker.listContainers({ all: true, limit: 1 }))[0] as unknown as RawContainer;
    (global as { gc?: () => void }).gc?.();
    const before = process.memoryUsage().heapUsed;
    const big = new Map<string, ReturnType<typeof toContainer>>();
    for (let i = 0; i < 2000; i++) {
      const copy = JSON.parse(JSON.stringify(sample)) as RawContainer;
      copy.Id = `${i}`.padStart(64, '0');
      copy.Names = [`/container-${i}`];
      big.set(copy.Id, toContainer(copy));
    }
    (global as { gc?: () => void }).gc?.();
    console.log(
      `  model memory for 2,000 containers: ${((process.memoryUsage().heapUsed - before) / 1e6).toFixed(1)} MB ` +
        `(target < 50 MB)${(global as { gc?: () => void }).gc ? '' : ' (run with --expose-gc for an exact figure)'}`,
    );
    big.clear();
    await benchLayers(engine);
  } finally {
    if (!engine.private) {
      for (const c of await engine.docker.listContainers({ all: true, filters: JSON.stringify({ label: [LABEL] }) }))
        await engine.docker.getContainer(c.Id).remove({ force: true });
    }
  }
}
