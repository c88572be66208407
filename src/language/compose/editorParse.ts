import { LineCounter, parseDocument, type Document } from 'yaml';

/**
 * A compose file parsed as the editor features read it (hover, outline, go to definition, completion): with
 * positions, and with `<<` as a key of its own. The service keeps one per document version, so that hovering
 * over a file does not parse it again for every position.
 */
export interface EditorParse {
  doc: Document.Parsed;
  lines: LineCounter;
}

export function parseForEditor(text: string): EditorParse {
  const lines = new LineCounter();
  return { doc: parseDocument(text, { lineCounter: lines, uniqueKeys: false }), lines };
}
