import * as http from 'node:http';
import { engineAddressUrl, parseEngineAddress, type EngineAddress } from './engineAddress';
import { listContexts, rootlessSocketPath, type ContextInfo, type ResolveInput } from './connection';
import { hostPlatform, pathsOf, type HostPlatform } from './hostPlatform';

/**
 * Engines on this machine that Dockside could talk to: the Docker CLI's contexts, and the sockets of the products
 * people learn Docker with (Docker Desktop, Colima, OrbStack, Rancher Desktop, rootless Docker) when they are
 * there, whether or not a context names them. Finding one is not using it: the picker offers them, each checked
 * with a `/_ping` first.
 */
export interface EngineChoice {
  /** The product or context name, as the picker shows it: `Docker Desktop`, `Colima (work)`, `context "prod"`. */
  label: string;
  /** The product whose socket or pipe it is, when Dockside knows it. */
  product?: string;
  /** The engine's address as the CLI writes it (`unix:///…`, `npipe:////./pipe/…`, `ssh://…`). */
  url: string;
  /** Undefined when the context's address cannot be read; `problem` then says why. */
  address?: EngineAddress;
  /** The Docker context that reaches it: choosing the engine then chooses the context. */
  context?: string;
  /** The context's own description, if it has one. */
  description?: string;
  /** Whether it is the CLI's current context. */
  current?: boolean;
  /** Why it cannot be used as found (a path that is not a socket, an address that cannot be read). */
  problem?: string;
}

interface Candidate {
  product: string;
  address: EngineAddress;
  /** Pipes cannot be looked at without connecting (that takes one of the engine's pipe instances): ping decides. */
  pipe?: boolean;
}

/** The products' own sockets and pipes on a platform, whether or not they exist. */
function candidates(platform: HostPlatform): Candidate[] {
  const unix = (product: string, socketPath: string): Candidate => ({
    product,
    address: { kind: 'unix', socketPath },
  });
  const pipe = (product: string, name: string): Candidate => ({
    product,
    address: { kind: 'npipe', socketPath: `\\\\.\\pipe\\${name}` },
    pipe: true,
  });
  // The default pipe and /var/run/docker.sock are the `default` context's, which the picker always lists.
  if (platform.os === 'win32') return [pipe('Docker Desktop', 'dockerDesktopLinuxEngine')];
  const paths = pathsOf(platform);
  const home = (...parts: string[]) => paths.join(platform.home, ...parts);
  const out: Candidate[] = [];
  if (platform.os === 'darwin') out.push(unix('Docker Desktop', home('.docker', 'run', 'docker.sock')));
  else out.push(unix('Docker Desktop', home('.docker', 'desktop', 'docker.sock')));
  // Colima keeps one folder per profile (`colima start --profile work`); `default` is the one without a name.
  const colimaHome = platform.env.COLIMA_HOME || home('.colima');
  for (const profile of platform.readDir(colimaHome).sort())
    if (!profile.startsWith('_') && !profile.startsWith('.'))
      out.push(
        unix(profile === 'default' ? 'Colima' : `Colima (${profile})`, paths.join(colimaHome, profile, 'docker.sock')),
      );
  out.push(unix('OrbStack', home('.orbstack', 'run', 'docker.sock')));
  out.push(unix('Rancher Desktop', home('.rd', 'docker.sock')));
  const rootless = rootlessSocketPath(platform);
  if (rootless) out.push(unix('Rootless Docker', rootless));
  // Podman answers the Docker API on its own socket (`podman system service`, or its systemd socket unit).
  if (platform.os === 'linux') {
    const runtime =
      platform.env.XDG_RUNTIME_DIR ||
      (platform.uid !== undefined && platform.uid !== 0 ? `/run/user/${platform.uid}` : '');
    if (runtime) out.push(unix('Podman', paths.join(runtime, 'podman', 'podman.sock')));
    out.push(unix('Podman (root)', '/run/podman/podman.sock'));
  }
  return out;
}

/**
 * What the engine picker offers: every context the CLI knows (named by the product whose socket it points at,
 * when it is one of them), then each product socket that exists and no context names. A path there that is not a
 * socket is offered with that problem, so the user learns why it does not work.
 */
export function discoverEngines(input: ResolveInput = {}): EngineChoice[] {
  const platform = input.platform ?? hostPlatform();
  const contexts = listContexts({ ...input, platform });
  const found = candidates(platform);
  const productOf = new Map(found.map((c) => [engineAddressUrl(c.address), c.product]));
  const out: EngineChoice[] = contexts.map((c) => fromContext(c, productOf));
  const taken = new Set(out.map((c) => c.url));
  for (const c of found) {
    const url = engineAddressUrl(c.address);
    if (taken.has(url)) continue;
    const kind = c.pipe ? 'socket' : platform.kindOf((c.address as { socketPath: string }).socketPath);
    if (kind === 'none') continue;
    taken.add(url);
    out.push({
      label: c.product,
      product: c.product,
      url,
      address: c.address,
      ...(kind === 'other' ? { problem: `${socketPathOf(c.address)} is there, but it is not a socket.` } : {}),
    });
  }
  return out;
}

const socketPathOf = (a: EngineAddress) => (a.kind === 'unix' || a.kind === 'npipe' ? a.socketPath : '');

function fromContext(c: ContextInfo, productOf: Map<string, string>): EngineChoice {
  let address: EngineAddress | undefined;
  let problem: string | undefined;
  try {
    address = parseEngineAddress(c.host);
  } catch (err) {
    problem = (err as Error).message;
  }
  const url = address ? engineAddressUrl(address) : c.host;
  const product = productOf.get(url);
  return {
    label: product ? `${product} · context "${c.name}"` : `context "${c.name}"`,
    ...(product ? { product } : {}),
    url,
    ...(address ? { address } : {}),
    context: c.name,
    ...(c.description ? { description: c.description } : {}),
    ...(c.current ? { current: true } : {}),
    ...(problem ? { problem } : {}),
  };
}

export type PingResult =
  | { ok: true; server?: string; apiVersion?: string }
  /** `absent`: nothing at all is there (no socket, no pipe), so the picker leaves it out. */
  | { ok: false; reason: string; absent?: boolean; unchecked?: boolean };

/**
 * Asks an engine `GET /_ping` with plain HTTP over its socket, pipe or TCP port, and gives up after `timeoutMs`
 * (a socket whose engine hangs, a busy pipe), so a picker that waits for it never hangs. Engines behind TLS or ssh
 * are not checked here: that needs their certificates or an ssh session, which connecting does.
 */
export function pingEngine(address: EngineAddress, timeoutMs: number, platform?: HostPlatform): Promise<PingResult> {
  const where = engineAddressUrl(address);
  if (address.kind === 'ssh' || (address.kind === 'tcp' && address.tls))
    return Promise.resolve({ ok: false, unchecked: true, reason: `${where} is not checked before use (TLS or ssh).` });
  if (address.kind === 'unix') {
    const kind = (platform ?? hostPlatform()).kindOf(address.socketPath);
    if (kind === 'none') return Promise.resolve({ ok: false, absent: true, reason: `There is no socket at ${where}.` });
    if (kind === 'other')
      return Promise.resolve({ ok: false, reason: `${address.socketPath} is there, but it is not a socket.` });
  }
  return new Promise((resolve) => {
    const target =
      address.kind === 'tcp' ? { host: address.host, port: address.port } : { socketPath: address.socketPath };
    const req = http.get({ ...target, path: '/_ping', agent: false, headers: { host: 'docker' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body = (body + chunk).slice(0, 100)));
      res.on('end', () => {
        clearTimeout(timer);
        const server = res.headers.server;
        const apiVersion = res.headers['api-version'];
        if (res.statusCode === 200 && body.trim() === 'OK')
          resolve({
            ok: true,
            ...(typeof server === 'string' ? { server } : {}),
            ...(typeof apiVersion === 'string' ? { apiVersion } : {}),
          });
        else
          resolve({
            ok: false,
            reason: `${where} answers, but not as a Docker engine does (HTTP ${res.statusCode}).`,
          });
      });
      res.on('error', (err) => settleError(err));
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve({
        ok: false,
        reason: `${where} did not answer within ${timeoutMs} ms: the engine is starting, stuck or busy.`,
      });
    }, timeoutMs);
    const settleError = (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(pingFailure(err, where, address.kind === 'npipe'));
    };
    req.on('error', settleError);
  });
}

/** A failed connection in plain words (exported for the cases a Linux test machine cannot make: a busy pipe). */
export function pingFailure(err: NodeJS.ErrnoException, where: string, pipe: boolean): PingResult {
  switch (err.code) {
    case 'ENOENT':
      return { ok: false, absent: true, reason: `There is no ${pipe ? 'named pipe' : 'socket'} at ${where}.` };
    case 'ECONNREFUSED':
      return {
        ok: false,
        reason: pipe
          ? `Nothing listens on ${where}: the engine is not running.`
          : `Nothing listens on ${where}: the engine is not running (a socket left behind when it stopped).`,
      };
    case 'EBUSY':
      return { ok: false, reason: `The named pipe ${where} is busy: every connection it offers is in use.` };
    case 'EACCES':
    case 'EPERM':
      return { ok: false, reason: `Permission denied at ${where}: your user may not use that engine.` };
    case 'ECONNRESET':
      return { ok: false, reason: `${where} closed the connection without answering.` };
    default:
      return { ok: false, reason: `${where}: ${err.message}` };
  }
}
