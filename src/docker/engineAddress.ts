/**
 * Where the Docker engine is, as given by a `DOCKER_HOST`-style address, turned into the options dockerode
 * (docker-modem) takes. Pure: no I/O.
 */
export type EngineAddress =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'tcp'; host: string; port: number; tls: boolean }
  | { kind: 'ssh'; host: string; port: number; username?: string }
  | { kind: 'npipe'; socketPath: string };

export const DEFAULT_SOCKET = '/var/run/docker.sock';
/** The Docker CLI's `default` context on Windows: the engine's named pipe. */
export const DEFAULT_PIPE = '//./pipe/docker_engine';

/** The engine the Docker CLI's `default` context names on a platform, when DOCKER_HOST is not set. */
export function defaultEngineAddress(platformOs: NodeJS.Platform): EngineAddress {
  return platformOs === 'win32'
    ? { kind: 'npipe', socketPath: DEFAULT_PIPE.replace(/\//g, '\\') }
    : { kind: 'unix', socketPath: DEFAULT_SOCKET };
}

export class EngineAddressError extends Error {}

/**
 * Parses `unix:///path`, `tcp://host:port`, `ssh://user@host[:port]`, `npipe:////./pipe/name` or a bare socket
 * path.
 */
export function parseEngineAddress(value: string, tlsVerify = false): EngineAddress {
  const text = value.trim();
  if (text === '') return { kind: 'unix', socketPath: DEFAULT_SOCKET };
  if (text.startsWith('/')) return { kind: 'unix', socketPath: text };
  const m = /^([a-z]+):\/\/(.*)$/.exec(text);
  if (!m)
    throw new EngineAddressError(`"${value}" is not an engine address: expected unix://, tcp://, ssh:// or npipe://.`);
  const [, scheme, rest = ''] = m;
  switch (scheme) {
    case 'unix':
      if (!rest.startsWith('/'))
        throw new EngineAddressError(`"${value}": a unix socket address needs an absolute path.`);
      return { kind: 'unix', socketPath: rest };
    case 'npipe':
      return { kind: 'npipe', socketPath: rest.replace(/\//g, '\\') };
    case 'tcp':
    case 'http':
    case 'https': {
      const url = safeUrl(`http://${rest}`, value);
      const tls = scheme === 'https' || tlsVerify;
      const port = url.port ? Number(url.port) : tls ? 2376 : 2375;
      return { kind: 'tcp', host: url.hostname.replace(/^\[|\]$/g, ''), port, tls };
    }
    case 'ssh': {
      const url = safeUrl(`ssh://${rest}`, value);
      return {
        kind: 'ssh',
        host: url.hostname,
        port: url.port ? Number(url.port) : 22,
        ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      };
    }
    default:
      throw new EngineAddressError(`"${value}": unsupported scheme "${scheme}" (use unix, tcp, ssh or npipe).`);
  }
}

function safeUrl(text: string, original: string): URL {
  try {
    const url = new URL(text);
    if (!url.hostname) throw new Error('no host');
    return url;
  } catch {
    throw new EngineAddressError(`"${original}" is not a valid engine address.`);
  }
}

/** The address as a `DOCKER_HOST` value, which `parseEngineAddress` reads back. */
export function engineAddressUrl(a: EngineAddress): string {
  switch (a.kind) {
    case 'unix':
      return `unix://${a.socketPath}`;
    case 'npipe':
      // The CLI writes a pipe with forward slashes (npipe:////./pipe/docker_engine); Node opens it with backslashes.
      return `npipe://${a.socketPath.replace(/\\/g, '/')}`;
    case 'tcp':
      return `tcp://${a.host}:${a.port}`;
    case 'ssh':
      return `ssh://${a.username ? a.username + '@' : ''}${a.host}:${a.port}`;
  }
}

/** Human-readable form, as shown in the explorer and in error messages. */
export function describeEngineAddress(a: EngineAddress): string {
  return `${engineAddressUrl(a)}${a.kind === 'tcp' && a.tls ? ' (TLS)' : ''}`;
}

export interface DockerodeOptions {
  socketPath?: string;
  host?: string;
  port?: number;
  protocol?: 'http' | 'https' | 'ssh';
  username?: string;
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
}

export function toDockerodeOptions(a: EngineAddress): DockerodeOptions {
  switch (a.kind) {
    case 'unix':
    case 'npipe':
      return { socketPath: a.socketPath };
    case 'tcp':
      return { host: a.host, port: a.port, protocol: a.tls ? 'https' : 'http' };
    case 'ssh':
      return { host: a.host, port: a.port, protocol: 'ssh', ...(a.username ? { username: a.username } : {}) };
  }
}

/**
 * The host name at which the engine's published ports are reached: the engine's own host for a remote engine
 * (tcp://, ssh://), this machine otherwise.
 */
export function publishedHost(address: EngineAddress | undefined): string {
  return address?.kind === 'tcp' || address?.kind === 'ssh' ? address.host : 'localhost';
}

/** Whether the engine runs on this machine, so a port free here is free for it (unix socket, pipe, loopback). */
export function isLocalEngine(address: EngineAddress | undefined): boolean {
  if (!address) return false;
  if (address.kind === 'unix' || address.kind === 'npipe') return true;
  return ['127.0.0.1', 'localhost', '::1'].includes(address.host);
}
