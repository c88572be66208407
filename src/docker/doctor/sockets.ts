/**
 * A container's listening TCP sockets, read from `/proc/net/tcp` and `/proc/net/tcp6` of its network namespace,
 * and what they mean for a published port. Parsing only; reading the files is gather.ts's job.
 */

export interface ListeningSocket {
  family: 4 | 6;
  /** The address in its usual form: `0.0.0.0`, `127.0.0.1`, `::`, `::1`, `::ffff:127.0.0.1`. */
  address: string;
  port: number;
}

/** The state column's value for a listening socket. */
const LISTEN = '0A';
/** A file with more lines than this is cut: a container with a hundred thousand sockets is not the question. */
const MAX_LINES = 20000;

/** `0100007F` (as the kernel prints it: the 32-bit word in host order, little-endian here) to `127.0.0.1`. */
function ipv4(hex: string): string {
  const n = Number.parseInt(hex, 16);
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff].join('.');
}

/** Four little-endian 32-bit words to an IPv6 address, shortened the usual way (`::1`, `::ffff:127.0.0.1`). */
function ipv6(hex: string): string {
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    for (let b = 3; b >= 0; b--) bytes.push(Number.parseInt(word.slice(b * 2, b * 2 + 2), 16));
  }
  const isMapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (isMapped) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  // The longest run of zero groups (two or more) becomes `::`.
  let best = { start: -1, len: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len && j - i >= 2) best = { start: i, len: j - i };
    i = j;
  }
  const hexes = groups.map((g) => g.toString(16));
  if (best.start < 0) return hexes.join(':');
  return `${hexes.slice(0, best.start).join(':')}::${hexes.slice(best.start + best.len).join(':')}`;
}

/** The listening sockets in the text of `/proc/net/tcp` (family 4) or `/proc/net/tcp6` (family 6). */
export function parseProcNetTcp(text: string, family: 4 | 6): ListeningSocket[] {
  const out: ListeningSocket[] = [];
  const lines = text.split('\n', MAX_LINES);
  for (const line of lines.slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 4 || cols[3] !== LISTEN) continue;
    const [addrHex, portHex] = (cols[1] ?? '').split(':');
    if (!addrHex || !portHex) continue;
    if (family === 4 && !/^[0-9A-Fa-f]{8}$/.test(addrHex)) continue;
    if (family === 6 && !/^[0-9A-Fa-f]{32}$/.test(addrHex)) continue;
    const port = Number.parseInt(portHex, 16);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) continue;
    out.push({ family, address: family === 4 ? ipv4(addrHex) : ipv6(addrHex), port });
  }
  return out;
}

/** Whether an address is the loopback only (so traffic from outside the container never reaches it). */
export function isLoopback(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || /^::ffff:127\./.test(address);
}

const isWildcard = (address: string) => address === '0.0.0.0' || address === '::';

/** What the sockets say about one published container port. */
export type PortVerdict =
  | { kind: 'answers'; on: ListeningSocket }
  | { kind: 'loopback-only'; on: ListeningSocket }
  | { kind: 'other-ports'; ports: number[] }
  | { kind: 'nothing-listens' };

/**
 * Does anything listen on `port` where the published traffic arrives (any address, or one of the container's own
 * addresses)? When only the loopback has it, the app cannot be reached from outside; when other ports listen,
 * the mapping probably points at the wrong one. Docker's embedded DNS (127.0.0.11) is never the app.
 */
export function portVerdict(sockets: ListeningSocket[], port: number, containerIps: string[] = []): PortVerdict {
  const app = sockets.filter((s) => !(s.address === '127.0.0.11'));
  const onPort = app.filter((s) => s.port === port);
  const reachable = onPort.find((s) => isWildcard(s.address) || containerIps.includes(s.address));
  if (reachable) return { kind: 'answers', on: reachable };
  const loop = onPort.find((s) => isLoopback(s.address));
  if (loop) return { kind: 'loopback-only', on: loop };
  if (onPort[0]) return { kind: 'answers', on: onPort[0] };
  const others = [...new Set(app.map((s) => s.port))].sort((a, b) => a - b);
  return others.length ? { kind: 'other-ports', ports: others } : { kind: 'nothing-listens' };
}
