import type { Position, Range } from './diagnostic';

/**
 * What a quick fix is made of, for Dockerfiles and compose files alike: plain LSP-shaped edits that the editor,
 * the CLI and the tests apply in the same way.
 */
export interface TextEdit {
  range: Range;
  newText: string;
}

/** A code action's worth of change. `snippet` (VS Code snippet syntax) replaces `edits` where the editor can. */
export interface QuickFix {
  title: string;
  edits: TextEdit[];
  snippet?: { range: Range; text: string };
  createFile?: { path: string; content: string };
  /** Edits to other files that already exist (appending to a .gitignore, an env file). */
  otherEdits?: { path: string; edits: TextEdit[] }[];
  isPreferred?: boolean;
  /** Asked (modal) before the fix is applied: it changes a file the user already has, such as an env file. */
  confirm?: { message: string; detail: string; button: string };
}

/** Tags to suggest when pinning a well-known image (placeholders the user can change). */
export const SUGGESTED_TAGS: Readonly<Record<string, string>> = {
  node: '22-slim',
  python: '3.12-slim',
  alpine: '3.20',
  debian: '12-slim',
  ubuntu: '24.04',
  golang: '1.22',
  nginx: '1.27-alpine',
  postgres: '16-alpine',
  redis: '7-alpine',
  busybox: '1.36',
  ruby: '3.3-slim',
  rust: '1-slim',
  httpd: '2.4-alpine',
  'eclipse-temurin': '21-jre',
};

/** An empty range at a place: where an insertion goes. */
export const caret = (line: number, character: number): Range => ({
  start: { line, character },
  end: { line, character },
});

/** The line break a file already uses, so that inserted lines match it. */
export const lineEnding = (text: string): '\r\n' | '\n' => (text.includes('\r\n') ? '\r\n' : '\n');

/** Replaces a range with a suggested text. */
export const changeTo = (range: Range, replacement: string): QuickFix => ({
  title: `Change to "${replacement}"`,
  edits: [{ range, newText: replacement }],
  isPreferred: true,
});

/** Where the two ignore comments of a finding go. */
export interface IgnorePlaces {
  /** The line above which `# dockside-ignore` goes, its indentation, and how the title names that place. */
  here?: { line: number; indent: string; label: string };
  /** The line `# dockside-ignore-file` goes on (after a Dockerfile's parser directives, which must stay first). */
  fileLine: number;
  eol: string;
}

/** "Ignore … here" and "Ignore … in this file": ignore comments are the same in every file Dockside checks. */
export function ignoreFixes(code: string, places: IgnorePlaces): QuickFix[] {
  const { here, fileLine, eol } = places;
  const fixes: QuickFix[] = [];
  if (here)
    fixes.push({
      title: `Ignore ${code} ${here.label}`,
      edits: [{ range: caret(here.line, 0), newText: `${here.indent}# dockside-ignore ${code}${eol}` }],
    });
  fixes.push({
    title: `Ignore ${code} in this file`,
    edits: [{ range: caret(fileLine, 0), newText: `# dockside-ignore-file ${code}${eol}` }],
  });
  return fixes;
}

/** Applies non-overlapping edits to a text (used by the CLI, tests and previews). */
export function applyEdits(text: string, edits: TextEdit[], offsetAt: (p: Position) => number): string {
  const sorted = edits
    .map((e) => ({ start: offsetAt(e.range.start), end: offsetAt(e.range.end), text: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
