import type { DocksideDiagnostic } from '../language/diagnostic';
import { escapeControlCharacters } from '../language/markdown';

/** One finding of `dockside lint`, with 1-based lines and columns as printed. */
export interface FileFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: DocksideDiagnostic['severity'];
  code: string;
  message: string;
  lesson: string;
}

export function toFinding(file: string, d: DocksideDiagnostic): FileFinding {
  return {
    file,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    endLine: d.range.end.line + 1,
    endColumn: d.range.end.character + 1,
    severity: d.severity,
    code: d.code,
    message: d.message,
    lesson: d.lesson,
  };
}

export function formatText(findings: FileFinding[], lessonLocation: (lesson: string) => string): string {
  if (findings.length === 0) return 'No problems found.\n';
  const lines = findings.map(
    (f) =>
      `${escapeControlCharacters(f.file)}:${f.line}:${f.column}: ${f.severity} ${f.code}: ` +
      `${escapeControlCharacters(f.message)}\n    learn more: ${lessonLocation(f.lesson)}`,
  );
  const count = (...severities: string[]) => findings.filter((f) => severities.includes(f.severity)).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const notes = plural(count('information', 'hint'), 'note');
  lines.push(`\n${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${notes}`);
  return lines.join('\n') + '\n';
}

export function formatJson(findings: FileFinding[]): string {
  const rows = findings.map(({ file, line, column, endLine, endColumn, severity, code, message }) => ({
    file,
    line,
    column,
    endLine,
    endColumn,
    severity,
    code,
    message,
  }));
  return JSON.stringify(rows, null, 2) + '\n';
}

const SARIF_LEVEL: Record<FileFinding['severity'], string> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

/**
 * A file path as the URI reference SARIF asks for: each segment percent-encoded (a file called `a b#1` must not
 * turn into a fragment), absolute paths as `file:` URIs, Windows separators as `/`.
 */
export function sarifUri(file: string): string {
  const slashed = file.split('\\').join('/');
  const drive = /^([A-Za-z]):\//.exec(slashed);
  const encode = (p: string) => p.split('/').map(encodeURIComponent).join('/');
  if (drive) return `file:///${drive[1]}:/${encode(slashed.slice(3))}`;
  if (slashed.startsWith('/')) return `file://${encode(slashed)}`;
  return encode(slashed);
}

/** SARIF 2.1.0, one run, one rule per code seen. */
export function formatSarif(
  findings: FileFinding[],
  version: string,
  lessonLocation: (lesson: string) => string,
): string {
  const rules = new Map<string, { id: string; helpUri: string; shortDescription: { text: string } }>();
  for (const f of findings) {
    if (!rules.has(f.code)) {
      rules.set(f.code, { id: f.code, helpUri: lessonLocation(f.lesson), shortDescription: { text: f.message } });
    }
  }
  const ruleIds = [...rules.keys()];
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'dockside',
            version,
            informationUri: lessonLocation('dockerfile-syntax'),
            rules: [...rules.values()],
          },
        },
        results: findings.map((f) => ({
          ruleId: f.code,
          ruleIndex: ruleIds.indexOf(f.code),
          level: SARIF_LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: sarifUri(f.file) },
                region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
              },
            },
          ],
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
