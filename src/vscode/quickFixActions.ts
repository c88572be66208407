import * as vscode from 'vscode';
import type { DocksideDiagnostic } from '../language/diagnostic';
import type { QuickFix } from '../language/edits';
import type { Ctx } from '../ctx';
import { toRange } from './convert';

export interface QuickFixSource {
  diagnose(doc: vscode.TextDocument): DocksideDiagnostic[];
  quickFixes(doc: vscode.TextDocument, diagnostic: DocksideDiagnostic): QuickFix[];
}

function sameDiagnostic(ours: DocksideDiagnostic, theirs: vscode.Diagnostic): boolean {
  const code = typeof theirs.code === 'object' ? theirs.code.value : theirs.code;
  return ours.code === code && toRange(ours.range).isEqual(theirs.range);
}

function toCodeAction(doc: vscode.TextDocument, fix: QuickFix, diagnostic: vscode.Diagnostic): vscode.CodeAction {
  const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  action.isPreferred = fix.isPreferred ?? false;
  const edit = new vscode.WorkspaceEdit();
  if (fix.createFile) {
    const uri = vscode.Uri.file(fix.createFile.path);
    edit.createFile(uri, { ignoreIfExists: true, contents: Buffer.from(fix.createFile.content) });
  }
  for (const other of fix.otherEdits ?? []) {
    for (const e of other.edits) edit.replace(vscode.Uri.file(other.path), toRange(e.range), e.newText);
  }
  if (fix.snippet) {
    action.command = {
      title: fix.title,
      command: 'dockside.insertSnippet',
      arguments: [doc.uri, fix.snippet.range, fix.snippet.text],
    };
  } else {
    for (const e of fix.edits) edit.replace(doc.uri, toRange(e.range), e.newText);
  }
  if (fix.confirm) {
    // A fix that changes a file the user already has is applied only after a yes.
    action.command = { title: fix.title, command: 'dockside.applyConfirmedFix', arguments: [edit, fix.confirm] };
  } else action.edit = edit;
  return action;
}

/** The command behind fixes with `confirm`: ask (modal), then apply the whole edit at once. */
export async function applyConfirmedFix(edit: unknown, confirm: unknown): Promise<void> {
  const c = confirm as QuickFix['confirm'];
  if (!(edit instanceof vscode.WorkspaceEdit) || !c) return;
  const answer = await vscode.window.showWarningMessage(c.message, { modal: true, detail: c.detail }, c.button);
  if (answer !== c.button) return;
  if (!(await vscode.workspace.applyEdit(edit)))
    void vscode.window.showErrorMessage(
      'Dockside could not apply the fix: one of the files changed or could not be written.',
    );
}

/** Code actions for Dockside's diagnostics in one language, from the language service's quick fixes. */
export function registerQuickFixes(ctx: Ctx, languageId: string, source: QuickFixSource): void {
  ctx.subscriptions.push(
    vscode.languages.registerCodeActionsProvider(
      { language: languageId },
      {
        provideCodeActions(doc, _range, context) {
          const ours = source.diagnose(doc);
          const actions: vscode.CodeAction[] = [];
          for (const diagnostic of context.diagnostics) {
            if (diagnostic.source !== 'Dockside') continue;
            const match = ours.find((d) => sameDiagnostic(d, diagnostic));
            if (match) for (const f of source.quickFixes(doc, match)) actions.push(toCodeAction(doc, f, diagnostic));
          }
          return actions;
        },
      },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
    ),
  );
}
