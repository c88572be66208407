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

/** The words BuildKit takes for a secret, and those that say a name only points at one, as `_`-separated parts. */
const SECRET_WORDS = new Set([
  'apikey',
  'auth',
  'credential',
  'credentials',
  'key',
  'password',
  'pword',
  'passwd',
  'secret',
  'token',
]);
const NOT_SECRET_WORDS = new Set(['public', 'file', 'version']);

/** Whether BuildKit takes the name for a secret: a secret word between `_`s, and no word such as `file`. */
function isBuildkitSecretName(name: string): boolean {
  const words = name.toLowerCase().split('_');
  return !words.some((w) => NOT_SECRET_WORDS.has(w)) && words.some((w) => SECRET_WORDS.has(w));
}

/** BuildKit's secret names, plus Dockside's own (`DB_PASS`, `PRIVATE_KEY`, …) unless a word says it is not one. */
export function isSecretName(name: string): boolean {
  if (
    name
      .toLowerCase()
      .split('_')
      .some((w) => NOT_SECRET_WORDS.has(w))
  )
    return false;
  return isBuildkitSecretName(name) || looksLikeSecretName(name);
}

export const securityRules: DockerfileRule[] = [
  {
    code: 'DS019',
    name: 'secret-in-arg-env',
    severity: 'warning',
    lesson: 'secrets',
    buildkit: ['SecretsUsedInArgOrEnv'],
    hadolint: ['DL3064'],
    check(facts, report) {
      const inStages = new Set(facts.stages.flatMap((s) => s.instructions));
      for (const i of facts.ofKeyword('ARG', 'ENV')) {
        const keyword = i.getKeyword();
        for (const p of propertiesOf(i)) {
          const value = p.getValue();
          // ARGs before the first FROM only feed FROM lines: they never reach the image, so BuildKit skips them.
          if (inStages.has(i) && isSecretName(p.getName())) {
            report({
              range: p.getNameRange(),
              message:
                `"${p.getName()}" looks like a secret. ` +
                (keyword === 'ENV'
                  ? 'ENV values are stored in the image settings (docker inspect shows them)'
                  : 'ARG values are recorded in the image history (docker history shows them)') +
                '. ' +
                `Use "RUN --mount=type=secret,id=${p.getName().toLowerCase()}" at ` +
                'build time, or pass it when the container runs.',
              data: { name: p.getName() },
              // A name only Dockside takes for a secret is not BuildKit's finding (`# check=skip` leaves it).
              ...(isBuildkitSecretName(p.getName()) ? {} : { buildkit: null }),
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
              buildkit: null,
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
    hadolint: ['DL3004'],
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
          const [a, b] = [commands[k]!, commands[k + 1]!];
          if (a.next !== '|' || !DOWNLOADERS.has(programName(a.words) ?? '') || !SHELLS.has(programName(b.words) ?? ''))
            continue;
          const [first, last] = [a.words[0], b.words[b.words.length - 1]];
          if (!first || !last) continue;
          report({
            range: facts.rangeOf(first.start, last.end),
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
    hadolint: ['DL4006'],
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
