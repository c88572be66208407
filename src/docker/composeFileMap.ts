import { isMap, isScalar, isSeq, LineCounter, type Node, type Pair } from 'yaml';
import { parseYamlDocument } from '../language/yamlParse';
import type { ComposeFailure } from './composeOutput';

/** A 0-based line and character range, as the editor wants it. */
export interface TextRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

export interface ComposeServiceEntry {
  name: string;
  /** The service's key (`web:`), where its CodeLens goes. */
  key: TextRange;
  image?: { value: string; range: TextRange };
  ports: { text: string; range: TextRange }[];
  /** The `ports:` key itself, for a port problem that no single entry explains. */
  portsKey?: TextRange;
  profiles: string[];
}

/** Where the parts of a compose file are that the run commands point at: the services, their ports and images. */
export interface ComposeFileMap {
  /** The top-level `services:` key. */
  servicesKey?: TextRange;
  services: ComposeServiceEntry[];
  /** Every profile named by a service, once, in the order they appear. */
  profiles: string[];
  /** A top-level key path (`services.web.ports`) to its key's range. */
  keyRange(path: readonly string[]): TextRange | undefined;
}

const scalarText = (node: unknown): string | undefined =>
  isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') ? String(node.value) : undefined;

/** Reads the file once; a file that does not parse gives what could be read (often nothing). Never throws. */
export function composeFileMap(text: string): ComposeFileMap {
  const lines = new LineCounter();
  const doc = parseYamlDocument(text, { lineCounter: lines, uniqueKeys: false });
  const pos = (offset: number) => {
    const p = lines.linePos(offset);
    return { line: p.line - 1, character: p.col - 1 };
  };
  const rangeOf = (node: { range?: [number, number, number?] | null } | null | undefined): TextRange | undefined =>
    node?.range ? { start: pos(node.range[0]), end: pos(node.range[1]) } : undefined;
  const pairOf = (map: unknown, key: string): Pair<Node, unknown> | undefined =>
    isMap(map) ? (map.items.find((p) => scalarText(p.key) === key) as Pair<Node, unknown> | undefined) : undefined;

  const servicesPair = pairOf(doc.contents, 'services');
  const services: ComposeServiceEntry[] = [];
  if (isMap(servicesPair?.value)) {
    for (const pair of servicesPair.value.items) {
      const name = scalarText(pair.key);
      const key = rangeOf(pair.key as Node);
      if (!name || !key) continue;
      const imagePair = pairOf(pair.value, 'image');
      const image = scalarText(imagePair?.value);
      const imageRange = rangeOf(imagePair?.value as Node | undefined);
      const portsPair = pairOf(pair.value, 'ports');
      const ports = isSeq(portsPair?.value)
        ? portsPair.value.items.flatMap((item) => {
            const range = rangeOf(item as Node);
            const published = isMap(item) ? scalarText(pairOf(item, 'published')?.value) : undefined;
            const entry = scalarText(item);
            const shown = entry ?? (published !== undefined ? `published: ${published}` : undefined);
            return range && shown !== undefined ? [{ text: shown, range }] : [];
          })
        : [];
      const profilesNode = pairOf(pair.value, 'profiles')?.value;
      const profiles = isSeq(profilesNode) ? profilesNode.items.flatMap((p) => scalarText(p) ?? []) : [];
      const portsKey = rangeOf(portsPair?.key as Node | undefined);
      services.push({
        name,
        key,
        ...(image !== undefined && imageRange ? { image: { value: image, range: imageRange } } : {}),
        ports,
        ...(portsKey ? { portsKey } : {}),
        profiles,
      });
    }
  }
  const servicesKey = rangeOf(servicesPair?.key as Node | undefined);
  return {
    ...(servicesKey ? { servicesKey } : {}),
    services,
    profiles: [...new Set(services.flatMap((s) => s.profiles))],
    keyRange(path) {
      let node: unknown = doc.contents;
      let found: Pair<Node, unknown> | undefined;
      for (const key of path) {
        found = pairOf(node, key);
        if (!found) break;
        node = found.value;
      }
      return found ? rangeOf(found.key) : undefined;
    },
  };
}

/**
 * `${NAME}`, `${NAME:-default}`, `${NAME-default}` and `$NAME` replaced as Compose would with these variables;
 * `$$` is a literal `$`. Enough to read a published port such as `${WEB_PORT:-8080}`.
 */
export function interpolate(text: string, env: Readonly<Record<string, string | undefined>>): string {
  // A scan, not one regular expression: an unclosed `${` would make a pattern search to the end from every `$`.
  let out = '';
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0) break;
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
      continue;
    }
    const close = next === '{' ? text.indexOf('}', dollar) : -1;
    const body = next === '{' ? (close < 0 ? undefined : text.slice(dollar + 2, close)) : undefined;
    const parts = body === undefined ? null : /^([A-Za-z_]\w*)(?:(:?)-(.*))?$/s.exec(body);
    const bare = next === '{' ? null : /^[A-Za-z_]\w*/.exec(text.slice(dollar + 1));
    if (parts) {
      const [, name = '', colon, fallback] = parts;
      const value = env[name];
      out +=
        fallback === undefined
          ? (value ?? '')
          : value === undefined || (colon === ':' && value === '')
            ? fallback
            : value;
      i = close + 1;
    } else if (bare) {
      out += env[bare[0]] ?? '';
      i = dollar + 1 + bare[0].length;
    } else {
      out += '$';
      i = dollar + 1;
    }
  }
  return out + text.slice(i);
}

/** The host port (or the first of a range) a `ports:` entry publishes, or undefined when it leaves that to Docker. */
export function publishedPort(entry: string): number | undefined {
  if (entry.startsWith('published: ')) return Number(entry.slice(11).split('-')[0]) || undefined;
  const [withoutProtocol = ''] = entry.split('/');
  // An IPv6 address is in brackets; drop whatever host address comes first.
  const parts = withoutProtocol.replace(/^\[[^\]]*\]:/, '').split(':');
  const published = parts.at(-2);
  if (published === undefined) return undefined;
  return Number(published.split('-')[0]) || undefined;
}

/**
 * Where in the file a failure belongs: the `ports:` entry that publishes the busy port (in the named service when
 * Compose said which), the `image:` of an image that was not found, the key or line Compose named for a file it
 * refused. Falls back to the service's key, then nothing.
 */
export function locateFailure(
  map: ComposeFileMap,
  failure: ComposeFailure,
  env: Readonly<Record<string, string | undefined>> = {},
): TextRange | undefined {
  const named = failure.service ? map.services.filter((s) => s.name === failure.service) : [];
  const candidates = named.length ? named : map.services;
  if (failure.kind === 'port-in-use') {
    for (const s of candidates) {
      const entry = s.ports.find((p) => publishedPort(interpolate(p.text, env)) === failure.hostPort);
      if (entry) return entry.range;
    }
    return named[0]?.portsKey ?? named[0]?.key;
  }
  if (failure.kind === 'image-not-found' || failure.kind === 'registry-unreachable') {
    const byImage = failure.image
      ? candidates.find((s) => s.image && sameImage(interpolate(s.image.value, env), failure.image!))
      : undefined;
    return (byImage ?? named[0])?.image?.range ?? named[0]?.key;
  }
  if (failure.kind === 'invalid-file') {
    if (failure.keyPath) {
      for (let n = failure.keyPath.length; n > 0; n--) {
        const range = map.keyRange(failure.keyPath.slice(0, n));
        if (range) return range;
      }
    }
    if (failure.line) {
      const line = failure.line - 1;
      const character = Math.max(0, (failure.column ?? 1) - 1);
      return { start: { line, character }, end: { line, character } };
    }
  }
  return named[0]?.key;
}

/** `nginx` and `nginx:latest` (and `docker.io/library/nginx:latest`) are one image. */
function sameImage(a: string, b: string): boolean {
  const norm = (ref: string) => {
    const withTag = /:[\w.-]+$/.test(ref.split('/').pop() ?? '') || ref.includes('@') ? ref : `${ref}:latest`;
    return withTag.replace(/^docker\.io\//, '').replace(/^library\//, '');
  };
  return norm(a) === norm(b);
}
