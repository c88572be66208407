import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readImageArchive, type LayerFiles } from '../../src/panels/layers/imageTar';
import { buildLayerView } from '../../src/panels/layers/layerData';
import { layerBody, layerFilesHtml } from '../../src/panels/layers/layerHtml';
import { requireEngine, TEST_IMAGE, type TestEngine } from '../support/dockerEngine';
import { apiFor } from '../support/dockerModel';
import { buildOffline, expectedListing, listingOf, tarNames } from '../support/layerArchives';
import { which } from '../support/system';
import { itemAt } from '../support/itemAt';

/**
 * The containerd image store's `docker save` writes an OCI image layout. The engine here has the classic store,
 * so skopeo turns the engine's own image into the three kinds of layout (uncompressed, gzip, zstd) that such an
 * archive may hold, and GNU tar, gzip and zstd, run on the extracted blobs, say what each layer lists.
 */

const LONG = `${'verzeichnis-mit-langem-namen/'.repeat(5)}grüße.txt`;
const DOCKERFILE = [
  `FROM ${TEST_IMAGE}`,
  'RUN mkdir -p /data/old && echo a > /data/old/a && echo b > /data/keep && echo t > /tmp.txt',
  'ENV STAGE=two',
  'RUN rm -rf /data && mkdir /data && echo c > /data/new && rm /tmp.txt',
  `RUN mkdir -p "/${path.posix.dirname(LONG)}" && echo lang > "/${LONG}"`,
  'COPY app/ /app/',
  '',
].join('\n');

function cli(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { env, maxBuffer: 64 << 20 }, (err, out, stderr) =>
      err ? reject(new Error(`${cmd}: ${stderr || err.message}`)) : resolve(out),
    ),
  );
}

/**
 * The tool that undoes a blob's compression, by its magic bytes. Not by its media type: skopeo 1.9 labels the
 * layers it leaves uncompressed `tar+gzip` all the same.
 */
function decompressor(blob: string): string[] | undefined {
  const head = Buffer.alloc(4);
  const fd = fs.openSync(blob, 'r');
  fs.readSync(fd, head, 0, 4, 0);
  fs.closeSync(fd);
  if (head[0] === 0x1f && head[1] === 0x8b) return ['gzip', '-dc'];
  if (head.readUInt32LE(0) === 0xfd2fb528) return ['zstd', '-dcq'];
  return undefined;
}

describe('the layer panel reads OCI image layouts, as the containerd image store saves them', function () {
  let engine: TestEngine;
  let dir: string;
  const tag = `dockside-oci:${process.pid}`;

  before(async function () {
    this.timeout(120000);
    const missing = ['skopeo', 'zstd'].filter((t) => !which(t));
    if (missing.length) {
      console.log(`    (skipped: ${missing.join(' and ')} not installed; .ci/run installs them)`);
      this.skip();
    }
    engine = await requireEngine(this);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-oci-'));
    await buildOffline(engine, DOCKERFILE, { 'app/index.html': '<p>hi</p>\n' }, tag);
  });

  after(async () => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await engine?.docker
      .getImage(tag)
      .remove({ force: true })
      .catch(() => undefined);
  });

  const formats: [string, string[]][] = [
    ['uncompressed', ['--dest-oci-accept-uncompressed-layers']],
    ['gzip', []],
    ['zstd', ['--dest-compress', '--dest-compress-format', 'zstd']],
  ];
  for (const [name, flags] of formats) {
    it(`lists every ${name} layer of an OCI archive as tar -t lists it after decompressing`, async function () {
      this.timeout(120000);
      const archive = path.join(dir, `${name}.tar`);
      await cli(
        'skopeo',
        [
          'copy',
          '--quiet',
          '--src-daemon-host',
          engine.host,
          ...flags,
          `docker-daemon:${tag}`,
          `oci-archive:${archive}`,
        ],
        engine.env,
      );
      const files = await readImageArchive(fs.createReadStream(archive), {
        platform: { os: 'linux', architecture: 'amd64' },
      });

      // The oracle: skopeo's reading of the manifest, and the system's tools on each extracted blob.
      const manifest = JSON.parse(await cli('skopeo', ['inspect', '--raw', `oci-archive:${archive}`], engine.env)) as {
        layers: { digest: string }[];
      };
      const out = path.join(dir, name);
      fs.mkdirSync(out);
      execFileSync('tar', ['-xf', archive, '-C', out]);
      assert.equal(files.format, 'oci');
      assert.equal(files.layers.length, manifest.layers.length);
      const expectedKind = name === 'uncompressed' ? 'none' : name;
      manifest.layers.forEach((layer, n) => {
        const blob = path.join(out, 'blobs', ...layer.digest.split(':'));
        const tool = decompressor(blob);
        assert.equal(tool?.[0] ?? 'none', expectedKind, 'skopeo compressed as asked');
        const [command, ...args] = tool ?? [];
        const plain = command
          ? execFileSync(command, [...args, blob], { maxBuffer: 256 << 20 })
          : fs.readFileSync(blob);
        assert.deepEqual(listingOf(files, n), expectedListing(tarNames(plain)), `layer ${n + 1}`);
        assert.equal(itemAt(files.layers, n, 'layer').compression, expectedKind);
      });
      await matchesHistory(files);
    });
  }

  /** Layers are matched to the engine's history steps, and whiteouts and opaque folders read as deletions. */
  async function matchesHistory(files: LayerFiles): Promise<void> {
    const api = apiFor(engine.host);
    try {
      const steps = [...(await api.imageHistory(tag))].reverse();
      assert.equal(files.historySteps, steps.length, 'the archive has the same history as the engine');
      const byStep = (text: string) => files.layers.find((l) => steps[l.historyIndex]?.CreatedBy.includes(text))!;
      const cleanup = byStep('rm -rf /data');
      assert.deepEqual(
        cleanup.files
          .filter((f) => f.kind === 'deleted')
          .map((f) => [f.path, f.opaque ?? false])
          .sort(),
        [
          ['data', true],
          ['tmp.txt', false],
        ],
      );
      assert.deepEqual(files.wasters.map((w) => w.path).sort(), ['data/keep', 'data/old/a', 'tmp.txt']);
      assert.ok(
        byStep('lang >').files.some((f) => f.path === LONG && f.size === 5),
        'the long non-ASCII name is read whole',
      );
      const view = buildLayerView(tag, 'id', 1, await api.imageHistory(tag));
      assert.match(layerFilesHtml(files, view), /RUN rm -rf \/data/);
    } finally {
      api.close();
    }
  }

  it('says the base cannot be known when history shows <missing> below the top, as after a load', async function () {
    this.timeout(120000);
    // A loaded image has no parent chain: `docker history` shows <missing> for every older step, as on the
    // containerd image store. The panel must not guess a base from that.
    const loaded = `dockside-oci-loaded:${process.pid}`;
    const archive = path.join(dir, 'loaded.tar');
    await cli('docker', ['tag', tag, loaded], engine.env);
    await cli('docker', ['save', '-o', archive, loaded], engine.env);
    await cli('docker', ['rmi', loaded], engine.env);
    await cli('docker', ['rmi', tag], engine.env);
    try {
      await cli('docker', ['load', '-i', archive], engine.env);
      const ids = (await cli('docker', ['history', '-q', '--no-trunc', loaded], engine.env)).trim().split('\n');
      assert.ok(
        ids.slice(1).every((id) => id === '<missing>'),
        `docker history shows <missing> below the top: ${ids.join(' ')}`,
      );
      const api = apiFor(engine.host);
      try {
        const view = buildLayerView(loaded, 'id', 1, await api.imageHistory(loaded));
        assert.equal(view.baseUnknown, true);
        assert.match(layerBody(view), /Where the base image ends cannot be known for this image/);
        const files = await readImageArchive(fs.createReadStream(archive));
        assert.ok(
          files.layers.every((l) => l.historyIndex >= 0),
          'the file view still matches layers to steps',
        );
      } finally {
        api.close();
      }
    } finally {
      await cli('docker', ['tag', loaded, tag], engine.env).catch(() => undefined);
      await cli('docker', ['rmi', loaded], engine.env).catch(() => undefined);
    }
  });
});
