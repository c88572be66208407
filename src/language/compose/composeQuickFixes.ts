import type { DocksideDiagnostic } from '../diagnostic';
import { ignoreFixes, lineEnding, type QuickFix } from '../edits';
import type { ComposeFile } from './composeTypes';
import { COMPOSE_RULES_BY_CODE } from './rules';

/**
 * Quick fixes for a compose diagnostic: its rule's fix, then the "ignore" actions. Edits are computed from the
 * text alone (and the disk, for the fix that moves secrets to an env file).
 */
export function composeQuickFixes(text: string, d: DocksideDiagnostic, file?: ComposeFile): QuickFix[] {
  const fix = COMPOSE_RULES_BY_CODE.get(d.code)?.fix?.(d, { text, ...(file ? { file } : {}) });
  const line = d.range.start.line;
  const indent = /^\s*/.exec(text.split('\n')[line] ?? '')![0];
  const ignores = ignoreFixes(d.code, { here: { line, indent, label: 'here' }, fileLine: 0, eol: lineEnding(text) });
  return fix ? [fix, ...ignores] : ignores;
}
