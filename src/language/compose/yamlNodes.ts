import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap } from 'yaml';

/** Helpers for reading compose YAML nodes (with positions) the way Compose reads the values. */

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
 * pass instead of twenty). Only kept inside withDocument, where the document does not change.
 */
let indexes: WeakMap<YAMLMap, MapIndex> | undefined;

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
  if (indexes) {
    const index = indexOf(map as YAMLMap<Node, Node>);
    const own = index.own.get(key);
    if (own) return own;
    merges = index.merges;
  } else {
    for (const p of (map as YAMLMap<Node, Node>).items) {
      if (str(p.key) === key) return p;
      if (isMergeKey(p.key)) (merges ??= []).push(p);
    }
  }
  if (!merges || depth > 8) return undefined;
  for (const m of merges) {
    const sources = isSeq(m.value) ? m.value.items : [m.value];
    for (const source of sources) {
      const target = isAlias(source) && currentDoc ? source.resolve(currentDoc) : source;
      const found = pair(target, key, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** Runs `fn` with `doc` as the document whose aliases merge keys resolve against. */
export function withDocument<T>(doc: Document, fn: () => T): T {
  const previous = currentDoc;
  const previousIndexes = indexes;
  currentDoc = doc;
  indexes = new WeakMap();
  try {
    return fn();
  } finally {
    currentDoc = previous;
    indexes = previousIndexes;
  }
}
