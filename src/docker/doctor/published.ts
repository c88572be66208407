/**
 * A container's published TCP ports and whether anything reachable listens behind them, from its inspect data and
 * its listening sockets. Pure: the failure doctor (diagnose.ts) and the explorer's port watch (portWatch.ts) share it.
 */
import type { SilentPort } from '../types';
import type { ContainerInspect } from './evidence';
import { portVerdict, type ListeningSocket } from './sockets';

export interface PublishedPort {
  containerPort: number;
  hostPort: number;
  hostIp?: string;
}

/** The TCP ports published on the host, one per container port, in port order. */
export function publishedPorts(container: ContainerInspect): PublishedPort[] {
  const out: PublishedPort[] = [];
  const seen = new Set<number>();
  for (const [key, bindings] of Object.entries(container.NetworkSettings?.Ports ?? {})) {
    const [port, proto] = key.split('/');
    if (proto !== 'tcp' || !bindings?.length) continue;
    const containerPort = Number(port);
    if (seen.has(containerPort)) continue;
    seen.add(containerPort);
    const b = bindings[0]!;
    out.push({ containerPort, hostPort: Number(b.HostPort), ...(b.HostIp ? { hostIp: b.HostIp } : {}) });
  }
  return out.sort((a, b) => a.containerPort - b.containerPort);
}

/** The container's own addresses on its networks, where published traffic arrives. */
export function containerIps(container: ContainerInspect): string[] {
  return Object.values(container.NetworkSettings?.Networks ?? {}).flatMap((n) =>
    [n.IPAddress, n.GlobalIPv6Address].filter((x): x is string => !!x),
  );
}

/** The published ports where nothing reachable listens, with why. */
export function silentPorts(container: ContainerInspect, sockets: ListeningSocket[]): SilentPort[] {
  const ips = containerIps(container);
  const out: SilentPort[] = [];
  for (const p of publishedPorts(container)) {
    const verdict = portVerdict(sockets, p.containerPort, ips);
    if (verdict.kind !== 'answers')
      out.push({ containerPort: p.containerPort, hostPort: p.hostPort, why: verdict.kind });
  }
  return out;
}
