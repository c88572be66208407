import type { Instruction } from 'dockerfile-ast';
import { editDistance } from '../../editDistance';
import { buildCommand } from '../commandKinds';
import { copyArgs, flagValue } from '../copyArgs';
import { flagNamed } from '../instructionParts';
import type { DockerfileFacts, Stage } from '../facts';
import { changeToSuggestion, instructionAt } from '../fixHelpers';
import type { DockerfileRule } from '../ruleTypes';
import { programIndex, programName } from '../shell';

const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$/i;
const REMOTE = /^(https?:\/\/|git@|git:\/\/)/i;

function workdirSet(facts: DockerfileFacts, stage: Stage, before: Instruction): boolean {
  return facts.lastBefore(stage, before, 'WORKDIR') !== undefined;
}

/** How many earlier stage names a misspelt `--from` is compared with: bounds the work on files with thousands. */
const MAX_SUGGESTION_CANDIDATES = 200;

/**
 * Earlier stages whose names are within two edits of `name`, in file order. Each value is compared once per file,
 * with at most MAX_SUGGESTION_CANDIDATES distinct names, and only when it is short enough to be a name someone
 * typed, so thousands of COPY lines cost thousands of comparisons, not millions.
 */
function closeStageNames(facts: DockerfileFacts, name: string, before: number): Stage[] {
  const cache = facts.memo('closeStageNames', () => new Map<string, Stage[]>());
  let close = cache.get(name);
  if (!close) {
    close = [];
    if (name.length > 128) return close;
    const seen = new Set<string>();
    for (const s of facts.stages) {
      const lower = s.name?.toLowerCase();
      if (!lower || seen.has(lower) || Math.abs(lower.length - name.length) > 2) continue;
      seen.add(lower);
      if (seen.size > MAX_SUGGESTION_CANDIDATES) break;
      if (editDistance(lower, name) <= 2) close.push(s);
    }
    cache.set(name, close);
  }
  return close.filter((s) => s.index < before);
}

export const structureRules: DockerfileRule[] = [
  {
    code: 'DS014',
    name: 'add-instead-of-copy',
    severity: 'warning',
    lesson: 'dockerfile-instructions',
    hadolint: ['DL3020'],
    check(facts, report) {
      for (const i of facts.ofKeyword('ADD')) {
        const { sources } = copyArgs(i);
        if (
          sources.length === 0 ||
          sources.some((s) => REMOTE.test(s.getValue()) || ARCHIVE.test(s.getValue()) || s.getValue().includes('$'))
        )
          continue;
        report({
          range: i.getInstructionRange(),
          message:
            'ADD also unpacks archives and downloads URLs; for plain local files COPY does the same job and says ' +
            'what it does. Use COPY.',
        });
      }
    },
    fix(facts, d) {
      const instruction = instructionAt(facts, d);
      return instruction
        ? {
            title: 'Use COPY',
            edits: [{ range: instruction.getInstructionRange(), newText: 'COPY' }],
            isPreferred: true,
          }
        : undefined;
    },
  },
  {
    code: 'DS015',
    name: 'add-url-without-checksum',
    severity: 'warning',
    lesson: 'dockerfile-instructions',
    check(facts, report) {
      for (const i of facts.ofKeyword('ADD')) {
        if (flagValue(i, 'checksum') !== undefined) continue;
        for (const s of copyArgs(i).sources) {
          if (!/^https?:\/\//i.test(s.getValue())) continue;
          report({
            range: s.getRange(),
            message:
              'ADD downloads this URL on every uncached build without checking what arrives. Add ' +
              '--checksum=sha256:<hash> so a changed or tampered file fails the build.',
          });
        }
      }
    },
  },
  {
    code: 'DS020',
    name: 'run-cd',
    severity: 'warning',
    lesson: 'workdir-and-paths',
    hadolint: ['DL3003'],
    check(facts, report) {
      for (const { commands } of facts.runs()) {
        const c = commands[0];
        if (!c || programName(c.words) !== 'cd' || c.words.length < 2) continue;
        const cd = c.words[programIndex(c.words)];
        if (!cd) continue;
        report({
          range: facts.rangeOfWord(cd),
          message:
            '"cd" only lasts until the end of this RUN. Use "WORKDIR ' +
            `${c.words[programIndex(c.words) + 1]?.value ?? '/path'}" to change the directory for the ` +
            'instructions that follow.',
        });
      }
    },
  },
  {
    code: 'DS022',
    name: 'copy-relative-destination',
    severity: 'warning',
    lesson: 'workdir-and-paths',
    hadolint: ['DL3045'],
    check(facts, report) {
      for (const stage of facts.stages) {
        for (const i of stage.instructions) {
          if (i.getKeyword() !== 'COPY' && i.getKeyword() !== 'ADD') continue;
          const dest = copyArgs(i).destination;
          const value = dest?.getValue();
          if (!dest || !value || value.startsWith('/') || value.startsWith('$') || /^[A-Za-z]:[\\/]/.test(value))
            continue;
          if (workdirSet(facts, stage, i)) continue;
          report({
            range: dest.getRange(),
            message:
              `The destination "${value}" is relative, but no WORKDIR is set, so it lands in the base image's ` +
              'working directory (often "/"). Add "WORKDIR /app" before it, or use an absolute path.',
          });
        }
      }
    },
  },
  {
    code: 'DS026',
    name: 'copy-from-stage',
    severity: 'warning',
    lesson: 'multi-stage',
    hadolint: ['DL3022', 'DL3023'],
    check(facts, report) {
      for (const stage of facts.stages) {
        for (const i of stage.instructions) {
          if (i.getKeyword() !== 'COPY') continue;
          const from = flagNamed(i, 'from');
          const value = from?.getValue();
          const range = from?.getValueRange();
          if (!from || !value || !range || /[/:@$]/.test(value)) continue;
          if (/^\d+$/.test(value)) {
            if (Number(value) >= stage.index) {
              report({
                range,
                severity: 'error',
                message:
                  `--from=${value} must name an earlier stage (0 to ${stage.index - 1}); stage ${value} is ` +
                  `${Number(value) === stage.index ? 'this one' : 'later or missing'}, and docker build fails.`,
              });
            }
            continue;
          }
          const lower = value.toLowerCase();
          const target = facts.stagesNamed(value)[0];
          if (target === stage) {
            report({
              range,
              severity: 'error',
              message:
                `"${value}" is the stage this COPY is in; a stage cannot copy from itself, and docker build fails. ` +
                'Name an earlier stage.',
            });
          } else if (target && target.index > stage.index) {
            report({
              range,
              message:
                `Stage "${value}" is defined later (line ${target.from.getRange().start.line + 1}). BuildKit reads ` +
                'every stage first and finds it, but the legacy builder only knows earlier stages and would pull an ' +
                `image called "${value}". Move that stage above this one so the file works with both.`,
            });
          } else if (!target) {
            const close = closeStageNames(facts, lower, stage.index);
            if (close.length) {
              report({
                range,
                message:
                  `No stage is called "${value}", so Docker will try to pull an image of that name. Did you mean ` +
                  `"${close[0]!.name}"?`,
                data: { suggestion: close[0]!.name! },
              });
            }
          }
        }
      }
    },
    fix: (_facts, d) => changeToSuggestion(d),
  },
  {
    code: 'DS027',
    name: 'stage-name-casing',
    severity: 'warning',
    lesson: 'multi-stage',
    buildkit: ['FromAsCasing'],
    check(facts, report) {
      const defined = new Map<string, string>();
      for (const stage of facts.stages) {
        const keyword = stage.from.getInstruction();
        const args = stage.from.getArguments();
        // A FROM keyword in mixed case is left to the instruction-casing check (DS038), as BuildKit does.
        const keywordCase =
          keyword === keyword.toUpperCase() ? 'upper' : keyword === keyword.toLowerCase() ? 'lower' : '';
        const asArg = args.length >= 3 ? args[1] : undefined;
        const as = asArg?.getValue() ?? '';
        const asWanted = keywordCase === 'upper' ? as.toUpperCase() : as.toLowerCase();
        if (as && keywordCase && as !== asWanted && asArg?.getRange().start.line === stage.from.getRange().start.line) {
          report({
            range: asArg!.getRange(),
            buildkit: 'FromAsCasing',
            message: `Write "${asWanted}" in the same case as "${keyword}", so the line reads as one.`,
            data: { replacement: asWanted },
          });
        }
        const image = stage.from.getImageName();
        if (image && defined.has(image.toLowerCase()) && defined.get(image.toLowerCase()) !== image) {
          report({
            range: stage.from.getImageNameRange()!,
            buildkit: null,
            message:
              `Stage names ignore case, but this says "${image}" where the stage is named ` +
              `"${defined.get(image.toLowerCase())}". Write it the same way everywhere.`,
            data: { replacement: defined.get(image.toLowerCase())! },
          });
        }
        for (const i of stage.instructions) {
          const from = i.getKeyword() === 'COPY' ? flagNamed(i, 'from') : undefined;
          const value = from?.getValue();
          if (value && defined.has(value.toLowerCase()) && defined.get(value.toLowerCase()) !== value) {
            report({
              range: from!.getValueRange()!,
              buildkit: null,
              message:
                `Stage names ignore case, but this says "${value}" where the stage is named ` +
                `"${defined.get(value.toLowerCase())}". Write it the same way everywhere.`,
              data: { replacement: defined.get(value.toLowerCase())! },
            });
          }
        }
        if (stage.name) defined.set(stage.name.toLowerCase(), stage.name);
      }
    },
    fix: (_facts, d) => changeToSuggestion(d),
  },
  {
    code: 'DS035',
    name: 'file-too-large',
    severity: 'warning',
    lesson: 'dockerfile-syntax',
    // Reported by DockerfileService before anything is parsed (see tooLargeToCheck): a file this big is not parsed.
    check() {},
  },
  {
    code: 'DS029',
    name: 'maintainer-deprecated',
    severity: 'warning',
    lesson: 'dockerfile-instructions',
    buildkit: ['MaintainerDeprecated'],
    hadolint: ['DL4000'],
    tags: ['deprecated'],
    check(facts, report) {
      for (const i of facts.ofKeyword('MAINTAINER')) {
        report({
          range: i.getInstructionRange(),
          message: 'MAINTAINER is deprecated. Use LABEL maintainer="…" instead.',
        });
      }
    },
    fix(facts, d) {
      const instruction = instructionAt(facts, d);
      if (!instruction) return undefined;
      const who = (instruction.getArgumentsContent() ?? '').trim();
      return {
        title: 'Use LABEL maintainer=…',
        edits: [
          {
            range: { start: instruction.getInstructionRange().start, end: instruction.getRange().end },
            newText: `LABEL maintainer=${JSON.stringify(who)}`,
          },
        ],
        isPreferred: true,
      };
    },
  },
  {
    code: 'DS032',
    name: 'single-stage-toolchain',
    severity: 'information',
    lesson: 'multi-stage',
    check(facts, report) {
      const only = facts.stages[0];
      if (facts.stages.length !== 1 || !only) return;
      for (const { commands } of facts.runs()) {
        const tool = commands.map(buildCommand).find((x) => x !== undefined);
        if (!tool) continue;
        report({
          range: only.from.getInstructionRange(),
          message:
            `This single-stage image builds with "${tool}" and so ships the compiler, sources and build tools. ` +
            'Build in one stage and COPY --from it only the result into a small runtime stage (a multi-stage ' +
            'build).',
        });
        return;
      }
    },
  },
];
