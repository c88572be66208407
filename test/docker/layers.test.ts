import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readImageArchive } from '../../src/panels/layers/imageTar';
import { buildLayerView, matchDockerfile } from '../../src/panels/layers/layerData';
import { buildOffline, expectedListing, listingOf, tarNames } from '../support/layerArchives';
import { requireEngine, TEST_IMAGE, type TestEngine } from '../support/dockerEngine';
import { apiFor } from '../support/dockerModel';
import { itemAt } from '../support/itemAt';

const DOCKERFILE = [
  `FROM ${TEST_IMAGE}`,
  'ARG MODE=prod',
  'ENV GREETING="hello layers"',
  'WORKDIR /srv',
  'RUN mkdir -p /srv/data && \\',
  '    echo "$MODE" > /srv/data/mode',
  'COPY site/ /srv/www',
  'EXPOSE 8080',
  'USER 1000',
  'CMD ["httpd", "-f", "-p", "8080", "-h", "/srv/www"]',
  '',
].join('\n');

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('docker', args, { env }, (err, out, stderr) =>
      err ? reject(new Error(stderr || err.message)) : resolve(out),
    ),
  );
}

describe('the layer panel reads what the engine built', function () {
  let engine: TestEngine;
  const tag = `dockside-layers:${process.pid}`;

  before(async function () {
    engine = await requireEngine(this);
    await buildOffline(engine, DOCKERFILE, { 'site/index.html': '<h1>hi</h1>\n' }, tag);
  });

  after(async () => {
    await engine?.docker
      .getImage(tag)
      .remove({ force: true })
      .catch(() => undefined);
  });

  it('shows the same steps and sizes as `docker history`, with the base image marked and every step linked to its line', async function () {
    this.timeout(60000);
    const api = apiFor(engine.host);
    try {
      const [history, inspect] = await Promise.all([
        api.imageHistory(tag),
        api.inspect('image', tag) as Promise<{ Id: string; Created: string }>,
      ]);
      const view = buildLayerView(tag, inspect.Id, Math.floor(Date.parse(inspect.Created) / 1000), history);
      const out = await cli(
        ['history', '--no-trunc', '--human=false', '--format', '{{.Size}}\t{{.CreatedBy}}', tag],
        engine.env,
      );
      const rows = out
        .trim()
        .split('\n')
        .map((l) => l.split('\t'));
      assert.equal(view.steps.length, rows.length, 'one step per history row');
      const newestFirst = [...view.steps].reverse();
      rows.forEach(([size, createdBy = ''], i) => {
        const step = itemAt(newestFirst, i, 'step');
        assert.equal(step.size, Number(size), `size of row ${i}`);
        if (!createdBy) return assert.equal(step.instruction, 'Imported from a tar archive');
        // Our instruction is the tail of what docker history shows, without the shell wrapping.
        const words = step.instruction.replace(/^RUN /, '').split(/\s+/).slice(0, 3).join(' ');
        assert.ok(
          createdBy.replace(/\s+/g, ' ').includes(words.replace(/\s+/g, ' ')),
          `row ${i}: "${createdBy}" contains "${words}"`,
        );
      });
      const own = view.steps.filter((s) => !s.base);
      assert.deepEqual(
        own.map((s) => s.keyword),
        ['ARG', 'ENV', 'WORKDIR', 'RUN', 'COPY', 'EXPOSE', 'USER', 'CMD'],
      );
      assert.ok(view.steps.filter((s) => s.base).length >= 1, 'the imported base is marked');
      assert.deepEqual(
        own.filter((s) => s.metadataOnly).map((s) => s.keyword),
        ['ARG', 'ENV', 'EXPOSE', 'USER', 'CMD'],
      );
      assert.equal(matchDockerfile(view, DOCKERFILE), own.length);
      assert.deepEqual(
        own.map((s) => s.line),
        [1, 2, 3, 4, 6, 7, 8, 9],
      );
    } finally {
      api.close();
    }
  });
});

describe('the deeper layer view reads `docker save` as a stream', function () {
  let engine: TestEngine;
  const tag = `dockside-waste:${process.pid}`;
  const WASTEFUL = [
    `FROM ${TEST_IMAGE}`,
    'RUN dd if=/dev/zero of=/big.bin bs=1024 count=300 2>/dev/null || head -c 307200 /dev/zero > /big.bin',
    'RUN echo first > /etc/motd',
    'RUN echo second-version > /etc/motd && rm /big.bin',
    'COPY app/ /app/',
    '',
  ].join('\n');

  before(async function () {
    engine = await requireEngine(this);
    await buildOffline(engine, WASTEFUL, { 'app/main.txt': 'hello\n', 'app/lib/util.txt': 'util\n' }, tag);
  });

  after(async () => {
    await engine?.docker
      .getImage(tag)
      .remove({ force: true })
      .catch(() => undefined);
  });

  it('lists what each layer adds, changes and deletes, and the bytes wasted by later deletes and overwrites', async function () {
    this.timeout(120000);
    const api = apiFor(engine.host);
    try {
      const stream = await api.saveImage(tag);
      let largestChunk = 0;
      async function* measured(): AsyncGenerator<Uint8Array> {
        for await (const c of stream as AsyncIterable<Buffer>) {
          largestChunk = Math.max(largestChunk, c.length);
          yield c;
        }
      }
      const result = await readImageArchive(measured());
      assert.equal(result.format, 'docker');
      const history = await api.imageHistory(tag);
      const steps = [...history].reverse();
      const byStep = (text: string) => result.layers.find((l) => steps[l.historyIndex]?.CreatedBy.includes(text))!;
      assert.deepEqual(
        byStep('dd if=/dev/zero').files.filter((f) => f.path === 'big.bin'),
        [{ path: 'big.bin', size: 307200, kind: 'added' }],
      );
      const cleanup = byStep('second-version');
      assert.ok(
        cleanup.files.some((f) => f.path === 'etc/motd' && f.kind === 'changed'),
        'the motd is changed',
      );
      assert.ok(
        cleanup.files.some((f) => f.path === 'big.bin' && f.kind === 'deleted'),
        'big.bin is deleted (a whiteout)',
      );
      assert.deepEqual(
        byStep('COPY')
          .files.filter((f) => f.kind === 'added' && !f.path.endsWith('/'))
          .map((f) => f.path)
          .filter((p) => p.includes('.txt'))
          .sort(),
        ['app/lib/util.txt', 'app/main.txt'],
      );
      assert.equal(result.wasted, 307200 + 'first\n'.length);
      assert.deepEqual(result.wasters[0], {
        path: 'big.bin',
        size: 307200,
        addedIn: result.layers.indexOf(byStep('dd if=/dev/zero')),
        removedIn: result.layers.indexOf(cleanup),
      });
      assert.ok(largestChunk < 4 << 20, 'the tar arrived in pieces, not all at once');
    } finally {
      api.close();
    }
  });

  it('lists each layer of `docker save` as GNU tar lists it', async function () {
    this.timeout(120000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-save-'));
    try {
      await cli(['save', '-o', path.join(dir, 'image.tar'), tag], engine.env);
      const result = await readImageArchive(fs.createReadStream(path.join(dir, 'image.tar')));
      execFileSync('tar', ['-xf', path.join(dir, 'image.tar'), '-C', dir]);
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { Layers: string[] }[];
      const { Layers } = itemAt(manifest, 0, 'manifest');
      assert.equal(result.layers.length, Layers.length);
      Layers.forEach((layer, n) => {
        const names = tarNames(fs.readFileSync(path.join(dir, layer)));
        assert.deepEqual(listingOf(result, n), expectedListing(names), `layer ${n + 1}`);
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
