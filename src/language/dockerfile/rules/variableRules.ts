import type { Instruction } from 'dockerfile-ast';
import { caret, lineEnding } from '../../edits';
import { expandWord } from '../expandWord';
import type { DockerfileFacts, Stage } from '../facts';
import { instructionAt, lineText, stageOf } from '../fixHelpers';
import { propertiesOf } from '../instructionParts';
import type { DockerfileRule } from '../ruleTypes';
import { closestName, metaArgs, PREDEFINED_ARGS } from './fromRules';

/** Variables almost every base image sets, assumed when the engine cannot tell what the image sets. */
const COMMON_ENV = ['PATH', 'HOME', 'HOSTNAME', 'LANG', 'LC_ALL', 'USER', 'PWD', 'TERM', 'SHELL'];
/** The instructions whose words Docker itself expands (RUN, CMD and ENTRYPOINT are left to the shell). */
const EXPANDED = new Set(['ADD', 'COPY', 'ENV', 'LABEL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR', 'ARG']);
/** What DS034 reads: the instructions whose arguments go through the word expander, FROM and ONBUILD included. */
const SUBSTITUTING = new Set([...EXPANDED, 'EXPOSE', 'FROM', 'ONBUILD']);
/** BuildKit's own settings, never reported as undefined. */
const BUILDKIT_ARGS = ['BUILDKIT_SBOM_SCAN_CONTEXT', 'BUILDKIT_SBOM_SCAN_STAGE'];

/** The variables set in a stage before an instruction: by the base image, ENV and ARG (values when known). */
class StageVariables {
  readonly values = new Map<string, string | undefined>();

  add(i: Instruction): void {
    const lookup = (n: string) => this.values.get(n);
    for (const p of propertiesOf(i)) {
      const raw = p.getValue();
      const value = raw === null ? undefined : expandWord(raw, lookup).value;
      this.values.set(p.getName(), value);
    }
  }
}

/** The first stage of the chain a stage builds on (`FROM base` … `FROM node AS base`). */
function rootOf(facts: DockerfileFacts, stage: Stage): Stage {
  let root = stage;
  for (let n = 0, p = facts.parentStage(root); p && n < 64; n++, p = facts.parentStage(root)) root = p;
  return root;
}

/** What the base image sets: known from the engine, nothing but PATH for scratch, otherwise the usual names. */
function baseVariables(facts: DockerfileFacts, stage: Stage): StageVariables {
  const vars = new StageVariables();
  const image = rootOf(facts, stage).from.getImage() ?? '';
  const known = image && !image.includes('$') ? facts.env.imageConfig?.(image)?.env : undefined;
  if (known) {
    for (const entry of known) {
      const eq = entry.indexOf('=');
      vars.values.set(eq < 0 ? entry : entry.slice(0, eq), eq < 0 ? '' : entry.slice(eq + 1));
    }
  } else if (image.toLowerCase() !== 'scratch') {
    for (const name of COMMON_ENV) vars.values.set(name, undefined);
  }
  // BuildKit gives every stage a PATH.
  if (!vars.values.has('PATH')) vars.values.set('PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  return vars;
}

/** The instructions a stage inherits from the stages it builds on (not its own). */
function ancestorsOf(facts: DockerfileFacts, stage: Stage): Instruction[] {
  const own = new Set(stage.instructions);
  return facts.inheritedInstructions(stage).filter((i) => !own.has(i));
}

export const variableRules: DockerfileRule[] = [
  {
    code: 'DS021',
    name: 'workdir-relative',
    severity: 'warning',
    lesson: 'workdir-and-paths',
    buildkit: ['WorkdirRelativePath'],
    hadolint: ['DL3000'],
    check(facts, report) {
      for (const stage of facts.stages) {
        // Only the first WORKDIR of a chain of stages depends on the base image's directory.
        if (ancestorsOf(facts, stage).some((i) => i.getKeyword() === 'WORKDIR')) continue;
        const vars = baseVariables(facts, stage);
        for (const i of ancestorsOf(facts, stage))
          if (i.getKeyword() === 'ENV' || i.getKeyword() === 'ARG') vars.add(i);
        for (const i of stage.instructions) {
          if (i.getKeyword() === 'ENV' || i.getKeyword() === 'ARG') vars.add(i);
          if (i.getKeyword() !== 'WORKDIR') continue;
          const arg = i.getArguments()[0];
          const raw = arg
            ? facts.text.slice(facts.offsetAt(arg.getRange().start), facts.offsetAt(arg.getRange().end))
            : '';
          const e = expandWord(raw, (n) => vars.values.get(n), facts.escape);
          const value = e.value;
          // A variable whose value only the base image knows: the path cannot be judged here.
          if (value === undefined || e.unmatched.length || e.matched.some((n) => vars.values.get(n) === undefined))
            break;
          if (!arg || value === '' || value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value)) break;
          report({
            range: arg.getRange(),
            message:
              `"${value}" is relative, so it lands inside whatever working directory the base image sets, which ` +
              `can change with its next version. Use an absolute path, e.g. "/${value.replace(/^\.\//, '')}".`,
          });
          break;
        }
      }
    },
    fix(facts, d) {
      const value = lineText(facts, d.range.start.line).slice(d.range.start.character, d.range.end.character);
      if (value.includes('$')) return undefined;
      return {
        title: 'Make the path absolute',
        edits: [{ range: d.range, newText: '/' + value.replace(/^\.\//, '') }],
      };
    },
  },
  {
    code: 'DS028',
    name: 'undefined-variable',
    severity: 'information',
    lesson: 'variables',
    buildkit: ['UndefinedVar', 'UndefinedArgInFrom'],
    hadolint: ['DL3044'],
    check(facts, report) {
      const meta = metaArgs(facts);
      // FROM lines see only the ARGs above the first FROM and the platform ones every build defines.
      const global = new Set([...meta.keys(), ...PREDEFINED_ARGS]);
      for (const { from } of facts.stages) {
        const reported = new Set<string>();
        const start = facts.offsetAt(from.getInstructionRange().end);
        for (const ref of facts.variableRefsIn(start, facts.offsetAt(from.getRange().end))) {
          if (global.has(ref.name) || reported.has(ref.name)) continue;
          reported.add(ref.name);
          const suggestion = closestName(ref.name, global);
          report({
            range: ref.range,
            severity: 'warning',
            buildkit: 'UndefinedArgInFrom',
            message:
              `"${ref.name}" is not declared with an ARG before the first FROM, so it is empty here.` +
              (suggestion ? ` Did you mean "${suggestion}"?` : ` Add "ARG ${ref.name}=<default>" at the top.`),
            data: { name: ref.name, ...(suggestion ? { suggestion } : {}) },
          });
        }
      }
      for (const stage of facts.stages) {
        const vars = baseVariables(facts, stage);
        for (const name of BUILDKIT_ARGS) vars.values.set(name, undefined);
        for (const i of ancestorsOf(facts, stage))
          if (i.getKeyword() === 'ENV' || i.getKeyword() === 'ARG') vars.add(i);
        for (const i of stage.instructions) {
          if (EXPANDED.has(i.getKeyword())) {
            const args = i.getArgumentsRange();
            const start = facts.offsetAt(i.getInstructionRange().end);
            // Up to the end of the first line's arguments: a COPY heredoc's body is not an argument.
            const end = args ? facts.offsetAt(args.end) : start;
            for (const ref of facts.variableRefsIn(start, end)) {
              const name = ref.name;
              if (vars.values.has(name)) continue;
              if (meta.has(name)) {
                report({
                  range: ref.range,
                  severity: 'warning',
                  buildkit: 'UndefinedVar',
                  message:
                    `"${name}" is declared with ARG before the first FROM, which makes it visible only in FROM ` +
                    `lines. Add "ARG ${name}" inside this stage to use it here.`,
                  data: { name },
                });
                continue;
              }
              const suggestion = closestName(name, vars.values.keys());
              report({
                range: ref.range,
                buildkit: 'UndefinedVar',
                message:
                  `"${name}" is not set by any ARG or ENV in scope here; unless the base image sets it, it expands ` +
                  'to an empty string.' +
                  (suggestion ? ` Did you mean "${suggestion}"?` : ' Declare it with ARG or ENV first.'),
                data: { name, ...(suggestion ? { suggestion } : {}) },
              });
            }
          }
          if (i.getKeyword() === 'ARG' || i.getKeyword() === 'ENV') vars.add(i);
        }
      }
    },
    fix(facts, d) {
      if (d.data?.suggestion)
        return { title: `Change to "${d.data.suggestion}"`, edits: [{ range: d.range, newText: d.data.suggestion }] };
      const instruction = instructionAt(facts, d);
      if (!instruction || d.severity !== 'warning' || !d.data?.name || instruction.getKeyword() === 'FROM')
        return undefined;
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
    code: 'DS030',
    name: 'legacy-key-value',
    severity: 'warning',
    lesson: 'variables',
    buildkit: ['LegacyKeyValueFormat'],
    check(facts, report) {
      for (const i of facts.ofKeyword('ENV', 'LABEL')) {
        const keyword = i.getKeyword();
        const args = i.getArguments();
        const key = args[0]?.getValue() ?? '';
        if (args.length < 2 || key.includes('=')) continue;
        report({
          range: i.getArgumentsRange()!,
          message:
            `"${keyword} ${key} value" is the legacy form: it sets one ${keyword === 'ENV' ? 'variable' : 'label'} ` +
            `and reads the rest of the line as its value. Write "${keyword} ${key}=value".`,
        });
      }
    },
    fix(facts, d) {
      const instruction = instructionAt(facts, d);
      if (!instruction) return undefined;
      const [key, ...rest] = instruction.getArguments();
      if (!key) return undefined;
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
    code: 'DS034',
    name: 'unclosed-substitution',
    severity: 'error',
    lesson: 'variables',
    check(facts, report) {
      for (const i of facts.ofKeyword(...SUBSTITUTING)) {
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
];
