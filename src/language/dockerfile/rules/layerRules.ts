import type { Instruction } from 'dockerfile-ast';
import { dependencyInstall } from '../commandKinds';
import { copyArgs, hasFlag, isWholeContext } from '../copyArgs';
import type { DockerfileFacts, Stage } from '../facts';
import { isExecForm } from '../facts';
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
            message: `The whole build context is copied before "${install.tool}" (line ${line}), so any source change re-runs the install. Copy ${install.manifests.join(' and ')} first, install, then copy the rest.`,
            data: { manifests: install.manifests.join(' '), installLine: String(line - 1) },
          });
          break;
        }
      }
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
          'This copies the whole build context, and there is no .dockerignore beside it: node_modules, .git, build output and secrets such as .env all go into the image. Add a .dockerignore.',
        data: { folder: dir },
      });
    },
  },
  {
    code: 'DS012',
    name: 'consecutive-run',
    severity: 'information',
    lesson: 'layers-and-cache',
    check(facts, report) {
      for (const stage of facts.stages) {
        const list = stage.instructions;
        for (let i = 1; i < list.length; i++) {
          const [a, b] = [list[i - 1], list[i]];
          if (a.getKeyword() !== 'RUN' || b.getKeyword() !== 'RUN') continue;
          if (isExecForm(a) || isExecForm(b) || hasRunFlags(a) || hasRunFlags(b)) continue;
          if (/<</.test(a.getRawArgumentsContent() ?? '') || /<</.test(b.getRawArgumentsContent() ?? '')) continue;
          report({
            range: b.getInstructionRange(),
            message: `This RUN follows another RUN (line ${a.getRange().start.line + 1}); each makes its own layer. Join related commands with "&&" into one RUN.`,
          });
        }
      }
    },
  },
];
