import * as http from 'node:http';

/** What one GET to a published port found. */
export type ProbeResult = 'http' | 'not-http' | 'no-answer';

/**
 * One plain GET of `/`: `http` for any HTTP answer (a 404 or a redirect is still a web server), `not-http` when
 * something accepted the connection but did not speak HTTP (a database), `no-answer` when nothing did (yet).
 */
export function probeHttp(host: string, port: number, timeoutMs = 2000): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: ProbeResult) => {
      if (settled) return;
      settled = true;
      req.destroy();
      resolve(r);
    };
    // A URL writes an IPv6 address in brackets; a socket wants it bare.
    const address = host.replace(/^\[(.*)\]$/, '$1');
    const req = http.get({ host: address, port, path: '/', timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      done('http');
    });
    req.on('timeout', () => done('no-answer'));
    req.on('error', (err: NodeJS.ErrnoException) =>
      done(
        // Connected, then the peer closed or sent something that is not HTTP.
        err.code === 'HPE_INVALID_CONSTANT' || /^HPE_/.test(err.code ?? '') ? 'not-http' : 'no-answer',
      ),
    );
  });
}

/** Container ports that are known not to speak HTTP: no browser offer for these, and no polling either. */
export const NOT_HTTP_PORTS: ReadonlySet<number> = new Set([
  22, 1433, 1521, 3306, 5432, 5672, 6379, 9042, 9092, 11211, 26257, 27017,
]);

/**
 * Asks until the port answers HTTP, at most `attempts` times with `intervalMs` between them; stops early when it
 * answers something that is not HTTP, or when `cancelled` says so. Resolves with the last result.
 */
export async function waitForHttp(
  host: string,
  port: number,
  options: { attempts: number; intervalMs: number; cancelled?: () => boolean },
): Promise<ProbeResult> {
  let last: ProbeResult = 'no-answer';
  for (let i = 0; i < options.attempts && !options.cancelled?.(); i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, options.intervalMs));
    last = await probeHttp(host, port, Math.max(500, Math.min(options.intervalMs * 4, 3000)));
    if (last !== 'no-answer') return last;
  }
  return last;
}

/** How many attempts, `intervalMs` apart, cover the health check's start period (nanoseconds), or 60 s without one. */
export function httpAttempts(startPeriodNs: number | undefined, intervalMs: number): number {
  const windowMs = startPeriodNs && startPeriodNs > 0 ? startPeriodNs / 1e6 : 60000;
  return Math.max(1, Math.ceil(windowMs / intervalMs));
}

/** A published TCP port worth asking for HTTP: the service it belongs to and where the browser reaches it. */
export interface WebPort {
  service: string;
  /** The host part of the URL: the binding's own address when it has one, else the engine's host. */
  host: string;
  hostPort: number;
  containerPort: number;
}

/**
 * The published TCP ports of these containers that may serve HTTP (not a known database port), once per host
 * port. `engineHost` is where a port bound to every address is reached (`localhost` for a local engine).
 */
export function webPorts(
  containers: Iterable<{
    name: string;
    composeService?: string;
    ports: readonly { hostIp?: string; hostPort?: number; containerPort: number; protocol: string }[];
  }>,
  engineHost: string,
): WebPort[] {
  const out = new Map<number, WebPort>();
  for (const c of containers) {
    for (const p of c.ports) {
      if (!p.hostPort || p.protocol !== 'tcp' || NOT_HTTP_PORTS.has(p.containerPort) || out.has(p.hostPort)) continue;
      const ip = p.hostIp && !['0.0.0.0', '::', ''].includes(p.hostIp) ? p.hostIp : undefined;
      out.set(p.hostPort, {
        service: c.composeService ?? c.name,
        host: ip ? (ip.includes(':') ? `[${ip}]` : ip) : engineHost,
        hostPort: p.hostPort,
        containerPort: p.containerPort,
      });
    }
  }
  return [...out.values()];
}
