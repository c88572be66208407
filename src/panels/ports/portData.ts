/**
 * The port picture: host address:port → container → container port/protocol, from running containers (the live
 * model) or from a compose file before anything runs. Marks exposed-but-unpublished ports, host-port conflicts,
 * all-interfaces versus loopback bindings, and the network mode. Pure.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import { parsePortSpec } from '../../language/compose/ports';
import { parseYamlDocument } from '../../language/yamlParse';
import type { ContainerItem } from '../../docker/types';

export interface PortRow {
  /** Container (live) or service (compose) name. */
  owner: string;
  group?: string;
  hostIp?: string;
  /** "8080" or "3000-3005"; undefined when not published. */
  hostPort?: string;
  containerPort: string;
  protocol: string;
  scope: 'all-interfaces' | 'loopback' | 'address' | 'not-published';
  conflict?: string;
  /** A URL to open, for published TCP ports. */
  url?: string;
}

export interface OwnerInfo {
  name: string;
  group?: string;
  networkMode: string;
  state?: string;
}

export interface PortMap {
  source: 'live' | 'compose';
  title: string;
  rows: PortRow[];
  owners: OwnerInfo[];
  conflicts: number;
}

const LOOPBACK = /^(127\.|::1$|localhost$)/;

function scopeOf(ip: string | undefined): PortRow['scope'] {
  if (!ip || ip === '0.0.0.0' || ip === '::') return 'all-interfaces';
  return LOOPBACK.test(ip) ? 'loopback' : 'address';
}

/** Marks rows that publish the same host port (and protocol) on overlapping addresses. */
function markConflicts(rows: PortRow[]): number {
  let conflicts = 0;
  const published = rows.filter((r) => r.hostPort);
  const expand = (p: string): [number, number] => {
    const [first = NaN, last = first] = p.split('-').map(Number);
    return [first, last];
  };
  for (const [i, a] of published.entries()) {
    for (const b of published.slice(i + 1)) {
      if (a.protocol !== b.protocol) continue;
      const [a1, a2] = expand(a.hostPort!);
      const [b1, b2] = expand(b.hostPort!);
      if (a2 < b1 || b2 < a1) continue;
      const sameAddress = a.scope === 'all-interfaces' || b.scope === 'all-interfaces' || a.hostIp === b.hostIp;
      if (!sameAddress) continue;
      a.conflict = `also published by ${b.owner}`;
      b.conflict = `also published by ${a.owner}`;
      conflicts++;
    }
  }
  return conflicts;
}

const byOwner = (a: PortRow, b: PortRow) =>
  (a.group ?? '').localeCompare(b.group ?? '') ||
  a.owner.localeCompare(b.owner) ||
  Number(a.containerPort.split('-')[0]) - Number(b.containerPort.split('-')[0]);

/** Running containers' ports; `engineHost` is where published ports are reached (localhost for a local engine). */
export function portMapFromContainers(containers: Iterable<ContainerItem>, engineHost = 'localhost'): PortMap {
  const rows: PortRow[] = [];
  const owners: OwnerInfo[] = [];
  for (const c of containers) {
    if (c.state !== 'running' && c.state !== 'paused' && c.state !== 'restarting') continue;
    owners.push({
      name: c.name,
      ...(c.composeProject ? { group: c.composeProject } : {}),
      networkMode: c.networkMode,
      state: c.state,
    });
    const seen = new Set<string>();
    for (const p of c.ports) {
      // The engine lists a port once per address family (0.0.0.0 and ::): one row is enough.
      const key = `${p.hostPort ?? ''}/${p.containerPort}/${p.protocol}/${scopeOf(p.hostIp)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const scope = p.hostPort ? scopeOf(p.hostIp) : 'not-published';
      const host = scope === 'all-interfaces' ? engineHost : p.hostIp?.includes(':') ? `[${p.hostIp}]` : p.hostIp;
      rows.push({
        owner: c.name,
        ...(c.composeProject ? { group: c.composeProject } : {}),
        ...(p.hostPort ? { hostIp: p.hostIp ?? '0.0.0.0', hostPort: String(p.hostPort) } : {}),
        containerPort: String(p.containerPort),
        protocol: p.protocol,
        scope,
        ...(p.hostPort && p.protocol === 'tcp' ? { url: `http://${host}:${p.hostPort}/` } : {}),
      });
    }
  }
  rows.sort(byOwner);
  return { source: 'live', title: 'Running containers', rows, owners, conflicts: markConflicts(rows) };
}

/** The same picture from a compose file, before anything runs: `ports:` and `expose:` of each service. */
export function portMapFromCompose(text: string, fileName: string): PortMap {
  const rows: PortRow[] = [];
  const owners: OwnerInfo[] = [];
  let services: unknown;
  try {
    services = (
      parseYamlDocument(text, { logLevel: 'error' }).contents as { get?: (k: string) => unknown } | null
    )?.get?.('services');
  } catch {
    services = undefined;
  }
  if (isMap(services)) {
    for (const pair of services.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : '';
      const service = pair.value;
      if (!name || !isMap(service)) continue;
      const networkMode = (service.get('network_mode') as string | undefined) ?? 'bridge';
      owners.push({ name, networkMode: String(networkMode) });
      const ports = service.get('ports');
      if (isSeq(ports)) {
        for (const item of ports.items) {
          let spec: string | undefined;
          if (isScalar(item)) spec = String(item.value);
          else if (isMap(item)) {
            const get = (k: string) =>
              item.get(k) === undefined || item.get(k) === null ? undefined : String(item.get(k));
            const hostIp = get('host_ip');
            const published = get('published');
            spec =
              `${hostIp ? `${hostIp}:` : ''}${published ? `${published}:` : ''}` +
              `${get('target') ?? ''}/${get('protocol') ?? 'tcp'}`;
          }
          const parsed = spec === undefined ? undefined : parsePortSpec(spec);
          if (!parsed || !parsed.ok) continue;
          const m = parsed.mapping;
          const range = (r: [number, number]) => (r[0] === r[1] ? String(r[0]) : `${r[0]}-${r[1]}`);
          const scope = m.published ? scopeOf(m.hostIp) : 'not-published';
          rows.push({
            owner: name,
            ...(m.published ? { hostIp: m.hostIp ?? '0.0.0.0', hostPort: range(m.published) } : {}),
            containerPort: range(m.target),
            protocol: m.protocol,
            scope: m.published ? scope : 'not-published',
          });
        }
      }
      const expose = service.get('expose');
      if (isSeq(expose)) {
        for (const item of expose.items) {
          const [port, protocol = 'tcp'] = String(isScalar(item) ? item.value : '').split('/');
          if (port && !rows.some((r) => r.owner === name && r.containerPort === port && r.protocol === protocol))
            rows.push({ owner: name, containerPort: port, protocol, scope: 'not-published' });
        }
      }
    }
  }
  rows.sort(byOwner);
  return { source: 'compose', title: fileName, rows, owners, conflicts: markConflicts(rows) };
}
