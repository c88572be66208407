/**
 * Compose port mappings, short and long form, in one model.
 * Short forms: "5432", "5432:5432", "127.0.0.1:8080:80/udp", "3000-3005:3000-3005", "[::1]:80:80", "8080:80".
 */
export interface PortMapping {
  /** Container port range (inclusive). */
  target: [number, number];
  /** Host port range; undefined when Docker picks a free host port. */
  published?: [number, number];
  hostIp?: string;
  protocol: 'tcp' | 'udp' | 'sctp';
}

export type PortParse = { ok: true; mapping: PortMapping } | { ok: false; error: string };

function range(text: string): [number, number] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  return [start, end];
}

function checkRange(r: [number, number], what: string): string | undefined {
  if (r[0] > 65535 || r[1] > 65535) return `${what} ${r[0] === r[1] ? r[0] : r.join('-')} is above 65535`;
  if (r[0] < 1 && what === 'container port') return `${what} 0 is not a port`;
  if (r[1] < r[0]) return `${what} range ${r.join('-')} runs backwards`;
  return undefined;
}

/** The common short forms, `[IPv4:]HOST:CONTAINER` or `CONTAINER`, single ports, lowercase protocol. */
const SIMPLE = /^(?:(?:(\d+\.\d+\.\d+\.\d+):)?(\d+):)?(\d+)(?:\/(tcp|udp|sctp))?$/;

export function parsePortSpec(spec: string): PortParse {
  // The forms nearly every file uses, read by one regular expression: what the general reading below makes of
  // them, at a quarter of its cost (it splits, trims and tests each part). Anything else, and any port out of
  // range (for its error), goes the general way.
  const simple = SIMPLE.exec(spec);
  if (simple) {
    const target = Number(simple[3]);
    const published = simple[2] === undefined ? undefined : Number(simple[2]);
    const protocol = (simple[4] ?? 'tcp') as PortMapping['protocol'];
    if (target >= 1 && target <= 65535 && (published === undefined || published <= 65535))
      return {
        ok: true,
        mapping:
          published === undefined
            ? { target: [target, target], protocol }
            : simple[1] === undefined
              ? { target: [target, target], published: [published, published], protocol }
              : { target: [target, target], published: [published, published], hostIp: simple[1], protocol },
      };
  }
  let text = spec.trim();
  let protocol: PortMapping['protocol'] = 'tcp';
  const slash = text.lastIndexOf('/');
  if (slash >= 0) {
    const p = text.slice(slash + 1).toLowerCase();
    if (p !== 'tcp' && p !== 'udp' && p !== 'sctp')
      return { ok: false, error: `"${p}" is not a protocol: use tcp, udp or sctp` };
    protocol = p;
    text = text.slice(0, slash);
  }
  let hostIp: string | undefined;
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(.*)$/.exec(text);
  if (v6) {
    hostIp = v6[1];
    text = v6[2]!;
  }
  const parts = text.split(':');
  if (!v6 && parts.length === 3) hostIp = parts.shift();
  if (parts.length > 2 || parts.some((p) => p === '' && parts.length === 1))
    return { ok: false, error: `"${spec}" is not a port mapping: write [HOST_IP:]HOST:CONTAINER[/PROTOCOL]` };
  if (hostIp !== undefined && !/^[0-9a-fA-F:.]+$/.test(hostIp))
    return { ok: false, error: `"${hostIp}" is not an IP address` };
  const target = range(parts[parts.length - 1]!);
  if (!target) return { ok: false, error: `"${parts[parts.length - 1]}" is not a container port` };
  const targetError = checkRange(target, 'container port');
  if (targetError) return { ok: false, error: targetError };
  let published: [number, number] | undefined;
  if (parts.length === 2 && parts[0] !== '') {
    published = range(parts[0]!);
    if (!published) return { ok: false, error: `"${parts[0]}" is not a host port` };
    const publishedError = checkRange(published, 'host port');
    if (publishedError) return { ok: false, error: publishedError };
    if (published[1] - published[0] !== target[1] - target[0] && published[0] !== published[1]) {
      return {
        ok: false,
        error: `the host range ${parts[0]} and the container range ${parts[1]} have different lengths`,
      };
    }
  }
  return {
    ok: true,
    mapping: { target, ...(published ? { published } : {}), ...(hostIp !== undefined ? { hostIp } : {}), protocol },
  };
}

/** Two mappings collide when they publish an overlapping host port on the same address and protocol. */
export function hostPortsOverlap(a: PortMapping, b: PortMapping): boolean {
  if (!a.published || !b.published || a.protocol !== b.protocol) return false;
  const anyIp = (ip?: string) => ip === undefined || ip === '0.0.0.0' || ip === '::' || ip === '';
  if (!anyIp(a.hostIp) && !anyIp(b.hostIp) && a.hostIp !== b.hostIp) return false;
  return a.published[0] <= b.published[1] && b.published[0] <= a.published[1];
}
