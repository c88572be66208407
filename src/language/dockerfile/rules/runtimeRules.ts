import type { Instruction } from 'dockerfile-ast';
import { caret, lineEnding } from '../../edits';
import { execFormCandidate, isExecForm, type DockerfileFacts, type Stage } from '../facts';
import { instructionAt, wholeLines } from '../fixHelpers';
import type { DockerfileRule } from '../ruleTypes';
import { lexShell, programName } from '../shell';
import { fromImage, officialName } from './baseImageRules';

/** A shell-form command that can be written as an exec-form JSON array without changing its meaning. */
export function execFormOf(text: string): string | undefined {
  if (/[|&;<>()$`*?~\n\\]/.test(text)) return undefined;
  const commands = lexShell(text, 0, text.length);
  const [only] = commands;
  if (commands.length !== 1 || !only) return undefined;
  return JSON.stringify(only.words.map((w) => w.value)).replace(/","/g, '", "');
}

/**
 * `['a', 'it\\'s']` → `["a", "it's"]`: each single-quoted string (with `\\'` inside) as a JSON string. One pass;
 * an unclosed quote leaves the rest as it is.
 */
function singleToDoubleQuotes(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== "'") {
      out += text[i];
      continue;
    }
    let inner = '';
    let j = i + 1;
    for (; j < text.length && text[j] !== "'"; j++) {
      const next = text[j + 1];
      if (text[j] === '\\' && next !== undefined) {
        inner += next === "'" ? "'" : `\\${next}`;
        j++;
      } else inner += text[j];
    }
    if (j >= text.length) return out + text.slice(i);
    out += JSON.stringify(inner);
    i = j;
  }
  return out;
}

/** Repairs the usual mistakes in an exec-form array: single quotes and a trailing comma. */
export function repairJsonArray(text: string): string | undefined {
  const fixed = singleToDoubleQuotes(text.trim()).replace(/,\s*\]$/, ']');
  try {
    const parsed: unknown = JSON.parse(fixed);
    return Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')
      ? JSON.stringify(parsed).replace(/","/g, '", "')
      : undefined;
  } catch {
    return undefined;
  }
}

const NON_ROOT_TAG = /nonroot|rootless/i;

/** How the final stage gets an unprivileged user: the image's own (node), or one created the distribution's way. */
function userCreation(facts: DockerfileFacts, stage: Stage): { lines: string[]; user: string } {
  const image = officialName(fromImage(facts, stage.from) ?? '');
  if (image === 'node') return { lines: [], user: 'node' };
  const usesApk = [...facts.runs()].some(
    (r) => r.stage === stage && r.commands.some((c) => programName(c.words) === 'apk'),
  );
  const busyboxLike = usesApk || /alpine|busybox/.test(`${image}:${stage.from.getImageTag() ?? ''}`);
  return busyboxLike
    ? { lines: ['RUN addgroup -S app && adduser -S -G app app'], user: 'app' }
    : { lines: ['RUN groupadd --system app && useradd --system --gid app --create-home app'], user: 'app' };
}

export const runtimeRules: DockerfileRule[] = [
  {
    code: 'DS013',
    name: 'final-stage-root',
    severity: 'warning',
    lesson: 'non-root-user',
    hadolint: ['DL3002', 'DL3063'],
    check(facts, report) {
      const stage = facts.finalStage;
      if (!stage) return;
      const users = facts.inheritedInstructions(stage).filter((i) => i.getKeyword() === 'USER');
      const last = users[users.length - 1];
      if (!last) {
        const image = fromImage(facts, stage.from);
        if (!image || NON_ROOT_TAG.test(stage.from.getImageTag() ?? '')) return;
        report({
          range: stage.from.getInstructionRange(),
          message:
            'The final stage never sets USER, so the container runs as root. Create an unprivileged user and add ' +
            '"USER <name>" near the end.',
          data: { image },
        });
        return;
      }
      const user = (last.getArgumentsContent() ?? '').trim().split(':')[0];
      if (user === 'root' || user === '0') {
        report({
          range: last.getArgumentsRange()!,
          message:
            'The last USER of the final stage is root, so the container runs as root. Switch to an unprivileged ' +
            'user after the steps that need root.',
        });
      }
    },
    fix(facts, d) {
      const stage = facts.finalStage;
      if (!stage) return undefined;
      // Only the "no USER at all" finding carries the image; for an explicit "USER root" the author must choose.
      if (d.data?.image === undefined) return undefined;
      const { lines, user } = userCreation(facts, stage);
      const runtime = stage.instructions.find((i) => ['CMD', 'ENTRYPOINT', 'HEALTHCHECK'].includes(i.getKeyword()));
      const line = runtime
        ? runtime.getRange().start.line
        : (stage.instructions.slice(-1)[0] ?? stage.from).getRange().end.line + 1;
      const eol = lineEnding(facts.text);
      const needsBreak =
        !runtime && facts.offsetAt(caret(line, 0).start) === facts.text.length && !facts.text.endsWith('\n');
      const text = [...lines, `USER ${user}`].join(eol) + eol;
      return {
        title: lines.length ? `Create user "${user}" and switch to it` : `Switch to the image's "${user}" user`,
        edits: [{ range: caret(line, 0), newText: (needsBreak ? eol : '') + text }],
        isPreferred: true,
      };
    },
  },
  {
    code: 'DS016',
    name: 'shell-form-command',
    severity: 'warning',
    lesson: 'cmd-and-entrypoint',
    buildkit: ['JSONArgsRecommended'],
    hadolint: ['DL3025'],
    check(facts, report) {
      for (const stage of facts.stages) {
        for (const i of stage.instructions) {
          const keyword = i.getKeyword();
          if (keyword !== 'CMD' && keyword !== 'ENTRYPOINT') continue;
          const range = i.getArgumentsRange();
          if (!range || execFormCandidate(i) !== undefined) continue;
          // With a SHELL of its own (here or in a parent stage), the shell form is what the author chose.
          if (facts.lastBefore(stage, i, 'SHELL')) continue;
          const text = (i.getArgumentsContent() ?? '').trim();
          const exec = execFormOf(text);
          report({
            range,
            message:
              keyword === 'CMD'
                ? `CMD in shell form runs under "/bin/sh -c", so your program does not get stop signals directly. ` +
                  `Use the exec form${exec ? `: CMD ${exec}` : ', a JSON array'}.`
                : `ENTRYPOINT in shell form runs under "/bin/sh -c": it ignores CMD and "docker run" arguments, ` +
                  'and stop signals do not reach your program. Use the exec ' +
                  `form${exec ? `: ENTRYPOINT ${exec}` : ', a JSON array'}.`,
            ...(exec ? { data: { exec } } : {}),
          });
        }
      }
    },
    fix: (_facts, d) =>
      d.data?.exec
        ? { title: 'Use the exec form', edits: [{ range: d.range, newText: d.data.exec }], isPreferred: true }
        : undefined,
  },
  {
    code: 'DS017',
    name: 'malformed-exec-form',
    severity: 'warning',
    lesson: 'cmd-and-entrypoint',
    check(facts, report) {
      for (const i of facts.ofKeyword('CMD', 'ENTRYPOINT', 'RUN', 'SHELL', 'HEALTHCHECK')) {
        const keyword = i.getKeyword();
        const candidate = execFormCandidate(i);
        if (candidate === undefined || isExecForm(i)) continue;
        // SHELL is an error of its own (dockerfile-utils); HEALTHCHECK's exec form follows CMD, checked elsewhere.
        if (keyword === 'SHELL' || keyword === 'HEALTHCHECK') continue;
        const fixed = repairJsonArray(candidate);
        const why = /'/.test(candidate)
          ? ' (single quotes)'
          : /,\s*\]\s*$/.test(candidate)
            ? ' (a trailing comma)'
            : '';
        report({
          range: i.getArgumentsRange()!,
          message:
            `This looks like the exec form but is not valid JSON${why}, so Docker silently runs it as a shell ` +
            `command. Write a JSON array of double-quoted strings${fixed ? `: ${fixed}` : ''}.`,
          ...(fixed ? { data: { fixed } } : {}),
        });
      }
    },
    fix: (_facts, d) =>
      d.data?.fixed
        ? { title: 'Write valid JSON', edits: [{ range: d.range, newText: d.data.fixed }], isPreferred: true }
        : undefined,
  },
  {
    code: 'DS018',
    name: 'repeated-instruction',
    severity: 'warning',
    lesson: 'cmd-and-entrypoint',
    buildkit: ['MultipleInstructionsDisallowed'],
    hadolint: ['DL3012', 'DL4003', 'DL4004'],
    tags: ['unnecessary'],
    check(facts, report) {
      for (const stage of facts.stages) {
        for (const keyword of ['CMD', 'ENTRYPOINT', 'HEALTHCHECK']) {
          const all = stage.instructions.filter((i) => i.getKeyword() === keyword);
          const last = all[all.length - 1];
          if (!last) continue;
          for (const i of all.slice(0, -1)) {
            report({
              range: i.getInstructionRange(),
              message:
                `Only the last ${keyword} of a stage takes effect (line ${last.getRange().start.line + 1}); this ` +
                'one is ignored. Remove it.',
            });
          }
        }
      }
    },
    fix(facts, d) {
      const instruction = instructionAt(facts, d);
      return instruction
        ? {
            title: `Remove the ignored ${instruction.getKeyword()}`,
            edits: [{ range: wholeLines(facts, instruction).range, newText: '' }],
          }
        : undefined;
    },
  },
  {
    code: 'DS033',
    name: 'expose-without-healthcheck',
    severity: 'information',
    lesson: 'healthcheck',
    check(facts, report) {
      const stage = facts.finalStage;
      if (!stage) return;
      const inherited = facts.inheritedInstructions(stage);
      const expose = inherited.find((i) => i.getKeyword() === 'EXPOSE');
      if (!expose || inherited.some((i: Instruction) => i.getKeyword() === 'HEALTHCHECK')) return;
      report({
        range: expose.getInstructionRange(),
        message:
          'This image serves a port but has no HEALTHCHECK, so Docker (and compose\'s "service_healthy") cannot ' +
          'tell a hung server from a working one. Add a HEALTHCHECK that probes the port.',
      });
    },
  },
];
