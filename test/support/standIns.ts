/**
 * Local stand-ins for the images the project templates name (no registry is reachable in tests): each is built
 * from the busybox test image, or imported from this machine's own files, and does what the test needs of the
 * real one. They are made once per engine and kept under their names.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type Docker from 'dockerode';
import { TEST_IMAGE } from './dockerEngine';
import { which } from './system';

/** nginx-unprivileged's stand-in: busybox httpd serving nginx's folder on 8080, gone at once on SIGTERM. */
export const SITE_STAND_IN = 'dockside-test/site:1';
/** postgres's stand-in: something listening on 5432, and a `pg_isready` that asks it. */
export const POSTGRES_STAND_IN = 'dockside-test/postgres:1';
/** pgadmin's stand-in: a web server on port 80 (the real pgadmin UI needs the real image). */
export const PGADMIN_STAND_IN = 'dockside-test/pgadmin:1';
/** node:22-slim's stand-in: this machine's node and npm, a "node" user, and busybox for the shell. */
export const NODE_STAND_IN = 'dockside-test/node:1';

const exists = async (docker: Docker, name: string) =>
  (await docker.listImages({ filters: JSON.stringify({ reference: [name] }) })).length > 0;

/** Builds with no network: the steps need none, and an engine without its default bridge can still run them. */
async function buildStandIn(docker: Docker, name: string, lines: string[]): Promise<void> {
  if (await exists(docker, name)) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-stand-in-'));
  try {
    fs.writeFileSync(path.join(dir, 'Dockerfile'), [`FROM ${TEST_IMAGE}`, ...lines, ''].join('\n'));
    const stream = await docker.buildImage(
      { context: dir, src: ['Dockerfile'] },
      { t: name, rm: true, forcerm: true, networkmode: 'none' },
    );
    let log = '';
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(
        stream,
        (err: Error | null) => (err ? reject(err) : resolve()),
        (e: { stream?: string; error?: string }) => (log += e.stream ?? (e.error ? `ERROR ${e.error}\n` : '')),
      ),
    );
    if (/^ERROR /m.test(log) || !(await exists(docker, name)))
      throw new Error(`building the stand-in ${name} failed:\n${log}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds (once) the stand-ins for the static site and the database kinds. */
export async function ensureStandIns(docker: Docker): Promise<void> {
  // `nc` is linked here rather than in the test image, which an engine may already hold without it.
  const nc = 'RUN busybox ln -sf busybox /bin/nc';
  await buildStandIn(docker, SITE_STAND_IN, [
    'RUN mkdir -p /usr/share/nginx/html',
    `CMD ["sh", "-c", "trap 'exit 0' TERM; httpd -f -p 8080 -h /usr/share/nginx/html & wait"]`,
  ]);
  await buildStandIn(docker, POSTGRES_STAND_IN, [
    nc,
    `RUN printf '#!/bin/sh\\nexec nc -w 1 127.0.0.1 5432 </dev/null\\n' > /bin/pg_isready`,
    'RUN busybox chmod +x /bin/pg_isready',
    `CMD ["sh", "-c", "trap 'exit 0' TERM; nc -ll -p 5432 -e true & wait"]`,
  ]);
  await buildStandIn(docker, PGADMIN_STAND_IN, [
    `CMD ["sh", "-c", "trap 'exit 0' TERM; httpd -f -p 80 -h /www & wait"]`,
  ]);
}

/** The files a dynamically linked program needs: itself and what `ldd` lists. */
function withLibraries(program: string): string[] {
  const out = spawnSync('ldd', [program], { encoding: 'utf8' }).stdout ?? '';
  const libs = [...out.matchAll(/\/\S+\.so[.\d]*/g)].map(([lib]) => lib);
  return [program, ...new Set(libs)];
}

/**
 * Imports (once) a Node image from this machine's `node` and npm, or says why it cannot: the Node template is
 * then built and run for real, its `npm ci`, `USER node` and fetch health check included.
 */
export async function ensureNodeStandIn(docker: Docker): Promise<string | undefined> {
  if (await exists(docker, NODE_STAND_IN)) return undefined;
  const node = which('node') && fs.realpathSync(which('node')!);
  const npm = ['/usr/lib/node_modules/npm', '/usr/local/lib/node_modules/npm'].find((p) => fs.existsSync(p));
  if (!node || !npm || !fs.existsSync('/bin/busybox')) return 'this machine has no node, npm or busybox to copy';
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-node-rootfs-'));
  try {
    for (const file of withLibraries(node)) {
      fs.mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
      fs.copyFileSync(file, path.join(root, file));
    }
    if (node !== '/usr/bin/node') {
      fs.mkdirSync(path.join(root, 'usr/bin'), { recursive: true });
      fs.symlinkSync(node, path.join(root, 'usr/bin/node'));
    }
    fs.cpSync(npm, path.join(root, 'usr/lib/node_modules/npm'), { recursive: true });
    fs.symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', path.join(root, 'usr/bin/npm'));
    for (const dir of ['bin', 'etc', 'root', 'home/node', 'tmp', 'usr/local/bin'])
      fs.mkdirSync(path.join(root, dir), { recursive: true });
    fs.chmodSync(path.join(root, 'tmp'), 0o1777);
    fs.copyFileSync('/bin/busybox', path.join(root, 'bin/busybox'));
    for (const applet of ['sh', 'ls', 'cat', 'mkdir', 'rm', 'echo', 'wget', 'id', 'true'])
      fs.symlinkSync('busybox', path.join(root, 'bin', applet));
    fs.symlinkSync('/bin/busybox', path.join(root, 'usr/bin/env'));
    fs.writeFileSync(
      path.join(root, 'etc/passwd'),
      'root:x:0:0::/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n',
    );
    fs.writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\nnode:x:1000:\n');
    const [repo, tag] = NODE_STAND_IN.split(':');
    const tar = spawn('tar', ['-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const stream = await docker.importImage(
      tar.stdout as unknown as string,
      { repo, tag, changes: ['ENV PATH=/usr/local/bin:/usr/bin:/bin', 'CMD ["node"]'] } as object,
    );
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())),
    );
    return undefined;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** Whether something on this machine listens on the port (at 127.0.0.1, where the templates publish). */
export function portTaken(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(true));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}

/**
 * For a test whose template publishes a fixed port (pgadmin's 5050 beside an app): skips loudly when something on
 * this machine holds it, and fails in CI, whose machine is the test's own.
 */
export async function requirePortFree(ctx: Mocha.Context, port: number): Promise<void> {
  if (!(await portTaken(port))) return;
  if (process.env.CI) throw new Error(`port ${port} is taken on the CI machine`);
  console.warn(`    SKIPPED: port ${port} on 127.0.0.1 is taken by another program; the template publishes it`);
  ctx.skip();
}

/** The variables that point the templates at the stand-ins, as a test sets them for Compose. */
export const STAND_IN_ENV: Readonly<Record<string, string>> = {
  SITE_IMAGE: SITE_STAND_IN,
  NODE_IMAGE: NODE_STAND_IN,
  DB_IMAGE: POSTGRES_STAND_IN,
  PGADMIN_IMAGE: PGADMIN_STAND_IN,
};
