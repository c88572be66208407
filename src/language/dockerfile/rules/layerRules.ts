import type { Instruction } from 'dockerfile-ast';
import { caret, lineEnding } from '../../edits';
import { dependencyInstall } from '../commandKinds';
import { copyArgs, hasFlag, isWholeContext } from '../copyArgs';
import type { DockerfileFacts, Stage } from '../facts';
import { isExecForm } from '../facts';
import { indentOf, instructionAt, stageOf, wholeLines } from '../fixHelpers';
import { flagsOf } from '../instructionParts';
import type { DockerfileRule } from '../ruleTypes';

/** The first COPY/ADD of the whole build context in a stage (not from another stage). */
function wholeContextCopies(stage: Stage): Instruction[] {
  return stage.instructions.filter((i) => {
    if ((i.getKeyword() !== 'COPY' && i.getKeyword() !== 'ADD') || hasFlag(i, 'from')) return false;
    return copyArgs(i).sources.some((s) => isWholeContext(s.getValue()));
  });
}

function dirname(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i < 0 ? '.' : i === 0 ? path.slice(0, 1) : path.slice(0, i);
}

/** Default contents of a .dockerignore for what the Dockerfile builds. */
function dockerignoreFor(facts: DockerfileFacts): string {
  const text = facts.text;
  const common = [
    '# Keep the build context small and free of secrets.',
    '.git',
    '.gitignore',
    '.dockerignore',
    'Dockerfile*',
    '**/.env',
    '**/.env.*',
    '*.log',
    '.vscode',
    '.idea',
  ];
  const stacks: [RegExp, string[]][] = [
    [/\b(npm|yarn|pnpm|node)\b/, ['node_modules', 'npm-debug.log*', 'dist', 'build', 'coverage', '.next']],
    [/\b(pip|python|poetry)\b/, ['__pycache__', '*.pyc', '.venv', 'venv', '.pytest_cache', '*.egg-info']],
    [/\b(go build|go mod|golang)\b/, ['bin', '*.test', 'vendor']],
    [/\b(mvn|gradle|java|temurin)\b/, ['target', 'build', '.gradle']],
  ];
  const extra = stacks.filter(([re]) => re.test(text)).flatMap(([, lines]) => lines);
  return [...common, ...extra].join('\n') + '\n';
}

function hasRunFlags(run: Instruction): boolean {
  return flagsOf(run).length > 0;
}

export const layerRules: DockerfileRule[] = [
  {
    code: 'DS003',
    name: 'copy-all-before-install',
    severity: 'warning',
    lesson: 'layers-and-cache',
    check(facts, report) {
      for (const stage of facts.stages) {
        const [copy] = wholeContextCopies(stage);
        if (!copy) continue;
        const after = stage.instructions.slice(stage.instructions.indexOf(copy) + 1);
        for (const run of after) {
          if (run.getKeyword() !== 'RUN') continue;
          const install = facts
            .shellCommands(run)
            .map(dependencyInstall)
            .find((x) => x !== undefined);
          if (!install) continue;
          const line = run.getRange().start.line + 1;
          report({
            range: copy.getArgumentsRange()!,
            message:
              `The whole build context is copied before "${install.tool}" (line ${line}), so any source change ` +
              `re-runs the install. Copy ${install.manifests.join(' and ')} first, install, then copy the rest.`,
            data: { manifests: install.manifests.join(' '), installLine: String(line - 1) },
          });
          break;
        }
      }
    },
    fix(facts, d) {
      const instruction = instructionAt(facts, d);
      if (!instruction || !d.data?.installLine) return undefined;
      const installLine = Number(d.data.installLine);
      const run = facts.instructions.find((i) => i.getRange().start.line === installLine);
      if (!run) return undefined;
      const stage = stageOf(facts, instruction);
      const dest = instruction.getArguments().slice(-1)[0]?.getValue() ?? '.';
      const target = dest === '.' ? './' : dest;
      const manifests = (d.data.manifests ?? '')
        .split(' ')
        .map((m, k) => (k > 0 && !/requirements|\.txt$/.test(m) && m !== 'pom.xml' ? `${m}*` : m));
      const moved = wholeLines(facts, run);
      const indent = indentOf(facts, instruction);
      const eol = lineEnding(facts.text);
      const copyLine = `${indent}COPY ${manifests.join(' ')} ${target}${eol}`;
      const runText = moved.text.endsWith('\n') ? moved.text : moved.text + eol;
      if (!stage) return undefined;
      return {
        title: 'Copy the manifest files and install before copying the rest',
        edits: [
          { range: caret(instruction.getRange().start.line, 0), newText: copyLine + runText },
          { range: moved.range, newText: '' },
        ],
        isPreferred: true,
      };
    },
  },
  {
    code: 'DS004',
    name: 'missing-dockerignore',
    severity: 'warning',
    lesson: 'dockerignore',
    check(facts: DockerfileFacts, report) {
      const { path, fileExists } = facts.env;
      if (!path || !fileExists) return;
      const first = facts.stages.map(wholeContextCopies).find((c) => c.length)?.[0];
      if (!first) return;
      const dir = dirname(path);
      if (fileExists(`${dir}/.dockerignore`) || fileExists(`${path}.dockerignore`)) return;
      const source = copyArgs(first).sources.find((s) => isWholeContext(s.getValue()))!;
      report({
        range: source.getRange(),
        message:
          'This copies the whole build context, and no .dockerignore leaves anything out (none at the root of the ' +
          'context, taken to be this folder, and no <Dockerfile>.dockerignore): node_modules, .git, build output ' +
          'and secrets such as .env all go into the image. Add a .dockerignore.',
        data: { folder: dir },
      });
    },
    fix(facts, d) {
      const folder = d.data?.folder;
      if (!folder) return undefined;
      return {
        title: 'Create a .dockerignore with sensible defaults',
        edits: [],
        createFile: { path: `${folder}/.dockerignore`, content: dockerignoreFor(facts) },
        isPreferred: true,
      };
    },
  },
  {
    code: 'DS012',
    name: 'consecutive-run',
    severity: 'information',
    lesson: 'layers-and-cache',
    hadolint: ['DL3059'],
    check(facts, report) {
      for (const stage of facts.stages) {
        const list = stage.instructions;
        for (let i = 1; i < list.length; i++) {
          const [a, b] = [list[i - 1]!, list[i]!];
          if (a.getKeyword() !== 'RUN' || b.getKeyword() !== 'RUN') continue;
          if (isExecForm(a) || isExecForm(b) || hasRunFlags(a) || hasRunFlags(b)) continue;
          if (/<</.test(a.getRawArgumentsContent() ?? '') || /<</.test(b.getRawArgumentsContent() ?? '')) continue;
          report({
            range: b.getInstructionRange(),
            message:
              `This RUN follows another RUN (line ${a.getRange().start.line + 1}); each makes its own layer. Join ` +
              'related commands with "&&" into one RUN.',
          });
        }
      }
    },
  },
];
