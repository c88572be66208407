/**
 * Where one service's settings are in a compose file, for the failure doctor: `command:`, `entrypoint:`,
 * `healthcheck:`, each `ports:` entry, each `environment:` entry, memory limits, `restart:` and `build:`. Pure: the
 * text in, 0-based lines out. A file that does not parse gives what could be read.
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, type Pair } from 'yaml';
import { parseYamlDocument } from '../../language/yamlParse';

export interface ComposeServiceLines {
  name: string;
  key: number;
  command?: number;
  entrypoint?: number;
  healthcheck?: number;
  /** The `test:` line inside `healthcheck:`. */
  healthcheckTest?: number;
  ports: { line: number; text: string }[];
  portsKey?: number;
  environmentKey?: number;
  environment: { name: string; line: number; value?: string }[];
  memory?: { line: number; value: string };
  restart?: number;
  user?: number;
  image?: number;
  /** `build:` as a folder, or its `context` and `dockerfile`. */
  build?: { line: number; context: string; dockerfile?: string };
  /** Every line of the service, with its text, for a search by word. */
  lines: { line: number; text: string }[];
}

/** Compose files larger than this are not read for lines. */
export const MAX_COMPOSE_CHARS = 2_000_000;

const scalarText = (node: unknown): string | undefined =>
  isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') ? String(node.value) : undefined;

/** The lines of one service, or undefined when the file has no such service. */
export function composeServiceLines(text: string, service: string): ComposeServiceLines | undefined {
  if (text.length > MAX_COMPOSE_CHARS) return undefined;
  const counter = new LineCounter();
  let doc;
  try {
    doc = parseYamlDocument(text, { lineCounter: counter, uniqueKeys: false });
  } catch {
    return undefined;
  }
  const lineOf = (node: unknown): number | undefined => {
    const range = (node as { range?: [number, number, number?] | null } | null)?.range;
    return range ? counter.linePos(range[0]).line - 1 : undefined;
  };
  const pairOf = (map: unknown, key: string): Pair<Node, unknown> | undefined =>
    isMap(map) ? (map.items.find((p) => scalarText(p.key) === key) as Pair<Node, unknown> | undefined) : undefined;
  const services = pairOf(doc.contents, 'services')?.value;
  const pair = pairOf(services, service);
  if (!pair) return undefined;
  const key = lineOf(pair.key) ?? 0;
  const body = pair.value;
  const keyLine = (name: string) => lineOf(pairOf(body, name)?.key);

  const portsPair = pairOf(body, 'ports');
  const ports = isSeq(portsPair?.value)
    ? portsPair.value.items.flatMap((item) => {
        const line = lineOf(item);
        if (line === undefined) return [];
        if (isMap(item)) {
          const target = scalarText(pairOf(item, 'target')?.value);
          const published = scalarText(pairOf(item, 'published')?.value);
          return [{ line, text: `${published ?? ''}:${target ?? ''}` }];
        }
        const entry = scalarText(item);
        return entry === undefined ? [] : [{ line, text: entry }];
      })
    : [];

  const envPair = pairOf(body, 'environment');
  const environment: ComposeServiceLines['environment'] = [];
  if (isMap(envPair?.value)) {
    for (const p of envPair.value.items) {
      const name = scalarText(p.key);
      const line = lineOf(p.key);
      const value = scalarText(p.value);
      if (name && line !== undefined) environment.push({ name, line, ...(value !== undefined ? { value } : {}) });
    }
  } else if (isSeq(envPair?.value)) {
    for (const item of envPair.value.items) {
      const entry = scalarText(item);
      const line = lineOf(item);
      if (!entry || line === undefined) continue;
      const eq = entry.indexOf('=');
      environment.push({
        name: eq < 0 ? entry : entry.slice(0, eq),
        line,
        ...(eq < 0 ? {} : { value: entry.slice(eq + 1) }),
      });
    }
  }

  const memLimit = pairOf(body, 'mem_limit');
  const deployMemory = pairOf(
    pairOf(pairOf(pairOf(body, 'deploy')?.value, 'resources')?.value, 'limits')?.value,
    'memory',
  );
  const memoryPair = memLimit ?? deployMemory;
  const memoryValue = scalarText(memoryPair?.value);
  const memoryLine = lineOf(memoryPair?.key);

  const buildPair = pairOf(body, 'build');
  let build: ComposeServiceLines['build'];
  const buildLine = lineOf(buildPair?.key);
  if (buildLine !== undefined) {
    const asText = scalarText(buildPair?.value);
    const context = asText ?? scalarText(pairOf(buildPair?.value, 'context')?.value) ?? '.';
    const dockerfile = asText === undefined ? scalarText(pairOf(buildPair?.value, 'dockerfile')?.value) : undefined;
    build = { line: buildLine, context, ...(dockerfile ? { dockerfile } : {}) };
  }

  const healthPair = pairOf(body, 'healthcheck');
  const healthcheckTest = lineOf(pairOf(healthPair?.value, 'test')?.key);
  const allLines = text.split(/\r?\n/);
  const end = lineOf(body) !== undefined ? endLine(body, counter) : key;
  const optional = (name: string, line: number | undefined) => (line === undefined ? {} : { [name]: line });
  return {
    name: service,
    key,
    ...optional('command', keyLine('command')),
    ...optional('entrypoint', keyLine('entrypoint')),
    ...optional('healthcheck', lineOf(healthPair?.key)),
    ...optional('healthcheckTest', healthcheckTest),
    ports,
    ...optional('portsKey', lineOf(portsPair?.key)),
    ...optional('environmentKey', lineOf(envPair?.key)),
    environment,
    ...(memoryValue !== undefined && memoryLine !== undefined
      ? { memory: { line: memoryLine, value: memoryValue } }
      : {}),
    ...optional('restart', keyLine('restart')),
    ...optional('user', keyLine('user')),
    ...optional('image', keyLine('image')),
    ...(build ? { build } : {}),
    lines: allLines.slice(key, end + 1).map((t, i) => ({ line: key + i, text: t })),
  };
}

function endLine(node: unknown, counter: LineCounter): number {
  const range = (node as { range?: [number, number, number?] | null }).range;
  if (!range) return 0;
  // The range ends after the node's last character (often the next line's start): step back onto the node.
  return counter.linePos(Math.max(range[0], range[1] - 1)).line - 1;
}

/** The published host port and the container port of a `ports:` entry (`"8080:80"`, `127.0.0.1:8080:80/tcp`, `80`). */
export function portEntry(text: string): { published?: number; target?: number } {
  const bare = text.split('/')[0]!.replace(/^\[[^\]]*\]:/, '');
  const parts = bare.split(':');
  const target = Number((parts[parts.length - 1] ?? '').split('-')[0]) || undefined;
  const published = parts.length >= 2 ? Number((parts[parts.length - 2] ?? '').split('-')[0]) || undefined : undefined;
  return { ...(published ? { published } : {}), ...(target ? { target } : {}) };
}
