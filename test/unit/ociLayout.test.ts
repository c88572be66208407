import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readImageArchive, type ReadOptions } from '../../src/panels/layers/imageTar';
import { buildLayerView, matchDockerfile, type RawHistoryEntry } from '../../src/panels/layers/layerData';
import { layerBody, layerFilesHtml } from '../../src/panels/layers/layerHtml';
import { expectedListing, listingOf, pieces, tarNames, tarOf } from '../support/layerArchives';
import { which } from '../support/system';
import { itemAt } from '../support/itemAt';

const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const INDEX = 'application/vnd.oci.image.index.v1+json';

/** An OCI image layout built blob by blob; `archive()` puts index.json last, after every blob, as it may come. */
class OciLayout {
  private readonly blobs = new Map<string, Buffer>();

  blob(content: Buffer | object): string {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(JSON.stringify(content));
    const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    this.blobs.set(digest, data);
    return digest;
  }

  drop(digest: string): void {
    this.blobs.delete(digest);
  }

  /** A manifest for these layer blobs, with a config holding this history. */
  image(layers: string[], history: object[]): string {
    const config = this.blob({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers' }, history });
    return this.blob({
      schemaVersion: 2,
      mediaType: MANIFEST,
      config: { digest: config },
      layers: layers.map((digest) => ({ digest })),
    });
  }

  archive(top: object[], extra: { name: string; data: Buffer }[] = []): Buffer {
    return tarOf([
      ...[...this.blobs].map(([digest, data]) => ({ name: `blobs/sha256/${digest.slice(7)}`, data })),
      ...extra,
      { name: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
      { name: 'index.json', data: Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: top })) },
    ]);
  }
}

/** A layer tar made by GNU tar from these files (an empty content makes an empty file: whiteouts are those). */
function layerTar(dir: string, files: Record<string, string>): Buffer {
  const root = fs.mkdtempSync(path.join(dir, 'layer-'));
  for (const [p, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    fs.writeFileSync(path.join(root, p), content);
  }
  return execFileSync('tar', ['-C', root, '-cf', '-', '.'], { maxBuffer: 64 << 20 });
}

const read = (archive: Buffer, options: ReadOptions = {}) => readImageArchive(pieces(archive), options);

describe('reading an OCI image layout (the containerd image store)', function () {
  let dir: string;
  before(function () {
    if (!which('zstd')) {
      console.log('    (skipped: the zstd tool is not installed; .ci/run installs it)');
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-oci-'));
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  it('lists uncompressed, gzip and zstd layers as tar -t does, though index.json comes after the blobs', async () => {
    const base = layerTar(dir, {
      'etc/os-release': 'ID=test\n',
      'usr/lib/tool/a.so': 'a'.repeat(3000),
      'tmp/cache.bin': 'c'.repeat(9000),
    });
    const middle = layerTar(dir, {
      'usr/lib/tool/.wh..wh..opq': '',
      'usr/lib/tool/b.so': 'b'.repeat(100),
      'etc/os-release': 'ID=test\nV=2\n',
    });
    const top = layerTar(dir, { 'tmp/.wh.cache.bin': '', 'app/main.js': 'console.log(1)\n' });
    const layout = new OciLayout();
    const digests = [
      layout.blob(base),
      layout.blob(execFileSync('gzip', ['-c'], { input: middle })),
      layout.blob(execFileSync('zstd', ['-q', '-c'], { input: top })),
    ];
    const history = [
      { created_by: 'ADD base' },
      { created_by: 'ENV X=1', empty_layer: true },
      { created_by: 'RUN update' },
      { created_by: 'COPY app' },
    ];
    const manifest = layout.image(digests, history);
    const files = await read(layout.archive([{ mediaType: MANIFEST, digest: manifest }]));
    assert.equal(files.format, 'oci');
    assert.deepEqual(
      files.layers.map((l) => [l.compression, l.historyIndex]),
      [
        ['none', 0],
        ['gzip', 2],
        ['zstd', 3],
      ],
    );
    [base, middle, top].forEach((layer, n) =>
      assert.deepEqual(listingOf(files, n), expectedListing(tarNames(layer)), `layer ${n + 1}`),
    );
    assert.deepEqual(
      files.wasters.map((w) => [w.path, w.addedIn, w.removedIn]),
      [
        ['tmp/cache.bin', 0, 2],
        ['usr/lib/tool/a.so', 0, 1],
        ['etc/os-release', 0, 1],
      ],
    );
    assert.deepEqual(files.notes, []);
    const view = buildLayerView(
      't',
      'i',
      1,
      [...history].reverse().map((h, i) => ({ Id: '<missing>', Created: 1, CreatedBy: h.created_by, Size: i })),
    );
    const html = layerFilesHtml(files, view);
    assert.match(
      html,
      new RegExp(
        'Read from an OCI image layout \\(the containerd image store writes these\\) ' +
          'with uncompressed and gzip and zstd layers\\.',
      ),
    );
    assert.match(
      html,
      /<code>\/usr\/lib\/tool\/<\/code> <span class="muted">emptied: what earlier layers put here is hidden/,
    );
    assert.match(html, /4\. COPY app/);
  });

  it("picks the engine's platform from a multi-platform index, and says which it showed and why", async () => {
    const layout = new OciLayout();
    const amd = layout.image([layout.blob(layerTar(dir, { 'bin/amd64': 'x' }))], [{ created_by: 'amd' }]);
    const arm = layout.image([layout.blob(layerTar(dir, { 'bin/arm64': 'x' }))], [{ created_by: 'arm' }]);
    const attestation = layout.blob({ schemaVersion: 2, mediaType: MANIFEST, layers: [] });
    const index = layout.blob({
      schemaVersion: 2,
      mediaType: INDEX,
      manifests: [
        { mediaType: MANIFEST, digest: amd, platform: { os: 'linux', architecture: 'amd64' } },
        { mediaType: MANIFEST, digest: arm, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        {
          mediaType: MANIFEST,
          digest: attestation,
          platform: { os: 'unknown', architecture: 'unknown' },
          annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
        },
      ],
    });
    const top = [
      { mediaType: INDEX, digest: index, annotations: { 'io.containerd.image.name': 'docker.io/library/t:1' } },
    ];

    const onArm = await read(layout.archive(top), { platform: { os: 'linux', architecture: 'arm64' } });
    assert.equal(onArm.platform, 'linux/arm64/v8');
    assert.deepEqual(listingOf(onArm, 0), [['bin/arm64', 'file']]);
    assert.deepEqual(onArm.notes, [
      'This is a multi-platform image (linux/amd64, linux/arm64/v8). ' +
        "The files shown are those of linux/arm64/v8, this engine's platform.",
    ]);

    const onS390 = await read(layout.archive(top), { platform: { os: 'linux', architecture: 's390x' } });
    assert.equal(onS390.platform, 'linux/amd64');
    assert.match(
      itemAt(onS390.notes, 0, 'note'),
      new RegExp(
        'The files shown are those of linux/amd64, the first whose content is stored here: ' +
          "this engine's platform, linux/s390x, is not\\.",
      ),
    );

    layout.drop(amd);
    const armOnly = await read(layout.archive(top), { platform: { os: 'linux', architecture: 'amd64' } });
    assert.equal(armOnly.platform, 'linux/arm64/v8');
    assert.match(
      armOnly.notes.join(' '),
      /The content of linux\/amd64 is not stored on this engine, so those files cannot be listed\./,
    );
  });

  it('prefers index.json when manifest.json is there too, as Docker 25 and later write both', async () => {
    const layout = new OciLayout();
    const layer = layout.blob(layerTar(dir, { 'hello.txt': 'hi' }));
    const manifest = layout.image([layer], [{ created_by: 'COPY hello.txt' }]);
    const docker = [{ Config: 'blobs/sha256/none', Layers: [`blobs/sha256/${layer.slice(7)}`] }];
    const files = await read(
      layout.archive(
        [{ mediaType: MANIFEST, digest: manifest }],
        [{ name: 'manifest.json', data: Buffer.from(JSON.stringify(docker)) }],
      ),
    );
    assert.equal(files.format, 'oci');
    assert.deepEqual(
      files.layers.map((l) => l.historyIndex),
      [0],
    );
  });

  it('says which layers it cannot list: one in a format it does not read, one not in the archive', async () => {
    const layout = new OciLayout();
    const bzip = layout.blob(Buffer.concat([Buffer.from('BZh91AY&SY'), Buffer.alloc(600, 1)]));
    const absent = layout.blob(layerTar(dir, { 'gone.txt': 'x' }));
    layout.drop(absent);
    const manifest = layout.image([bzip, absent], [{ created_by: 'one' }, { created_by: 'two' }]);
    const files = await read(layout.archive([{ mediaType: MANIFEST, digest: manifest }]));
    assert.deepEqual(files.notes, [
      `The files of layer 1 (sha256:${bzip.slice(7, 19)}) cannot be listed: ` +
        'it is in a format Dockside does not read (neither tar, gzip nor zstd).',
      `The files of layer 2 (sha256:${absent.slice(7, 19)}) cannot be listed: ` +
        'it is not in the archive (the engine does not store it, or does not export it).',
    ]);
    const view = buildLayerView('t', 'i', 1, [
      { Id: 'b', Created: 1, CreatedBy: 'RUN two', Size: 1 },
      { Id: 'a', Created: 1, CreatedBy: 'RUN one', Size: 1 },
    ]);
    assert.match(
      layerFilesHtml(files, view),
      /1\. RUN one · 0 B · files unknown: it is in a format Dockside does not read/,
    );
  });

  it('leaves out a large JSON blob it does not need, and reports one it needs', async () => {
    const layout = new OciLayout();
    const layer = layout.blob(layerTar(dir, { 'a.txt': 'a' }));
    layout.blob({ predicateType: 'https://spdx.dev/Document', predicate: 'x'.repeat(5 << 20) });
    const manifest = layout.image([layer], [{ created_by: 'COPY a.txt' }]);
    const files = await read(layout.archive([{ mediaType: MANIFEST, digest: manifest }]));
    assert.deepEqual(listingOf(files, 0), [['a.txt', 'file']]);
    const big = layout.image([layer], [{ created_by: 'x'.repeat(5 << 20) }]);
    await assert.rejects(
      read(layout.archive([{ mediaType: MANIFEST, digest: big }])),
      /The image's config \(sha256:\w{12}\) is too large to read: Dockside keeps at most 4 MB of JSON per file\./,
    );
  });

  it('reports a manifest that names no content in the archive', async () => {
    const layout = new OciLayout();
    const manifest = layout.image([], []);
    layout.drop(manifest);
    await assert.rejects(
      read(layout.archive([{ mediaType: MANIFEST, digest: manifest }])),
      /lists 1 image manifest\(s\) but holds none of them/,
    );
    await assert.rejects(
      read(layout.archive([{ mediaType: MANIFEST, digest: 'sha256:../../etc/passwd' }])),
      /malformed digest/,
    );
  });
});

describe('history on the containerd image store', () => {
  /** What the engine answers there: one row per config history entry, `<missing>` but for the top, no tags below it. */
  const HISTORY: RawHistoryEntry[] = [
    {
      Id: 'sha256:top',
      Created: 90,
      CreatedBy: 'CMD ["node" "server.js"]',
      Tags: ['web:2'],
      Size: 0,
      Comment: 'buildkit.dockerfile.v0',
    },
    {
      Id: '<missing>',
      Created: 90,
      CreatedBy: 'COPY . /app # buildkit',
      Tags: null,
      Size: 4000,
      Comment: 'buildkit.dockerfile.v0',
    },
    {
      Id: '<missing>',
      Created: 89,
      CreatedBy: 'RUN /bin/sh -c npm ci # buildkit',
      Tags: null,
      Size: 90_000,
      Comment: 'buildkit.dockerfile.v0',
    },
    { Id: '<missing>', Created: 10, CreatedBy: '/bin/sh -c #(nop)  CMD ["node"]', Tags: null, Size: 0 },
    { Id: '<missing>', Created: 9, CreatedBy: '/bin/sh -c #(nop) ADD file:abc in / ', Tags: null, Size: 70_000_000 },
  ];

  it('does not guess where the base ends when every older step is <missing>, and says so', () => {
    const view = buildLayerView('web:2', 'sha256:top', 90, HISTORY);
    assert.equal(view.baseUnknown, true);
    assert.equal(view.baseTop, -1);
    assert.ok(view.steps.every((s) => !s.base));
    const html = layerBody(view);
    assert.match(
      html,
      new RegExp(
        'Where the base image ends cannot be known for this image: ' +
          'the engine lists every step below the newest as &lt;missing&gt;',
      ),
    );
    assert.doesNotMatch(html, /this build adds/);
    assert.doesNotMatch(html, /▼ base image/);
  });

  it("links steps to the Dockerfile from the newest back, so the base's CMD does not take our line", () => {
    const view = buildLayerView('web:2', 'sha256:top', 90, HISTORY);
    const matched = matchDockerfile(
      view,
      ['FROM node:20', 'RUN npm ci', 'COPY . /app', 'CMD ["node", "server.js"]', ''].join('\n'),
    );
    assert.equal(matched, 3);
    assert.deepEqual(
      view.steps.map((s) => s.line),
      [undefined, undefined, 1, 2, 3],
    );
  });

  it('still marks the base when a row below the top is a known image', () => {
    const classic = HISTORY.map((h, i) => (i === 3 ? { ...h, Id: 'sha256:node', Tags: ['node:20'] } : h));
    const view = buildLayerView('web:2', 'sha256:top', 90, classic);
    assert.equal(view.baseUnknown, undefined);
    assert.equal(view.baseName, 'node:20');
    assert.equal(view.baseTop, 1);
  });
});
