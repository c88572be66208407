import { createHash } from 'node:crypto';
import type * as path from 'node:path';
import {
  DEFAULT_SOCKET,
  defaultEngineAddress,
  describeEngineAddress,
  engineAddressUrl,
  EngineAddressError,
  parseEngineAddress,
  toDockerodeOptions,
  type DockerodeOptions,
  type EngineAddress,
} from './engineAddress';
import { hostPlatform, pathsOf, type HostPlatform } from './hostPlatform';

/** Which engine to talk to, where that choice came from, and the options dockerode needs for it. */
export interface EngineTarget {
  address: EngineAddress;
  /**
   * Where the choice came from, in words: `setting dockside.host`, `DOCKER_HOST`, `context "name"`,
   * `default socket`, `default pipe` (Windows) or `rootless socket`.
   */
  source: string;
  /** The same, for code: the `default` context's engine (socket, pipe or rootless socket) is `default`. */
  origin: 'setting' | 'DOCKER_HOST' | 'context' | 'default';
  /** The address in words. */
  label: string;
  options: DockerodeOptions;
  /** The environment a `docker` CLI process needs to reach this same engine. */
  cliEnv: Record<string, string>;
  /** Why the default engine cannot be there (no socket at its path, or not a socket), in words. */
  missing?: string;
}

export interface ContextInfo {
  name: string;
  host: string;
  description?: string;
  current: boolean;
}

export interface ResolveInput {
  /** `dockside.host`, already ignored by the caller in an untrusted workspace. */
  setting?: string;
  /**
   * `dockside.context` (ignored the same way): a context chosen for Dockside, which comes before DOCKER_HOST as
   * the CLI's `--context` flag does. `default` is the platform's own engine.
   */
  context?: string;
  /** The environment; the platform's by default. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The Docker CLI's config folder (`DOCKER_CONFIG`, default ~/.docker). */
  configDir?: string;
  /** The machine: this one by default; tests pass a Windows or macOS one. */
  platform?: HostPlatform;
}

/** The machine and settings a resolution reads, with the defaults filled in. */
interface Machine {
  platform: HostPlatform;
  env: Readonly<Record<string, string | undefined>>;
  paths: path.PlatformPath;
  configDir: string;
}

function machineOf(input: ResolveInput): Machine {
  const platform = input.platform ?? hostPlatform();
  const env = input.env ?? platform.env;
  const paths = pathsOf(platform);
  return {
    platform,
    env,
    paths,
    configDir: input.configDir ?? env.DOCKER_CONFIG ?? paths.join(platform.home, '.docker'),
  };
}

/** The Docker CLI stores a context's files under the SHA-256 of its name. */
const contextId = (name: string): string => createHash('sha256').update(name).digest('hex');

type JsonRead = { ok: true; value: Record<string, unknown> | undefined } | { ok: false; problem: string };

/** A JSON file: its object, nothing when the file is not there, or what is wrong with it. */
function readJson(m: Machine, file: string): JsonRead {
  const data = m.platform.readFile(file);
  if (!data) return { ok: true, value: undefined };
  try {
    const value: unknown = JSON.parse(data.toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value))
      return { ok: true, value: value as Record<string, unknown> };
    return { ok: false, problem: `${file} does not hold a JSON object` };
  } catch (err) {
    return { ok: false, problem: `${file} is not valid JSON (${(err as Error).message})` };
  }
}

interface ContextMeta {
  Name?: string;
  Metadata?: { Description?: string };
  Endpoints?: { docker?: { Host?: string } };
}

/** The contexts the Docker CLI knows (`docker context ls`), from its contexts folder; `default` first. */
export function listContexts(input: ResolveInput): ContextInfo[] {
  const m = machineOf(input);
  const current = currentContext(m);
  const currentName = 'name' in current ? current.name : undefined;
  const out: ContextInfo[] = [
    {
      name: 'default',
      host: engineAddressUrl(defaultEngineAddress(m.platform.os)),
      description: 'The engine on this machine',
      current: currentName === 'default',
    },
  ];
  const metaDir = m.paths.join(m.configDir, 'contexts', 'meta');
  for (const id of m.platform.readDir(metaDir)) {
    const read = readJson(m, m.paths.join(metaDir, id, 'meta.json'));
    // A context whose file cannot be read has no name to show; resolving it by name says what is wrong.
    const meta = read.ok ? (read.value as ContextMeta | undefined) : undefined;
    const host = meta?.Endpoints?.docker?.Host;
    if (!meta?.Name || typeof host !== 'string') continue;
    out.push({
      name: meta.Name,
      host,
      ...(meta.Metadata?.Description ? { description: meta.Metadata.Description } : {}),
      current: currentName === meta.Name,
    });
  }
  return out;
}

/** The context the CLI would use when no flag or DOCKER_HOST says otherwise, and who named it. */
function currentContext(m: Machine): { name: string; from: string } | { problem: string } {
  if (m.env.DOCKER_CONTEXT) return { name: m.env.DOCKER_CONTEXT, from: 'DOCKER_CONTEXT' };
  const file = m.paths.join(m.configDir, 'config.json');
  const config = readJson(m, file);
  if (!config.ok)
    return { problem: `the Docker CLI's settings file ${config.problem}, so its current context is unknown` };
  const name = config.value?.currentContext;
  return typeof name === 'string' && name
    ? { name, from: `the current context in ${file}` }
    : { name: 'default', from: '' };
}

function tlsFiles(m: Machine, dir: string): Pick<DockerodeOptions, 'ca' | 'cert' | 'key'> {
  const [ca, cert, key] = ['ca.pem', 'cert.pem', 'key.pem'].map((name) => m.platform.readFile(m.paths.join(dir, name)));
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}

/** Where rootless Docker puts its socket: `$XDG_RUNTIME_DIR/docker.sock`, `/run/user/<uid>` when that is unset. */
export function rootlessSocketPath(platform: HostPlatform, env = platform.env): string | undefined {
  if (platform.os !== 'linux') return undefined;
  if (env.XDG_RUNTIME_DIR) return pathsOf(platform).join(env.XDG_RUNTIME_DIR, 'docker.sock');
  return platform.uid !== undefined && platform.uid !== 0 ? `/run/user/${platform.uid}/docker.sock` : undefined;
}

/**
 * Resolves the engine the way the Docker CLI does, with Dockside's settings first: `dockside.host`, then
 * `dockside.context` (as the CLI's --context), then `DOCKER_HOST` (with `DOCKER_TLS_VERIFY` / `DOCKER_CERT_PATH`),
 * then `DOCKER_CONTEXT` or the CLI's current context, then the platform's default engine. Throws EngineAddressError
 * for an address it cannot read and for a context that does not exist or cannot be read, as the CLI refuses those.
 */
export function resolveEngine(input: ResolveInput): EngineTarget {
  const m = machineOf(input);
  const target = (
    address: EngineAddress,
    origin: EngineTarget['origin'],
    source: string,
    cliEnv: Record<string, string>,
    tlsDir?: string,
  ): EngineTarget => {
    const options = toDockerodeOptions(address);
    return {
      address,
      origin,
      source,
      label: describeEngineAddress(address),
      options: address.kind === 'tcp' && address.tls && tlsDir ? { ...options, ...tlsFiles(m, tlsDir) } : options,
      cliEnv,
    };
  };
  const tlsVerify = !!m.env.DOCKER_TLS_VERIFY && m.env.DOCKER_TLS_VERIFY !== '0';
  const certDir = m.env.DOCKER_CERT_PATH ?? m.configDir;
  const hostEnv = (address: EngineAddress) => ({ DOCKER_HOST: engineAddressUrl(address) });

  if (input.setting?.trim()) {
    const address = parseEngineAddress(input.setting, tlsVerify);
    return target(address, 'setting', 'setting dockside.host', hostEnv(address), certDir);
  }
  const named = (name: string, from: string): EngineTarget => {
    if (name === 'default') return defaultTarget(m, target);
    const dir = m.paths.join(m.configDir, 'contexts', 'meta', contextId(name));
    const read = readJson(m, m.paths.join(dir, 'meta.json'));
    if (!read.ok)
      throw new EngineAddressError(`the Docker context "${name}" (${from}) cannot be read: ${read.problem}.`);
    if (!read.value)
      throw new EngineAddressError(
        `the Docker context "${name}" (${from}) does not exist; \`docker context ls\` lists the ones there are.`,
      );
    const host = (read.value as ContextMeta).Endpoints?.docker?.Host;
    if (typeof host !== 'string' || !host)
      throw new EngineAddressError(
        `the Docker context "${name}" (${from}) names no Docker engine (no docker endpoint).`,
      );
    const tlsDir = m.paths.join(m.configDir, 'contexts', 'tls', contextId(name), 'docker');
    const tls = tlsFiles(m, tlsDir);
    // DOCKER_HOST would win over DOCKER_CONTEXT in the CLI; an empty one counts as unset.
    return target(
      parseEngineAddress(host, !!(tls.cert || tls.ca)),
      'context',
      `context "${name}"`,
      {
        DOCKER_HOST: '',
        DOCKER_CONTEXT: name,
      },
      tlsDir,
    );
  };
  if (input.context?.trim()) return named(input.context.trim(), 'setting dockside.context');
  if (m.env.DOCKER_HOST?.trim()) {
    const address = parseEngineAddress(m.env.DOCKER_HOST, tlsVerify);
    return target(address, 'DOCKER_HOST', 'DOCKER_HOST', hostEnv(address), certDir);
  }
  const current = currentContext(m);
  if ('problem' in current) throw new EngineAddressError(`${current.problem}.`);
  return named(current.name, current.from);
}

/**
 * The `default` context's engine: the named pipe on Windows; elsewhere /var/run/docker.sock, or on Linux the
 * rootless socket when only that one is there. A missing default socket is said, never swapped silently for
 * another engine: which one the user meant is theirs to choose (the explorer offers what it finds).
 */
function defaultTarget(
  m: Machine,
  target: (a: EngineAddress, o: EngineTarget['origin'], s: string, env: Record<string, string>) => EngineTarget,
): EngineTarget {
  if (m.platform.os === 'win32') return target(defaultEngineAddress('win32'), 'default', 'default pipe', {});
  const address = defaultEngineAddress(m.platform.os);
  const kind = m.platform.kindOf(DEFAULT_SOCKET);
  if (kind === 'socket') return target(address, 'default', 'default socket', {});
  const rootless = rootlessSocketPath(m.platform, m.env);
  if (rootless && m.platform.kindOf(rootless) === 'socket') {
    const found: EngineAddress = { kind: 'unix', socketPath: rootless };
    return target(found, 'default', 'rootless socket', { DOCKER_HOST: engineAddressUrl(found) });
  }
  const missing =
    kind === 'other'
      ? `${DEFAULT_SOCKET} exists but is not a socket, so no Docker engine can answer there.`
      : m.platform.os === 'darwin'
        ? `There is no ${DEFAULT_SOCKET} on this Mac. Docker Desktop makes it only when its "Allow the default ` +
          'Docker socket" setting is on; Colima, OrbStack and Rancher Desktop each have a socket of their own.'
        : `There is no ${DEFAULT_SOCKET}${rootless ? ` and no rootless Docker socket at ${rootless}` : ''}: ` +
          'the Docker engine is not installed, or not running.';
  return { ...target(address, 'default', 'default socket', {}), missing };
}
