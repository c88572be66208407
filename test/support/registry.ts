/**
 * A REAL image registry for the tests: Debian's docker-registry (the CNCF distribution server) on 127.0.0.1 with
 * filesystem storage in a temporary folder, deletes enabled, and optionally htpasswd basic auth. The engine pushes
 * to and pulls from 127.0.0.0/8 registries over plain HTTP without any configuration.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './dockerModel';
import { ensureDebianPackages } from './system';
import { onRunEnd } from './teardown';

export interface TestRegistry {
  /** host:port, as used in image names. */
  address: string;
  stop(): Promise<void>;
}

export async function startRegistry(
  ctx: Mocha.Context,
  auth?: { username: string; password: string },
): Promise<TestRegistry> {
  ctx.timeout(300000);
  const missing = await ensureDebianPackages([
    { pkg: 'docker-registry', provides: 'docker-registry' },
    { pkg: 'apache2-utils', provides: 'htpasswd' },
  ]);
  if (missing) {
    if (process.env.CI) throw new Error(`No registry in CI: ${missing}`);
    console.warn(`    SKIPPED: no docker-registry: ${missing}`);
    ctx.skip();
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-registry-'));
  const port = await freePort();
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${dir}/data`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
  ];
  if (auth) {
    fs.writeFileSync(path.join(dir, 'htpasswd'), execFileSync('htpasswd', ['-Bbn', auth.username, auth.password]));
    lines.push('auth:', '  htpasswd:', '    realm: dockside-test', `    path: ${dir}/htpasswd`);
  }
  fs.writeFileSync(path.join(dir, 'config.yml'), lines.join('\n') + '\n');
  const log = fs.openSync(path.join(dir, 'registry.log'), 'a');
  const child: ChildProcess = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], {
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    const answered = await fetch(`http://${address}/v2/`)
      .then(() => true)
      .catch(() => false);
    if (answered) break;
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(
        `docker-registry did not start:\n${fs.readFileSync(path.join(dir, 'registry.log'), 'utf8').slice(-2000)}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  onRunEnd(stop);
  return { address, stop };
}
