import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ImageTarReader } from '../../src/panels/layers/imageTar';
import { buildLayerView } from '../../src/panels/layers/layerData';
import { layerFilesHtml } from '../../src/panels/layers/layerHtml';

/** An image tar in `docker save` layout, made with the system's tar: two layers, a whiteout, a long path. */
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
  fs.writeFileSync(path.join(dir, 'out', 'manifest.json'), JSON.stringify([{ Config: 'cfg.json', RepoTags: ['t:1'], Layers: ['aaa/layer.tar', 'bbb/layer.tar'] }]));
  fs.writeFileSync(path.join(dir, 'out', 'cfg.json'), JSON.stringify({ history: [{ created_by: 'import' }, { created_by: 'ENV A=1', empty_layer: true }, { created_by: 'RUN cleanup' }] }));
  execFileSync('tar', ['-C', path.join(dir, 'out'), '-cf', path.join(dir, 'image.tar'), '.']);
  return fs.readFileSync(path.join(dir, 'image.tar'));
}

describe('reading an image tar as a stream', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-tar-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lists files per layer in small chunks, follows whiteouts and long names, and counts wasted bytes', () => {
    const tar = imageTar(dir);
    const reader = new ImageTarReader();
    for (let i = 0; i < tar.length; i += 333) reader.feed(tar.subarray(i, i + 333));
    const result = reader.result();
    assert.deepEqual(result.layers.map((l) => l.historyIndex), [0, 2], 'layers map to non-empty history steps');
    const first = result.layers[0].files.filter((f) => !f.path.endsWith('/') && f.size > 0).map((f) => [f.path, f.size, f.kind]).sort();
    assert.deepEqual(first, [[`${'deep/'.repeat(30)}file.txt`, 5, 'added'], ['etc/motd', 4, 'added'], ['keep/<b>.txt', 1, 'added'], ['tmp/big.bin', 5000, 'added']]);
    const paths = result.layers[0].files.map((f) => f.path);
    assert.ok(paths.includes('usr/link'), 'the link is listed under its own name');
    assert.ok(!paths.some((p) => p.includes('@LongLink')), 'the long-link record is not a file');
    const second = result.layers[1].files.filter((f) => f.kind !== 'added' || f.size > 0).map((f) => [f.path, f.kind]).sort();
    assert.deepEqual(second, [['etc/motd', 'changed'], ['tmp/big.bin', 'deleted']]);
    assert.equal(result.wasted, 5004);
    assert.deepEqual(result.wasters.map((w) => [w.path, w.size, w.addedIn, w.removedIn]), [['tmp/big.bin', 5000, 0, 1], ['etc/motd', 4, 0, 1]]);
    assert.equal(result.layers[0].wasted, 5004);
  });

  it('renders the files view escaped', () => {
    const reader = new ImageTarReader();
    reader.feed(imageTar(fs.mkdtempSync(path.join(dir, 'x-'))));
    const view = buildLayerView('t:1', 'i', 1, [
      { Id: 'c', Created: 3, CreatedBy: '/bin/sh -c cleanup', Size: 12 },
      { Id: 'b', Created: 2, CreatedBy: '/bin/sh -c #(nop)  ENV A=1', Size: 0 },
      { Id: 'a', Created: 1, CreatedBy: '', Size: 5009, Comment: 'Imported from -' },
    ]);
    const html = layerFilesHtml(reader.result(), view);
    assert.match(html, /5\.0 kB wasted/);
    assert.match(html, /<code>\/keep\/&lt;b&gt;\.txt<\/code>/);
    assert.ok(!html.includes('<b>'));
    assert.match(html, /3\. RUN cleanup/);
  });
});
