import type { DockerfileFacts } from './facts';
import { getLanguageService } from './languageService';
import type { Position, Range } from '../diagnostic';
import { instructionHoverMarkdown } from './instructionDocs';

export interface HoverResult {
  markdown: string;
  range?: Range;
}

function contains(range: Range, pos: Position): boolean {
  const { start, end } = range;
  if (pos.line < start.line || pos.line > end.line) return false;
  if (pos.line === start.line && pos.character < start.character) return false;
  if (pos.line === end.line && pos.character > end.character) return false;
  return true;
}

/**
 * Hover for a position in a parsed Dockerfile: Dockside's own text for instruction keywords, otherwise what
 * dockerfile-language-service knows (flags, directives, variables).
 */
export function dockerfileHover(facts: DockerfileFacts, pos: Position): HoverResult | undefined {
  const text = facts.text;
  for (const instruction of facts.instructions) {
    const range = instruction.getInstructionRange();
    if (range.start.line > pos.line) break;
    if (contains(range, pos)) {
      const markdown = instructionHoverMarkdown(instruction.getKeyword());
      if (markdown) return { markdown, range };
    }
  }
  const hover = getLanguageService().computeHover(text, pos);
  if (!hover) return undefined;
  const c = hover.contents;
  const markdown =
    typeof c === 'string' ? c : Array.isArray(c) ? c.map((x) => (typeof x === 'string' ? x : x.value)).join('\n\n') : c.value;
  return markdown ? { markdown, ...(hover.range ? { range: hover.range } : {}) } : undefined;
}
