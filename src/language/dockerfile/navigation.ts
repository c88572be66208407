import type { From, Instruction } from 'dockerfile-ast';
import { rangeContains, type Position, type Range } from '../diagnostic';
import type { DockerfileFacts, Stage } from './facts';
import { flagsOf, propertiesOf } from './instructionParts';

export interface VariableDefinition {
  keyword: 'ARG' | 'ENV';
  name: string;
  range: Range;
  value?: string;
}

const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.character < b.character);

export function stageAt(facts: DockerfileFacts, pos: Position): Stage | undefined {
  let found: Stage | undefined;
  for (const s of facts.stages) if (!before(pos, s.from.getRange().start)) found = s;
  return found;
}

/**
 * Every ARG/ENV setting in scope at `pos`, in file order: on a FROM line the ARGs before the first FROM; inside a
 * stage its own ARGs and the ENVs of the stages it is built from.
 */
function declarationsInScope(
  facts: DockerfileFacts,
  pos: Position,
): { definitions: VariableDefinition[]; onFromLine: boolean; stage?: Stage } {
  const stage = stageAt(facts, pos);
  const onFromLine =
    !!stage && pos.line >= stage.from.getRange().start.line && pos.line <= stage.from.getRange().end.line;
  const candidates: Instruction[] =
    !stage || onFromLine
      ? facts.preamble
      : facts.inheritedInstructions(stage).filter((i) => i.getKeyword() === 'ENV' || stage.instructions.includes(i));
  const definitions: VariableDefinition[] = [];
  for (const i of candidates) {
    const keyword = i.getKeyword();
    if ((keyword !== 'ARG' && keyword !== 'ENV') || !before(i.getRange().start, pos)) continue;
    for (const p of propertiesOf(i)) {
      const value = p.getValue();
      definitions.push({ keyword, name: p.getName(), range: p.getNameRange(), ...(value !== null ? { value } : {}) });
    }
  }
  return { definitions, onFromLine, ...(stage ? { stage } : {}) };
}

/** ARG/ENV lines that set `name` and are in scope at `pos`, nearest last. */
export function findDefinitions(facts: DockerfileFacts, name: string, pos: Position): VariableDefinition[] {
  const { definitions, onFromLine, stage } = declarationsInScope(facts, pos);
  const out = definitions.filter((d) => d.name === name);
  // A stage's `ARG NAME` without a value takes the global one: show that too.
  const first = facts.stages[0];
  if (first && stage && !onFromLine && out.some((d) => d.keyword === 'ARG' && d.value === undefined)) {
    out.unshift(...findDefinitions(facts, name, first.from.getRange().start));
  }
  return out;
}

/** Variable names in scope at `pos` (the nearest setting of each), for completion. */
export function variablesInScope(facts: DockerfileFacts, pos: Position): VariableDefinition[] {
  const byName = new Map<string, VariableDefinition>();
  for (const d of declarationsInScope(facts, pos).definitions) byName.set(d.name, d);
  return [...byName.values()];
}

/** Go to definition: a stage from `--from=`/`FROM name`, or a variable from its use. */
export function definitionAt(facts: DockerfileFacts, pos: Position): Range[] {
  const contains = (r: Range | null | undefined) => rangeContains(r, pos);
  const instruction = facts.instructions.find((i) => contains(i.getRange()));
  if (!instruction) return [];
  const stageNamed = (name: string) =>
    facts.stages.find((s) => s.name?.toLowerCase() === name.toLowerCase() || String(s.index) === name);
  for (const flag of flagsOf(instruction)) {
    if (flag.getName() === 'from' && contains(flag.getValueRange())) {
      const stage = stageNamed(flag.getValue() ?? '');
      return stage ? [stage.from.getBuildStageRange() ?? stage.from.getRange()] : [];
    }
  }
  if (instruction.getKeyword() === 'FROM') {
    const from = instruction as From;
    if (contains(from.getImageNameRange())) {
      const stage = stageNamed(from.getImageName() ?? '');
      if (stage && stage.from !== from) return [stage.from.getBuildStageRange() ?? stage.from.getRange()];
    }
  }
  for (const v of instruction.getVariables() as unknown as { getName(): string; getRange(): Range }[]) {
    if (contains(v.getRange()))
      return findDefinitions(facts, v.getName(), pos)
        .map((d) => d.range)
        .slice(-1);
  }
  return [];
}

export interface OutlineSymbol {
  name: string;
  detail: string;
  kind: 'stage' | 'instruction';
  range: Range;
  selectionRange: Range;
  children: OutlineSymbol[];
}

/** The outline: each stage with its instructions; instructions before the first FROM stand alone. */
export function outline(facts: DockerfileFacts): OutlineSymbol[] {
  const symbol = (i: Instruction): OutlineSymbol => ({
    name: i.getKeyword(),
    detail: (i.getArgumentsContent() ?? '').replace(/\s+/g, ' ').trim().slice(0, 80),
    kind: 'instruction',
    range: i.getRange(),
    selectionRange: i.getInstructionRange(),
    children: [],
  });
  const out = facts.preamble.map(symbol);
  facts.stages.forEach((stage, n) => {
    const last = stage.instructions[stage.instructions.length - 1] ?? stage.from;
    out.push({
      name: stage.name ?? `stage ${stage.index}`,
      detail: `FROM ${stage.from.getImage() ?? ''}${n === facts.stages.length - 1 ? ' (final)' : ''}`,
      kind: 'stage',
      range: { start: stage.from.getRange().start, end: last.getRange().end },
      selectionRange: stage.from.getBuildStageRange() ?? stage.from.getInstructionRange(),
      children: stage.instructions.map(symbol),
    });
  });
  return out;
}

export interface CompletionSuggestion {
  label: string;
  kind: 'stage' | 'variable';
  detail: string;
}

/** Stage names after `--from=` and variables after `$` / `${`, the completions dockerfile-language-service lacks. */
export function contextualCompletions(facts: DockerfileFacts, pos: Position): CompletionSuggestion[] | undefined {
  const lineStart = facts.offsetAt({ line: pos.line, character: 0 });
  const prefix = facts.text.slice(lineStart, facts.offsetAt(pos));
  if (/--from=[\w.-]*$/.test(prefix)) {
    const current = stageAt(facts, pos);
    return facts.stages
      .filter((s) => s.name && (!current || s.index < current.index))
      .map((s) => ({
        label: s.name!,
        kind: 'stage',
        detail: `stage ${s.index}: FROM ${s.from.getImage() ?? ''} (line ${s.from.getRange().start.line + 1})`,
      }));
  }
  if (/\$\{?[A-Za-z_0-9]*$/.test(prefix)) {
    return variablesInScope(facts, pos).map((v) => ({
      label: v.name,
      kind: 'variable',
      detail: `${v.keyword}${v.value !== undefined ? ` = ${v.value}` : ''} (line ${v.range.start.line + 1})`,
    }));
  }
  return undefined;
}
