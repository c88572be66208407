/**
 * The diagnostic model shared by every Dockside language service and the CLI.
 * Positions are 0-based (LSP style); the CLI converts to 1-based when printing.
 */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export type DiagnosticTag = 'unnecessary' | 'deprecated';

export interface DocksideDiagnostic {
  range: Range;
  severity: Severity;
  /** Stable code, e.g. `DS001` for a Dockside rule or `DSX038` for a syntax check. Never renumbered. */
  code: string;
  message: string;
  /** Id of the lesson that explains this finding (see lessons.ts). */
  lesson: string;
  tags?: DiagnosticTag[];
  /** Extra facts a quick fix needs (a suggested tag, the exec form of a command, …). */
  data?: Readonly<Record<string, string>>;
}

/** Whether a position lies inside a range (both ends included). */
export function rangeContains(range: Range | null | undefined, pos: Position): boolean {
  if (!range) return false;
  const { start, end } = range;
  if (pos.line < start.line || pos.line > end.line) return false;
  if (pos.line === start.line && pos.character < start.character) return false;
  if (pos.line === end.line && pos.character > end.character) return false;
  return true;
}

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'information', 'hint'];

export function compareDiagnostics(a: DocksideDiagnostic, b: DocksideDiagnostic): number {
  return (
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    a.code.localeCompare(b.code)
  );
}
