import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { allLessons, findLesson, lessonFileName } from './language/lessons';

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

/** Command name → factory of its handler. */
export const COMMANDS: Record<string, CommandFactory> = {
  'dockside.showLog': (ctx) => () => ctx.log.show(),
  'dockside.openLesson': (ctx) => (id) => openLesson(ctx, id),
};

export function registerCommands(ctx: Ctx): void {
  for (const [name, factory] of Object.entries(COMMANDS)) {
    ctx.subscriptions.push(vscode.commands.registerCommand(name, factory(ctx)));
  }
}
