import { LineCounter, type Document } from 'yaml';
import { parseYamlDocuments } from '../yamlParse';

/**
 * A compose file parsed as the editor features read it (hover, outline, go to definition, completion): every YAML
 * document of it (`---` between them), with positions, and with `<<` as a key of its own. The service keeps one per
 * document version, so that hovering over a file does not parse it again for every position.
 */
export interface EditorParse {
  /** The file's documents in order; none for an empty file. */
  docs: Document.Parsed[];
  lines: LineCounter;
}

export function parseForEditor(text: string): EditorParse {
  const lines = new LineCounter();
  return { docs: parseYamlDocuments(text, { lineCounter: lines, uniqueKeys: false }), lines };
}

/** The document that holds an offset: the last one that starts at or before it (the first for leading text). */
export function documentAt({ docs }: EditorParse, offset: number): Document.Parsed | undefined {
  let found = docs[0];
  for (const doc of docs) {
    if (doc.range[0] > offset) break;
    found = doc;
  }
  return found;
}

/** The offset of a position, when its line exists. */
export function offsetAt({ lines }: EditorParse, pos: { line: number; character: number }): number | undefined {
  const start = lines.lineStarts[pos.line];
  return start === undefined ? undefined : start + pos.character;
}

/** The root of each document, in order (what the names a file declares are read from). */
export function roots({ docs }: EditorParse): unknown[] {
  return docs.map((d) => d.contents);
}
