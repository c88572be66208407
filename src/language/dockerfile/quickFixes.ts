import type { DocksideDiagnostic } from '../diagnostic';
import { ignoreFixes, lineEnding, type QuickFix } from '../edits';
import type { DockerfileFacts } from './facts';
import { indentOf, instructionAt, lineText } from './fixHelpers';
import { DOCKERFILE_RULES_BY_CODE } from './rules';

/** Parser directives (`# syntax=`, `# escape=`) must stay first: file-wide ignores go after them. */
function afterDirectives(facts: DockerfileFacts): number {
  let line = 0;
  while (/^\s*#\s*[a-zA-Z]+\s*=/.test(lineText(facts, line)) && !/dockside-ignore/.test(lineText(facts, line))) line++;
  return line;
}

/** Quick fixes for one diagnostic: its rule's fix, then "ignore" actions for any Dockside code. */
export function dockerfileQuickFixes(facts: DockerfileFacts, d: DocksideDiagnostic): QuickFix[] {
  const fix = DOCKERFILE_RULES_BY_CODE.get(d.code)?.fix?.(facts, d);
  const instruction = instructionAt(facts, d);
  const here = instruction && {
    line: instruction.getRange().start.line,
    indent: indentOf(facts, instruction),
    label: 'for this instruction',
  };
  const ignores = ignoreFixes(d.code, {
    ...(here ? { here } : {}),
    fileLine: afterDirectives(facts),
    eol: lineEnding(facts.text),
  });
  return fix ? [fix, ...ignores] : ignores;
}
