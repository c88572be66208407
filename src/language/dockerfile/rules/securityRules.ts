import type { Instruction } from 'dockerfile-ast';
import { credentialsInUrl, looksLikeSecretName } from '../../secrets';
import { setsPipefail } from '../commandKinds';
import { propertiesOf } from '../instructionParts';
import type { DockerfileFacts, Stage } from '../facts';
import type { DockerfileRule } from '../ruleTypes';
import { programIndex, programName } from '../shell';

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ash', 'ksh']);
const DOWNLOADERS = new Set(['curl', 'wget']);

/** Whether the SHELL in effect for this RUN already turns on pipefail. */
function shellHasPipefail(facts: DockerfileFacts, stage: Stage, run: Instruction): boolean {
  const last = facts.lastBefore(stage, run, 'SHELL');
  return !!last && /pipefail/.test(last.getRawArgumentsContent() ?? '');
}

export const securityRules: DockerfileRule[] = [
  {
    code: 'DS019',
    name: 'secret-in-arg-env',
    severity: 'warning',
    lesson: 'secrets',
    check(facts, report) {
      for (const i of facts.instructions) {
        const keyword = i.getKeyword();
        if (keyword !== 'ARG' && keyword !== 'ENV') continue;
        for (const p of propertiesOf(i)) {
          const value = p.getValue();
          if (looksLikeSecretName(p.getName()) && (keyword === 'ARG' || (value && !value.startsWith('$')))) {
            report({
              range: p.getNameRange(),
              message:
                `"${p.getName()}" looks like a secret. ${keyword} values are stored in the image (docker history ` +
                `and docker inspect show them). Use "RUN --mount=type=secret,id=${p.getName().toLowerCase()}" at ` +
                'build time, or pass it when the container runs.',
              data: { name: p.getName() },
            });
            continue;
          }
          const valueRange = p.getValueRange();
          const creds = value ? credentialsInUrl(value) : undefined;
          if (creds && valueRange && valueRange.start.line === valueRange.end.line) {
            const line = valueRange.start.line;
            report({
              range: {
                start: { line, character: valueRange.start.character + creds.start },
                end: { line, character: valueRange.start.character + creds.end },
              },
              message:
                'This URL carries a user name and password, which stay in the image. Pass credentials at build ' +
                'time with "RUN --mount=type=secret" or at run time instead.',
            });
          }
        }
      }
    },
  },
  {
    code: 'DS023',
    name: 'sudo-in-run',
    severity: 'warning',
    lesson: 'shell-in-run',
    check(facts, report) {
      for (const { commands } of facts.runs()) {
        for (const c of commands) {
          const sudo = c.words.find((w, idx) => w.value === 'sudo' && idx < programIndex(c.words));
          if (sudo) {
            report({
              range: facts.rangeOfWord(sudo),
              message:
                'Build steps already run as root (or as the USER you set), so sudo is not needed and behaves ' +
                'oddly without a terminal. Remove it; use USER to switch users.',
            });
          }
        }
      }
    },
  },
  {
    code: 'DS024',
    name: 'pipe-to-shell',
    severity: 'warning',
    lesson: 'shell-in-run',
    check(facts, report) {
      for (const { commands } of facts.runs()) {
        for (let k = 0; k + 1 < commands.length; k++) {
          const [a, b] = [commands[k], commands[k + 1]];
          if (a.next !== '|' || !DOWNLOADERS.has(programName(a.words) ?? '') || !SHELLS.has(programName(b.words) ?? ''))
            continue;
          const last = b.words[b.words.length - 1];
          report({
            range: facts.rangeOf(a.words[0].start, last.end),
            message:
              `This pipes a downloaded script straight into ${programName(b.words)}: whatever the server sends ` +
              'runs in your build. Download the file, check its checksum, then run it.',
          });
        }
      }
    },
  },
  {
    code: 'DS025',
    name: 'pipe-without-pipefail',
    severity: 'warning',
    lesson: 'shell-in-run',
    check(facts, report) {
      for (const { run, stage, commands } of facts.runs()) {
        const pipe = commands.find((c) => c.next === '|');
        if (!pipe || pipe.nextAt === undefined || setsPipefail(commands) || shellHasPipefail(facts, stage, run))
          continue;
        report({
          range: facts.rangeOf(pipe.nextAt, pipe.nextAt + 1),
          message:
            'Without pipefail, a failure before "|" is ignored: the step passes if the last command succeeds. Add ' +
            'SHELL ["/bin/bash", "-o", "pipefail", "-c"] before this RUN (or start it with "set -o pipefail &&" ' +
            'where the shell supports it).',
        });
      }
    },
  },
];
