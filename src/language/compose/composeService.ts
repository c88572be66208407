import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { pair, str, withDocument } from './yamlNodes';
import {
  compareDiagnostics,
  type DiagnosticTag,
  type DocksideDiagnostic,
  type Position,
  type Range,
  type Severity,
} from '../diagnostic';
import type { QuickFix } from '../dockerfile/quickFixes';
import { composeHover } from './composeHover';
import {
  composeCompletions,
  composeDefinition,
  composeOutline,
  type ComposeCompletion,
  type ComposeSymbol,
} from './composeNavigation';
import { composeQuickFixes } from './composeQuickFixes';
import { schemaProblems } from './composeSchema';
import { VersionedCache } from '../documentCache';
import { applyRuleSettings, type RuleSettings } from '../ruleSettings';
import { credentialsInUrl, looksLikeSecretName } from '../secrets';
import { dropSuppressed } from '../suppressions';
import { parseDotEnv } from './dotEnv';
import { needsValue, scanInterpolation } from './interpolation';
import { hostPortsOverlap, parsePortSpec, type PortMapping } from './ports';

export interface ComposeDocument {
  uri: string;
  version: number;
  text: string;
  /** Where the file is on disk, for checks against its folder (build contexts, extends files, `.env`). */
  path?: string;
  /** The workspace folder holding it: quick fixes write only there or in the file's own folder. */
  root?: string;
}

/** What the compose checks may read from outside the text: the disk and the environment. */
export interface ComposeHost {
  /** Whether a file or folder exists at this absolute path. */
  exists(path: string): boolean;
  readFile(path: string): string | undefined;
  /** Where a path really is, symbolic links followed; undefined when nothing is there. */
  realPath?(path: string): string | undefined;
  /** The environment Compose would interpolate from (before the project's `.env`). */
  env: Record<string, string | undefined>;
}

interface Context {
  dir: string;
  host: ComposeHost;
  /** Variables from the project's `.env`, read once per run. */
  dotEnv: Map<string, string>;
}

/** Compose rule codes: stable, never renumbered. */
const RULES: Record<string, { severity: Severity; lesson: string; tags?: DiagnosticTag[] }> = {
  CS001: { severity: 'error', lesson: 'compose' },
  CS002: { severity: 'error', lesson: 'compose' },
  CS003: { severity: 'information', lesson: 'compose', tags: ['unnecessary'] },
  CS004: { severity: 'warning', lesson: 'base-images' },
  CS005: { severity: 'error', lesson: 'compose' },
  CS006: { severity: 'error', lesson: 'compose' },
  CS007: { severity: 'error', lesson: 'compose' },
  CS008: { severity: 'error', lesson: 'compose' },
  CS009: { severity: 'error', lesson: 'compose' },
  CS010: { severity: 'information', lesson: 'compose', tags: ['deprecated'] },
  CS011: { severity: 'warning', lesson: 'secrets' },
  CS012: { severity: 'error', lesson: 'ports-and-expose' },
  CS013: { severity: 'warning', lesson: 'ports-and-expose' },
  CS014: { severity: 'error', lesson: 'ports-and-expose' },
  CS015: { severity: 'error', lesson: 'compose' },
  CS016: { severity: 'error', lesson: 'compose' },
  CS017: { severity: 'error', lesson: 'compose' },
  CS018: { severity: 'error', lesson: 'compose' },
  CS019: { severity: 'error', lesson: 'compose' },
  CS020: { severity: 'error', lesson: 'compose' },
  CS021: { severity: 'error', lesson: 'compose' },
  CS022: { severity: 'information', lesson: 'compose' },
  CS023: { severity: 'error', lesson: 'compose' },
  CS024: { severity: 'error', lesson: 'compose' },
  CS025: { severity: 'warning', lesson: 'compose' },
};

/**
 * Compose files past this size are not checked: real ones are a few kilobytes, and parsing megabytes of YAML on
 * every keystroke would freeze the editor. The file gets one diagnostic that says so.
 */
export const MAX_COMPOSE_CHARS = 1024 * 1024;

/**
 * Nesting past this depth is not parsed: the yaml package nests a generator per level (so each token costs as
 * much as the depth), and near the stack limit it turns each overflow into an error and carries on, which takes
 * seconds. Real compose files nest fewer than 15 levels.
 */
export const MAX_COMPOSE_DEPTH = 64;

/** How deeply the text nests, by flow brackets and by block indentation; one linear scan, stops past `limit`. */
export function nestingDepth(text: string, limit = MAX_COMPOSE_DEPTH): number {
  let flow = 0;
  let deepest = 0;
  const indents: number[] = [];
  let quote = '';
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
      else if (c === '\n' && flow === 0) quote = ''; // A broken quote ends with its line for this estimate.
      continue;
    }
    if (c === '\n') {
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart) {
      if (c === ' ' || c === '-') {
        indent++;
        continue;
      }
      lineStart = false;
      if (c !== '#' && c !== '\r' && flow === 0) {
        while (indents.length && indents[indents.length - 1] >= indent) indents.pop();
        indents.push(indent);
        deepest = Math.max(deepest, indents.length);
      }
    }
    if (c === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t')) {
      const end = text.indexOf('\n', i);
      i = (end < 0 ? text.length : end) - 1;
    } else if (c === '"' || c === "'") {
      if (i === 0 || /[\s\[{,:]/.test(text[i - 1])) quote = c;
    } else if (c === '[' || c === '{') {
      flow++;
      deepest = Math.max(deepest, indents.length + flow);
    } else if ((c === ']' || c === '}') && flow > 0) flow--;
    if (deepest > limit) return deepest;
  }
  return deepest;
}

/**
 * Whether the text could nest past `limit` at all, without the full scan: a level of block nesting takes one more
 * leading space or dash than the level above it, and a level of flow nesting takes one bracket, so the depth is
 * at most the deepest indentation + 1 + the number of opening brackets.
 */
export function mayNestPast(text: string, limit: number): boolean {
  let brackets = 0;
  for (let i = text.indexOf('['); i >= 0 && brackets <= limit; i = text.indexOf('[', i + 1)) brackets++;
  for (let i = text.indexOf('{'); i >= 0 && brackets <= limit; i = text.indexOf('{', i + 1)) brackets++;
  const indent = limit - brackets;
  return indent < 1 || new RegExp(`^[ -]{${indent},}`, 'm').test(text);
}

/** What CS025 says of a file of `size` characters (or bytes, when the CLI did not read it). */
export function composeTooLarge(size: number): string {
  return `This file is ${(size / 1048576).toFixed(1)} MB; Dockside checks compose files up to ${MAX_COMPOSE_CHARS / 1048576} MB, so it is not checked. Split it (Compose's "include:") or check it with "docker compose config".`;
}

/** Why a text is too big or too deep to read, or undefined when it can be read. */
function tooComplex(text: string): string | undefined {
  if (text.length > MAX_COMPOSE_CHARS) return composeTooLarge(text.length);
  if (mayNestPast(text, MAX_COMPOSE_DEPTH) && nestingDepth(text) > MAX_COMPOSE_DEPTH)
    return `This file nests more than ${MAX_COMPOSE_DEPTH} levels deep, so Dockside does not read it (real compose files nest a dozen levels at most). Flatten it, or check it with "docker compose config".`;
  return undefined;
}

const RESTART = /^(no|always|unless-stopped|on-failure(:\d+)?)$/;
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const DURATION_KEYS = ['interval', 'timeout', 'start_period', 'start_interval'];

/** The YAML node at a schema path; `onKey` points at the key of the last segment. */
function nodeAt(root: unknown, path: (string | number)[], onKey: boolean): Node | undefined {
  let node: unknown = root;
  let last: Node | undefined;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (typeof seg === 'number' && isSeq(node)) {
      node = node.items[seg];
    } else if (isMap(node)) {
      const p = pair(node, String(seg));
      if (!p) return last;
      if (onKey && i === path.length - 1) return p.key as Node;
      last = p.key as Node;
      node = p.value;
    } else {
      return last;
    }
    if (node && (node as Node).range) last = node as Node;
  }
  return last;
}

export const COMPOSE_CODES = Object.keys(RULES);

/** How many alias expansions a file may cause before it is treated as an alias bomb. */
const MAX_ALIAS_COUNT = 1000;

class Findings {
  readonly list: DocksideDiagnostic[] = [];
  constructor(private readonly lines: LineCounter) {}

  range(start: number, end: number): Range {
    const a = this.lines.linePos(start);
    const b = this.lines.linePos(end);
    return { start: { line: a.line - 1, character: a.col - 1 }, end: { line: b.line - 1, character: b.col - 1 } };
  }

  add(
    code: string,
    node: { range?: [number, number, number] | null } | null | undefined,
    message: string,
    fallback: [number, number] = [0, 0],
    data?: Record<string, string>,
  ): void {
    const [start, end] = node?.range ? [node.range[0], node.range[1]] : fallback;
    const rule = RULES[code];
    this.list.push({
      range: this.range(start, end),
      severity: rule.severity,
      code,
      message,
      lesson: rule.lesson,
      ...(rule.tags ? { tags: [...rule.tags] } : {}),
      ...(data ? { data } : {}),
    });
  }
}

/** Names declared under a top-level section (`networks:`, `volumes:`, …). */
function declared(root: YAMLMap, section: string): Set<string> {
  const names = new Set<string>();
  const value = pair(root, section)?.value;
  if (isMap(value)) for (const p of value.items) if (str(p.key) !== undefined) names.add(str(p.key)!);
  return names;
}

/** The entries of a list-or-map field (`networks`, `depends_on`): name and the node to point at. */
function entries(node: unknown): { name: string; node: Node }[] {
  const out: { name: string; node: Node }[] = [];
  if (isSeq(node)) {
    for (const i of node.items) {
      const name = str(i);
      if (name !== undefined) out.push({ name, node: i as Node });
    }
  } else if (isMap(node)) {
    for (const p of node.items) {
      const name = str(p.key);
      if (name !== undefined) out.push({ name, node: p.key as Node });
    }
  }
  return out;
}

interface Declared {
  networks: Set<string>;
  volumes: Set<string>;
  services: Set<string>;
  secrets: Set<string>;
  configs: Set<string>;
}

export interface EnvEntry {
  key: string;
  value: string;
  /** The key (map form) or the whole `KEY=value` item (list form). */
  node: Node;
  /** The whole entry: the pair's key to its value, or the list item. */
  range: [number, number];
}

/** A service's `environment:` entries (map or list form) whose value is a secret written out in plain text. */
export function plainTextSecrets(service: unknown): EnvEntry[] {
  const environment = pair(service, 'environment')?.value;
  const out: EnvEntry[] = [];
  if (isMap(environment)) {
    for (const p of environment.items) {
      const key = p.key as Node;
      const value = p.value as Node | null;
      if (key?.range)
        out.push({
          key: str(key) ?? '',
          value: str(value) ?? '',
          node: key,
          range: [key.range[0], value?.range ? value.range[1] : key.range[1]],
        });
    }
  }
  if (isSeq(environment)) {
    for (const item of environment.items) {
      const text = str(item) ?? '';
      const eq = text.indexOf('=');
      const node = item as Node;
      if (eq > 0 && node.range)
        out.push({ key: text.slice(0, eq), value: text.slice(eq + 1), node, range: [node.range[0], node.range[1]] });
    }
  }
  return out.filter(
    (e) => e.value !== '' && !e.value.startsWith('$') && (looksLikeSecretName(e.key) || credentialsInUrl(e.value)),
  );
}

function checkService(
  f: Findings,
  known: Declared,
  key: Node,
  name: string,
  service: unknown,
  ports: { service: string; mapping: PortMapping; node: Node }[],
  ctx?: Context,
): void {
  if (!isMap(service)) return;
  checkExtends(f, known, name, pair(service, 'extends'), ctx);
  if (ctx) checkBuild(f, pair(service, 'build'), ctx);
  const image = pair(service, 'image');
  const build = pair(service, 'build');
  if (!image && !build && !pair(service, 'extends')) {
    f.add(
      'CS005',
      key,
      `Service "${name}" has neither "image" nor "build", so Compose has nothing to run. Add one of them.`,
    );
  }
  const imageName = str(image?.value);
  if (imageName && !build && !imageName.includes('$') && !imageName.includes('@')) {
    const lastPart = imageName.split('/').pop()!;
    const tag = lastPart.includes(':') ? lastPart.split(':').pop() : undefined;
    if (!tag || tag === 'latest') {
      f.add(
        'CS004',
        image!.value,
        `"${imageName}" ${tag ? 'uses "latest", which moves' : 'has no tag, so Compose pulls "latest", which moves'} with every release. Pin a version, e.g. "${imageName.replace(/:latest$/, '')}:<version>".`,
      );
    }
  }
  const { networks, volumes, services } = known;
  for (const n of entries(pair(service, 'networks')?.value)) {
    if (n.name !== 'default' && !networks.has(n.name))
      f.add(
        'CS006',
        n.node,
        `Service "${name}" uses network "${n.name}", which is not declared under the top-level "networks:". Declare it there.`,
        undefined,
        { section: 'networks', name: n.name },
      );
  }
  const volumeList = pair(service, 'volumes')?.value;
  if (isSeq(volumeList)) {
    for (const v of volumeList.items) {
      const spec = str(v);
      const source =
        spec !== undefined
          ? spec.split(':')[0]
          : str(pair(v, 'type')?.value) === 'volume'
            ? str(pair(v, 'source')?.value)
            : undefined;
      if (!source || (spec !== undefined && !spec.includes(':'))) continue;
      if (/^[./~$]/.test(source) || source.includes('/') || volumes.has(source)) continue;
      f.add(
        'CS007',
        v as Node,
        `"${source}" is a named volume, but it is not declared under the top-level "volumes:". Declare it there (or write "./${source}" for a folder beside this file).`,
        undefined,
        { section: 'volumes', name: source },
      );
    }
  }
  for (const d of entries(pair(service, 'depends_on')?.value)) {
    if (!services.has(d.name))
      f.add('CS008', d.node, `Service "${name}" depends on "${d.name}", which is not a service in this file.`);
  }
  const restart = pair(service, 'restart');
  const policy = str(restart?.value);
  if (
    policy !== undefined &&
    isScalar(restart!.value) &&
    typeof restart!.value.value === 'string' &&
    !RESTART.test(policy) &&
    !policy.includes('$')
  ) {
    f.add(
      'CS017',
      restart!.value,
      `"${policy}" is not a restart policy: use "no", "always", "on-failure" (or "on-failure:N") or "unless-stopped".`,
    );
  }
  const healthcheck = pair(service, 'healthcheck')?.value;
  for (const key of DURATION_KEYS) {
    const value = pair(healthcheck, key)?.value;
    if (
      isScalar(value) &&
      typeof value.value === 'string' &&
      !DURATION.test(value.value) &&
      !value.value.includes('$')
    ) {
      f.add(
        'CS018',
        value,
        `healthcheck.${key} "${value.value}" is not a duration: write a number with a unit, such as "10s", "1m30s" or "500ms".`,
      );
    }
  }
  for (const section of ['secrets', 'configs'] as const) {
    const list = pair(service, section)?.value;
    if (!isSeq(list)) continue;
    for (const item of list.items) {
      const ref = str(item) ?? str(pair(item, 'source')?.value);
      if (ref !== undefined && !known[section].has(ref)) {
        f.add(
          'CS020',
          item as Node,
          `Service "${name}" uses ${section === 'secrets' ? 'secret' : 'config'} "${ref}", which is not declared under the top-level "${section}:". Declare it there (with "file:" or "environment:").`,
        );
      }
    }
  }
  const replicas = Number(str(pair(pair(service, 'deploy')?.value, 'replicas')?.value) ?? '1');
  const containerName = pair(service, 'container_name');
  if (containerName && replicas > 1) {
    f.add(
      'CS019',
      containerName.key as Node,
      `"container_name" gives every replica the same name, so ${replicas} replicas cannot start. Remove container_name or use one replica.`,
    );
  }
  const links = pair(service, 'links');
  if (links)
    f.add(
      'CS010',
      links.key as Node,
      '"links" is legacy: services on the same network already reach each other by service name. Remove it (use depends_on for start order).',
    );
  for (const e of plainTextSecrets(service)) {
    f.add(
      'CS011',
      e.node,
      `"${e.key}" holds a secret in plain text in the compose file, where version control and "docker inspect" show it. Move it to an env_file that is not committed, or use Compose "secrets:".`,
      undefined,
      { service: name },
    );
  }
  const portList = pair(service, 'ports')?.value;
  if (isSeq(portList)) {
    for (const item of portList.items) {
      if (isScalar(item)) {
        const spec = typeof item.value === 'number' ? String(item.value) : str(item);
        if (spec === undefined) continue;
        const src = item.source ?? spec;
        if (
          item.type === 'PLAIN' &&
          /^\d{1,2}:\d{1,2}$/.test(String(src)) &&
          String(src)
            .split(':')
            .every((x) => Number(x) < 60)
        ) {
          f.add(
            'CS013',
            item,
            `Unquoted, "${src}" is read as a base-60 number by YAML 1.1 tools (22:22 becomes 1342). Quote it: "${src}".`,
            undefined,
            { quoted: `"${src}"` },
          );
        }
        const parsed = parsePortSpec(spec);
        if (!parsed.ok) f.add('CS012', item, `Port "${spec}": ${parsed.error}.`);
        else ports.push({ service: name, mapping: parsed.mapping, node: item });
      } else if (isMap(item)) {
        const target = str(pair(item, 'target')?.value);
        const published = str(pair(item, 'published')?.value);
        const spec = `${str(pair(item, 'host_ip')?.value) ? `${str(pair(item, 'host_ip')?.value)}:` : ''}${published ? `${published}:` : ''}${target ?? ''}/${str(pair(item, 'protocol')?.value) ?? 'tcp'}`;
        const parsed = parsePortSpec(spec);
        if (!target) f.add('CS012', item, 'A long-form port needs "target", the container port.');
        else if (!parsed.ok) f.add('CS012', item, `Port: ${parsed.error}.`);
        else ports.push({ service: name, mapping: parsed.mapping, node: item });
      }
    }
  }
}

const isRemote = (context: string): boolean => /^[a-z][a-z0-9+.-]*:\/\/|^git@|^github\.com\//i.test(context);

/** `build:` paths that Compose resolves against the compose file's folder: the context, then the Dockerfile in it. */
function checkBuild(f: Findings, build: Pair<Node, Node> | undefined, ctx: Context): void {
  if (!build) return;
  const value = build.value;
  const contextNode = isMap(value) ? pair(value, 'context')?.value : value;
  const context = isMap(value) && !contextNode ? '.' : str(contextNode);
  if (context === undefined || context.includes('$') || isRemote(context)) return;
  const contextPath = joinPath(ctx.dir, context);
  if (!ctx.host.exists(contextPath)) {
    f.add(
      'CS024',
      contextNode ?? build.key,
      `The build context "${context}" does not exist (looked for ${contextPath}). Create the folder or fix the path; it is relative to this compose file.`,
    );
    return;
  }
  if (isMap(value) && pair(value, 'dockerfile_inline')) return;
  const dockerfileNode = isMap(value) ? pair(value, 'dockerfile')?.value : undefined;
  const dockerfile = dockerfileNode ? str(dockerfileNode) : 'Dockerfile';
  if (dockerfile === undefined || dockerfile.includes('$')) return;
  const dockerfilePath = joinPath(contextPath, dockerfile);
  if (!ctx.host.exists(dockerfilePath)) {
    f.add(
      'CS024',
      dockerfileNode ?? contextNode ?? build.key,
      `There is no Dockerfile at ${dockerfilePath}. Create it, or name the right file with "dockerfile:" (relative to the build context).`,
    );
  }
}

/** `extends:` a service in this file, or in another file that must exist and declare it. */
function checkExtends(
  f: Findings,
  known: Declared,
  name: string,
  ext: Pair<Node, Node> | undefined,
  ctx?: Context,
): void {
  if (!ext) return;
  const serviceNode = isMap(ext.value) ? pair(ext.value, 'service')?.value : ext.value;
  const service = str(serviceNode);
  const fileNode = isMap(ext.value) ? pair(ext.value, 'file')?.value : undefined;
  const file = str(fileNode);
  if (service === undefined || service.includes('$')) return;
  if (file === undefined) {
    if (service === name)
      f.add('CS023', serviceNode, `Service "${name}" extends itself. Name another service to inherit from.`);
    else if (!known.services.has(service))
      f.add(
        'CS023',
        serviceNode,
        `Service "${name}" extends "${service}", which is not a service in this file. Fix the name, or add "file:" for a service in another file.`,
      );
    return;
  }
  if (!ctx || file.includes('$')) return;
  const filePath = joinPath(ctx.dir, file);
  const text = ctx.host.readFile(filePath);
  if (text === undefined) {
    f.add(
      'CS023',
      fileNode,
      `"${file}" does not exist (looked for ${filePath}), so "${name}" has nothing to extend. Fix the path; it is relative to this compose file.`,
    );
    return;
  }
  let other: unknown;
  if (tooComplex(text)) return;
  try {
    other = parseDocument(text, { logLevel: 'error' }).toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch {
    return; // That file's own problems are reported when it is opened.
  }
  const services = (other as { services?: unknown } | null)?.services;
  if (!services || typeof services !== 'object' || !Object.prototype.hasOwnProperty.call(services, service)) {
    f.add('CS023', serviceNode, `"${file}" has no service "${service}" to extend. Fix the name or the file.`);
  }
}

/** Joins a compose-relative path onto a folder; absolute paths (and `~`) stay as they are. */
function joinPath(dir: string, p: string): string {
  if (p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p)) return p;
  const parts = dir.split(/[\\/]/);
  for (const seg of p.split(/[\\/]/)) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.length > 1 && parts.pop();
    else parts.push(seg);
  }
  return parts.join('/');
}

/** `${...}` syntax errors (CS021) in every value, and variables that have no value anywhere Compose looks (CS022). */
function checkInterpolation(f: Findings, text: string, root: Node, ctx?: Context): void {
  const unsetSeen = new Set<string>();
  const visitScalar = (node: Node & { value: unknown; range?: [number, number, number] | null }): void => {
    if (typeof node.value !== 'string' || !node.value.includes('$') || !node.range) return;
    const value = node.value;
    const { refs, error } = scanInterpolation(value);
    const source = text.slice(node.range[0], node.range[1]);
    const locate = (start: number, length: number): [number, number] => {
      const at = source.indexOf(value.slice(start, start + length));
      return at >= 0 ? [node.range![0] + at, node.range![0] + at + length] : [node.range![0], node.range![1]];
    };
    if (error) {
      f.add(
        'CS021',
        null,
        `${error.message}. Write \${NAME}, \${NAME:-default} or \${NAME:?message}, or $$ for a literal dollar sign.`,
        locate(error.start, error.length),
      );
      return;
    }
    if (!ctx) return;
    for (const ref of refs) {
      if (!needsValue(ref) || ctx.host.env[ref.name] !== undefined || ctx.dotEnv.has(ref.name)) continue;
      const [start, end] = locate(ref.start, ref.length);
      const key = `${ref.name}@${start}`;
      if (unsetSeen.has(key)) continue;
      unsetSeen.add(key);
      f.add(
        'CS022',
        null,
        `"${ref.name}" has no value in the environment or in the project's .env file, so Compose ${ref.modifier?.endsWith('?') ? 'stops with an error' : 'substitutes an empty string'}. Set it in .env, or give a default: \${${ref.name}:-value}.`,
        [start, end],
      );
    }
  };
  const walk = (node: unknown): void => {
    if (isMap(node)) {
      for (const p of node.items) walk(p.value);
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item);
    } else if (isScalar(node)) {
      visitScalar(node as never);
    }
  };
  walk(root);
}

function checkCycles(f: Findings, servicesMap: YAMLMap): void {
  const graph = new Map<string, { name: string; node: Node }[]>();
  for (const p of servicesMap.items)
    if (str(p.key)) graph.set(str(p.key)!, entries(pair(p.value, 'depends_on')?.value));
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(name)), name];
      const key = [...cycle].sort().join();
      if (reported.has(key)) return;
      reported.add(key);
      for (let i = 0; i + 1 < cycle.length; i++) {
        const edge = graph.get(cycle[i])?.find((d) => d.name === cycle[i + 1]);
        f.add(
          'CS009',
          edge?.node,
          `depends_on forms a cycle: ${cycle.join(' → ')}. Compose cannot decide what to start first; remove one of these dependencies.`,
        );
      }
      return;
    }
    state.set(name, 'visiting');
    for (const d of graph.get(name) ?? []) if (graph.has(d.name)) visit(d.name, [...path, name]);
    state.set(name, 'done');
  };
  for (const name of graph.keys()) visit(name, []);
}

/** Compose diagnostics: YAML errors with exact ranges, references, ports, secrets, images. Pure; never throws. */
export function composeDiagnostics(text: string, file?: { path: string; host: ComposeHost }): DocksideDiagnostic[] {
  const lines = new LineCounter();
  const f = new Findings(lines);
  const unreadable = tooComplex(text);
  if (unreadable) {
    lines.addNewLine(0);
    f.add('CS025', null, unreadable);
    return f.list;
  }
  let doc;
  try {
    doc = parseDocument(text, {
      lineCounter: lines,
      uniqueKeys: true,
      prettyErrors: false,
      merge: true,
      logLevel: 'error',
    });
  } catch (err) {
    f.add('CS001', null, `This YAML could not be read: ${(err as Error).message}`);
    return f.list;
  }
  for (const e of doc.errors)
    f.add('CS001', null, e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '') + '.', [
      e.pos[0],
      e.pos[1],
    ]);
  if (doc.errors.length) return f.list;
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    f.add(
      'CS002',
      null,
      `Anchors and aliases here expand beyond ${MAX_ALIAS_COUNT} copies (${(err as Error).message}); Dockside stops reading, as Compose should. Use fewer nested aliases.`,
    );
    return f.list;
  }
  const root = doc.contents;
  withDocument(doc, () => checkDocument(f, text, root, data, file));
  return f.list.sort(compareDiagnostics);
}

function checkDocument(
  f: Findings,
  text: string,
  root: unknown,
  data: unknown,
  file: { path: string; host: ComposeHost } | undefined,
): void {
  if (!isMap(root)) {
    if (root) f.add('CS015', root, 'A compose file is a mapping with a top-level "services:" key.');
    return;
  }
  const ctx = file ? contextFor(file.path, file.host) : undefined;
  checkInterpolation(f, text, root, ctx);
  for (const problem of schemaProblems(data)) {
    f.add(
      'CS016',
      nodeAt(root, problem.path, problem.onKey) ?? null,
      problem.message,
      undefined,
      problem.suggestion ? { replacement: problem.suggestion } : undefined,
    );
  }
  const version = pair(root, 'version');
  if (version)
    f.add(
      'CS003',
      version.key as Node,
      'The top-level "version" is obsolete: Compose ignores it and follows the Compose Specification. Remove it.',
    );
  const services = pair(root, 'services')?.value;
  if (services !== undefined && !isMap(services))
    f.add('CS015', services as Node, '"services" must be a mapping of service names to their settings.');
  if (isMap(services)) {
    const ports: { service: string; mapping: PortMapping; node: Node }[] = [];
    const known: Declared = {
      networks: declared(root, 'networks'),
      volumes: declared(root, 'volumes'),
      services: declared(root, 'services'),
      secrets: declared(root, 'secrets'),
      configs: declared(root, 'configs'),
    };
    for (const p of services.items)
      if (str(p.key)) checkService(f, known, p.key as Node, str(p.key)!, p.value, ports, ctx);
    checkCycles(f, services);
    // Bucket by protocol and host port, so a file with 1,000 published ports is not compared pair by pair.
    const buckets = new Map<string, number[]>();
    ports.forEach((p, index) => {
      const published = p.mapping.published;
      if (!published || published[1] - published[0] > 10000) return;
      for (let port = published[0]; port <= published[1]; port++) {
        const key = `${p.mapping.protocol}/${port}`;
        const list = buckets.get(key);
        if (list) list.push(index);
        else buckets.set(key, [index]);
      }
    });
    const reported = new Set<string>();
    for (const list of buckets.values()) {
      for (let a = 0; a < list.length; a++) {
        for (let b = a + 1; b < list.length; b++) {
          const [i, j] = [list[a], list[b]];
          if (reported.has(`${i}/${j}`) || !hostPortsOverlap(ports[i].mapping, ports[j].mapping)) continue;
          reported.add(`${i}/${j}`);
          const port = ports[i].mapping.published!.join('-');
          f.add(
            'CS014',
            ports[i].node,
            `Host port ${port} is also published by "${ports[j].service}"; only one container can listen there. Change one host port.`,
          );
          f.add(
            'CS014',
            ports[j].node,
            `Host port ${port} is also published by "${ports[i].service}"; only one container can listen there. Change one host port.`,
          );
        }
      }
    }
  }
}

function contextFor(path: string, host: ComposeHost): Context {
  const dir = path.replace(/[\\/][^\\/]*$/, '') || '/';
  const dotEnvText = host.readFile(joinPath(dir, '.env'));
  return { dir, host, dotEnv: dotEnvText === undefined ? new Map() : parseDotEnv(dotEnvText) };
}

/** Editor features must never throw into the editor: a failure gives no result. */
function safely<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

export class ComposeService {
  private readonly cache = new VersionedCache<DocksideDiagnostic[]>();
  private readonly complexity = new VersionedCache<boolean>();

  constructor(
    private rules: RuleSettings = {},
    private readonly host?: ComposeHost,
  ) {}

  configure(rules: RuleSettings): void {
    this.rules = rules;
    this.cache.clear();
  }

  diagnose(doc: ComposeDocument): DocksideDiagnostic[] {
    return this.cache.get(doc.uri, doc.version, () =>
      applyRuleSettings(
        dropSuppressed(
          doc.text,
          composeDiagnostics(doc.text, doc.path && this.host ? { path: doc.path, host: this.host } : undefined),
        ),
        this.rules,
      ),
    );
  }

  quickFixes(doc: ComposeDocument, diagnostic: DocksideDiagnostic): QuickFix[] {
    return safely(
      () =>
        composeQuickFixes(
          doc.text,
          diagnostic,
          doc.path && this.host
            ? { path: doc.path, host: this.host, ...(doc.root ? { root: doc.root } : {}) }
            : undefined,
        ),
      [],
    );
  }

  /** Hover text; compose files are small, so it parses the text again (~5 ms for 10 services). */
  hover(doc: ComposeDocument, pos: Position): { markdown: string; range: Range } | undefined {
    return this.unreadable(doc) ? undefined : safely(() => composeHover(doc.text, pos), undefined);
  }

  outline(doc: ComposeDocument): ComposeSymbol[] {
    return this.unreadable(doc) ? [] : safely(() => composeOutline(doc.text), []);
  }

  definition(doc: ComposeDocument, pos: Position): Range[] {
    return this.unreadable(doc) ? [] : safely(() => composeDefinition(doc.text, pos), []);
  }

  completions(doc: ComposeDocument, pos: Position): ComposeCompletion[] {
    return this.unreadable(doc) ? [] : safely(() => composeCompletions(doc.text, pos), []);
  }

  /** Editor features skip what diagnostics refuse to read; the verdict is cached per document version. */
  private unreadable(doc: ComposeDocument): boolean {
    return this.complexity.get(doc.uri, doc.version, () => tooComplex(doc.text) !== undefined);
  }

  forget(uri: string): void {
    this.cache.delete(uri);
    this.complexity.delete(uri);
  }
}
