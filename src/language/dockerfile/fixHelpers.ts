import type { Instruction } from 'dockerfile-ast';
import type { DocksideDiagnostic, Range } from '../diagnostic';
import { caret, changeTo, type QuickFix } from '../edits';
import type { DockerfileFacts, Stage } from './facts';

/** What several Dockerfile rules' quick fixes need: the lines an instruction covers, its stage, its indentation. */

/** The text of one line, without its line break. */
export function lineText(facts: DockerfileFacts, line: number): string {
  const start = facts.offsetAt({ line, character: 0 });
  const end = facts.text.indexOf('\n', start);
  return facts.text.slice(start, end < 0 ? undefined : end).replace(/\r$/, '');
}

/** The whole lines an instruction covers, with its line break, for moving or deleting it. */
export function wholeLines(facts: DockerfileFacts, i: Instruction): { range: Range; text: string } {
  const r = i.getRange();
  const start = facts.offsetAt({ line: r.start.line, character: 0 });
  const nextLine = facts.offsetAt({ line: r.end.line + 1, character: 0 });
  const end = nextLine > facts.offsetAt(r.end) ? nextLine : facts.text.length;
  return { range: facts.rangeOf(start, end), text: facts.text.slice(start, end) };
}

/** The instruction a finding is on (an instruction may span lines). */
export function instructionAt(facts: DockerfileFacts, d: DocksideDiagnostic): Instruction | undefined {
  const line = d.range.start.line;
  return facts.instructions.find((i) => i.getRange().start.line <= line && i.getRange().end.line >= line);
}

export function stageOf(facts: DockerfileFacts, i: Instruction): Stage | undefined {
  return facts.stages.find((s) => s.from === i || s.instructions.includes(i));
}

/** Indentation of the line an instruction starts on. */
export function indentOf(facts: DockerfileFacts, i: Instruction): string {
  return /^\s*/.exec(lineText(facts, i.getRange().start.line))![0];
}

/** A fix that adds a flag right after the word the finding points at (`install` → `install -y`). */
export function insertAfterWord(d: DocksideDiagnostic, text: string, title: string): QuickFix {
  return {
    title,
    edits: [{ range: caret(d.range.end.line, d.range.end.character), newText: text }],
    isPreferred: true,
  };
}

/** "Change to …" the suggestion a finding carries (`data.suggestion`, or `data.replacement`). */
export function changeToSuggestion(d: DocksideDiagnostic): QuickFix | undefined {
  const replacement = d.data?.suggestion ?? d.data?.replacement;
  return replacement ? changeTo(d.range, replacement) : undefined;
}

/** The end of a RUN that removes apt's package lists, on a continuation line of its own. */
export const removeAptLists = (eol: string): string => ` \\${eol}    && rm -rf /var/lib/apt/lists/*`;
