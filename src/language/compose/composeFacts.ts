import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  visit,
  type Alias,
  type Document,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap,
} from 'yaml';
import type { Range } from '../diagnostic';
import { ComposeProject } from './composeProject';
import type { ComposeContext, ComposeHost, Declared } from './composeTypes';
import { parseDotEnv, substituteVariables } from './dotEnv';
import { MAX_ALIAS_COUNT, tooComplex } from './guards';
import { needsValue, scanInterpolation, type InterpolationError, type VariableRef } from './interpolation';
import { parsePortSpec, type PortMapping } from './ports';
import { own } from '../own';
import { COMPOSE_READ, parseYamlDocuments } from '../yamlParse';
import { declared, dirOf, entries, joinPath, pair, str } from './yamlNodes';

export type { Declared } from './composeTypes';

/** One item of a service's `ports:`, read once for every port rule. */
export interface ServicePort {
  node: Node;
  /** The short form as written (`"8080:80"`), for a scalar item. */
  spec?: string;
  mapping?: PortMapping;
  /** Why the item is not a port mapping, when it is not. */
  problem?: string;
}

/** A scalar that interpolates variables, scanned once. */
export interface Interpolated {
  node: Node & { range: [number, number, number] };
  value: string;
  refs: VariableRef[];
  error?: InterpolationError;
}

/** A service whose settings are a mapping: what the per-service rules look at. */
export class ServiceFacts {
  private portList: ServicePort[] | undefined;
  private dependencies: { name: string; node: Node }[] | undefined;
  private settings: Map<string, Pair<Node, Node>> | undefined;
  private hasMergeKeys = false;

  constructor(
    readonly name: string,
    readonly key: Node,
    readonly node: YAMLMap,
    /** The value Compose would substitute for a variable (environment, then `.env`), when the file's place is known. */
    private readonly lookup: (name: string) => string | undefined = () => undefined,
  ) {}

  /**
   * The pair of one of its settings, merge keys followed. The rules ask each service for some twenty settings, most
   * of which it does not have: its own keys are indexed on the first question, so that each later one is a lookup
   * instead of a scan of every pair. With merge keys, `pair` answers what the index does not (own keys win).
   */
  get(setting: string): Pair<Node, Node> | undefined {
    if (!this.settings) {
      this.settings = new Map();
      for (const p of (this.node as YAMLMap<Node, Node>).items) {
        if (!isScalar(p.key)) continue;
        const value = p.key.value;
        if (typeof value === 'symbol' || value === '<<') this.hasMergeKeys = true;
        // The first of duplicate keys, as `pair` finds it.
        const name = str(p.key);
        if (name !== undefined && !this.settings.has(name)) this.settings.set(name, p);
      }
    }
    return this.settings.get(setting) ?? (this.hasMergeKeys ? pair(this.node, setting) : undefined);
  }

  /** The names it depends on, each with the node that names it. */
  get dependsOn(): { name: string; node: Node }[] {
    return (this.dependencies ??= entries(this.get('depends_on')?.value));
  }

  get ports(): ServicePort[] {
    return (this.portList ??= readPorts(this.get('ports')?.value, this.lookup));
  }
}

/**
 * A value as Compose would interpolate it, or undefined when that depends on a variable with no value here and no
 * default (the shell that runs Compose may set it, so nothing can be said about the result).
 */
export function interpolatedValue(value: string, lookup: (name: string) => string | undefined): string | undefined {
  if (!value.includes('$')) return value;
  const { refs, error } = scanInterpolation(value);
  if (error) return undefined;
  for (const ref of refs) if (needsValue(ref) && lookup(ref.name) === undefined) return undefined;
  return substituteVariables(value, lookup);
}

function readPorts(list: unknown, lookup: (name: string) => string | undefined): ServicePort[] {
  const out: ServicePort[] = [];
  if (!isSeq(list)) return out;
  for (const item of list.items) {
    if (isScalar(item)) {
      const spec = typeof item.value === 'number' ? String(item.value) : str(item);
      if (spec === undefined) continue;
      const value = interpolatedValue(spec, lookup);
      // A port that depends on a variable set only where Compose runs cannot be checked here.
      if (value === undefined) {
        out.push({ node: item, spec });
        continue;
      }
      const parsed = parsePortSpec(value);
      if (parsed.ok) out.push({ node: item, spec, mapping: parsed.mapping });
      else {
        const shown = value === spec ? `"${spec}"` : `"${spec}" (as "${value}")`;
        out.push({ node: item, spec, problem: `Port ${shown}: ${parsed.error}.` });
      }
    } else if (isMap(item)) {
      const field = (name: string) => {
        const raw = str(pair(item, name)?.value);
        return raw === undefined ? { raw } : { raw, value: interpolatedValue(raw, lookup) };
      };
      const target = field('target');
      const published = field('published');
      const hostIp = field('host_ip');
      const protocol = field('protocol');
      if (!target.raw) {
        out.push({ node: item, problem: 'A long-form port needs "target", the container port.' });
        continue;
      }
      const unknown = [target, published, hostIp, protocol].some((f) => f.raw !== undefined && f.value === undefined);
      if (unknown) {
        out.push({ node: item });
        continue;
      }
      const parsed = parsePortSpec(
        `${hostIp.value ? `${hostIp.value}:` : ''}${published.value ? `${published.value}:` : ''}` +
          `${target.value}/${protocol.value ?? 'tcp'}`,
      );
      if (!parsed.ok) out.push({ node: item, problem: `Port: ${parsed.error}.` });
      else out.push({ node: item, mapping: parsed.mapping });
    }
  }
  return out;
}

/**
 * Everything about one compose file that several rules need, computed once: the parsed document and its plain
 * copy (for the schema), the declared names, the services, and the file's folder with its `.env`.
 */
export class ComposeFacts {
  readonly services: ServiceFacts[] = [];
  private readonly byNode = new Map<unknown, ServiceFacts>();
  /** The value of `services:`, whatever it is. */
  readonly servicesNode: unknown;
  readonly context: ComposeContext | undefined;
  private known: Declared | undefined;
  private scanned: Interpolated[] | undefined;
  private badKeys: Node[] | undefined;

  constructor(
    readonly text: string,
    readonly lines: LineCounter,
    readonly doc: Document,
    readonly root: YAMLMap,
    /** The document as plain data (what the schema validates). */
    readonly data: unknown,
    /** The file's other documents and what it includes, shared by the facts of each of its documents. */
    readonly project: ComposeProject<ComposeFacts>,
    context: ComposeContext | undefined,
    /** The values to interpolate, when the walk that made `data` found them already. */
    interpolated?: Interpolated[],
    /** Keys that are not strings (`123:`), when the walk that made `data` found them already. */
    nonStringKeys?: Node[],
  ) {
    this.scanned = interpolated;
    this.badKeys = nonStringKeys;
    this.context = context;
    this.servicesNode = pair(root, 'services')?.value;
    // Compose takes a variable from the environment first, then from the project's .env.
    const lookup = (this.lookup = (name: string) =>
      context ? (own(context.host.env, name) ?? context.dotEnv.get(name)) : undefined);
    if (isMap(this.servicesNode))
      for (const p of this.servicesNode.items) {
        const name = str(p.key);
        if (!name || !isMap(p.value)) continue;
        const service = new ServiceFacts(name, p.key as Node, p.value, lookup);
        this.services.push(service);
        this.byNode.set(p.value, service);
      }
  }

  /** The value Compose would substitute for a variable (environment, then `.env`), when the file's place is known. */
  readonly lookup: (name: string) => string | undefined;

  /** A value as Compose would interpolate it, or undefined when a variable it needs has no value here. */
  interpolate(value: string): string | undefined {
    return interpolatedValue(value, this.lookup);
  }

  /** The facts of the service whose settings are this node, if it is one. */
  serviceOf(node: unknown): ServiceFacts | undefined {
    return this.byNode.get(node);
  }

  /** The names every document of the file declares, and those its includes bring in. */
  get declared(): Declared {
    return this.project.declared;
  }

  /** The names this document declares itself. */
  get ownDeclared(): Declared {
    return (this.known ??= {
      networks: declared(this.root, 'networks'),
      volumes: declared(this.root, 'volumes'),
      services: declared(this.root, 'services'),
      secrets: declared(this.root, 'secrets'),
      configs: declared(this.root, 'configs'),
    });
  }

  /** Every value (not key) with a `$` in it, scanned for interpolation, in document order. */
  get interpolated(): Interpolated[] {
    if (this.scanned) return this.scanned;
    const out: Interpolated[] = [];
    const walk = (node: unknown): void => {
      if (isMap(node)) {
        for (const p of node.items) walk(p.value);
      } else if (isSeq(node)) {
        for (const item of node.items) walk(item);
      } else if (isScalar(node)) {
        noteInterpolation(node, out);
      }
    };
    walk(this.root);
    return (this.scanned = out);
  }

  /** Keys that are not strings (`123:`, `true:`), outside `x-` extensions: Compose refuses them. */
  get nonStringKeys(): Node[] {
    if (this.badKeys) return this.badKeys;
    const out: Node[] = [];
    const walk = (node: unknown): void => {
      if (isMap(node)) {
        for (const p of node.items) {
          if (isNonStringKey(p.key)) out.push(p.key as Node);
          else if (str(p.key)?.startsWith('x-')) continue;
          walk(p.value);
        }
      } else if (isSeq(node)) for (const item of node.items) walk(item);
    };
    walk(this.root);
    return (this.badKeys = out);
  }

  /** A range from offsets in the text. */
  range(start: number, end: number): Range {
    return toRange(this.lines, start, end);
  }
}

/** A key Compose refuses: a number, a boolean, null, or a mapping or list (a merge key `<<` is none of these). */
function isNonStringKey(key: unknown): boolean {
  if (isScalar(key)) return key.value === null || typeof key.value === 'number' || typeof key.value === 'boolean';
  return isMap(key) || isSeq(key);
}

function noteInterpolation(node: Scalar, found: Interpolated[]): void {
  if (typeof node.value === 'string' && node.value.includes('$') && node.range)
    found.push({ node: node as Interpolated['node'], value: node.value, ...scanInterpolation(node.value) });
}

/** What the walk over a document gathers besides the copy. */
interface Walk {
  interpolated: Interpolated[];
  badKeys: Node[];
  /** Keys equal to an earlier key of their mapping. */
  duplicates: Scalar[];
}

/**
 * Whether a key of the mapping before `key` equals it, as the yaml package compares keys: scalars of the same value
 * (NaN equal to NaN).
 */
function earlierKey(items: readonly { key: unknown }[], key: Scalar): boolean {
  const value = key.value;
  for (const p of items) {
    if (p.key === key) return false;
    if (isScalar(p.key) && (p.key.value === value || (Number.isNaN(p.key.value) && Number.isNaN(value)))) return true;
  }
  return false;
}

/** Where `plainData` leaves the copy to yaml's own `toJS`. */
const NOT_PLAIN = Symbol('not plain');

const isPlainValue = (v: unknown): v is string | number | boolean | null =>
  v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** The property name toJS gives a key of a plain value. */
const keyName = (key: Scalar): string => (key.value === null ? '' : String(key.value));

/** Up to this many earlier keys, `nameTaken` compares them instead of asking `name in out`. */
const SHORT_MAPPING = 8;

/**
 * Whether `out[name] = …` might not simply add an own property, for a key whose earlier keys (all plain scalars)
 * are `items[0..i)`: an earlier key has the name, or it is "__proto__", the one name Object.prototype has a setter
 * for. toJS asks `name in out`, which also holds for inherited names such as "constructor", where the plain
 * assignment makes the same own property. Comparing a few strings is cheaper: `in` looks each freshly parsed key
 * up in V8's string table, which took a sixth of the walk's time.
 */
function nameTaken(items: readonly Pair[], i: number, name: string): boolean {
  if (name === '__proto__') return true;
  for (let j = 0; j < i; j++) if (keyName(items[j]!.key as Scalar) === name) return true;
  return false;
}

/**
 * The document as plain data, exactly as `doc.toJS()` makes it, built in the walk that also finds the values to
 * interpolate: one walk instead of two, and cheaper than toJS, which is general. Only for what most compose files
 * are: no aliases, merge keys, tags or non-scalar keys. For anything else NOT_PLAIN, and toJS makes the copy (it
 * also stops alias bombs, which need aliases).
 */
function plainData(node: unknown, walk: Walk, extension = false): unknown {
  if (node === null) return null;
  if (isScalar(node)) {
    if (node.tag !== undefined || !isPlainValue(node.value)) return NOT_PLAIN;
    noteInterpolation(node, walk.interpolated);
    return node.value;
  }
  if (isMap(node)) {
    if (node.tag !== undefined) return NOT_PLAIN;
    const out: Record<string, unknown> = {};
    const items = node.items;
    for (let i = 0; i < items.length; i++) {
      const { key, value } = items[i]!;
      // A merge key reads as a symbol; a "<<" string is left to toJS as well, which knows when it merges.
      if (!isScalar(key) || key.tag !== undefined || !isPlainValue(key.value) || key.value === '<<') return NOT_PLAIN;
      const name = keyName(key);
      if (!extension && isNonStringKey(key)) walk.badKeys.push(key);
      const data = plainData(value, walk, extension || name.startsWith('x-'));
      if (data === NOT_PLAIN) return NOT_PLAIN;
      if (i < SHORT_MAPPING ? nameTaken(items, i, name) : name in out) {
        // Keys that read as the same name may still differ (1 and "1"): only equal values are duplicates.
        if (Object.hasOwn(out, name) && earlierKey(node.items, key)) walk.duplicates.push(key);
        // As toJS does: a key such as "__proto__" or "constructor" becomes an own property, not the prototype's.
        Object.defineProperty(out, name, { value: data, writable: true, enumerable: true, configurable: true });
      } else out[name] = data;
    }
    return out;
  }
  if (isSeq(node)) {
    if (node.tag !== undefined) return NOT_PLAIN;
    const out: unknown[] = [];
    for (const item of node.items) {
      const data = plainData(item, walk, extension);
      if (data === NOT_PLAIN) return NOT_PLAIN;
      out.push(data);
    }
    return out;
  }
  return NOT_PLAIN;
}

export function toRange(lines: LineCounter, start: number, end: number): Range {
  const a = lines.linePos(start);
  const b = lines.linePos(end);
  return { start: { line: a.line - 1, character: a.col - 1 }, end: { line: b.line - 1, character: b.col - 1 } };
}

function contextFor(path: string, host: ComposeHost): ComposeContext {
  const dir = dirOf(path);
  const dotEnvText = host.readFile(joinPath(dir, '.env'));
  return { dir, host, dotEnv: dotEnvText === undefined ? new Map() : parseDotEnv(dotEnvText) };
}

/** Why the rules cannot run: the parse itself found the file unreadable. */
export interface ParseStop {
  code: 'CS001' | 'CS002' | 'CS015' | 'CS025';
  span: [number, number];
  message: string;
}

/**
 * The parser's errors with the duplicate-key errors it would have given, found in one pass with a set per mapping
 * (same message, same place, in document order): keys are equal when they are the same node or scalars of the same
 * value, as the yaml package compares them.
 */
export function withDuplicateKeys(doc: Document): { message: string; pos: [number, number] }[] {
  const found: { message: string; pos: [number, number] }[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const p of map.items) {
        if (!isScalar(p.key)) continue;
        const value = p.key.value;
        if (seen.has(value)) {
          const at = p.key.range?.[0] ?? 0;
          found.push({ message: 'Map keys must be unique', pos: [at, at + 1] });
        } else seen.add(value);
      }
    },
  });
  if (!found.length) return doc.errors;
  return [...doc.errors, ...found].sort((a, b) => a.pos[0] - b.pos[0]);
}

/**
 * The first alias that stands inside the node its own anchor marks (`a: &a {b: *a}`), which would contain itself:
 * YAML loaders refuse it (Compose's included), and expanding it never ends. Anchors are indexed once, in order.
 */
function selfContainingAlias(doc: Document): Alias | undefined {
  const anchors = new Map<string, Node[]>();
  let found: Alias | undefined;
  visit(doc, {
    Node(_key, n) {
      if (n.anchor) anchors.set(n.anchor, [...(anchors.get(n.anchor) ?? []), n]);
    },
  });
  visit(doc, {
    Alias(_key, alias) {
      const at = alias.range?.[0] ?? 0;
      const target = (anchors.get(alias.source) ?? []).filter((n) => (n.range?.[0] ?? Infinity) < at).at(-1);
      if (target?.range && target.range[0] <= at && at < target.range[1]) {
        found = alias;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** The walk over one document: its plain copy (NOT_PLAIN when toJS must make it) and what it gathered. */
function walkDocument(doc: Document): Walk & { data: unknown } {
  const walk: Walk = { interpolated: [], badKeys: [], duplicates: [] };
  return { ...walk, data: plainData(doc.contents, walk) };
}

/** The parser's errors and the duplicate keys, from the walk when it went through the whole document. */
function documentErrors(doc: Document, walk: Walk & { data: unknown }): { message: string; pos: [number, number] }[] {
  if (walk.data === NOT_PLAIN) return withDuplicateKeys(doc);
  if (!walk.duplicates.length) return doc.errors;
  const found = walk.duplicates.map((key) => {
    const at = key.range?.[0] ?? 0;
    return { message: 'Map keys must be unique', pos: [at, at + 1] as [number, number] };
  });
  return [...doc.errors, ...found].sort((a, b) => a.pos[0] - b.pos[0]);
}

/** The plain copy of one document (yaml's toJS when the walk could not make it), or why it cannot be made. */
function documentData(doc: Document, walk: Walk & { data: unknown }): { data: unknown; walked: boolean } | ParseStop {
  if (walk.data !== NOT_PLAIN) return { data: walk.data, walked: true };
  const recursive = selfContainingAlias(doc);
  if (recursive) {
    const message =
      `The alias "*${recursive.source}" stands inside the node its anchor "&${recursive.source}" marks, so it ` +
      'would contain itself. Compose refuses it; point the alias at a node outside that one.';
    return { code: 'CS002', span: [recursive.range?.[0] ?? 0, recursive.range?.[1] ?? 0], message };
  }
  try {
    return { data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), walked: false };
  } catch (err) {
    const message =
      `Anchors and aliases here expand beyond ${MAX_ALIAS_COUNT} copies (${(err as Error).message}); ` +
      'Dockside stops reading, as Compose should. Use fewer nested aliases.';
    return { code: 'CS002', span: [0, 0], message };
  }
}

/**
 * Reads a compose file: the guards, the YAML parse, and for each of its documents the plain copy (which stops
 * alias bombs) and the check that it is a mapping. A file may hold several documents (`---` between them): Compose
 * v2 skips the empty ones and merges the others in order (compose-go, loader/loader.go, loadYamlFile). Either the
 * facts of each document for the rules, or the findings that stop them (in the parser's order).
 */
export function readCompose(
  text: string,
  file?: { path: string; host: ComposeHost; root?: string },
): { documents: ComposeFacts[]; lines: LineCounter } | { stops: ParseStop[]; lines: LineCounter } {
  const lines = new LineCounter();
  const unreadable = tooComplex(text);
  if (unreadable) {
    lines.addNewLine(0);
    return { stops: [{ code: 'CS025', span: [0, 0], message: unreadable }], lines };
  }
  let list;
  try {
    // Duplicate keys are found below: the yaml package compares each key with every earlier one of its mapping,
    // which cost the square of the keys (12,000 environment entries took 4 s).
    list = parseYamlDocuments(text, { ...COMPOSE_READ, lineCounter: lines });
  } catch (err) {
    return {
      stops: [{ code: 'CS001', span: [0, 0], message: `This YAML could not be read: ${(err as Error).message}` }],
      lines,
    };
  }
  // One walk per document finds the duplicate keys and makes the plain copy that the rules read.
  const walks = list.map(walkDocument);
  const errors =
    list.length === 1 ? documentErrors(list[0]!, walks[0]!) : list.flatMap((d, i) => documentErrors(d, walks[i]!));
  if (errors.length)
    return {
      stops: errors.map((e) => ({
        code: 'CS001',
        span: [e.pos[0], e.pos[1]],
        message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '') + '.',
      })),
      lines,
    };
  const project = new ComposeProject<ComposeFacts>(file);
  const context = file ? contextFor(file.path, file.host) : undefined;
  for (const [i, doc] of list.entries()) {
    // An empty document (a trailing `---`): Compose skips it. An explicit null (`~`) it refuses, as below.
    const contents = doc.contents;
    if (contents === null || (isScalar(contents) && contents.value === null && !contents.source)) continue;
    const walk = walks[i]!;
    const read = documentData(doc, walk);
    if ('code' in read) return { stops: [read], lines };
    const root = contents;
    if (!isMap(root)) {
      const message =
        isScalar(root) && root.value === null
          ? 'This document is empty (null), and Compose stops with "empty compose file". Give it a top-level ' +
            '"services:", or remove it.'
          : 'A compose file is a mapping with a top-level "services:" key.';
      const span: [number, number] = root.range ? [root.range[0], root.range[1]] : [0, 0];
      return { stops: [{ code: 'CS015', span, message }], lines };
    }
    const [scanned, keys] = read.walked ? [walk.interpolated, walk.badKeys] : [undefined, undefined];
    project.documents.push(new ComposeFacts(text, lines, doc, root, read.data, project, context, scanned, keys));
  }
  if (!project.documents.length) {
    const message =
      'This file holds no compose document (it is empty or only comments), and Compose stops with "empty compose ' +
      'file". Add a top-level "services:".';
    return { stops: [{ code: 'CS015', span: [0, 0], message }], lines };
  }
  return { documents: project.documents, lines };
}
