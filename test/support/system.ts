import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', cmd], { encoding: 'utf8' });
  const out = r.stdout.trim();
  return r.status === 0 && out ? out : undefined;
}

/** Runs a command to completion; rejects with its output when it exits non-zero. */
export function run(cmd: string, args: string[], options: SpawnOptions & { input?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${out.slice(-4000)}`)),
    );
    child.stdin!.end(options.input ?? '');
  });
}

let aptUpdated = false;

export function debianPackageInstalled(pkg: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/** A Debian package, and the command (or file) that shows it is there; without one, dpkg is asked. */
export interface DebianNeed {
  pkg: string;
  provides?: string;
}

const present = (p: DebianNeed): boolean =>
  p.provides
    ? p.provides.startsWith('/')
      ? existsSync(p.provides)
      : which(p.provides) !== undefined
    : debianPackageInstalled(p.pkg);

/** Installs Debian packages that are missing (as root); returns a reason string when it cannot. */
export async function ensureDebianPackages(packages: DebianNeed[]): Promise<string | undefined> {
  const missing = packages.filter((p) => !present(p));
  if (missing.length === 0) return undefined;
  const names = missing.map((p) => p.pkg);
  if (!isRoot) return `not root, so cannot install ${names.join(', ')}`;
  if (!which('apt-get')) return `no apt-get to install ${names.join(', ')}`;
  try {
    if (!aptUpdated) {
      await run('apt-get', ['update', '-qq']);
      aptUpdated = true;
    }
    await run('apt-get', ['install', '-y', '-qq', ...names], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch (err) {
    return `installing ${names.join(', ')} failed: ${(err as Error).message.slice(0, 500)}`;
  }
  const still = missing.filter((p) => !present(p));
  return still.length
    ? `${still.map((p) => p.provides ?? p.pkg).join(', ')} still missing after apt-get install`
    : undefined;
}
