import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveEngine } from '../../src/docker/connection';
import { parseEngineAddress } from '../../src/docker/engineAddress';
import { discoverEngines, pingEngine } from '../../src/docker/engineDiscovery';
import { hostPlatform, type HostPlatform } from '../../src/docker/hostPlatform';
import { requireEngine, type TestEngine } from '../support/dockerEngine';
import { apiFor } from '../support/dockerModel';

/** Long enough for a real engine on this machine to answer; the hanging socket below shows it is a bound. */
const PING_MS = 5000;

/** A unix socket file with nothing listening: what a killed engine leaves behind (Node removes its own on close). */
async function staleSocket(file: string): Promise<void> {
  const child = spawn(process.execPath, [
    '-e',
    `require('net').createServer().listen(${JSON.stringify(file)}, () => console.log('up'))`,
  ]);
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the listener exited (${code})`)));
  });
  child.removeAllListeners('exit');
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
}

describe('the engine picker, against real sockets', function () {
  let engine: TestEngine;
  let home: string;
  let platform: HostPlatform;
  let hanging: net.Server;
  const held: net.Socket[] = [];

  before(async function () {
    engine = await requireEngine(this);
    const address = parseEngineAddress(engine.host);
    if (address.kind !== 'unix') {
      const why = `the test engine is at ${engine.host}, not on a unix socket`;
      if (process.env.CI) throw new Error(why);
      console.warn(`\n  SKIPPED: ${why}\n`);
      this.skip();
    }
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-home-'));
    // Colima's layout, with the test engine's socket where Colima puts its own.
    fs.mkdirSync(path.join(home, '.colima', 'default'), { recursive: true });
    fs.symlinkSync(address.socketPath, path.join(home, '.colima', 'default', 'docker.sock'));
    // Where OrbStack's socket goes, a plain file.
    fs.mkdirSync(path.join(home, '.orbstack', 'run'), { recursive: true });
    fs.writeFileSync(path.join(home, '.orbstack', 'run', 'docker.sock'), 'not a socket');
    // Where Rancher Desktop's goes, a socket that takes connections and never answers them.
    fs.mkdirSync(path.join(home, '.rd'));
    hanging = net.createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => hanging.listen(path.join(home, '.rd', 'docker.sock'), resolve));
    // A context whose engine has stopped and left its socket behind.
    await staleSocket(path.join(home, 'dead.sock'));
    const meta = path.join(home, '.docker', 'contexts', 'meta', createHash('sha256').update('old').digest('hex'));
    fs.mkdirSync(meta, { recursive: true });
    fs.writeFileSync(
      path.join(meta, 'meta.json'),
      JSON.stringify({ Name: 'old', Endpoints: { docker: { Host: `unix://${home}/dead.sock` } } }),
    );
    platform = { ...hostPlatform(), os: 'darwin', home, env: {} };
  });

  after(async () => {
    held.forEach((s) => s.destroy());
    await new Promise((resolve) => hanging?.close(resolve));
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('offers the engine at a Colima-style path, labelled Colima, and it answers and works', async () => {
    const colima = discoverEngines({ platform }).find((c) => c.label === 'Colima');
    assert.ok(colima?.address, 'Colima is offered');
    assert.equal(colima.url, `unix://${home}/.colima/default/docker.sock`);
    const ping = await pingEngine(colima.address, PING_MS, platform);
    assert.ok(ping.ok, JSON.stringify(ping));
    assert.match(ping.server ?? '', /^Docker\//);
    // Choosing it sets dockside.host to its address; the session then resolves and connects to exactly that.
    const target = resolveEngine({ setting: colima.url, platform });
    const api = apiFor(target.label);
    try {
      assert.equal((await api.version()).apiVersion, ping.apiVersion);
      assert.deepEqual(target.cliEnv, { DOCKER_HOST: colima.url });
    } finally {
      api.close();
    }
  });

  it('says in plain words why the others do not work, and no ping outlasts its timeout', async () => {
    const choices = discoverEngines({ platform });
    assert.deepEqual(
      choices.filter((c) => c.label !== 'context "default"').map((c) => c.label),
      ['context "old"', 'Colima', 'OrbStack', 'Rancher Desktop'],
    );
    const orbstack = choices.find((c) => c.label === 'OrbStack')!;
    assert.equal(orbstack.problem, `${home}/.orbstack/run/docker.sock is there, but it is not a socket.`);
    assert.deepEqual(await pingEngine(orbstack.address!, PING_MS, platform), {
      ok: false,
      reason: `${home}/.orbstack/run/docker.sock is there, but it is not a socket.`,
    });
    const old = choices.find((c) => c.context === 'old')!;
    assert.deepEqual(await pingEngine(old.address!, PING_MS, platform), {
      ok: false,
      reason:
        `Nothing listens on unix://${home}/dead.sock: ` +
        'the engine is not running (a socket left behind when it stopped).',
    });
    const rancher = choices.find((c) => c.label === 'Rancher Desktop')!;
    const before = held.length;
    assert.deepEqual(await pingEngine(rancher.address!, 200, platform), {
      ok: false,
      reason: `unix://${home}/.rd/docker.sock did not answer within 200 ms: the engine is starting, stuck or busy.`,
    });
    assert.equal(held.length, before + 1, 'the ping reached the socket, which held it without answering');
    assert.deepEqual(await pingEngine(parseEngineAddress(`unix://${home}/none.sock`), PING_MS, platform), {
      ok: false,
      absent: true,
      reason: `There is no socket at unix://${home}/none.sock.`,
    });
  });
});
