import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { measureLeftOut, summarizeContext } from '../../src/docker/buildContext';
import { packContext, type ContextPack, type PackerKind } from '../../src/docker/contextPack';
import { listTar, PACKERS, packerName, requirePacker } from '../support/packers';

/** Reads the pack's stream into a file and lists the tar's entries (directories without their trailing slash). */
async function entriesOf(pack: ContextPack, dir: string): Promise<string[]> {
  const file = path.join(dir, '..', `${path.basename(dir)}.tar`);
  await new Promise<void>((resolve, reject) => {
    pack.stream.on('error', reject);
    pack.stream
      .pipe(fs.createWriteStream(file))
      .on('finish', () => resolve())
      .on('error', reject);
  });
  const names = execFileSync('tar', ['--null', '-tf', file]).toString();
  fs.rmSync(file);
  return names
    .split('\n')
    .filter(Boolean)
    .map((n) => n.replace(/\/$/, ''))
    .sort();
}

function folder(files: Record<string, string>, dirs: string[] = []): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-pack-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  for (const d of dirs) fs.mkdirSync(path.join(dir, d), { recursive: true });
  return dir;
}

/** The tar processes (GNU tar or bsdtar) that are children of this test process. */
const tarChildren = () =>
  execFileSync('ps', ['-o', 'comm=', '--ppid', String(process.pid)])
    .toString()
    .split('\n')
    .filter((c) => /^(tar|gtar|bsdtar)$/.test(c.trim()));

/** How each packer words a file that went away before it was packed. */
const GONE: Record<PackerKind, (name: string) => RegExp> = {
  gnu: (name) => new RegExp(`tar could not pack the build context \\(exit 2\\):.*${name}.*No such file`),
  bsd: (name) => new RegExp(`tar could not pack the build context \\(exit 1\\):.*${name}.*No such file`),
  js: (name) => new RegExp(`The build context could not be packed: ${name}: No such file or directory`),
};

for (const packer of PACKERS)
  describe(`packing a build context in one pass (walk and packer side by side): ${packerName(packer)}`, function () {
    before(async function () {
      await requirePacker(this, packer);
    });
    packingTests(packer);
  });

function packingTests(packer: PackerKind) {
  const made: string[] = [];
  const make = (files: Record<string, string>, dirs?: string[]) => {
    const dir = folder(files, dirs);
    made.push(dir);
    return dir;
  };
  after(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('packs the files and folders .dockerignore keeps, empty folders included, and nothing else', async () => {
    const dir = make(
      {
        '.dockerignore': 'node_modules\n*.log\n!keep.log\ndocs/\n!docs/README.md\n',
        Dockerfile: 'FROM scratch\n',
        'src/a.txt': 'a',
        'src/deep/b.txt': 'b',
        'node_modules/x/index.js': 'x'.repeat(5000),
        'debug.log': 'left out',
        'keep.log': 'kept',
        'UPPER.LOG': 'kept: Docker matches case-sensitively',
        'docs/guide.md': 'left out',
        'docs/README.md': 'kept inside a left-out folder',
      },
      ['empty/inner'],
    );
    const pack = packContext(dir, { dockerfile: path.join(dir, 'Dockerfile'), packer });
    const [entries, summary] = await Promise.all([entriesOf(pack, dir), pack.summary]);
    assert.deepEqual(entries, [
      '.dockerignore',
      'Dockerfile',
      'UPPER.LOG',
      'docs/README.md',
      'empty',
      'empty/inner',
      'keep.log',
      'src',
      'src/a.txt',
      'src/deep',
      'src/deep/b.txt',
    ]);
    assert.deepEqual(summary.files, [
      '.dockerignore',
      'Dockerfile',
      'UPPER.LOG',
      'docs/README.md',
      'keep.log',
      'src/a.txt',
      'src/deep/b.txt',
    ]);
    assert.deepEqual(
      summary,
      summarizeContext(dir, { dockerfile: path.join(dir, 'Dockerfile') }),
      'the same summary as the walk alone',
    );
    // With "!" exceptions, a left-out folder is still walked (something inside could come back), as Docker does.
    assert.deepEqual([...summary.leftOut.files].sort(), ['debug.log', 'docs/guide.md', 'node_modules/x/index.js']);
    assert.deepEqual(summary.leftOut.folders, []);
    const left = await measureLeftOut(summary);
    assert.equal(left.files, 3, 'debug.log, docs/guide.md and node_modules/x/index.js');
    assert.deepEqual(left.largest[0], { path: 'node_modules', bytes: 5000 });
    assert.equal(left.bytes, 5000 + 'left out'.length * 2);
  });

  it('skips a left-out folder whole when no exception could bring anything back from it', () => {
    const dir = make({
      '.dockerignore': 'node_modules\n/build\n',
      'a.txt': 'a',
      'node_modules/p/i.js': 'i',
      'build/out.bin': 'o',
      'src/build/kept.txt': 'k',
    });
    const summary = summarizeContext(dir);
    assert.deepEqual(summary.files, ['.dockerignore', 'a.txt', 'src/build/kept.txt']);
    assert.deepEqual([...summary.leftOut.folders].sort(), ['build', 'node_modules']);
  });

  it('packs files named like tar options as files, and runs nothing they name', async () => {
    const hostile = [
      '--checkpoint=1',
      '--checkpoint-action=exec=touch PWNED',
      '-C',
      '$(touch PWNED2)',
      'a b;touch PWNED3',
      '<b>&amp;.txt',
    ];
    const dir = make(Object.fromEntries(hostile.map((n) => [n, n])));
    const entries = await entriesOf(packContext(dir, { packer }), dir);
    assert.deepEqual(entries, [...hostile].sort());
    for (const where of [dir, process.cwd(), os.tmpdir()])
      for (const f of ['PWNED', 'PWNED2', 'PWNED3']) assert.ok(!fs.existsSync(path.join(where, f)), `${f} in ${where}`);
  });

  it('holds what the packer packed until the stream is read, and then delivers all of it', async () => {
    const dir = make(Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`f${i}.bin`, String(i).repeat(4000)])));
    const pack = packContext(dir, { packer });
    await pack.summary;
    await new Promise((r) => setTimeout(r, 200));
    const entries = await entriesOf(pack, dir);
    assert.equal(entries.length, 300);
  });

  it('fails in plain words, naming the file, when a file goes away before the packer reaches it', async () => {
    // 20 MB: more than the pack holds while nobody reads, so the packer is still waiting when the file goes.
    const dir = make(
      Object.fromEntries(
        Array.from({ length: 1000 }, (_, i) => [`f${String(i).padStart(4, '0')}.bin`, 'z'.repeat(20000)]),
      ),
    );
    const pack = packContext(dir, { packer });
    await pack.summary;
    await new Promise((r) => setTimeout(r, 100));
    const last = fs.readdirSync(dir).sort().pop()!;
    fs.rmSync(path.join(dir, last));
    await assert.rejects(
      new Promise((resolve, reject) => pack.stream.on('error', reject).on('end', resolve).resume()),
      GONE[packer](last),
    );
  });

  it('fails clearly past the file limit, and stops the packer', async () => {
    const dir = make(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, 'x'])));
    const pack = packContext(dir, { limit: 10, packer });
    await assert.rejects(pack.summary, /more than 10 files; add a \.dockerignore/);
    await assert.rejects(
      new Promise((resolve, reject) => pack.stream.on('error', reject).on('end', resolve).resume()),
      /more than 10 files/,
    );
    await waitFor(() => tarChildren().length === 0);
  });

  it('stops the packer when the reader goes away (a cancelled build) or on cancel()', async () => {
    const dir = make(
      Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`d${i % 20}/f${i}.bin`, 'y'.repeat(20000)])),
    );
    const first = packContext(dir, { packer });
    await first.summary;
    first.stream.once('data', () => first.stream.destroy());
    first.stream.resume();
    await waitFor(() => tarChildren().length === 0);
    const second = packContext(dir, { packer });
    second.cancel();
    await assert.rejects(
      new Promise((resolve, reject) => second.stream.on('error', reject).on('end', resolve).resume()),
      /cancelled/,
    );
    await assert.rejects(second.summary, /cancelled/);
    await waitFor(() => tarChildren().length === 0);
  });

  it('measures an empty folder, and a folder that is gone, without failing', async () => {
    const dir = make({}, []);
    assert.deepEqual(await entriesOf(packContext(dir, { packer }), dir), []);
    const summary = summarizeContext(path.join(dir, 'not-there'));
    assert.deepEqual(summary.files, []);
    assert.deepEqual(await measureLeftOut({ ...summary, leftOut: { files: ['gone.txt'], folders: ['gone'] } }), {
      files: 0,
      bytes: 0,
      largest: [{ path: 'gone', bytes: 0 }],
    });
  });
}

describe('the three packers give the same entries for the same folder', function () {
  let dir: string;
  before(() => {
    dir = folder(
      {
        '.dockerignore': 'node_modules\n*.log\n!keep.log\ndocs/\n!docs/README.md\n',
        Dockerfile: 'FROM scratch\n',
        'src/app.js': 'console.log(1)\n',
        'src/deep/b.txt': 'b'.repeat(70000),
        'node_modules/x/index.js': 'x',
        'debug.log': 'left out',
        'keep.log': 'kept',
        'docs/README.md': 'kept inside a left-out folder',
        'docs/guide.md': 'left out',
        'café/naïve.txt': 'not ASCII',
        [`${'long-folder-name/'.repeat(8)}${'f'.repeat(120)}.txt`]: 'a path past the 100 bytes of a plain header',
        '--checkpoint=1': 'named like an option',
      },
      ['empty/inner'],
    );
    fs.chmodSync(path.join(dir, 'src/app.js'), 0o755);
    fs.symlinkSync('src/app.js', path.join(dir, 'link-to-app'));
    fs.linkSync(path.join(dir, 'src/app.js'), path.join(dir, 'hard-link.txt'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names, types, sizes, modes, owners, times, link targets and contents, in the same order', async function () {
    const listed: Partial<Record<PackerKind, Awaited<ReturnType<typeof listTar>>>> = {};
    for (const packer of PACKERS) {
      const pack = packContext(dir, { dockerfile: path.join(dir, 'Dockerfile'), packer });
      try {
        listed[packer] = await listTar(pack.stream);
      } catch (err) {
        if (/needs it on the PATH/.test((err as Error).message)) continue;
        throw err;
      }
    }
    const missing = PACKERS.filter((p) => !listed[p]);
    const [firstMissing] = missing;
    if (firstMissing) await requirePacker(this, firstMissing);
    const js = listed.js!;
    assert.deepEqual(
      js
        .filter((e) => e.type !== 'file')
        .map((e) => `${e.type} ${e.name}`)
        .sort(),
      [
        'directory café',
        'directory empty',
        'directory empty/inner',
        ...Array.from({ length: 8 }, (_, i) => `directory ${'long-folder-name/'.repeat(i + 1).slice(0, -1)}`),
        'directory src',
        'directory src/deep',
        // The walk meets the root's files first, so the second name of the same file is the one in src/.
        'link src/app.js',
        'symlink link-to-app',
      ],
    );
    assert.equal(js.find((e) => e.name === 'hard-link.txt')?.mode, 0o755);
    assert.equal(js.find((e) => e.name === 'src/app.js')?.linkname, 'hard-link.txt');
    assert.equal(js.find((e) => e.name === 'link-to-app')?.linkname, 'src/app.js');
    for (const packer of PACKERS) assert.deepEqual(listed[packer], js, `${packerName(packer)} and the built-in packer`);
  });
});

async function waitFor(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(ok(), 'a tar process is still running');
}
