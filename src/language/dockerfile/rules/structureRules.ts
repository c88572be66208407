import type { Instruction } from 'dockerfile-ast';
import { editDistance } from '../../editDistance';
import { caret, lineEnding } from '../../edits';
import { buildCommand } from '../commandKinds';
import { copyArgs, flagValue } from '../copyArgs';
import { flagNamed, propertiesOf } from '../instructionParts';
import type { DockerfileFacts, Stage } from '../facts';
import { changeToSuggestion, instructionAt, lineText, stageOf } from '../fixHelpers';
import type { DockerfileRule } from '../ruleTypes';
import { programIndex, programName } from '../shell';

const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$/i;
const REMOTE = /^(https?:\/\/|git@|git:\/\/)/i;

function workdirSet(facts: DockerfileFacts, stage: Stage, before: Instruction): boolean {
  return facts.lastBefore(stage, before, 'WORKDIR') !== undefined;
}

/** Predefined build args: usable without an ARG line (platform ones only in FROM lines). */
const PROXY_ARGS = [
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'FTP_PROXY',
  'ftp_proxy',
  'NO_PROXY',
  'no_proxy',
  'ALL_PROXY',
  'all_proxy',
];
const PLATFORM_ARGS = [
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETARCH',
  'TARGETVARIANT',
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDARCH',
  'BUILDVARIANT',
];
/** Variables almost every base image sets. */
const COMMON_ENV = ['PATH', 'HOME', 'HOSTNAME', 'LANG', 'LC_ALL', 'USER', 'PWD', 'TERM', 'SHELL'];
/** Instructions whose arguments Docker itself expands (RUN/CMD/ENTRYPOINT are expanded by the shell at run time). */
const EXPANDING = new Set([
  'ADD',
  'COPY',
  'ENV',
  'EXPOSE',
  'FROM',
  'LABEL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
  'ONBUILD',
  'ARG',
]);

function declaredNames(instructions: Instruction[], keyword: 'ARG' | 'ENV'): string[] {
  const names: string[] = [];
  for (const i of instructions) {
    if (i.getKeyword() !== keyword) continue;
    for (const p of propertiesOf(i)) names.push(p.getName());
  }
  return names;
}

export const structureRules: DockerfileRule[] = [
  {
    code: 'DS014',
    name: 'add-instead-of-copy',
    severity: 'warning',
    lesson: 'dockerfile-instructions',
    check(facts, report) {
      for (const i of facts.instructions) {
        if (i.getKeyword() !== 'ADD') continue;
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
      for (const i of facts.instructions) {
        if (i.getKeyword() !== 'ADD' || flagValue(i, 'checksum') !== undefined) continue;
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
    check(facts, report) {
      for (const { commands } of facts.runs()) {
        const c = commands[0];
        if (!c || programName(c.words) !== 'cd' || c.words.length < 2) continue;
        const cd = c.words[programIndex(c.words)];
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
    code: 'DS021',
    name: 'workdir-relative',
    severity: 'warning',
    lesson: 'workdir-and-paths',
    check(facts, report) {
      for (const i of facts.instructions) {
        if (i.getKeyword() !== 'WORKDIR') continue;
        const arg = i.getArguments()[0];
        const value = arg?.getValue().replace(/^["']|["']$/g, '');
        if (!value || value.startsWith('/') || value.startsWith('$') || /^[A-Za-z]:[\\/]/.test(value)) continue;
        report({
          range: arg.getRange(),
          message:
            `"${value}" is relative, so it depends on the WORKDIR before it (or the base image's). Use an ` +
            `absolute path, e.g. "/${value.replace(/^\.\//, '')}".`,
        });
      }
    },
    fix(facts, d) {
      const value = lineText(facts, d.range.start.line).slice(d.range.start.character, d.range.end.character);
      return {
        title: 'Make the path absolute',
        edits: [{ range: d.range, newText: '/' + value.replace(/^\.\//, '') }],
      };
    },
  },
  {
    code: 'DS022',
    name: 'copy-relative-destination',
    severity: 'warning',
    lesson: 'workdir-and-paths',
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
          const target = facts.stages.find((s) => s.name?.toLowerCase() === lower);
          if (target === stage) {
            report({
              range,
              message:
                `"${value}" is the stage this COPY is in; a stage cannot copy from itself. ` + 'Name an earlier stage.',
            });
          } else if (target && target.index > stage.index) {
            report({
              range,
              message:
                `Stage "${value}" is defined later (line ${target.from.getRange().start.line + 1}). COPY --from ` +
                `can only use earlier stages, so Docker looks for an image called "${value}" instead. Move that ` +
                'stage above this one.',
            });
          } else if (!target) {
            const close = facts.stages.filter(
              (s) => s.name && s.index < stage.index && editDistance(s.name.toLowerCase(), lower) <= 2,
            );
            if (close.length) {
              report({
                range,
                message:
                  `No stage is called "${value}", so Docker will try to pull an image of that name. Did you mean ` +
                  `"${close[0].name}"?`,
                data: { suggestion: close[0].name! },
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
    check(facts, report) {
      const defined = new Map<string, string>();
      for (const stage of facts.stages) {
        const keyword = stage.from.getInstruction();
        const args = stage.from.getArguments();
        const asArg = args.find((a, idx) => idx > 0 && a.getValue().toLowerCase() === 'as');
        if (asArg) {
          const upper = keyword === keyword.toUpperCase();
          const asUpper = asArg.getValue() === 'AS';
          if (upper !== asUpper && (asArg.getValue() === 'as' || asArg.getValue() === 'AS')) {
            report({
              range: asArg.getRange(),
              message: `Write "${upper ? 'AS' : 'as'}" in the same case as "${keyword}", as Docker's own checks ask.`,
              data: { replacement: upper ? 'AS' : 'as' },
            });
          }
        }
        const image = stage.from.getImageName();
        if (image && defined.has(image.toLowerCase()) && defined.get(image.toLowerCase()) !== image) {
          report({
            range: stage.from.getImageNameRange()!,
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
    code: 'DS028',
    name: 'undefined-variable',
    severity: 'information',
    lesson: 'variables',
    check(facts, report) {
      const preambleArgs = new Set(declaredNames(facts.preamble, 'ARG'));
      const globalArgs = new Set([...preambleArgs, ...PROXY_ARGS, ...PLATFORM_ARGS]);
      const check = (i: Instruction, known: Set<string>) => {
        for (const v of facts.variableRefs(i)) {
          const name = v.name;
          if (known.has(name) || COMMON_ENV.includes(name) || v.modifier) continue;
          if (preambleArgs.has(name)) {
            report({
              range: v.range,
              severity: 'warning',
              message:
                `"${name}" is declared with ARG before the first FROM, which makes it visible only in FROM lines. ` +
                `Add "ARG ${name}" inside this stage to use it here.`,
              data: { name },
            });
          } else {
            report({
              range: v.range,
              message:
                `"${name}" is not set by any ARG or ENV in scope here; unless the base image sets it, it expands ` +
                'to an empty string. Declare it with ARG or ENV first.',
              data: { name },
            });
          }
        }
      };
      for (const from of facts.stages.map((s) => s.from)) check(from, globalArgs);
      for (const stage of facts.stages) {
        const known = new Set<string>(PROXY_ARGS);
        const own = new Set(stage.instructions);
        for (const ancestor of facts.inheritedInstructions(stage)) {
          if (!own.has(ancestor) && ancestor.getKeyword() === 'ENV')
            declaredNames([ancestor], 'ENV').forEach((n) => known.add(n));
        }
        for (const i of stage.instructions) {
          if (EXPANDING.has(i.getKeyword())) check(i, known);
          if (i.getKeyword() === 'ARG' || i.getKeyword() === 'ENV')
            declaredNames([i], i.getKeyword() as 'ARG' | 'ENV').forEach((n) => known.add(n));
        }
      }
    },
    fix(facts, d) {
      const instruction = instructionAt(facts, d);
      if (!instruction || d.severity !== 'warning' || !d.data?.name) return undefined;
      const stage = stageOf(facts, instruction);
      if (!stage) return undefined;
      const fromLine = stage.from.getRange().end.line + 1;
      return {
        title: `Declare "ARG ${d.data.name}" in this stage`,
        edits: [{ range: caret(fromLine, 0), newText: `ARG ${d.data.name}${lineEnding(facts.text)}` }],
        isPreferred: true,
      };
    },
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
    code: 'DS034',
    name: 'unclosed-substitution',
    severity: 'error',
    lesson: 'variables',
    check(facts, report) {
      for (const i of facts.instructions) {
        if (!EXPANDING.has(i.getKeyword())) continue;
        for (const arg of i.getArguments()) {
          const value = arg.getValue();
          const open = value.indexOf('${');
          if (open < 0 || value.indexOf('}', open) >= 0) continue;
          const r = arg.getRange();
          if (r.start.line !== r.end.line) continue;
          report({
            range: { start: { line: r.start.line, character: r.start.character + open }, end: r.end },
            message:
              `"${value.slice(open)}" opens "\${" without a closing "}", and docker build fails on it. Close it: ` +
              `"\${NAME}".`,
          });
        }
      }
    },
  },
  {
    code: 'DS029',
    name: 'maintainer-deprecated',
    severity: 'warning',
    lesson: 'dockerfile-instructions',
    tags: ['deprecated'],
    check(facts, report) {
      for (const i of facts.instructions) {
        if (i.getKeyword() !== 'MAINTAINER') continue;
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
    code: 'DS030',
    name: 'env-legacy-form',
    severity: 'warning',
    lesson: 'variables',
    check(facts, report) {
      for (const i of facts.instructions) {
        if (i.getKeyword() !== 'ENV') continue;
        const args = i.getArguments();
        if (args.length === 0 || args[0].getValue().includes('=')) continue;
        report({
          range: i.getArgumentsRange()!,
          message:
            `"ENV ${args[0].getValue()} value" is the legacy form, which can only set one variable and reads the ` +
            `rest of the line as the value. Write "ENV ${args[0].getValue()}=value".`,
        });
      }
    },
    fix(facts, d) {
      const instruction = instructionAt(facts, d);
      if (!instruction) return undefined;
      const [key, ...rest] = instruction.getArguments();
      const value = (instruction.getArgumentsContent() ?? '').trim().slice(key.getValue().length).trim();
      const quoted = /^[A-Za-z0-9_./:@%+,-]*$/.test(value) ? value : JSON.stringify(value);
      return rest.length || value === ''
        ? {
            title: `Write ${key.getValue()}=…`,
            edits: [{ range: d.range, newText: `${key.getValue()}=${quoted}` }],
            isPreferred: true,
          }
        : undefined;
    },
  },
  {
    code: 'DS031',
    name: 'expose-invalid',
    severity: 'error',
    lesson: 'ports-and-expose',
    check(facts, report) {
      for (const i of facts.instructions) {
        if (i.getKeyword() !== 'EXPOSE') continue;
        for (const arg of i.getArguments()) {
          const value = arg.getValue();
          if (value.includes('$')) continue;
          if (value.includes(':')) {
            report({
              range: arg.getRange(),
              severity: 'warning',
              message:
                `EXPOSE takes only the container's port; the host side of "${value}" is ignored. Publish with ` +
                `"docker run -p ${value}" (or compose "ports:") and write "EXPOSE ${value.split(':').pop()}".`,
              data: { replacement: value.split(':').pop()! },
            });
            continue;
          }
          const m = /^(\d+)(?:-(\d+))?(?:\/(\w+))?$/.exec(value);
          if (!m) continue; // dockerfile-utils reports ports that are not numbers and unknown protocols
          const [start, end] = [Number(m[1]), m[2] === undefined ? Number(m[1]) : Number(m[2])];
          if (start > 65535 || end > 65535) {
            report({
              range: arg.getRange(),
              message: `${value} is not a port: ports go from 0 to 65535, and docker build fails on it.`,
            });
          } else if (end < start) {
            report({
              range: arg.getRange(),
              message: `The range ${m[1]}-${m[2]} runs backwards, and docker build fails on it. Write ${m[2]}-${m[1]}.`,
            });
          }
        }
      }
    },
    fix: (_facts, d) => changeToSuggestion(d),
  },
  {
    code: 'DS032',
    name: 'single-stage-toolchain',
    severity: 'information',
    lesson: 'multi-stage',
    check(facts, report) {
      if (facts.stages.length !== 1) return;
      for (const { commands } of facts.runs()) {
        const tool = commands.map(buildCommand).find((x) => x !== undefined);
        if (!tool) continue;
        report({
          range: facts.stages[0].from.getInstructionRange(),
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
