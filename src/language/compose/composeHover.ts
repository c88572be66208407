import { own } from '../own';
import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import type { Position, Range } from '../diagnostic';
import { baseImageHoverMarkdown } from '../dockerfile/baseImageDocs';
import { codeSpan, escapeMarkdown } from '../markdown';
import { documentAt, offsetAt, parseForEditor, type EditorParse } from './editorParse';
import { DRIVERS, SERVICE_KEYS, TOP_KEYS } from './keyDocs';
import { parsePortSpec } from './ports';
import { overlayDoc } from './schemaOverlay';

function portMarkdown(spec: string): string {
  const parsed = parsePortSpec(spec);
  if (!parsed.ok) return `**Port ${codeSpan(spec)}**: ${escapeMarkdown(parsed.error)}.`;
  const { target, published, hostIp, protocol } = parsed.mapping;
  const t = target[0] === target[1] ? `${target[0]}` : target.join('-');
  if (!published)
    return (
      `**Port ${codeSpan(spec)}**: container port ${t}/${protocol}, published on a host port Docker picks (see ` +
      `\`docker compose port\`).`
    );
  const p = published[0] === published[1] ? `${published[0]}` : published.join('-');
  const where =
    hostIp && hostIp !== '0.0.0.0'
      ? `${hostIp.includes(':') ? `[${hostIp}]` : hostIp}:${published[0]}`
      : `localhost:${published[0]}`;
  const exposure =
    hostIp === '127.0.0.1' || hostIp === '::1'
      ? 'only from this machine'
      : 'from every network interface of the host (other machines too)';
  return (
    `**Port ${codeSpan(spec)}**: host ${p} → container ${t}/${protocol}.\n\nReachable at ${codeSpan(where)}, ` +
    `${exposure}. The app inside must listen on port ${t}.`
  );
}

function volumeMarkdown(spec: string): string {
  const [source = '', target, mode] = spec.split(':');
  const readOnly = mode === 'ro' ? ' Read-only (`:ro`).' : '';
  if (!target)
    return (
      `**Volume ${codeSpan(spec)}**: an anonymous volume at ${codeSpan(source)}. When Compose recreates the ` +
      'container it carries the old one over, unless you run `docker compose up -V`.'
    );
  if (/^[./~$]/.test(source))
    return (
      `**Bind mount ${codeSpan(spec)}**: the host folder ${codeSpan(source)} appears at ${codeSpan(target)} in ` +
      `the container; changes show on both sides.${readOnly}`
    );
  return (
    `**Named volume ${codeSpan(spec)}**: Docker-managed storage ${codeSpan(source)} at ${codeSpan(target)}; it ` +
    `outlives the container. Declare ${codeSpan(source)} under the top-level \`volumes:\`.${readOnly}`
  );
}

/** An image name: what it is (official image or not), what its tag means, smaller variants. */
function imageMarkdown(value: string): string {
  if (value.includes('$'))
    return `**image: ${escapeMarkdown(value)}**: the name is filled in from variables when Compose reads the file.`;
  const at = value.indexOf('@');
  const nameAndTag = at >= 0 ? value.slice(0, at) : value;
  const digest = at >= 0 ? value.slice(at + 1) : null;
  const lastSlash = nameAndTag.lastIndexOf('/');
  const colon = nameAndTag.indexOf(':', lastSlash + 1);
  const name = colon >= 0 ? nameAndTag.slice(0, colon) : nameAndTag;
  const tag = colon >= 0 ? nameAndTag.slice(colon + 1) : null;
  return (
    `${baseImageHoverMarkdown(name, tag, digest)}\n\nThe service runs this image; with \`build:\` too, Compose ` +
    `builds it and tags the result with this name.`
  );
}

/** Hover for a compose file: keys, port strings, volume strings, network drivers, restart policies. */
export function composeHover(
  text: string,
  pos: Position,
  parsed: EditorParse = parseForEditor(text),
): { markdown: string; range: Range } | undefined {
  const { lines } = parsed;
  const offset = offsetAt(parsed, pos);
  // In a file of several documents, the one under the cursor.
  const doc = offset === undefined ? undefined : documentAt(parsed, offset);
  if (offset === undefined || !doc) return undefined;
  const toRange = (n: Node): Range => {
    const a = lines.linePos(n.range![0]);
    const b = lines.linePos(n.range![1]);
    return { start: { line: a.line - 1, character: a.col - 1 }, end: { line: b.line - 1, character: b.col - 1 } };
  };
  const inside = (n: unknown): n is Node =>
    !!n &&
    typeof n === 'object' &&
    'range' in n &&
    !!(n as Node).range &&
    (n as Node).range![0] <= offset &&
    offset <= (n as Node).range![1];

  const walk = (node: unknown, path: string[]): { markdown: string; range: Range } | undefined => {
    if (isMap(node)) {
      for (const p of node.items) {
        if (!isPair(p)) continue;
        const key = isScalar(p.key) ? String(p.key.value) : '';
        if (inside(p.key)) {
          const docs =
            path.length === 0
              ? own(TOP_KEYS, key)
              : path.length === 2 && path[0] === 'services'
                ? (own(SERVICE_KEYS, key) ?? overlayDoc(path, key))
                : overlayDoc(path, key);
          if (docs) return { markdown: `**${key}**: ${docs}`, range: toRange(p.key as Node) };
          if (path.length === 1 && path[0] === 'services')
            return {
              markdown:
                `**Service ${codeSpan(key)}**: one container (or several replicas) of the application; other ` +
                `services reach it at the host name ${codeSpan(key)}.`,
              range: toRange(p.key as Node),
            };
          return undefined;
        }
        if (inside(p.value)) {
          if (isScalar(p.value)) {
            const value = String(p.value.value);
            if (key === 'driver' && path[0] === 'networks' && own(DRIVERS, value))
              return { markdown: own(DRIVERS, value)!, range: toRange(p.value) };
            if (key === 'restart')
              return { markdown: `**restart: ${codeSpan(value)}**: ${SERVICE_KEYS.restart}`, range: toRange(p.value) };
            if (key === 'image') return { markdown: imageMarkdown(value), range: toRange(p.value) };
          }
          return walk(p.value, [...path, key]);
        }
      }
    }
    if (isSeq(node)) {
      const field = path[path.length - 1];
      for (const item of node.items) {
        if (!inside(item)) continue;
        if (isScalar(item)) {
          const value = String(item.value);
          if (field === 'ports') return { markdown: portMarkdown(value), range: toRange(item) };
          if (field === 'volumes' && path[0] === 'services')
            return { markdown: volumeMarkdown(value), range: toRange(item) };
        }
        return walk(item, [...path, '[]']);
      }
    }
    return undefined;
  };
  try {
    return walk(doc.contents, []);
  } catch {
    return undefined;
  }
}
