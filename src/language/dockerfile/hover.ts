import type { From, Instruction } from 'dockerfile-ast';
import { rangeContains as contains, type Position, type Range } from '../diagnostic';
import { codeSpan } from '../markdown';
import { baseImageHoverMarkdown } from './baseImageDocs';
import type { DockerfileFacts, Stage } from './facts';
import { flagHoverMarkdown } from './flagDocs';
import { instructionHoverMarkdown } from './instructionDocs';
import { flagsOf } from './instructionParts';
import { sharedRcjsuenService } from './rcjsuenService';
import { fromImage } from './rules/baseImageRules';
import { findDefinitions } from './navigation';

export interface HoverResult {
  markdown: string;
  range?: Range;
}

type VariableLike = { getName(): string; getNameRange(): Range; getRange(): Range };

const lineOf = (i: Instruction) => i.getRange().start.line + 1;

function stageHover(facts: DockerfileFacts, stage: Stage, range: Range): HoverResult {
  const lower = stage.name?.toLowerCase();
  const users = facts.instructions.filter((i) => {
    if (i.getKeyword() === 'FROM') return (i as From).getImageName()?.toLowerCase() === lower;
    const from = flagsOf(i).find((f) => f.getName() === 'from');
    return from?.getValue()?.toLowerCase() === lower || from?.getValue() === String(stage.index);
  });
  const used = users.length
    ? `Used on line${users.length > 1 ? 's' : ''} ${users.map(lineOf).join(', ')}.`
    : 'Not used by any later stage.';
  const final = stage === facts.finalStage ? ' It is the final stage: the image is made from it.' : '';
  return {
    markdown:
      `**Stage ${codeSpan(stage.name ?? String(stage.index))}** (stage ${stage.index}, ` +
      `line ${lineOf(stage.from)}), built on ${codeSpan(stage.from.getImage() ?? '?')}.${final}\n\n${used}`,
    range,
  };
}

function portHover(value: string, range: Range): HoverResult {
  const [port = '', proto = 'tcp'] = value.split('/');
  const sample = port.includes('-') ? port : `8080:${port}`;
  return {
    markdown: [
      `**Port ${port}/${proto}** (inside the container)`,
      '',
      'EXPOSE only documents that the app listens here; it does not make the port reachable.',
      `Publish it when you run the container: ` +
        `\`docker run -p ${sample}${proto === 'udp' ? '/udp' : ''} …\` maps host → container, ` +
        `so \`localhost:${sample.split(':')[0] ?? sample}\` reaches it. ` +
        `\`docker run -P\` publishes every exposed port on a random host port.`,
    ].join('\n'),
    range,
  };
}

function variableHover(facts: DockerfileFacts, instruction: Instruction, v: VariableLike): HoverResult {
  const definitions = findDefinitions(facts, v.getName(), v.getNameRange().start);
  const where = definitions.length
    ? definitions
        .map(
          (d) =>
            `${d.keyword} on line ${d.range.start.line + 1}${d.value !== undefined ? ` = ${codeSpan(d.value)}` : ''}`,
        )
        .join('; ')
    : 'not set by any ARG or ENV in this Dockerfile (the base image may set it)';
  const when = ['RUN', 'CMD', 'ENTRYPOINT'].includes(instruction.getKeyword())
    ? 'Expanded by the shell when this command runs.'
    : 'Expanded by Docker while building.';
  return { markdown: `**${codeSpan(`$${v.getName()}`)}**: ${where}.\n\n${when}`, range: v.getNameRange() };
}

/**
 * Hover for a position in a Dockerfile: Dockside's own text for instructions, flags, variables, stages, ports and
 * base images; dockerfile-language-service for anything else (parser directives, HEALTHCHECK subcommands, …).
 */
export function dockerfileHover(facts: DockerfileFacts, pos: Position): HoverResult | undefined {
  const instruction = facts.instructions.find((i) => contains(i.getRange(), pos));
  if (instruction) {
    const keywordRange = instruction.getInstructionRange();
    if (contains(keywordRange, pos)) {
      const markdown = instructionHoverMarkdown(instruction.getKeyword());
      if (markdown) return { markdown, range: keywordRange };
    }
    for (const flag of flagsOf(instruction)) {
      if (contains(flag.getNameRange(), pos)) {
        const markdown = flagHoverMarkdown(instruction.getKeyword(), flag.getName());
        if (markdown) return { markdown, range: flag.getNameRange() };
      }
      if (flag.getName() === 'from' && contains(flag.getValueRange(), pos)) {
        const value = flag.getValue() ?? '';
        const stage = facts.stages.find(
          (s) => s.name?.toLowerCase() === value.toLowerCase() || String(s.index) === value,
        );
        if (stage) return stageHover(facts, stage, flag.getValueRange()!);
      }
    }
    for (const v of instruction.getVariables() as unknown as VariableLike[]) {
      if (contains(v.getRange(), pos)) return variableHover(facts, instruction, v);
    }
    if (instruction.getKeyword() === 'FROM') {
      const from = instruction as From;
      const stage = facts.stages.find((s) => s.from === from);
      if (stage && contains(from.getBuildStageRange(), pos))
        return stageHover(facts, stage, from.getBuildStageRange()!);
      if (contains(from.getImageRange(), pos)) {
        const earlier = facts.stages.find(
          (s) => s.index < (stage?.index ?? 0) && s.name?.toLowerCase() === from.getImageName()?.toLowerCase(),
        );
        if (earlier) return stageHover(facts, earlier, from.getImageRange()!);
        const image = fromImage(facts, from) ?? from.getImageName();
        if (image && !image.includes('$')) {
          return {
            markdown: baseImageHoverMarkdown(image, from.getImageTag(), from.getImageDigest()),
            range: from.getImageRange()!,
          };
        }
      }
    }
    if (instruction.getKeyword() === 'EXPOSE') {
      const arg = instruction.getArguments().find((a) => contains(a.getRange(), pos));
      if (arg && /^\d+(-\d+)?(\/\w+)?$/.test(arg.getValue())) return portHover(arg.getValue(), arg.getRange());
    }
  }
  const hover = sharedRcjsuenService().computeHover(facts.text, pos);
  if (!hover) return undefined;
  const c = hover.contents;
  const markdown =
    typeof c === 'string'
      ? c
      : Array.isArray(c)
        ? c.map((x) => (typeof x === 'string' ? x : x.value)).join('\n\n')
        : c.value;
  return markdown ? { markdown, ...(hover.range ? { range: hover.range } : {}) } : undefined;
}
