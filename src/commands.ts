import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { allLessons, findLesson, lessonFileName } from './language/lessons';
import { maskSecrets } from './language/secrets';
import { applyConfirmedFix } from './vscode/quickFixActions';
import { guardEngineCommand } from './vscode/trust';

/**
 * A feature's commands: command id → handler. Features return these tables instead of registering commands
 * themselves, so every command goes through `registerCommandTables` and gets the same treatment.
 */
export type CommandTable = Readonly<Record<string, (...args: never[]) => unknown>>;

/**
 * Registers every table through one wrapper with one error policy: engine commands refuse in an untrusted
 * workspace (trust.ts); a failure is logged with its command id, then shown in plain words (secrets masked).
 * Handlers that explain their own failures keep doing so; anything they let through ends here, never unhandled.
 */
export function registerCommandTables(ctx: Ctx, ...tables: CommandTable[]): void {
  const seen = new Set<string>();
  for (const table of tables) {
    for (const [id, handler] of Object.entries(table)) {
      if (seen.has(id)) throw new Error(`The command ${id} is registered twice.`);
      seen.add(id);
      const run = async (...args: unknown[]) => {
        try {
          return await (handler as (...a: unknown[]) => unknown)(...args);
        } catch (err) {
          const message = maskSecrets(err instanceof Error ? err.message : String(err));
          ctx.log.error(`${id} failed: ${message}`);
          void vscode.window.showErrorMessage(message);
          return undefined;
        }
      };
      ctx.subscriptions.push(vscode.commands.registerCommand(id, guardEngineCommand(id, run)));
    }
  }
}

async function openLesson(ctx: Ctx, id?: unknown): Promise<void> {
  let lessonId = typeof id === 'string' && findLesson(id) ? id : undefined;
  if (!lessonId) {
    // A link to a lesson that is not there (renamed, mistyped) still leads somewhere: the index, saying why.
    const asked = typeof id === 'string' ? id.slice(0, 80) : undefined;
    const note =
      id === undefined || id === ''
        ? undefined
        : asked
          ? `There is no lesson called "${asked}". Here are all the lessons.`
          : 'That link does not name a lesson. Here are all the lessons.';
    const pick = await vscode.window.showQuickPick(
      allLessons().map((l) => ({ label: l.title, description: l.id, id: l.id })),
      { title: note, placeHolder: 'Open a Dockside lesson' },
    );
    lessonId = pick?.id;
  }
  if (!lessonId) return;
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

/** Commands that belong to no feature: the log, lessons, and the helpers behind quick fixes. */
export function generalCommands(ctx: Ctx): CommandTable {
  return {
    'dockside.showLog': () => ctx.log.show(),
    'dockside.openLesson': (id?: unknown) => openLesson(ctx, id),
    'dockside.insertSnippet': (uri: unknown, range: unknown, text: unknown) => insertSnippet(uri, range, text),
    'dockside.applyConfirmedFix': (edit: unknown, confirm: unknown) => applyConfirmedFix(edit, confirm),
  };
}
