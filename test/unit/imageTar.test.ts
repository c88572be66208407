import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { ImageArchiveError, readImageArchive, type ReadOptions } from '../../src/panels/layers/imageTar';
import { stackLayers } from '../../src/panels/layers/layerDiff';
import type { RawEntry } from '../../src/panels/layers/layerListing';
import { ZstdBlocks } from '../../src/panels/layers/zstdBlocks';
import { buildLayerView } from '../../src/panels/layers/layerData';
import { layerFilesHtml } from '../../src/panels/layers/layerHtml';
import { expectedListing, listingOf, pieces, tarHeader, tarNames, tarOf } from '../support/layerArchives';
import { itemAt } from '../support/itemAt';
import { which } from '../support/system';

/** A classic `docker save` archive, made with the system's tar: two layers, a whiteout, a long name. */
function imageTar(dir: string): Buffer {
  const longName = `${'deep/'.repeat(30)}file.txt`;
  const layer = (name: string, files: Record<string, string>) => {
    const root = path.join(dir, `${name}-root`);
    for (const [p, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
      fs.writeFileSync(path.join(root, p), content);
    }
    fs.mkdirSync(path.join(dir, 'out', name), { recursive: true });
    execFileSync('tar', ['-C', root, '-cf', path.join(dir, 'out', name, 'layer.tar'), '.']);
  };
  // A link whose target is longer than a tar header holds: GNU tar writes a long-link (K) record before it.
  fs.mkdirSync(path.join(dir, 'aaa-root', 'usr'), { recursive: true });
  fs.symlinkSync(`/${'target/'.repeat(20)}file`, path.join(dir, 'aaa-root', 'usr', 'link'));
  layer('aaa', { 'tmp/big.bin': 'x'.repeat(5000), 'etc/motd': 'one\n', [longName]: 'long\n', 'keep/<b>.txt': 'k' });
  layer('bbb', { 'tmp/.wh.big.bin': '', 'etc/motd': 'two, longer\n' });
  fs.writeFileSync(
    path.join(dir, 'out', 'manifest.json'),
    JSON.stringify([{ Config: 'cfg.json', RepoTags: ['t:1'], Layers: ['aaa/layer.tar', 'bbb/layer.tar'] }]),
  );
  fs.writeFileSync(
    path.join(dir, 'out', 'cfg.json'),
    JSON.stringify({
      history: [{ created_by: 'import' }, { created_by: 'ENV A=1', empty_layer: true }, { created_by: 'RUN cleanup' }],
    }),
  );
  execFileSync('tar', ['-C', path.join(dir, 'out'), '-cf', path.join(dir, 'image.tar'), '.']);
  return fs.readFileSync(path.join(dir, 'image.tar'));
}

/** A classic archive around hand-made layer tars (given as bytes, compressed or not). */
function classicArchive(layers: Buffer[], history?: object[]): Buffer {
  const entries = layers.map((data, i) => ({ name: `l${i}/layer.tar`, data }));
  const cfg = { history: history ?? layers.map((_, i) => ({ created_by: `RUN step ${i}` })) };
  return tarOf([
    ...entries,
    { name: 'cfg.json', data: Buffer.from(JSON.stringify(cfg)) },
    {
      name: 'manifest.json',
      data: Buffer.from(JSON.stringify([{ Config: 'cfg.json', Layers: entries.map((e) => e.name) }])),
    },
  ]);
}

async function failure(archive: Buffer, options: ReadOptions = {}): Promise<ImageArchiveError> {
  try {
    await readImageArchive(pieces(archive, 4096), options);
  } catch (err) {
    assert.ok(err instanceof ImageArchiveError, `a report in words, not ${(err as Error).stack}`);
    return err;
  }
  assert.fail('the archive was read as if it were fine');
}

describe('reading an image tar as a stream', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-tar-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lists files per layer in small chunks, follows whiteouts and long names, and counts wasted bytes', async () => {
    const result = await readImageArchive(pieces(imageTar(dir)));
    assert.equal(result.format, 'docker');
    assert.deepEqual(
      result.layers.map((l) => l.historyIndex),
      [0, 2],
      'layers map to non-empty history steps',
    );
    const first = itemAt(result.layers, 0, 'layer')
      .files.filter((f) => f.size > 0)
      .map((f) => [f.path, f.size, f.kind])
      .sort();
    assert.deepEqual(first, [
      [`${'deep/'.repeat(30)}file.txt`, 5, 'added'],
      ['etc/motd', 4, 'added'],
      ['keep/<b>.txt', 1, 'added'],
      ['tmp/big.bin', 5000, 'added'],
    ]);
    const paths = itemAt(result.layers, 0, 'layer').files.map((f) => f.path);
    assert.ok(paths.includes('usr/link'), 'the link is listed under its own name');
    assert.ok(!paths.some((p) => p.includes('@LongLink')), 'the long-link record is not a file');
    const second = itemAt(result.layers, 1, 'layer')
      .files.map((f) => [f.path, f.kind])
      .sort();
    assert.deepEqual(second, [
      ['etc/motd', 'changed'],
      ['tmp/big.bin', 'deleted'],
    ]);
    assert.equal(result.wasted, 5004);
    assert.deepEqual(
      result.wasters.map((w) => [w.path, w.size, w.addedIn, w.removedIn]),
      [
        ['tmp/big.bin', 5000, 0, 1],
        ['etc/motd', 4, 0, 1],
      ],
    );
    assert.equal(itemAt(result.layers, 0, 'layer').wasted, 5004);
    for (const [n, name] of ['aaa', 'bbb'].entries()) {
      assert.deepEqual(
        listingOf(result, n),
        expectedListing(tarNames(fs.readFileSync(path.join(dir, 'out', name, 'layer.tar')))),
        `layer ${name} as tar -t lists it`,
      );
    }
  });

  it('renders the files view escaped, naming each layer after its step', async () => {
    const files = await readImageArchive(pieces(imageTar(fs.mkdtempSync(path.join(dir, 'x-')))));
    const view = buildLayerView('t:1', 'i', 1, [
      { Id: 'c', Created: 3, CreatedBy: '/bin/sh -c cleanup', Size: 12 },
      { Id: 'b', Created: 2, CreatedBy: '/bin/sh -c #(nop)  ENV A=1', Size: 0 },
      { Id: 'a', Created: 1, CreatedBy: '', Size: 5009, Comment: 'Imported from -' },
    ]);
    const html = layerFilesHtml(files, view);
    assert.match(html, /5\.0 kB wasted/);
    assert.match(html, /<code>\/keep\/&lt;b&gt;\.txt<\/code>/);
    assert.ok(!html.includes('<b>'));
    assert.match(html, /3\. RUN cleanup/);
    assert.match(html, /Read from a classic <code>docker save<\/code> archive with uncompressed layers\./);
  });

  it('reads pax headers (long and non-ASCII names, long link targets) as tar -t does', async () => {
    const root = fs.mkdtempSync(path.join(dir, 'pax-'));
    const long = `${'ĉapitro-'.repeat(20)}/dosiero ĝis la fino.txt`;
    fs.mkdirSync(path.join(root, path.dirname(long)), { recursive: true });
    fs.writeFileSync(path.join(root, long), 'pax\n');
    fs.symlinkSync(`/${'celo/'.repeat(40)}x`, path.join(root, 'ligilo'));
    const layer = execFileSync('tar', ['--format=pax', '-C', root, '-cf', '-', '.']);
    const files = await readImageArchive(pieces(classicArchive([layer]), 100));
    assert.deepEqual(listingOf(files, 0), expectedListing(tarNames(layer)));
    assert.ok(itemAt(files.layers, 0, 'layer').files.some((f) => f.path === long && f.size === 4));
  });

  it('reads base-256 sizes, as GNU tar writes them for files past 8 GiB', async () => {
    const data = Buffer.alloc(700, 7);
    const layer = tarOf([
      { name: 'big.img', data, size256: true },
      { name: 'after.txt', data: Buffer.from('a') },
    ]);
    assert.match(
      execFileSync('tar', ['-tvf', '-'], { input: layer }).toString(),
      /\s700 .*big\.img/,
      'GNU tar reads the size too',
    );
    const files = await readImageArchive(pieces(classicArchive([layer])));
    assert.deepEqual(
      itemAt(files.layers, 0, 'layer').files.map((f) => [f.path, f.size]),
      [
        ['big.img', 700],
        ['after.txt', 1],
      ],
    );
  });

  it('says when layers and history steps do not line up, and names layers by number then', async () => {
    const layer = tarOf([{ name: 'a', data: Buffer.from('a') }]);
    const files = await readImageArchive(pieces(classicArchive([layer, layer], [{ created_by: 'only one step' }])));
    assert.deepEqual(
      files.layers.map((l) => l.historyIndex),
      [-1, -1],
    );
    assert.match(
      files.notes.join(' '),
      /has 2 layers, but its history records 1 steps that made one, so which step made which layer cannot be known/,
    );
    const view = buildLayerView('t', 'i', 1, [{ Id: 'x', Created: 1, CreatedBy: 'RUN only one step', Size: 1 }]);
    assert.match(layerFilesHtml(files, view), /Layer 2 of 2 \(bottom first\)/);
  });
});

describe('stacking layers', () => {
  it('applies 20,000 whiteouts to 20,000 files in linear work', () => {
    const n = 20_000;
    const files: RawEntry[] = Array.from({ length: n }, (_, i) => ({
      path: `usr/lib/d${i % 50}/f${i}`,
      size: 10,
      kind: 'file',
    }));
    const whiteouts: RawEntry[] = Array.from({ length: n }, (_, i) => ({
      path: `usr/lib/d${i % 50}/f${i}`,
      size: 0,
      kind: 'whiteout',
    }));
    const result = stackLayers([files, whiteouts]);
    assert.equal(result.wasted, 10 * n);
    assert.equal(itemAt(result.layers, 1, 'layer').files.filter((f) => f.kind === 'deleted').length, n);
    // Each entry walks its four path segments and each deleted file is visited once: 9 per file.
    // Checking every whiteout against every file would be 400 million.
    assert.ok(result.ops <= 9 * n, `${result.ops} tree steps for ${2 * n} entries`);
  });

  it('lets an opaque folder hide only what earlier layers put there, in linear work', () => {
    const n = 20_000;
    const lower: RawEntry[] = Array.from({ length: n }, (_, i) => ({ path: `app/f${i}`, size: 1, kind: 'file' }));
    const upper: RawEntry[] = [
      { path: 'app/new', size: 5, kind: 'file' },
      { path: 'app', size: 0, kind: 'opaque' },
    ];
    const result = stackLayers([lower, upper, [{ path: 'app/f1', size: 0, kind: 'whiteout' }]]);
    assert.equal(itemAt(result.layers, 0, 'layer').wasted, n, 'every file of the lower layer is hidden');
    assert.deepEqual(
      itemAt(result.layers, 1, 'layer').files.map((f) => [f.path, f.kind, f.opaque ?? false]),
      [
        ['app/new', 'added', false],
        ['app', 'deleted', true],
      ],
    );
    assert.equal(itemAt(result.layers, 1, 'layer').wasted, 0, "the upper layer's own file survives its opaque marker");
    assert.ok(result.ops <= 4 * n, `${result.ops} tree steps`);
  });

  it('drops the files under a folder that a later layer replaces with a file or link', () => {
    const result = stackLayers([
      [
        { path: 'bin/sh', size: 100, kind: 'file' },
        { path: 'bin/ls', size: 50, kind: 'file' },
        { path: 'x', size: 3, kind: 'file' },
      ],
      [
        { path: 'bin', size: 0, kind: 'file' },
        { path: 'x/y', size: 1, kind: 'file' },
      ],
    ]);
    assert.deepEqual(
      result.wasters.map((w) => [w.path, w.size]),
      [
        ['bin/sh', 100],
        ['bin/ls', 50],
        ['x', 3],
      ],
    );
  });
});

describe('a corrupt, truncated or hostile archive gets a report and the reading stops', () => {
  const one = (name: string, data = Buffer.from('x')) => tarOf([{ name, data }]);

  it('refuses a name that climbs out of the image', async () => {
    const err = await failure(classicArchive([one('etc/../../../root/.ssh/authorized_keys')]));
    assert.match(err.message, /points outside the image/);
  });

  it('stops pulling from the engine once it has stopped', async () => {
    const hostile = one('../escape');
    const archive = classicArchive([hostile, tarOf([{ name: 'filler', data: Buffer.alloc(20 << 20) }])]);
    let pulled = 0;
    async function* counted(): AsyncGenerator<Buffer> {
      for await (const piece of pieces(archive, 65536)) {
        pulled++;
        yield piece;
      }
    }
    await assert.rejects(readImageArchive(counted()), /points outside the image/);
    assert.ok(pulled < 10, `${pulled} of ${Math.ceil(archive.length / 65536)} pieces read`);
  });

  it('resolves a `..` that stays inside, as the engine does', async () => {
    const files = await readImageArchive(pieces(classicArchive([one('./usr/../etc/passwd')])));
    assert.deepEqual(listingOf(files, 0), [['etc/passwd', 'file']]);
  });

  it('stops at a declared size the layer does not hold, without reading on', async () => {
    const layer = Buffer.concat([tarHeader('huge', 2 ** 40, { size256: true }), Buffer.alloc(2048)]);
    const err = await failure(classicArchive([layer]));
    assert.match(err.message, /Layer l0\/layer\.tar is damaged: it is cut short/);
  });

  it('refuses a pax header larger than 4 MB instead of buffering it', async () => {
    const layer = tarOf([
      { name: 'PaxHeader/x', type: 'x', data: Buffer.alloc(5 << 20, 0x61) },
      { name: 'x', data: Buffer.from('x') },
    ]);
    const err = await failure(classicArchive([layer]));
    assert.match(err.message, /more than 4 MB of extended names/);
  });

  it('stops a gzip bomb at the unpacking limit', async () => {
    const bomb = gzipSync(tarOf([{ name: 'zeros', data: Buffer.alloc(64 << 20) }]));
    assert.ok(bomb.length < 100_000, 'a small layer that unpacks to 64 MB');
    let unpacked = 0;
    const err = await failure(classicArchive([bomb]), {
      limits: { unpackedBytes: 8 << 20 },
      onProgress: (_, u) => (unpacked = u),
    });
    assert.match(err.message, /unpacks to more than 8 MB.*decompression bomb/);
    assert.ok(unpacked <= (8 << 20) + (1 << 20), `stopped near the limit (${unpacked} bytes unpacked)`);
  });

  it('refuses a zstd frame that asks for a 2 GB window', async () => {
    // Frame header: magic, descriptor (no checksum, not single-segment), window descriptor 2^31; then one raw block.
    const frame = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 21 << 3, 0x09, 0x00, 0x00, 0x41]);
    const err = await failure(classicArchive([Buffer.concat([frame, Buffer.alloc(600)])]));
    assert.match(err.message, /asks for a 2048 MB zstd window; the most zstd itself accepts by default is 128 MB/);
  });

  it('refuses a zstd block that declares more than a block may hold', async () => {
    const rle = 1 | (1 << 1) | (((1 << 21) - 1) << 3);
    const frame = Buffer.from([
      0x28,
      0xb5,
      0x2f,
      0xfd,
      0x00,
      10 << 3,
      rle & 0xff,
      (rle >> 8) & 0xff,
      (rle >> 16) & 0xff,
      0x00,
    ]);
    const err = await failure(classicArchive([Buffer.concat([frame, Buffer.alloc(600)])]));
    assert.match(err.message, /a zstd block declares 2097151 bytes, more than the 131072 a block may hold/);
  });

  it('reports a damaged gzip layer and an archive cut short', async () => {
    const layer = gzipSync(
      tarOf(Array.from({ length: 50 }, (_, i) => ({ name: `f${i}`, data: Buffer.alloc(1000, i) }))),
    );
    layer.fill(0x55, 40, 200);
    assert.match((await failure(classicArchive([layer]))).message, /Layer l0\/layer\.tar is damaged/);
    const whole = classicArchive([tarOf([{ name: 'a', data: Buffer.alloc(5000) }])]);
    assert.match((await failure(whole.subarray(0, 3000))).message, /The image archive is damaged: it is cut short/);
  });

  it('stops when the layers hold more entries than the limit', async () => {
    const layer = tarOf(Array.from({ length: 20 }, (_, i) => ({ name: `f${i}` })));
    assert.match((await failure(classicArchive([layer]), { limits: { entries: 10 } })).message, /more than 10 files/);
  });

  it('holds no more than a few blocks of a long zstd layer once they are written out', function () {
    this.timeout(60000);
    if (!which('zstd')) {
      console.log('    (skipped: the zstd tool is not installed; .ci/run installs it)');
      this.skip();
    }
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    // Random bytes do not compress: 32 MB of them are 256 raw blocks of 128 KiB.
    const plain = randomBytes(32 << 20);
    const packed = execFileSync('zstd', ['-q', '-c'], { input: plain, maxBuffer: 64 << 20 });
    gc();
    const before = process.memoryUsage().arrayBuffers;
    const blocks = new ZstdBlocks(2 ** 27, 'test');
    let out = 0;
    for (let i = 0; i < packed.length; i += 65536)
      for (const b of blocks.push(packed.subarray(i, i + 65536))) out += b.length;
    for (const b of blocks.end()) out += b.length;
    gc();
    const kept = process.memoryUsage().arrayBuffers - before;
    assert.equal(out, plain.length);
    // Holding on to what was pushed would keep all 32 MB; the window and a block or two are a few MB.
    assert.ok(kept < 16 << 20, `${(kept / 2 ** 20).toFixed(1)} MB still held after decoding 32 MB`);
  });

  it('never touches the disk: the reader imports no file or process modules', () => {
    const folder = path.join(__dirname, '..', '..', 'src', 'panels', 'layers');
    for (const file of fs.readdirSync(folder)) {
      const text = fs.readFileSync(path.join(folder, file), 'utf8');
      assert.doesNotMatch(text, /from '(node:)?(fs|fs\/promises|child_process)'/, file);
    }
  });
});
