import { isScalar, type Node } from 'yaml';
import { hostPortsOverlap, type PortMapping } from '../ports';
import type { ComposeRule } from '../ruleTypes';

const conflict = (port: string, other: string): string =>
  `Host port ${port} is also published by "${other}"; only one container can listen there. Change one host port.`;

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
      const ports: { service: string; node: Node; mapping: PortMapping }[] = [];
      for (const s of facts.services)
        for (const p of s.ports) if (p.mapping) ports.push({ service: s.name, node: p.node, mapping: p.mapping });
      // Bucket by protocol and host port, so a file with 1,000 published ports is not compared pair by pair.
      const buckets = new Map<string, number[]>();
      for (let index = 0; index < ports.length; index++) {
        const { protocol, published } = ports[index].mapping;
        if (!published || published[1] - published[0] > 10000) continue;
        for (let port = published[0]; port <= published[1]; port++) {
          const key = `${protocol}/${port}`;
          const list = buckets.get(key);
          if (list) list.push(index);
          else buckets.set(key, [index]);
        }
      }
      const reported = new Set<string>();
      for (const list of buckets.values()) {
        for (let a = 0; a < list.length; a++) {
          for (let b = a + 1; b < list.length; b++) {
            const [i, j] = [list[a], list[b]];
            if (reported.has(`${i}/${j}`) || !hostPortsOverlap(ports[i].mapping, ports[j].mapping)) continue;
            reported.add(`${i}/${j}`);
            const port = ports[i].mapping.published!.join('-');
            report({ node: ports[i].node, message: conflict(port, ports[j].service) });
            report({ node: ports[j].node, message: conflict(port, ports[i].service) });
          }
        }
      }
    },
  },
];
