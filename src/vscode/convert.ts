import * as vscode from 'vscode';
import type { DocksideDiagnostic, Range, Severity } from '../language/diagnostic';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function toRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/** A `command:` link that opens a lesson; VS Code follows command links from a diagnostic's code. */
export function lessonCommandUri(lesson: string): vscode.Uri {
  return vscode.Uri.parse(`command:dockside.openLesson?${encodeURIComponent(JSON.stringify([lesson]))}`);
}

export function toDiagnostic(d: DocksideDiagnostic): vscode.Diagnostic {
  const out = new vscode.Diagnostic(toRange(d.range), d.message, SEVERITY[d.severity]);
  out.source = 'Dockside';
  out.code = { value: d.code, target: lessonCommandUri(d.lesson) };
  if (d.tags) {
    out.tags = d.tags.map((t) =>
      t === 'deprecated' ? vscode.DiagnosticTag.Deprecated : vscode.DiagnosticTag.Unnecessary,
    );
  }
  return out;
}
