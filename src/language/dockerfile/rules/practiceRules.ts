import { changeTo } from '../../edits';
import { insertAfterWord } from '../fixHelpers';
import type { Stage } from '../facts';
import type { DockerfileRule } from '../ruleTypes';
import { programIndex, programName, subcommand, type ShellWord } from '../shell';

/** The value of `useradd`'s UID option in any of its spellings (`-u 1000`, `-u1000`, `--uid=1000`). */
function uidOf(words: ShellWord[], from: number): string | undefined {
  for (let k = from, word = words[k]; word; word = words[++k]) {
    const v = word.value;
    if (v === '-u' || v === '--uid') return words[k + 1]?.value;
    if (v.startsWith('--uid=')) return v.slice(6);
    if (/^-[A-Za-z]*u/.test(v) && !v.startsWith('--')) {
      const rest = v.slice(v.indexOf('u') + 1);
      return rest === '' ? words[k + 1]?.value : rest;
    }
  }
  return undefined;
}

export const practiceRules: DockerfileRule[] = [
  {
    code: 'DS052',
    name: 'apt-in-script',
    severity: 'warning',
    lesson: 'package-managers',
    hadolint: ['DL3027'],
    check(facts, report) {
      for (const { commands } of facts.runs()) {
        for (const c of commands) {
          const apt = c.words[programIndex(c.words)];
          if (apt?.value !== 'apt') continue;
          report({
            range: facts.rangeOfWord(apt),
            message:
              '"apt" is made for people at a terminal: its output and options may change between releases, and ' +
              'it warns that scripts should not rely on it. Use "apt-get" in a Dockerfile.',
          });
        }
      }
    },
    fix: (_facts, d) => changeTo(d.range, 'apt-get'),
  },
  {
    code: 'DS053',
    name: 'useradd-high-uid',
    severity: 'warning',
    lesson: 'non-root-user',
    hadolint: ['DL3046'],
    check(facts, report) {
      for (const { commands } of facts.runs()) {
        for (const c of commands) {
          if (programName(c.words) !== 'useradd') continue;
          const p = programIndex(c.words);
          const rest = c.words.slice(p + 1).map((w) => w.value);
          if (
            rest.includes('-l') ||
            rest.includes('--no-log-init') ||
            rest.some((v) => /^-[A-Za-z]*l/.test(v) && !v.startsWith('--'))
          )
            continue;
          const uid = uidOf(c.words, p + 1);
          if (!uid || !/^\d{6,}$/.test(uid)) continue;
          report({
            range: facts.rangeOfWord(c.words[p]!),
            message:
              `With a UID as high as ${uid}, useradd reserves room for every lower UID in /var/log/lastlog and ` +
              'faillog: the layer can grow by gigabytes of mostly empty file. Add -l (--no-log-init).',
          });
        }
      }
    },
    fix: (_facts, d) => insertAfterWord(d, ' -l', 'Add -l (--no-log-init)'),
  },
  {
    code: 'DS054',
    name: 'curl-and-wget',
    severity: 'information',
    lesson: 'package-managers',
    hadolint: ['DL4001'],
    check(facts, report) {
      const byStage = new Map<Stage, Map<string, ShellWord>>();
      for (const { stage, commands } of facts.runs()) {
        for (const c of commands) {
          const program = programName(c.words);
          if (program !== 'curl' && program !== 'wget') continue;
          let seen = byStage.get(stage);
          if (!seen) byStage.set(stage, (seen = new Map()));
          const word = c.words[programIndex(c.words)];
          if (word && !seen.has(program)) seen.set(program, word);
        }
      }
      for (const seen of byStage.values()) {
        const curl = seen.get('curl');
        const wget = seen.get('wget');
        if (!curl || !wget) continue;
        const second = curl.start > wget.start ? curl : wget;
        report({
          range: facts.rangeOfWord(second),
          message:
            'This stage uses both curl and wget, which do the same job; each one the image needs is one more ' +
            `tool to install and keep patched. Use ${second === curl ? 'wget' : 'curl'} for both downloads.`,
        });
      }
    },
  },
  {
    code: 'DS055',
    name: 'onbuild-unused',
    severity: 'information',
    lesson: 'dockerfile-instructions',
    check(facts, report) {
      const final = facts.finalStage;
      const bases = new Set(facts.stages.map((s) => facts.parentStage(s)));
      for (const stage of facts.stages) {
        if (stage === final || bases.has(stage)) continue;
        for (const i of stage.instructions) {
          if (i.getKeyword() !== 'ONBUILD') continue;
          report({
            range: i.getInstructionRange(),
            message:
              'ONBUILD records a step for builds that start FROM this image later. This stage is neither the ' +
              'final image nor the base of another stage here, so the step never runs. Move it to the final ' +
              'stage, or make it a plain instruction.',
          });
        }
      }
    },
  },
  {
    code: 'DS056',
    name: 'npm-install-not-ci',
    severity: 'information',
    lesson: 'package-managers',
    check(facts, report) {
      for (const { commands } of facts.runs()) {
        for (const c of commands) {
          if (programName(c.words) !== 'npm') continue;
          const sub = subcommand(c.words);
          if (!sub || (sub.value !== 'install' && sub.value !== 'i')) continue;
          const after = c.words.slice(c.words.indexOf(sub) + 1).map((w) => w.value);
          // Installing named packages, or globally, is not the project's own install.
          if (after.some((v) => !v.startsWith('-')) || after.some((v) => v === '-g' || v === '--global')) continue;
          report({
            range: facts.rangeOfWord(sub),
            message:
              '"npm install" may update package-lock.json and resolve newer versions than you tested. In an image ' +
              'use "npm ci": it installs exactly what the lock file says, and fails if it is missing or out of date.',
          });
        }
      }
    },
    fix: (_facts, d) => changeTo(d.range, 'ci'),
  },
];
