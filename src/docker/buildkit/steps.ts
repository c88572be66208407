import { DockerfileParser } from 'dockerfile-ast';

/** A Dockerfile step as BuildKit names it: `[base 2/3] RUN make` is step 2 of 3 of the stage `base`. */
export interface StepName {
  /** The stage (`base`, or `stage-1` for an unnamed one); '' when the file has one stage. */
  stage: string;
  number: number;
  total: number;
  instruction: string;
}

/**
 * Reads `[stage k/n] INSTRUCTION` (or `[k/n] …` for a one-stage file; k is padded with spaces when n has more
 * digits); undefined for internal vertexes.
 */
export function parseStepName(name: string): StepName | undefined {
  const m = /^\[(?:(\S+) )?\s*(\d+)\/(\d+)\] (.*)$/s.exec(name);
  if (!m) return undefined;
  const [, stage = '', number, total, instruction = ''] = m;
  if (stage === 'internal') return undefined;
  return { stage, number: Number(number), total: Number(total), instruction };
}

interface Stage {
  name: string;
  /** 0-based lines of the instructions BuildKit counts as steps, in order. */
  stepLines: number[];
}

/**
 * The steps of each stage, as BuildKit counts them: the FROM (unless the stage starts from scratch or from an
 * earlier stage, which pull nothing), then every RUN, COPY, ADD and WORKDIR. Other instructions only change the
 * image's settings and are not numbered.
 */
export function buildkitStages(text: string): Stage[] {
  const stages: Stage[] = [];
  const names = new Set<string>();
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    const keyword = instruction.getKeyword();
    const line = instruction.getRange().start.line;
    if (keyword === 'FROM') {
      const args = instruction
        .getArguments()
        .map((a) => a.getValue())
        .filter((a) => !a.startsWith('--'));
      const base = (args[0] ?? '').toLowerCase();
      const name = args[1]?.toLowerCase() === 'as' && args[2] ? args[2].toLowerCase() : '';
      stages.push({ name, stepLines: base === 'scratch' || names.has(base) ? [] : [line] });
      if (name) names.add(name);
    } else if (['RUN', 'COPY', 'ADD', 'WORKDIR'].includes(keyword)) {
      stages.at(-1)?.stepLines.push(line);
    }
  }
  return stages;
}

/** The 0-based Dockerfile line of a BuildKit step, or undefined when the file does not have it (it changed). */
export function buildkitStepLine(text: string, step: Pick<StepName, 'stage' | 'number' | 'total'>): number | undefined {
  const stages = buildkitStages(text);
  const unnamed = /^stage-(\d+)$/.exec(step.stage);
  const stage =
    step.stage === ''
      ? stages.length === 1
        ? stages[0]
        : stages.find((s) => s.stepLines.length === step.total)
      : unnamed
        ? stages[Number(unnamed[1])]
        : (stages.find((s) => s.name === step.stage.toLowerCase()) ??
          stages.find((s) => !s.name && s.stepLines.length === step.total));
  if (!stage || stage.stepLines.length !== step.total) return undefined;
  return stage.stepLines[step.number - 1];
}
