import { DockerfileParser } from 'dockerfile-ast';
import { stepLine, type BuildStep } from '../buildProgress';
import { buildkitStepLine } from '../buildkit/steps';
import type { StepOutcome } from './forecast';
import type { ForecastBuilder } from './stepKeys';

/**
 * What the engine did with each step of a finished build, by 0-based Dockerfile line: BuildKit names a step by
 * stage and number within it, the classic builder by its number among all instructions.
 */
export function engineOutcomes(
  text: string,
  builder: ForecastBuilder,
  steps: readonly BuildStep[],
): Map<number, StepOutcome> {
  const lines =
    builder === 'classic'
      ? DockerfileParser.parse(text)
          .getInstructions()
          .map((i) => i.getRange().start.line)
      : [];
  const outcomes = new Map<number, StepOutcome>();
  for (const s of steps) {
    // The classic builder adds a LABEL step of its own for the build's labels; it has no line.
    if (builder === 'classic' && s.number > lines.length) continue;
    const line =
      builder === 'buildkit'
        ? buildkitStepLine(text, { stage: s.stage ?? '', number: s.number, total: s.total })
        : stepLine(lines, s.number);
    if (line === undefined) continue;
    const ms = s.started !== undefined && s.completed !== undefined ? s.completed - s.started : undefined;
    outcomes.set(line, { cached: s.cached, ...(ms !== undefined ? { ms } : {}) });
  }
  return outcomes;
}
