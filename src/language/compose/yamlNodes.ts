import { isAlias, isMap, isScalar, isSeq, visit, type Document, type Node, type Pair, type YAMLMap } from 'yaml';

/**
 * Helpers for reading compose YAML nodes (with positions) the way Compose reads the values, and for the paths the
 * values name (relative to the compose file's folder).
 */

export const str = (node: unknown): string | undefined =>
  isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') ? String(node.value) : undefined;

/** The document being checked, so that `<<: *anchor` merge keys can be followed to their anchors. */
let currentDoc: Document | undefined;

const isMergeKey = (key: unknown): boolean => isScalar(key) && (typeof key.value === 'symbol' || key.value === '<<');

/** A mapping's own keys and its merge keys, from one pass over its pairs. */
interface MapIndex {
  own: Map<string, Pair<Node, Node>>;
  merges: Pair<Node, Node>[] | undefined;
}

/**
 * Indexes of the mappings looked into while a document is checked (checks ask a service for twenty keys; one
 * pass instead of twenty). Only kept inside withDocument, where the document does not change, and only for
 * mappings with more than INDEXED pairs: a short scan of a few pairs costs less than building an index.
 */
let indexes: WeakMap<YAMLMap, MapIndex> | undefined;
const INDEXED = 16;

function indexOf(map: YAMLMap<Node, Node>): MapIndex {
  let index = indexes?.get(map);
  if (!index) {
    index = { own: new Map(), merges: undefined };
    for (const p of map.items) {
      if (isMergeKey(p.key)) (index.merges ??= []).push(p);
      const k = str(p.key);
      // The first of duplicate keys, as the scan below finds it (duplicates are reported as errors anyway).
      if (k !== undefined && !index.own.has(k)) index.own.set(k, p);
    }
    indexes?.set(map, index);
  }
  return index;
}

/** The pair for `key` in a mapping, looking through merge keys (`<<: *common`) as Compose does; own keys win. */
export function pair(map: unknown, key: string, depth = 0): Pair<Node, Node> | undefined {
  if (!isMap(map)) return undefined;
  let merges: Pair<Node, Node>[] | undefined;
  if (indexes && (map as YAMLMap).items.length > INDEXED) {
    const index = indexOf(map as YAMLMap<Node, Node>);
    const own = index.own.get(key);
    if (own) return own;
    merges = index.merges;
  } else {
    // What str() and isMergeKey() decide, with the key's value looked at first: most pairs are neither.
    for (const p of (map as YAMLMap<Node, Node>).items) {
      const value = (p.key as { value?: unknown } | null)?.value;
      if (value === key || (typeof value === 'number' && String(value) === key)) {
        if (isScalar(p.key)) return p;
      } else if ((typeof value === 'symbol' || value === '<<') && isScalar(p.key)) (merges ??= []).push(p);
    }
  }
  if (!merges || depth > 8) return undefined;
  for (const m of merges) {
    // `<<: *base`, `<<: [*a, *b]`, or an alias to a sequence of mappings: the earlier source wins, as in Compose.
    const value = resolveAlias(m.value);
    const sources = isSeq(value) ? value.items : [value];
    for (const source of sources) {
      const found = pair(resolveAlias(source), key, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** Anchors of the document being checked, in document order, by name: built once per document. */
let anchors: Map<string, Node[]> | undefined;

/**
 * The node an alias stands for: the last anchor of its name before it. The yaml package's own resolve() walks the
 * whole document for every alias, so a file of many `<<: *base` services cost the square of its size.
 */
function resolveAlias(node: unknown): unknown {
  if (!isAlias(node) || !currentDoc) return node;
  if (!anchors) {
    anchors = new Map();
    const found = anchors;
    visit(currentDoc, {
      Node(_key, n) {
        if (n.anchor) {
          const list = found.get(n.anchor);
          if (list) list.push(n);
          else found.set(n.anchor, [n]);
        }
      },
    });
  }
  const start = node.range?.[0] ?? Infinity;
  const candidates = anchors.get(node.source) ?? [];
  let lo = 0;
  let hi = candidates.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((candidates[mid]!.range?.[0] ?? 0) < start) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? candidates[lo - 1] : undefined;
}

/** Runs `fn` with `doc` as the document whose aliases merge keys resolve against. */
export function withDocument<T>(doc: Document, fn: () => T): T {
  const previous = currentDoc;
  const previousIndexes = indexes;
  const previousAnchors = anchors;
  currentDoc = doc;
  indexes = new WeakMap();
  anchors = undefined;
  try {
    return fn();
  } finally {
    currentDoc = previous;
    indexes = previousIndexes;
    anchors = previousAnchors;
  }
}

/** The YAML node at a schema path; `onKey` points at the key of the last segment. */
export function nodeAt(root: unknown, path: (string | number)[], onKey: boolean): Node | undefined {
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

/** Names declared under a top-level section (`networks:`, `volumes:`, …). */
export function declared(root: YAMLMap, section: string): Set<string> {
  const names = new Set<string>();
  const value = pair(root, section)?.value;
  if (isMap(value)) for (const p of value.items) if (str(p.key) !== undefined) names.add(str(p.key)!);
  return names;
}

/** The entries of a list-or-map field (`networks`, `depends_on`): name and the node to point at. */
export function entries(node: unknown): { name: string; node: Node }[] {
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

/** Joins a compose-relative path onto a folder; absolute paths (and `~`) stay as they are. */
export function joinPath(dir: string, p: string): string {
  if (p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p)) return p;
  const parts = dir.split(/[\\/]/);
  for (const seg of p.split(/[\\/]/)) {
    if (seg === '' || seg === '.') continue;
    if (seg !== '..') parts.push(seg);
    else if (parts.length > 1) parts.pop();
  }
  return parts.join('/');
}

/**
 * The folder that holds a file: everything before its last `/` or `\`, with the separator kept for a root (`/`,
 * `C:\`, where the folder without it would mean something else), and `.` for a bare name.
 */
export function dirOf(file: string): string {
  const cut = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  if (cut < 0) return '.';
  const head = file.slice(0, cut);
  return head === '' || /^[A-Za-z]:$/.test(head) ? file.slice(0, cut + 1) : head;
}
