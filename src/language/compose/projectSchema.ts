import type { Document, Node, YAMLMap } from 'yaml';
import { canonical, formatPath, schemaProblems, type SchemaProblem } from './composeSchema';
import { isRecord, put } from './linkedFiles';
import { nodeAt, withDocument } from './yamlNodes';

/**
 * The schema check of a file of several YAML documents, as Compose v2 makes it: compose-go merges each document
 * into the model of the ones before it and validates that model after every merge (loader/loader.go, loadYamlFile:
 * processRawYaml calls override.Merge, override.EnforceUnicity, then schema.Validate on the merged dict). So a
 * document may lean on an earlier one (a `depends_on` entry that gets its `condition` there), and a problem in an
 * earlier document stops Compose even when a later one would override it. Each problem is reported in the document
 * that brought the offending value in, at its place there.
 */

/** What the check needs of one document's facts. */
export interface SchemaDocument {
  readonly doc: Document;
  readonly root: YAMLMap;
  /** The document as plain data. */
  readonly data: unknown;
}

/** A schema problem placed in one of the file's documents. */
export interface PlacedSchemaProblem {
  /** The index of the document it is reported in. */
  document: number;
  node: Node | undefined;
  message: string;
  suggestion?: string;
}

type Merger = (earlier: unknown, later: unknown, path: readonly string[]) => unknown;

const own = (o: Record<string, unknown>, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Each item once (the later of equal items wins, at the earlier one's place), by a key of each item. */
function uniqueBy(items: unknown[], key: (item: unknown) => string): unknown[] {
  const at = new Map<string, number>();
  const out: unknown[] = [];
  for (const item of items) {
    const k = key(item);
    const i = at.get(k);
    if (i === undefined) {
      at.set(k, out.length);
      out.push(item);
    } else out[i] = item;
  }
  return out;
}

/** A mapping or list as compose-go's convertIntoSequence makes it: `KEY=value` strings, sorted. */
function toSequence(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [value];
  if (!isRecord(value)) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined) out.push(k);
    else if (Array.isArray(v)) for (const item of v) out.push(`${k}=${String(item)}`);
    else out.push(`${k}=${String(v)}`);
  }
  return out.sort();
}

/** A list of names as a mapping of them (compose-go's convertIntoMapping), each with a copy of `value`. */
function toMapping(value: unknown, fill: () => unknown): Record<string, unknown> | undefined {
  if (isRecord(value)) return value;
  if (!Array.isArray(value)) return undefined;
  const out: Record<string, unknown> = {};
  for (const item of value) put(out, String(item), fill());
  return out;
}

const sequences: Merger = (e, o) => [...toSequence(e), ...toSequence(o)];
const later: Merger = (e, o) => (o === null || o === undefined ? e : o);
const mappings =
  (fill: () => unknown): Merger =>
  (e, o, path) => {
    const a = toMapping(e, fill);
    const b = toMapping(o, fill);
    return a && b ? mergeMappings(a, b, path) : (b ?? a);
  };

/** Where compose-go's override.Merge does not simply merge mappings and append lists (override/merge.go). */
const SPECIAL: [readonly string[], Merger][] = [
  ...['labels', 'annotations', 'dns', 'dns_opt', 'dns_search', 'env_file', 'label_file', 'environment'].map(
    (k): [string[], Merger] => [['services', '*', k], sequences],
  ),
  ...['sysctls', 'tmpfs', 'extra_hosts'].map((k): [string[], Merger] => [['services', '*', k], sequences]),
  ...['args', 'additional_contexts', 'labels', 'extra_hosts'].map((k): [string[], Merger] => [
    ['services', '*', 'build', k],
    sequences,
  ]),
  [['services', '*', 'deploy', 'labels'], sequences],
  [['networks', '*', 'labels'], sequences],
  [['volumes', '*', 'labels'], sequences],
  [['services', '*', 'command'], later],
  [['services', '*', 'entrypoint'], later],
  [['services', '*', 'healthcheck', 'test'], later],
  [['services', '*', 'ulimits', '*'], later],
  [
    ['services', '*', 'build'],
    (e, o, path) => {
      const asMap = (v: unknown) => (typeof v === 'string' ? { context: v } : isRecord(v) ? v : undefined);
      const a = asMap(e);
      const b = asMap(o);
      return a && b ? mergeMappings(a, b, path) : (b ?? a ?? o);
    },
  ],
  [['services', '*', 'depends_on'], mappings(() => ({ condition: 'service_started', required: true }))],
  [['services', '*', 'networks'], mappings(() => null)],
  [['services', '*', 'models'], mappings(() => null)],
  [
    ['services', '*', 'logging'],
    (e, o, path) => {
      if (!isRecord(e) || !isRecord(o)) return later(e, o, path);
      // Options merge only when both name the same driver, or one names none.
      return own(e, 'driver') && own(o, 'driver') && e.driver !== o.driver ? o : mergeMappings(e, o, path);
    },
  ],
];

/** The lists compose-go keeps one item per key of (override/uncity.go, EnforceUnicity). */
const UNIQUE: [readonly string[], (item: unknown) => string][] = [
  [['services', '*', 'environment'], (v) => String(v).split('=')[0]!],
  [
    ['services', '*', 'volumes'],
    (v) => (isRecord(v) ? String(v.target) : typeof v === 'string' ? (v.split(':')[1] ?? v) : canonical(v)),
  ],
  [['services', '*', 'expose'], (v) => String(v)],
  [
    ['services', '*', 'secrets'],
    (v) => (isRecord(v) ? String(v.target ?? `/run/secrets/${String(v.source)}`) : `/run/secrets/${String(v)}`),
  ],
  [['services', '*', 'configs'], (v) => (isRecord(v) ? String(v.target ?? `/${String(v.source)}`) : `/${String(v)}`)],
  [['services', '*', 'ports'], portKey],
];

/** A port's identity, as compose-go's portIndexer makes it: address, published port, target and protocol. */
function portKey(v: unknown): string {
  if (!isRecord(v)) return String(v);
  const { host_ip: host = '0.0.0.0', published = '', target, protocol = 'tcp' } = v;
  return `${String(host)}:${String(published)}:${String(target)}/${String(protocol)}`;
}

const matches = (path: readonly string[], pattern: readonly string[]): boolean =>
  path.length === pattern.length && pattern.every((p, i) => p === '*' || p === path[i]);

function mergeMappings(
  e: Record<string, unknown>,
  o: Record<string, unknown>,
  path: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) put(out, k, v);
  for (const [k, v] of Object.entries(o)) put(out, k, own(e, k) ? mergeValue(e[k], v, [...path, k]) : v);
  return out;
}

/**
 * A later document's value over an earlier one's, as compose-go merges them: mappings key by key, lists appended,
 * anything else replaced, with the special cases above. New objects only: the documents' data is not changed.
 * Appended lists keep one of equal items: the versions of compose-go differ in which lists they deduplicate, and a
 * duplicate reported where Compose removes it would be a false error.
 */
function mergeValue(e: unknown, o: unknown, path: readonly string[]): unknown {
  const special = SPECIAL.find(([pattern]) => matches(path, pattern));
  let merged: unknown;
  if (special) merged = special[1](e, o, path);
  else if (o === null || o === undefined) return e;
  else if (isRecord(e) && isRecord(o)) return mergeMappings(e, o, path);
  else if (Array.isArray(e) && Array.isArray(o)) merged = [...e, ...o];
  else return o;
  if (!Array.isArray(merged)) return merged;
  const unique = UNIQUE.find(([pattern]) => matches(path, pattern));
  return uniqueBy(merged, unique ? unique[1] : canonical);
}

/** The path in a document's own data of the value at `path` in the merged model, if the document holds it. */
function pathIn(data: unknown, merged: unknown, path: readonly (string | number)[]): (string | number)[] | undefined {
  const out: (string | number)[] = [];
  let d = data;
  let m = merged;
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!Array.isArray(d) || !Array.isArray(m)) return undefined;
      // Lists are appended: find the item among the document's own.
      const item: unknown = m[seg];
      const text = canonical(item);
      const at = d.findIndex((x) => canonical(x) === text);
      if (at < 0) return undefined;
      out.push(at);
      d = d[at];
      m = item;
    } else {
      if (!isRecord(d) || !own(d, seg)) return undefined;
      out.push(seg);
      d = d[seg];
      m = isRecord(m) ? m[seg] : undefined;
    }
  }
  return out;
}

/** The document that brought the value at a problem's path in (the latest that holds it), and its node there. */
function locate(
  documents: readonly SchemaDocument[],
  upTo: number,
  merged: unknown,
  problem: SchemaProblem,
): { document: number; node: Node | undefined } {
  // The full path first; then its parents (a value the merge rewrote, such as environment entries).
  for (let length = problem.path.length; length > 0; length--) {
    const path = problem.path.slice(0, length);
    const onKey = length < problem.path.length || problem.onKey;
    for (let j = upTo; j >= 0; j--) {
      const document = documents[j]!;
      const own = pathIn(document.data, merged, path);
      if (!own) continue;
      return { document: j, node: withDocument(document.doc, () => nodeAt(document.root, own, onKey)) };
    }
  }
  return { document: upTo, node: undefined };
}

const found = new WeakMap<readonly SchemaDocument[], PlacedSchemaProblem[]>();

/**
 * Past this many documents each is validated on its own: merging and validating after every document costs time
 * that grows with the square of their number (a 600 KB file of 8,000 documents took a minute and a half), and such
 * files are generated, not written by hand. Checked alone, a document may miss a value an earlier one supplies.
 */
export const MAX_MERGED_DOCUMENTS = 16;

/**
 * The schema problems of a file's documents: one validation for a single document, else one of the merged model
 * after each document (compose-go's order), each problem once, placed where it comes from; past
 * MAX_MERGED_DOCUMENTS, one validation per document. Cached per list of
 * documents, which every document's check shares.
 */
export function projectSchemaProblems(documents: readonly SchemaDocument[]): PlacedSchemaProblem[] {
  const known = found.get(documents);
  if (known) return known;
  const out: PlacedSchemaProblem[] = [];
  const seen = new Set<string>();
  let model: unknown;
  const merged = documents.length <= MAX_MERGED_DOCUMENTS;
  for (const [i, document] of documents.entries()) {
    if (!merged) {
      for (const problem of schemaProblems(document.data))
        out.push({
          document: i,
          node: withDocument(document.doc, () => nodeAt(document.root, problem.path, problem.onKey)),
          message: problem.message,
          ...(problem.suggestion ? { suggestion: problem.suggestion } : {}),
        });
      continue;
    }
    model = i === 0 ? document.data : mergeValue(model, document.data, []);
    for (const problem of schemaProblems(model)) {
      const place = `${formatPath(problem.path)}|${problem.onKey}|${problem.message}`;
      if (seen.has(place)) continue;
      seen.add(place);
      const at =
        documents.length === 1
          ? { document: 0, node: nodeAt(document.root, problem.path, problem.onKey) }
          : locate(documents, i, model, problem);
      out.push({ ...at, message: problem.message, ...(problem.suggestion ? { suggestion: problem.suggestion } : {}) });
    }
  }
  found.set(documents, out);
  return out;
}
