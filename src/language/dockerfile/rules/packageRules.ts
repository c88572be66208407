import type { Instruction } from 'dockerfile-ast';
import { caret, lineEnding, type TextEdit } from '../../edits';
import type { DockerfileFacts, Stage } from '../facts';
import { insertAfterWord, instructionAt, removeAptLists, stageOf, wholeLines } from '../fixHelpers';
import { flagsOf } from '../instructionParts';
import type { DockerfileRule } from '../ruleTypes';
import { hasOption, hasShortFlag, programName, subcommand, type ShellCommand, type ShellWord } from '../shell';

const APT = new Set(['apt-get', 'apt']);

/** Options that make apt only pretend (`apt-get install -s pkg` in an `if` asks whether it could install). */
const SIMULATE = ['-s', '--simulate', '--dry-run', '--just-print', '--no-act', '--recon'];

function aptCommands(commands: ShellCommand[], sub: string): { command: ShellCommand; sub: ShellWord }[] {
  const out: { command: ShellCommand; sub: ShellWord }[] = [];
  for (const command of commands) {
    const program = programName(command.words);
    const s = subcommand(command.words);
    if (program && APT.has(program) && s?.value === sub && !hasOption(command.words, ...SIMULATE))
      out.push({ command, sub: s });
  }
  return out;
}

function mountsCache(run: Instruction, target: RegExp): boolean {
  return flagsOf(run).some(
    (f) => f.getName() === 'mount' && /type=cache/.test(f.getValue() ?? '') && target.test(f.getValue() ?? ''),
  );
}

/** Whether an ENV of this stage sets `name` before the given instruction (the first such ENV is found once). */
function envSetBefore(facts: DockerfileFacts, stage: Stage, instruction: Instruction, name: string): boolean {
  const setter = new RegExp(`(^|\\s)${name}[=\\s]`);
  const first = facts.memo(`envSet:${stage.index}:${name}`, () =>
    stage.instructions.findIndex((i) => i.getKeyword() === 'ENV' && setter.test(i.getRawArgumentsContent() ?? '')),
  );
  const positions = facts.memo(`own:${stage.index}`, () => new Map(stage.instructions.map((i, n) => [i, n] as const)));
  return first >= 0 && first < (positions.get(instruction) ?? -1);
}

export const packageRules: DockerfileRule[] = [
  {
    code: 'DS005',
    name: 'apt-update-alone',
    severity: 'warning',
    lesson: 'package-managers',
    check(facts, report) {
      for (const { commands } of facts.runs()) {
        const updates = aptCommands(commands, 'update');
        if (updates.length && aptCommands(commands, 'install').length === 0) {
          report({
            range: facts.rangeOfWord(updates[0]!.sub),
            message:
              'This RUN only updates the package lists; its layer is cached on its own, so a later install can ' +
              'use stale lists. Run "apt-get update && apt-get install -y …" in one RUN.',
          });
        }
      }
    },
    fix(facts, d) {
      const instruction = instructionAt(facts, d);
      if (!instruction) return undefined;
      const stage = stageOf(facts, instruction);
      const next = stage?.instructions[stage.instructions.indexOf(instruction) + 1];
      const installs = next && next.getKeyword() === 'RUN' ? aptCommands(facts.shellCommands(next), 'install') : [];
      if (!next || installs.length === 0) return undefined;
      const firstArg = next.getArguments()[0];
      if (!firstArg) return undefined;
      // One RUN that updates, installs without extras, and cleans up after itself.
      const edits: TextEdit[] = [
        { range: wholeLines(facts, instruction).range, newText: '' },
        {
          range: caret(firstArg.getRange().start.line, firstArg.getRange().start.character),
          newText: 'apt-get update && ',
        },
      ];
      for (const { command, sub } of installs) {
        if (!command.words.some((w) => w.value === '--no-install-recommends')) {
          const end = facts.positionAt(sub.end);
          edits.push({ range: caret(end.line, end.character), newText: ' --no-install-recommends' });
        }
      }
      const cleaned = facts
        .shellCommands(next)
        .some((c) => programName(c.words) === 'rm' && c.words.some((w) => w.value.startsWith('/var/lib/apt/lists')));
      if (!cleaned) {
        const end = next.getRange().end;
        edits.push({ range: caret(end.line, end.character), newText: removeAptLists(lineEnding(facts.text)) });
      }
      return {
        title: 'Join "apt-get update" with the install below (no recommends, lists removed)',
        edits,
        isPreferred: true,
      };
    },
  },
  {
    code: 'DS006',
    name: 'apt-install-not-unattended',
    severity: 'warning',
    lesson: 'package-managers',
    hadolint: ['DL3014'],
    check(facts, report) {
      for (const { commands } of facts.runs()) {
        for (const { command, sub } of aptCommands(commands, 'install')) {
          const w = command.words;
          if (hasOption(w, '--yes', '--assume-yes', '-qq') || hasShortFlag(w, 'y')) continue;
          report({
            range: facts.rangeOfWord(sub),
            message:
              '"apt-get install" without -y waits for a yes that never comes during a build, and the step fails. ' +
              'Add -y.',
          });
        }
      }
    },
    fix: (_facts, d) => insertAfterWord(d, ' -y', 'Add -y'),
  },
  {
    code: 'DS007',
    name: 'apt-install-recommends',
    severity: 'information',
    lesson: 'package-managers',
    hadolint: ['DL3015'],
    check(facts, report) {
      for (const { commands } of facts.runs()) {
        for (const { command, sub } of aptCommands(commands, 'install')) {
          if (hasOption(command.words, '--no-install-recommends')) continue;
          report({
            range: facts.rangeOfWord(sub),
            message:
              'apt also installs "recommended" packages you did not ask for. Add --no-install-recommends to keep ' +
              'the image small.',
          });
        }
      }
    },
    fix: (_facts, d) => insertAfterWord(d, ' --no-install-recommends', 'Add --no-install-recommends'),
  },
  {
    code: 'DS008',
    name: 'apt-lists-kept',
    severity: 'information',
    lesson: 'package-managers',
    hadolint: ['DL3009'],
    check(facts, report) {
      const final = facts.finalStage;
      for (const { run, stage, commands } of facts.runs()) {
        if (stage !== final || mountsCache(run, /\/var\/lib\/apt/)) continue;
        const installs = aptCommands(commands, 'install');
        if (installs.length === 0) continue;
        const cleaned = commands.some(
          (c) => programName(c.words) === 'rm' && c.words.some((w) => w.value.startsWith('/var/lib/apt/lists')),
        );
        if (!cleaned) {
          report({
            range: facts.rangeOfWord(installs[0]!.sub),
            message:
              'The package lists downloaded by apt-get update stay in this layer (tens of MB). End the same RUN ' +
              'with "&& rm -rf /var/lib/apt/lists/*".',
          });
        }
      }
    },
    fix(facts, d) {
      const instruction = instructionAt(facts, d);
      if (!instruction) return undefined;
      const end = instruction.getRange().end;
      return {
        title: 'Remove the apt lists in the same RUN',
        edits: [{ range: caret(end.line, end.character), newText: removeAptLists(lineEnding(facts.text)) }],
        isPreferred: true,
      };
    },
  },
  {
    code: 'DS009',
    name: 'apt-upgrade',
    severity: 'warning',
    lesson: 'package-managers',
    hadolint: ['DL3005'],
    check(facts, report) {
      for (const { commands } of facts.runs()) {
        for (const sub of ['upgrade', 'dist-upgrade', 'full-upgrade']) {
          for (const found of aptCommands(commands, sub)) {
            report({
              range: facts.rangeOfWord(found.sub),
              message:
                `"apt-get ${sub}" changes the base image's packages to whatever is newest on build day, so two ` +
                'builds differ. Use a newer base image tag instead, and install only what you need.',
            });
          }
        }
      }
    },
  },
  {
    code: 'DS010',
    name: 'apk-cache-kept',
    severity: 'information',
    lesson: 'package-managers',
    hadolint: ['DL3019'],
    check(facts, report) {
      for (const { run, commands } of facts.runs()) {
        if (mountsCache(run, /\/var\/cache\/apk|\/etc\/apk\/cache/)) continue;
        const cleaned = commands.some(
          (c) => programName(c.words) === 'rm' && c.words.some((w) => w.value.startsWith('/var/cache/apk')),
        );
        for (const command of commands) {
          const sub = subcommand(command.words);
          if (programName(command.words) !== 'apk' || sub?.value !== 'add') continue;
          if (hasOption(command.words, '--no-cache') || cleaned) continue;
          report({
            range: facts.rangeOfWord(sub),
            message: '"apk add" keeps its package index in the layer. Use "apk add --no-cache …".',
          });
        }
      }
    },
    fix: (_facts, d) => insertAfterWord(d, ' --no-cache', 'Add --no-cache'),
  },
  {
    code: 'DS011',
    name: 'pip-cache-kept',
    severity: 'information',
    lesson: 'package-managers',
    hadolint: ['DL3042'],
    check(facts, report) {
      for (const { run, stage, commands } of facts.runs()) {
        if (mountsCache(run, /\.cache\/pip/) || envSetBefore(facts, stage, run, 'PIP_NO_CACHE_DIR')) continue;
        for (const command of commands) {
          const program = programName(command.words) ?? '';
          const words = command.words;
          let sub = subcommand(words);
          // python -m pip install …
          if (/^python[0-9.]*$/.test(program)) {
            const m = words.findIndex((w) => w.value === 'pip' || w.value === 'pip3');
            if (m < 0 || words[m - 1]?.value !== '-m') continue;
            sub = words.slice(m + 1).find((w) => !w.value.startsWith('-'));
          } else if (!/^pip[0-9.]*$/.test(program)) {
            continue;
          }
          if (sub?.value !== 'install' || hasOption(words, '--no-cache-dir')) continue;
          report({
            range: facts.rangeOfWord(sub),
            message: 'pip keeps downloaded packages in its cache inside the layer. Add --no-cache-dir.',
          });
        }
      }
    },
    fix: (_facts, d) => insertAfterWord(d, ' --no-cache-dir', 'Add --no-cache-dir'),
  },
];
