import { isScalar, type Node } from 'yaml';
import { hostPortsOverlap, type PortMapping } from '../ports';
import type { ComposeRule } from '../ruleTypes';

/** How many entries of one conflict group get a finding of their own. */
const MAX_REPORTED_PER_GROUP = 10;

const conflict = (port: string, others: string[]): string => {
  const named = others.slice(0, 3).map((o) => `"${o}"`);
  const more = others.length > 3 ? ` and ${others.length - 3} more` : '';
  const list =
    named.length > 1 && !more ? `${named.slice(0, -1).join(', ')} and ${named.at(-1)}` : named.join(', ') + more;
  return `Host port ${port} is also published by ${list}; only one container can listen there. Change one host port.`;
};

interface PublishedEntry {
  service: string;
  node: Node;
  mapping: PortMapping;
}

/** Groups up to this size are checked pair by pair; larger ones (only hostile files have them) by address class. */
const EXACT_GROUP = 64;

/**
 * The entries that publish the same host port, in groups: one sweep over the published ranges, sorted by their
 * first port, per protocol (O(n log n), where comparing every pair cost the square of the entries and a range
 * of 10,000 ports 10,000 buckets). Two entries conflict when their ranges overlap and their host addresses can:
 * the same address, or either one on every address.
 */
export function conflictGroups(entries: PublishedEntry[]): PublishedEntry[][] {
  const groups: PublishedEntry[][] = [];
  const byProtocol = new Map<string, PublishedEntry[]>();
  for (const e of entries) {
    const list = byProtocol.get(e.mapping.protocol);
    if (list) list.push(e);
    else byProtocol.set(e.mapping.protocol, [e]);
  }
  for (const list of byProtocol.values()) {
    list.sort((a, b) => a.mapping.published![0] - b.mapping.published![0]);
    let current: PublishedEntry[] = [];
    let end = -1;
    const close = () => {
      if (current.length > 1) for (const g of conflicting(current)) groups.push(g);
      current = [];
    };
    for (const e of list) {
      const [first, last] = e.mapping.published!;
      if (first > end) close();
      current.push(e);
      end = Math.max(end, last);
    }
    close();
  }
  return groups;
}

const anyAddress = (ip?: string) => ip === undefined || ip === '0.0.0.0' || ip === '::' || ip === '';

/** Within ranges that overlap as a chain: the entries that really conflict with another, as one group. */
function conflicting(chain: PublishedEntry[]): PublishedEntry[][] {
  if (chain.length <= EXACT_GROUP) {
    const hit = chain.filter((a) => chain.some((b) => b !== a && hostPortsOverlap(a.mapping, b.mapping)));
    return hit.length > 1 ? [hit] : [];
  }
  // A long chain: an entry conflicts when another on the same address, or one on every address, is in it.
  const wildcard = chain.filter((e) => anyAddress(e.mapping.hostIp));
  const perAddress = new Map<string, number>();
  for (const e of chain)
    if (!anyAddress(e.mapping.hostIp)) perAddress.set(e.mapping.hostIp!, (perAddress.get(e.mapping.hostIp!) ?? 0) + 1);
  const hit = chain.filter((e) =>
    anyAddress(e.mapping.hostIp)
      ? chain.length > 1
      : wildcard.length > 0 || (perAddress.get(e.mapping.hostIp!) ?? 0) > 1,
  );
  return hit.length > 1 ? [hit] : [];
}

/** Published ports: their form, YAML 1.1's base-60 trap, and two services on one host port. */
export const portRules: ComposeRule[] = [
  {
    code: 'CS012',
    name: 'invalid-port',
    severity: 'error',
    lesson: 'ports-and-expose',
    service(s, _facts, report) {
      for (const port of s.ports) if (port.problem) report({ node: port.node, message: port.problem });
    },
  },
  {
    code: 'CS013',
    name: 'base-60-port',
    severity: 'warning',
    lesson: 'ports-and-expose',
    service(s, _facts, report) {
      for (const { node: item, spec } of s.ports) {
        if (!isScalar(item) || spec === undefined) continue;
        const src = String(item.source ?? spec);
        if (item.type !== 'PLAIN' || !/^\d{1,2}:\d{1,2}$/.test(src) || !src.split(':').every((x) => Number(x) < 60))
          continue;
        report({
          node: item,
          message:
            `Unquoted, "${src}" is read as a base-60 number by YAML 1.1 tools (22:22 becomes 1342). Quote it: ` +
            `"${src}".`,
          data: { quoted: `"${src}"` },
        });
      }
    },
    fix: (d) =>
      d.data?.quoted
        ? {
            title: `Quote it: ${d.data.quoted}`,
            edits: [{ range: d.range, newText: d.data.quoted }],
            isPreferred: true,
          }
        : undefined,
  },
  {
    code: 'CS014',
    name: 'host-port-conflict',
    severity: 'error',
    lesson: 'ports-and-expose',
    check(facts, report) {
      const entries: PublishedEntry[] = [];
      for (const s of facts.services)
        for (const p of s.ports)
          if (p.mapping?.published) entries.push({ service: s.name, node: p.node, mapping: p.mapping });
      for (const group of conflictGroups(entries)) {
        // A group of 2,000 services on one port is one problem: it is said on its first few entries, not 2,000².
        for (const entry of group.slice(0, MAX_REPORTED_PER_GROUP)) {
          const others = [...new Set(group.filter((e) => e !== entry).map((e) => e.service))];
          report({ node: entry.node, message: conflict(entry.mapping.published!.join('-'), others) });
        }
      }
    },
  },
];
