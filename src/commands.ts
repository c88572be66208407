import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { allLessons, findLesson, lessonFileName } from './language/lessons';
import { applyConfirmedFix } from './vscode/quickFixActions';

type CommandFactory = (ctx: Ctx) => (...args: unknown[]) => unknown;

async function openLesson(ctx: Ctx, id?: unknown): Promise<void> {
  let lessonId = typeof id === 'string' ? id : undefined;
  if (!lessonId) {
    const pick = await vscode.window.showQuickPick(
      allLessons().map((l) => ({ label: l.title, description: l.id, id: l.id })),
      { placeHolder: 'Open a Dockside lesson' },
    );
    lessonId = pick?.id;
  }
  if (!lessonId) return;
  if (!findLesson(lessonId)) {
    void vscode.window.showWarningMessage(`Dockside has no lesson called "${lessonId}".`);
    return;
  }
  await vscode.commands.executeCommand('markdown.showPreview', ctx.asset('media', 'lessons', lessonFileName(lessonId)));
}

/** Applies a quick fix that has placeholders (e.g. the tag to pin) as a snippet, so the user can type over them. */
async function insertSnippet(uri: unknown, range: unknown, text: unknown): Promise<void> {
  if (!(uri instanceof vscode.Uri) || typeof text !== 'string') return;
  const r = range as { start: { line: number; character: number }; end: { line: number; character: number } };
  const editor = await vscode.window.showTextDocument(uri);
  await editor.insertSnippet(
    new vscode.SnippetString(text),
    new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character),
  );
}

/** Command name → factory of its handler. */
export const COMMANDS: Record<string, CommandFactory> = {
  'dockside.showLog': (ctx) => () => ctx.log.show(),
  'dockside.openLesson': (ctx) => (id) => openLesson(ctx, id),
  'dockside.insertSnippet': () => (uri, range, text) => insertSnippet(uri, range, text),
  'dockside.applyConfirmedFix': () => (edit, confirm) => applyConfirmedFix(edit, confirm),
};

export function registerCommands(ctx: Ctx): void {
  for (const [name, factory] of Object.entries(COMMANDS)) {
    ctx.subscriptions.push(vscode.commands.registerCommand(name, factory(ctx)));
  }
}
