import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type Docker from 'dockerode';
import { INSIDE_ERRORS } from '../../src/docker/containerInside';
import { BINARY_SNIFF_BYTES, looksBinary } from '../../src/docker/containerPaths';
import type { StatsSample } from '../../src/docker/containerStats';
import { EngineError, type EngineApi } from '../../src/docker/engineApi';
import { requireEngine, TEST_IMAGE, type TestEngine } from '../support/dockerEngine';
import { apiFor, waitUntil } from '../support/dockerModel';
import { startFaultProxy } from '../support/faultProxy';

/**
 * Inside a container through the REAL engine: files over the archive endpoints (running and stopped containers),
 * exec, and the stats stream; and what happens when the engine goes away mid-stream (a proxy in front of it).
 */
describe('inside a container (archive, exec and stats endpoints, real engine)', function () {
  let engine: TestEngine;
  let api: EngineApi;
  const tag = `inside-${process.pid}-${Date.now()}`;
  const made: Docker.Container[] = [];

  before(async function () {
    engine = await requireEngine(this);
    api = apiFor(engine.host);
  });

  after(async () => {
    api?.close();
    for (const c of made) await c.remove({ force: true }).catch(() => undefined);
  });

  async function container(cmd: string[], options: { start: boolean; memory?: number }): Promise<string> {
    const c = await engine.docker.createContainer({
      Image: TEST_IMAGE,
      name: `${tag}-${made.length}`,
      Cmd: cmd,
      Labels: { 'dockside.test': tag },
      HostConfig: options.memory ? { Memory: options.memory } : {},
    });
    made.push(c);
    if (options.start) await c.start();
    return c.id;
  }

  /** `docker exec` through the same engine, for checking what the provider wrote. */
  async function execText(id: string, cmd: string[]): Promise<string> {
    const r = await api.inside.exec(id, cmd);
    assert.equal(r.exitCode, 0, `${cmd.join(' ')} failed: ${r.output}`);
    return r.output;
  }

  it('edits a file of a running container and keeps its mode and owner; `cat` reads the new text', async function () {
    this.timeout(30000);
    const id = await container(['sleep', '300'], { start: true });
    await execText(id, [
      'sh',
      '-c',
      'echo old > /tmp/note.txt && chmod 640 /tmp/note.txt && chown 1000:50 /tmp/note.txt',
    ]);
    const before = await api.inside.pathEntry(id, '/tmp/note.txt');
    assert.ok(before);
    assert.deepEqual([before.mode, before.uid, before.gid, before.type], [0o640, 1000, 50, 'file']);
    await api.inside.putEntries(id, '/tmp', [
      { name: 'note.txt', type: 'file', data: Buffer.from('new <b>&amp;\n'), mode: before.mode, uid: 1000, gid: 50 },
    ]);
    assert.equal(await execText(id, ['cat', '/tmp/note.txt']), 'new <b>&amp;\n');
    const listing = await execText(id, ['ls', '-ln', '/tmp/note.txt']);
    assert.match(listing, /^-rw-r----- +1 1000 +50 /);
    const read = await api.inside.readFile(id, '/tmp/note.txt', 1024);
    assert.equal(read.data.toString(), 'new <b>&amp;\n');
  });

  it('browses and downloads from a stopped container', async function () {
    this.timeout(30000);
    const id = await container(['true'], { start: false });
    const root = await api.inside.listFolder(id, '/');
    const names = root.entries.map((e) => e.name);
    for (const n of ['bin', 'tmp', 'www']) assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
    const www = await api.inside.listFolder(id, '/www');
    assert.deepEqual(
      www.entries.map((e) => [e.name, e.type, e.size]),
      [['index.html', 'file', 'hello from dockside-test\n'.length]],
    );
    assert.equal(www.truncated, false);
    const bin = await api.inside.listFolder(id, '/bin');
    const sh = bin.entries.find((e) => e.name === 'sh');
    assert.deepEqual(
      [sh?.type, sh?.linkTarget, sh?.target],
      ['symlink', 'busybox', { path: '/bin/busybox', type: 'file' }],
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-download-'));
    try {
      const result = await api.inside.download(id, '/www', path.join(dir, 'www'));
      assert.deepEqual([result.files, result.folders, result.skipped], [1, 1, []]);
      assert.equal(fs.readFileSync(path.join(dir, 'www', 'index.html'), 'utf8'), 'hello from dockside-test\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uploads a folder with its modes kept, as `ls -l` shows them', async function () {
    this.timeout(30000);
    const id = await container(['sleep', '300'], { start: true });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-upload-'));
    try {
      const site = path.join(dir, 'site');
      fs.mkdirSync(path.join(site, 'bin'), { recursive: true });
      fs.writeFileSync(path.join(site, 'secret.txt'), 'keep out\n');
      fs.writeFileSync(path.join(site, 'bin', 'run.sh'), '#!/bin/sh\necho ran\n');
      fs.chmodSync(path.join(site, 'secret.txt'), 0o600);
      fs.chmodSync(path.join(site, 'bin', 'run.sh'), 0o755);
      fs.chmodSync(path.join(site, 'bin'), 0o750);
      let last = 0;
      const result = await api.inside.upload(id, '/tmp', [site], (n) => (last = n));
      assert.deepEqual([result.files, result.folders, result.skipped], [2, 2, []]);
      assert.equal(last, 'keep out\n'.length + '#!/bin/sh\necho ran\n'.length);
      const ls = await execText(id, ['ls', '-ln', '/tmp/site', '/tmp/site/bin']);
      assert.match(ls, /^drwxr-x--- +\d+ 0 +0 .* bin$/m);
      assert.match(ls, /^-rw------- +1 0 +0 .* secret\.txt$/m);
      assert.match(ls, /^-rwxr-xr-x +1 0 +0 .* run\.sh$/m);
      assert.equal(await execText(id, ['/tmp/site/bin/run.sh']), 'ran\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('treats .., links out of the root and names with newlines as the archive API does, never as host paths', async function () {
    this.timeout(30000);
    const id = await container(['sleep', '300'], { start: true });
    await execText(id, ['sh', '-c', 'ln -s ../../../../../../etc/hostname /tmp/escape && touch "/tmp/two\nlines"']);
    // `..` above the root stays at the root.
    const www = await api.inside.listFolder(id, '/../../www/../www');
    assert.equal(www.folder, '/www');
    // The link leads to the container's own /etc/hostname (its short id), not the host's.
    const through = await api.inside.readFile(id, '/tmp/escape', 4096);
    assert.equal(through.path, '/etc/hostname');
    assert.equal(through.data.toString().trim(), id.slice(0, 12));
    const tmp = await api.inside.listFolder(id, '/tmp');
    assert.ok(tmp.entries.some((e) => e.name === 'two\nlines' && e.type === 'file'));
    await api.inside.putEntries(id, '/tmp', [
      { name: 'made\nhere', type: 'file', data: Buffer.from('x'), mode: 0o644, uid: 0, gid: 0 },
    ]);
    assert.equal(await execText(id, ['cat', '/tmp/made\nhere']), 'x');
  });

  it('reads only the start of a large binary file to tell it is binary, and refuses to open it whole past the limit', async function () {
    this.timeout(30000);
    const id = await container(['true'], { start: false });
    const head = await api.inside.readFile(id, '/bin/busybox', BINARY_SNIFF_BYTES, { head: true });
    assert.equal(head.data.length, BINARY_SNIFF_BYTES);
    assert.equal(looksBinary(head.data), true);
    assert.equal(head.path, '/bin/busybox');
    await assert.rejects(
      api.inside.readFile(id, '/bin/busybox', 1024),
      (e: EngineError) => e.code === INSIDE_ERRORS.tooLarge,
    );
  });

  it('says the container is gone when it was removed, and that a path is missing when it is', async function () {
    this.timeout(30000);
    const id = await container(['true'], { start: false });
    await assert.rejects(api.inside.readFile(id, '/nope', 10), (e: EngineError) => e.code === INSIDE_ERRORS.notFound);
    assert.equal(await api.inside.statPath(id, '/nope'), undefined);
    await engine.docker.getContainer(id).remove({ force: true });
    await assert.rejects(
      api.inside.readFile(id, '/www/index.html', 1000),
      (e: EngineError) => e.code === INSIDE_ERRORS.containerGone && /no longer exists/.test(e.message),
    );
  });

  it('deletes through exec in a running container', async function () {
    this.timeout(30000);
    const id = await container(['sleep', '300'], { start: true });
    await execText(id, ['touch', '/tmp/gone']);
    assert.ok(await api.inside.statPath(id, '/tmp/gone'));
    await execText(id, ['rm', '-rf', '--', '/tmp/gone']);
    assert.equal(await api.inside.statPath(id, '/tmp/gone'), undefined);
  });

  it('reads CPU above 0, memory against its limit and PIDs from a busy loop', async function () {
    this.timeout(30000);
    const limit = 64 * 1024 * 1024;
    const id = await container(['sh', '-c', 'while :; do :; done'], { start: true, memory: limit });
    const os = (await api.version()).os;
    const samples: StatsSample[] = [];
    const sub = await api.inside.stats(
      id,
      os,
      (s) => s && samples.push(s),
      () => undefined,
    );
    try {
      await waitUntil(() => samples.filter((s) => s.cpuPercent !== undefined).length >= 1, 8000, 50);
    } finally {
      sub.close();
    }
    const measured = samples.filter((s) => s.cpuPercent !== undefined);
    if (!measured.length) {
      console.warn('\n  SKIPPED: this engine sends no second stats reading, so CPU % cannot be computed here\n');
      this.skip();
    }
    assert.ok(measured[0]!.cpuPercent! > 0, `CPU ${measured[0]!.cpuPercent}`);
    const memory = samples.at(-1)!.memory;
    if (!memory?.limit) {
      console.warn('\n  SKIPPED: this engine reports no memory limit (cgroups without the memory controller)\n');
      this.skip();
    }
    assert.equal(memory.limit, limit);
    assert.ok(memory.used > 0 && memory.used < limit);
    assert.ok((samples.at(-1)!.pids ?? 0) >= 1);
  });

  it('ends the stats stream with a reason when the engine goes away mid-stream', async function () {
    this.timeout(20000);
    const id = await container(['sleep', '300'], { start: true });
    const proxy = await startFaultProxy(engine.host);
    const through = apiFor(proxy.host);
    try {
      let samples = 0;
      let ended: { err?: Error } | undefined;
      await through.inside.stats(
        id,
        'linux',
        () => samples++,
        (err) => (ended = { ...(err ? { err } : {}) }),
      );
      await waitUntil(() => samples > 0, 5000, 20);
      await proxy.close();
      assert.ok(await waitUntil(() => ended, 5000, 20), 'the stream end is reported');
    } finally {
      through.close();
    }
  });

  it('fails a listing with a plain message when the engine drops the archive request', async function () {
    this.timeout(20000);
    const id = await container(['true'], { start: false });
    const proxy = await startFaultProxy(engine.host);
    const through = apiFor(proxy.host);
    try {
      proxy.add({ request: /^GET \/containers\/[^/]+\/archive/, fault: { kind: 'drop' } });
      await assert.rejects(through.inside.listFolder(id, '/www'), (e: Error) => {
        assert.ok(e instanceof EngineError, String(e));
        assert.equal(e.message, `The connection to ${proxy.host} was closed: the engine stopped or restarted.`);
        return e.code === INSIDE_ERRORS.streamBroken;
      });
    } finally {
      through.close();
      await proxy.close();
    }
  });
});
