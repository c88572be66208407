import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap } from 'yaml';

/** Helpers for reading compose YAML nodes (with positions) the way Compose reads the values. */

export const str = (node: unknown): string | undefined => (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') ? String(node.value) : undefined);

/** The document being checked, so that `<<: *anchor` merge keys can be followed to their anchors. */
let currentDoc: Document | undefined;

const isMergeKey = (key: unknown): boolean => isScalar(key) && (typeof key.value === 'symbol' || key.value === '<<');

/** The pair for `key` in a mapping, looking through merge keys (`<<: *common`) as Compose does; own keys win. */
export function pair(map: unknown, key: string, depth = 0): Pair<Node, Node> | undefined {
  if (!isMap(map)) return undefined;
  let merges: Pair<Node, Node>[] | undefined;
  for (const p of (map as YAMLMap<Node, Node>).items) {
    if (str(p.key) === key) return p;
    if (isMergeKey(p.key)) (merges ??= []).push(p);
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
  currentDoc = doc;
  try {
    return fn();
  } finally {
    currentDoc = previous;
  }
}
