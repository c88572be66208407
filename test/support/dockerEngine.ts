/**
 * A REAL Docker engine for the daemon tests. Uses $DOCKER_HOST when it answers; otherwise (as root) installs
 * docker.io and busybox-static when missing, starts a private dockerd on a unix socket in a temporary folder, and
 * stops it when the run ends. The test image is made locally with `docker import` (no registry is reachable).
 * When no engine can be had, suites that need one are skipped with the reason printed: never passed silently.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';
import { parseEngineAddress, toDockerodeOptions } from '../../src/docker/engineAddress';
import { ensureDebianPackages, isRoot, run } from './system';
import { onRunEnd } from './teardown';

export const TEST_IMAGE = 'dockside-test/busybox:1';
/** Links in the test image; each is a busybox applet. */
const APPLETS = [
  'sh',
  'whoami',
  'sleep',
  'httpd',
  'echo',
  'cat',
  'ls',
  'wget',
  'true',
  'false',
  'env',
  'mkdir',
  'rm',
  'touch',
  'id',
  'tar',
  'gzip',
];

export interface TestEngine {
  /** The DOCKER_HOST value for this engine. */
  host: string;
  docker: Docker;
  /** Environment for docker CLI processes talking to this engine. */
  env: NodeJS.ProcessEnv;
  /** True when this run started the daemon (and so may stop and restart it). */
  private: boolean;
  /** Folder of a private daemon (socket, data, exec, log). */
  dir?: string;
  process?: ChildProcess;
}

let engine: Promise<TestEngine | { unavailable: string }> | undefined;

function clientFor(host: string): Docker {
  return new Docker(toDockerodeOptions(parseEngineAddress(host)));
}

async function answers(docker: Docker, timeoutMs = 3000): Promise<boolean> {
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs)),
    ]);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  onFail: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms\n${onFail()}`);
}

/**
 * The flags for a second engine beside the first: a bridge of its own and no iptables rules. `--bridge=none` is not
 * used: an engine started with it deletes the host's docker0, which the first engine's containers and builds need.
 * The bridge (named after the folder, with a private /24) is made here and removed when the run ends.
 */
export function secondEngineArgs(dir: string): string[] {
  const hash = createHash('sha256').update(dir).digest();
  const name = `dks${hash.toString('hex').slice(0, 8)}`;
  const subnet = `10.${200 + (hash[4]! % 50)}.${hash[5]!}`;
  if (spawnSync('ip', ['link', 'show', name]).status !== 0) {
    spawnSync('ip', ['link', 'add', 'name', name, 'type', 'bridge']);
    spawnSync('ip', ['addr', 'add', `${subnet}.1/24`, 'dev', name]);
    spawnSync('ip', ['link', 'set', name, 'up']);
    onRunEnd(async () => void spawnSync('ip', ['link', 'delete', name]));
  }
  return [`--bridge=${name}`, '--iptables=false', '--ip-masq=false'];
}

/** Starts dockerd with its own folders. A second engine takes `secondEngineArgs(dir)`. */
export async function startPrivateDaemon(host: string, dir: string, extraArgs: string[] = []): Promise<ChildProcess> {
  fs.mkdirSync(dir, { recursive: true });
  const log = fs.openSync(path.join(dir, 'dockerd.log'), 'a');
  const child = spawn(
    'dockerd',
    [
      '--host',
      host,
      '--data-root',
      path.join(dir, 'data'),
      '--exec-root',
      path.join(dir, 'exec'),
      '--pidfile',
      path.join(dir, 'docker.pid'),
      ...extraArgs,
    ],
    { stdio: ['ignore', log, log], detached: false },
  );
  fs.closeSync(log);
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? -1));
  const docker = clientFor(host);
  await waitFor(
    async () => {
      if (exited !== null) throw new Error(`dockerd exited with ${exited}:\n${tail(path.join(dir, 'dockerd.log'))}`);
      return answers(docker, 1000);
    },
    30000,
    'dockerd answering',
    () => tail(path.join(dir, 'dockerd.log')),
  );
  return child;
}

/**
 * After dockerd is killed with SIGKILL its containerd lives on and holds the folders; a new dockerd on the same
 * folders then times out starting its own. Kills every process whose command line names `dir`, then unmounts what
 * is still mounted under it, as a service manager would.
 */
export async function killLeftovers(dir: string): Promise<void> {
  const pids: number[] = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (Number(pid) !== process.pid && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir)) {
        process.kill(Number(pid), 'SIGKILL');
        pids.push(Number(pid));
      }
    } catch {
      // Gone already, or not ours to read.
    }
  }
  // Killed processes release their locks (containerd's database) only once they are gone.
  const deadline = Date.now() + 10000;
  while (
    pids.some((p) => fs.existsSync(`/proc/${p}`) && !/^State:\s+Z/m.test(readOr(`/proc/${p}/status`))) &&
    Date.now() < deadline
  )
    await new Promise((r) => setTimeout(r, 50));
  unmountUnder(dir);
  // dockerd trusts a pid file whose pid is alive (pids are reused fast here) and then waits for the wrong process.
  for (const stale of ['docker.pid', 'exec/containerd/containerd.pid'])
    fs.rmSync(path.join(dir, stale), { force: true });
}

const readOr = (file: string): string => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

export function unmountUnder(dir: string): void {
  let mounts: string[];
  try {
    mounts = fs
      .readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .flatMap((l) => {
        const [, mountPoint] = l.split(' ');
        return mountPoint?.startsWith(dir) ? [mountPoint] : [];
      });
  } catch {
    return;
  }
  for (const m of mounts.sort().reverse()) spawnSync('umount', ['-l', m]);
}

export async function stopPrivateDaemon(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
  await done;
  clearTimeout(timer);
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Imports a busybox-only image (`sh`, `sleep`, `httpd`, ...) from the host's static busybox. */
export async function ensureTestImage(docker: Docker, name = TEST_IMAGE): Promise<void> {
  const existing = await docker.listImages({ filters: JSON.stringify({ reference: [name] }) });
  if (existing.length) return;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-rootfs-'));
  try {
    fs.mkdirSync(path.join(root, 'bin'));
    fs.mkdirSync(path.join(root, 'tmp'));
    fs.mkdirSync(path.join(root, 'www'));
    fs.writeFileSync(path.join(root, 'www', 'index.html'), 'hello from dockside-test\n');
    fs.copyFileSync('/bin/busybox', path.join(root, 'bin', 'busybox'));
    fs.chmodSync(path.join(root, 'bin', 'busybox'), 0o755);
    for (const applet of APPLETS) fs.symlinkSync('busybox', path.join(root, 'bin', applet));
    const [repo, tag] = name.split(':');
    const tar = spawn('tar', ['-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const stream = await docker.importImage(
      tar.stdout as unknown as string,
      { repo, tag, changes: ['ENV PATH=/bin', 'CMD ["sh"]'] } as object,
    );
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())),
    );
    // Podman's compatible import ignores `tag` and names the image `<repo>:latest`: give it the tag asked for.
    if (!(await docker.listImages({ filters: JSON.stringify({ reference: [name] }) })).length)
      await docker.getImage(`${repo}:latest`).tag({ repo: repo ?? name, ...(tag ? { tag } : {}) });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function acquire(): Promise<TestEngine | { unavailable: string }> {
  const fromEnv = process.env.DOCKER_HOST;
  if (fromEnv) {
    const docker = clientFor(fromEnv);
    if (await answers(docker)) {
      if (!fs.existsSync('/bin/busybox'))
        return { unavailable: 'DOCKER_HOST answers, but /bin/busybox is missing for the test image' };
      await ensureTestImage(docker);
      return { host: fromEnv, docker, env: { ...process.env, DOCKER_HOST: fromEnv }, private: false };
    }
    console.warn(`[docker] DOCKER_HOST=${fromEnv} does not answer; starting a private engine instead`);
  }
  const missing = await ensureDebianPackages([{ pkg: 'docker.io', provides: 'dockerd' }, { pkg: 'busybox-static' }]);
  if (missing) return { unavailable: missing };
  if (!isRoot) return { unavailable: 'dockerd needs root to start a private engine' };
  const dir = fs.mkdtempSync('/tmp/dockside-engine-');
  const host = `unix://${dir}/docker.sock`;
  let child: ChildProcess;
  try {
    child = await startPrivateDaemon(host, dir);
  } catch (err) {
    return { unavailable: `the private dockerd did not start: ${(err as Error).message}` };
  }
  const docker = clientFor(host);
  const started: TestEngine = {
    host,
    docker,
    env: { ...process.env, DOCKER_HOST: host },
    private: true,
    dir,
    process: child,
  };
  onRunEnd(async () => {
    await stopPrivateDaemon(started.process!);
    await run('rm', ['-rf', dir]).catch(() => undefined);
  });
  await ensureTestImage(docker);
  return started;
}

/** The engine for this run (started once), or the reason there is none. */
export function getTestEngine(): Promise<TestEngine | { unavailable: string }> {
  engine ??= acquire().catch((err: Error) => ({ unavailable: `setting up the engine failed: ${err.message}` }));
  return engine;
}

/**
 * For a suite's `before` hook: returns the engine, or marks the suite skipped and says why, loudly.
 * In CI (CI=true) a missing engine is a failure, not a skip: CI must run the daemon tests.
 */
export async function requireEngine(ctx: Mocha.Context): Promise<TestEngine> {
  ctx.timeout(300000);
  const e = await getTestEngine();
  if ('unavailable' in e) {
    if (process.env.CI) throw new Error(`No Docker engine in CI: ${e.unavailable}`);
    console.warn(`\n  SKIPPED: no Docker engine: ${e.unavailable}\n`);
    ctx.skip();
  }
  return e as TestEngine;
}
