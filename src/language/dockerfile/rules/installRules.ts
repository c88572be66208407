import type { Instruction } from 'dockerfile-ast';
import { caret } from '../../edits';
import type { DockerfileFacts, Stage } from '../facts';
import { insertAfterWord, instructionAt } from '../fixHelpers';
import { flagsOf } from '../instructionParts';
import type { DockerfileRule } from '../ruleTypes';
import { hasOption, hasShortFlag, programIndex, programName, type ShellCommand, type ShellWord } from '../shell';

/** The words after the subcommand that name packages: not options, and not the value an option takes. */
function packageWords(words: ShellWord[], from: number, valueFlags: readonly string[]): ShellWord[] {
  const out: ShellWord[] = [];
  for (let k = from, word = words[k]; word; word = words[++k]) {
    const v = word.value;
    if (v.startsWith('-')) {
      if (valueFlags.includes(v)) k++;
      continue;
    }
    if (!v.includes('$')) out.push(word);
  }
  return out;
}

/** The index of the subcommand (first word after the program that is not an option), or -1. */
function subcommandIndex(words: ShellWord[]): number {
  const p = programIndex(words);
  const k = words.slice(p + 1).findIndex((w) => !w.value.startsWith('-'));
  return k < 0 ? -1 : p + 1 + k;
}

/** How each tool says "install", which packages it names, and whether one is pinned to a version. */
const PINNING: Readonly<
  Record<
    string,
    { install: readonly string[]; valueFlags: readonly string[]; pinned: (p: string) => boolean; example: string }
  >
> = {
  'apt-get': {
    install: ['install'],
    valueFlags: ['-t', '--target-release', '-o'],
    pinned: (p) => p.includes('=') || p.includes('/') || p.endsWith('.deb'),
    example: 'curl=8.5.0-2',
  },
  apk: {
    install: ['add'],
    valueFlags: ['-t', '--virtual', '--repository', '-X'],
    pinned: (p) => p.includes('=') || p.includes('~') || p.includes('<') || p.includes('>') || p.endsWith('.apk'),
    example: 'curl=8.9.1-r0',
  },
  pip: {
    install: ['install'],
    valueFlags: [
      '-i',
      '--index-url',
      '--extra-index-url',
      '-t',
      '--target',
      '--prefix',
      '--root',
      '-f',
      '--find-links',
    ],
    pinned: (p) => /[=<>!~@]/.test(p) || p.endsWith('.whl') || p.endsWith('.tar.gz') || p.includes('/') || p === '.',
    example: 'requests==2.32.3',
  },
  npm: {
    install: ['install', 'i', 'add'],
    valueFlags: ['--registry', '--prefix', '--tag'],
    pinned: (p) =>
      p.replace(/^@[^/]*\//, '').includes('@') || /^(\.|\/|~|git[+:]|https?:)|\.(tgz|tar|tar\.gz)$/.test(p),
    example: 'typescript@5.6.3',
  },
  gem: {
    install: ['install', 'i'],
    valueFlags: ['--source', '-i', '--install-dir', '-n', '--bindir'],
    pinned: (p) => p.includes(':'),
    example: 'rails:7.2.1',
  },
};

/** The package manager's name for the PINNING table (`pip3` and `python -m pip` are pip). */
function pinningTool(c: ShellCommand): { tool: string; sub: number } | undefined {
  const program = programName(c.words) ?? '';
  const words = c.words;
  if (/^python[0-9.]*$/.test(program)) {
    const m = words.findIndex((w, k) => w.value === 'pip' && words[k - 1]?.value === '-m');
    if (m < 0) return undefined;
    const sub = words.findIndex((w, k) => k > m && !w.value.startsWith('-'));
    return sub < 0 ? undefined : { tool: 'pip', sub };
  }
  const tool = /^pip[0-9.]*$/.test(program) ? 'pip' : program;
  if (!Object.prototype.hasOwnProperty.call(PINNING, tool)) return undefined;
  const sub = subcommandIndex(words);
  return sub < 0 ? undefined : { tool, sub };
}

/** yum, dnf, microdnf and zypper: the subcommands that install, and how each cleans its cache. */
const RPM_INSTALL: Readonly<Record<string, readonly string[]>> = {
  yum: ['install', 'groupinstall', 'localinstall', 'reinstall'],
  dnf: ['install', 'groupinstall', 'localinstall', 'reinstall'],
  microdnf: ['install', 'reinstall'],
  zypper: ['install', 'in', 'source-install', 'si', 'patch'],
};

function rpmInstalls(commands: ShellCommand[]): { command: ShellCommand; tool: string; sub: ShellWord }[] {
  const out: { command: ShellCommand; tool: string; sub: ShellWord }[] = [];
  for (const command of commands) {
    const tool = programName(command.words) ?? '';
    if (!Object.prototype.hasOwnProperty.call(RPM_INSTALL, tool)) continue;
    const sub = command.words[subcommandIndex(command.words)];
    if (sub && RPM_INSTALL[tool]?.includes(sub.value)) out.push({ command, tool, sub });
  }
  return out;
}

/** Whether the RUN cleans what `tool` downloaded: `yum clean all`, `zypper clean`, or removing the cache folder. */
function cleans(commands: ShellCommand[], tool: string): boolean {
  return commands.some((c) => {
    const program = programName(c.words);
    const words = c.words.map((w) => w.value);
    if (program === tool && (words.includes('clean') || words.includes('cc'))) return true;
    return program === 'rm' && words.some((w) => /^\/var\/cache\/(yum|dnf|zypp|libdnf5)/.test(w));
  });
}

function mountsCache(run: Instruction): boolean {
  return flagsOf(run).some(
    (f) => f.getName() === 'mount' && /type=cache/.test(f.getValue() ?? '') && /\/var\/cache/.test(f.getValue() ?? ''),
  );
}

/** The final stage and the stages it builds on: their layers are the image. */
function shippedStages(facts: DockerfileFacts): Set<Stage> {
  const out = new Set<Stage>();
  for (let s = facts.finalStage, n = 0; s && n < 64 && !out.has(s); s = facts.parentStage(s), n++) out.add(s);
  return out;
}

const CLEAN: Readonly<Record<string, string>> = {
  yum: 'yum clean all',
  dnf: 'dnf clean all',
  microdnf: 'microdnf clean all',
  zypper: 'zypper clean --all',
};

export const installRules: DockerfileRule[] = [
  {
    code: 'DS049',
    name: 'package-version-unpinned',
    severity: 'information',
    lesson: 'package-managers',
    optIn: true,
    hadolint: ['DL3008', 'DL3013', 'DL3016', 'DL3018', 'DL3028'],
    check(facts, report) {
      for (const { commands } of facts.runs()) {
        for (const c of commands) {
          const found = pinningTool(c);
          if (!found) continue;
          const spec = PINNING[found.tool];
          const words = c.words;
          if (!spec?.install.includes(words[found.sub]?.value ?? '')) continue;
          // A requirements or constraints file pins elsewhere; a gem version flag pins every gem named.
          if (found.tool === 'pip' && hasOption(words, '-r', '--requirement', '-c', '--constraint', '-e', '--editable'))
            continue;
          if (found.tool === 'gem' && hasOption(words, '-v', '--version')) continue;
          for (const p of packageWords(words, found.sub + 1, spec.valueFlags)) {
            if (spec.pinned(p.value)) continue;
            report({
              range: facts.rangeOfWord(p),
              message:
                `"${p.value}" is installed at whatever version is newest on build day, so two builds of this ` +
                `file can differ. Pin it (e.g. "${spec.example}") if you need repeatable images.`,
            });
          }
        }
      }
    },
  },
  {
    code: 'DS050',
    name: 'rpm-install-not-unattended',
    severity: 'warning',
    lesson: 'package-managers',
    hadolint: ['DL3030', 'DL3034', 'DL3038'],
    check(facts, report) {
      for (const { commands } of facts.runs()) {
        for (const { command, tool, sub } of rpmInstalls(commands)) {
          const w = command.words;
          const yes =
            hasOption(w, '-y', '--assumeyes', '--yes', '--no-confirm', '-n', '--non-interactive') ||
            hasShortFlag(w, 'y') ||
            (tool === 'zypper' && hasShortFlag(w, 'n'));
          // microdnf never asks.
          if (yes || tool === 'microdnf') continue;
          report({
            range: facts.rangeOfWord(sub),
            message:
              `"${tool} ${sub.value}" asks for a yes that nobody can give during a build, and the step fails. ` +
              'Add -y.',
          });
        }
      }
    },
    fix: (_facts, d) => insertAfterWord(d, ' -y', 'Add -y'),
  },
  {
    code: 'DS051',
    name: 'rpm-cache-kept',
    severity: 'information',
    lesson: 'package-managers',
    hadolint: ['DL3032', 'DL3036', 'DL3040'],
    check(facts, report) {
      const shipped = shippedStages(facts);
      for (const { run, stage, commands } of facts.runs()) {
        if (!shipped.has(stage) || mountsCache(run)) continue;
        const seen = new Set<string>();
        for (const { tool, sub } of rpmInstalls(commands)) {
          if (seen.has(tool) || cleans(commands, tool)) continue;
          seen.add(tool);
          report({
            range: facts.rangeOfWord(sub),
            message:
              `${tool} keeps its downloaded packages and metadata in this layer, often tens of MB. End the same RUN ` +
              `with "&& ${CLEAN[tool]}".`,
            data: { clean: CLEAN[tool] ?? `${tool} clean all` },
          });
        }
      }
    },
    fix(facts, d) {
      const instruction = instructionAt(facts, d);
      if (!instruction || !d.data?.clean) return undefined;
      const end = instruction.getRange().end;
      return {
        title: `Clean up with "${d.data.clean}" in the same RUN`,
        edits: [{ range: caret(end.line, end.character), newText: ` && ${d.data.clean}` }],
        isPreferred: true,
      };
    },
  },
];
