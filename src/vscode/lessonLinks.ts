import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { lessonMentions } from '../language/lessonMentions';
import { lessonCommandUri } from './convert';

/** The files whose comments name lessons (the project templates write such comments). */
const SELECTOR: vscode.DocumentSelector = [
  { language: 'dockerfile' },
  { language: 'dockercompose' },
  { language: 'dockerignore' },
  { pattern: '**/.env.example' },
];

/** Makes `(lesson: id)` in a comment a link that opens the lesson. */
export function registerLessonLinks(ctx: Ctx): void {
  ctx.subscriptions.push(
    vscode.languages.registerDocumentLinkProvider(SELECTOR, {
      provideDocumentLinks(doc) {
        return lessonMentions(doc.getText()).map((m) => {
          const link = new vscode.DocumentLink(
            new vscode.Range(m.line, m.start, m.line, m.end),
            lessonCommandUri(m.lesson),
          );
          link.tooltip = 'Open the lesson';
          return link;
        });
      },
    }),
  );
}
