import dockerignore from '@balena/dockerignore';
import { copyArgs, hasFlag } from '../copyArgs';
import type { DockerfileFacts } from '../facts';
import type { DockerfileRule } from '../ruleTypes';

/** A path as Docker compares it with .dockerignore: no leading `./` or `/`, no `.` or `..` segments. */
function cleanPath(path: string): string {
  const out: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

/** The text before the first wildcard of a pattern: what a pattern is sure to be under. */
function literalPrefix(pattern: string): { prefix: string; wildcard: boolean } {
  const at = pattern.search(/[*?[\\]/);
  return at < 0 ? { prefix: pattern, wildcard: false } : { prefix: pattern.slice(0, at), wildcard: true };
}

interface IgnoreFile {
  ignores(path: string): boolean;
  /** Whether a `!` line after an exclusion could bring back something at or under `path`. */
  reincludes(path: string): boolean;
  /** Whether a line excludes everything at the top of the context (`*`, `**` or `**\/*`). */
  excludesAll: boolean;
}

function readIgnoreFile(text: string): IgnoreFile {
  const matcher = dockerignore().add(text);
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const negations: { prefix: string; wildcard: boolean; after: number }[] = [];
  lines.forEach((line, n) => {
    if (line.startsWith('!')) negations.push({ ...literalPrefix(cleanPath(line.slice(1))), after: n });
  });
  const exclusions = lines.filter((l) => !l.startsWith('!')).map(cleanPath);
  const firstExclusion = (path: string): number =>
    lines.findIndex((l) => !l.startsWith('!') && dockerignore().add(l).ignores(path));
  return {
    ignores: (path) => matcher.ignores(path),
    reincludes(path) {
      // Any `!` line may bring back something under the context's root.
      if (path === '') return negations.length > 0;
      const from = firstExclusion(path);
      return negations.some(
        (g) =>
          g.after > from &&
          (g.prefix === path ||
            g.prefix.startsWith(`${path}/`) ||
            (g.wildcard && (path.startsWith(g.prefix) || g.prefix === ''))),
      );
    },
    excludesAll: exclusions.some((p) => p === '*' || p === '**' || p === '**/*'),
  };
}

/** The .dockerignore the build reads (`<Dockerfile>.dockerignore` first), if the environment can read it. */
function ignoreFileFor(facts: DockerfileFacts): IgnoreFile | undefined {
  const { path, readFile } = facts.env;
  if (!path || !readFile) return undefined;
  return facts.memo('dockerignore', () => {
    const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
    const dir = slash < 0 ? '.' : path.slice(0, slash) || '/';
    const text = readFile(`${path}.dockerignore`) ?? readFile(`${dir}/.dockerignore`);
    return text === undefined ? undefined : readIgnoreFile(text);
  });
}

export const contextRules: DockerfileRule[] = [
  {
    code: 'DS044',
    name: 'copy-ignored-file',
    severity: 'warning',
    lesson: 'dockerignore',
    buildkit: ['CopyIgnoredFile'],
    check(facts, report) {
      const ignore = ignoreFileFor(facts);
      if (!ignore) return;
      for (const stage of facts.stages) {
        for (const i of stage.instructions) {
          const keyword = i.getKeyword();
          if ((keyword !== 'COPY' && keyword !== 'ADD') || hasFlag(i, 'from')) continue;
          for (const source of copyArgs(i).sources) {
            const value = source.getValue();
            if (/^[a-z][a-z0-9+.-]*:\/\/|^git@|^<<|\$/i.test(value)) continue;
            const path = cleanPath(value);
            const excluded = (path === '' ? ignore.excludesAll : ignore.ignores(path)) && !ignore.reincludes(path);
            if (!excluded) continue;
            report({
              range: source.getRange(),
              message:
                `.dockerignore leaves "${value}" out of the build context, so ${keyword} cannot find it here. ` +
                'Stop ignoring it, or stop copying it.',
            });
          }
        }
      }
    },
  },
];
