import type { Instruction } from 'dockerfile-ast';
import { changeTo } from '../../edits';
import type { DockerfileFacts } from '../facts';
import type { DockerfileRule } from '../ruleTypes';

/** Whether a line ends with the escape character (blanks may follow it): the instruction goes on. */
function continues(line: string, escape: string): boolean {
  return line.trimEnd().endsWith(escape);
}

/** The empty lines inside an instruction's continuation, and the line the instruction ends on. */
function emptyContinuationLines(facts: DockerfileFacts, i: Instruction): { empty: number[]; last: number } {
  const r = i.getRange();
  const empty: number[] = [];
  let line = r.start.line;
  while (line < r.end.line && continues(facts.lineAt(line), facts.escape)) {
    let next = line + 1;
    // Comment lines and empty lines do not end a continued instruction; Docker drops them.
    for (; next <= r.end.line; next++) {
      const text = facts.lineAt(next).trim();
      if (text === '') empty.push(next);
      else if (!text.startsWith('#')) break;
    }
    line = next;
  }
  return { empty, last: Math.min(line, r.end.line) };
}

/** The keyword's case: `upper`, `lower` or `mixed`. */
function caseOf(keyword: string): 'upper' | 'lower' | 'mixed' {
  if (keyword === keyword.toUpperCase()) return 'upper';
  if (keyword === keyword.toLowerCase()) return 'lower';
  return 'mixed';
}

export const styleRules: DockerfileRule[] = [
  {
    code: 'DS037',
    name: 'empty-continuation-line',
    severity: 'warning',
    lesson: 'dockerfile-syntax',
    buildkit: ['NoEmptyContinuation'],
    check(facts, report) {
      for (const i of facts.instructions) {
        const r = i.getRange();
        if (r.end.line === r.start.line) continue;
        const { empty, last } = emptyContinuationLines(facts, i);
        if (empty.length === 0) continue;
        const text = facts.lineAt(last);
        const indent = text.length - text.trimStart().length;
        const where = empty.map((n) => n + 1).join(', ');
        report({
          range: { start: { line: last, character: indent }, end: { line: last, character: text.length } },
          message:
            `The instruction continues over an empty line (line ${where}). Docker skips it today, but an empty ` +
            'line usually means a "\\" was left at the end of the line before by mistake. Remove the empty line, ' +
            'or end the instruction there.',
          data: { lines: empty.join(',') },
        });
      }
    },
    fix(facts, d) {
      const lines = (d.data?.lines ?? '').split(',').filter(Boolean).map(Number);
      if (lines.length === 0) return undefined;
      return {
        title: lines.length === 1 ? 'Remove the empty line' : 'Remove the empty lines',
        edits: lines.map((n) => ({
          range: facts.rangeOf(
            facts.offsetAt({ line: n, character: 0 }),
            facts.offsetAt({ line: n + 1, character: 0 }),
          ),
          newText: '',
        })),
        isPreferred: true,
      };
    },
  },
  {
    code: 'DS038',
    name: 'instruction-casing',
    severity: 'warning',
    lesson: 'dockerfile-syntax',
    buildkit: ['ConsistentInstructionCasing'],
    check(facts, report) {
      const inStages = facts.stages.flatMap((s) => [s.from as Instruction, ...s.instructions]);
      let lower = 0;
      let upper = 0;
      for (const i of inStages) {
        const c = caseOf(i.getInstruction());
        if (c === 'lower') lower++;
        else if (c === 'upper') upper++;
      }
      // A tie counts as upper case, the usual way to write a Dockerfile.
      const majority = lower > upper ? 'lower' : 'upper';
      for (const i of inStages) {
        const keyword = i.getInstruction();
        if (caseOf(keyword) === majority) continue;
        const replacement = majority === 'lower' ? keyword.toLowerCase() : keyword.toUpperCase();
        report({
          range: i.getInstructionRange(),
          message:
            caseOf(keyword) === 'mixed'
              ? `"${keyword}" mixes upper and lower case. Write "${replacement}", like the other instructions here.`
              : `Most instructions here are written in ${majority} case; write "${replacement}" the same way.`,
          data: { replacement },
        });
      }
    },
    fix: (_facts, d) => (d.data?.replacement ? changeTo(d.range, d.data.replacement) : undefined),
  },
  {
    code: 'DS048',
    name: 'check-directive',
    severity: 'error',
    lesson: 'build-checks',
    check(facts, report) {
      const directive = facts.checkDirective;
      const lineRange = (n: number) => {
        const text = facts.lineAt(n);
        return { start: { line: n, character: 0 }, end: { line: n, character: text.length } };
      };
      for (const p of directive.problems) report({ range: lineRange(p.line), message: p.message });
      for (const u of directive.unknown) {
        report({
          range: lineRange(u.line),
          severity: 'hint',
          message:
            `"${u.name}" is not one of BuildKit's checks, so naming it here changes nothing. Check the spelling ` +
            '(names are case-sensitive, e.g. JSONArgsRecommended).',
        });
      }
    },
  },
];
