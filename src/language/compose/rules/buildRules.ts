import { isMap } from 'yaml';
import type { ComposeRule } from '../ruleTypes';
import { joinPath, pair, str } from '../yamlNodes';

const isRemote = (context: string): boolean => /^[a-z][a-z0-9+.-]*:\/\/|^git@|^github\.com\//i.test(context);

/** What a build needs on disk. */
export const buildRules: ComposeRule[] = [
  {
    code: 'CS024',
    name: 'build-path-missing',
    severity: 'error',
    lesson: 'compose',
    // `build:` paths that Compose resolves against the compose file's folder: the context, then the Dockerfile in it.
    service(s, facts, report) {
      const ctx = facts.context;
      const build = s.get('build');
      if (!ctx || !build) return;
      const value = build.value;
      const contextNode = isMap(value) ? pair(value, 'context')?.value : value;
      const context = isMap(value) && !contextNode ? '.' : str(contextNode);
      if (context === undefined || context.includes('$') || isRemote(context)) return;
      const contextPath = joinPath(ctx.dir, context);
      if (!ctx.host.exists(contextPath)) {
        report({
          node: contextNode ?? build.key,
          message:
            `The build context "${context}" does not exist (looked for ${contextPath}). ` +
            'Create the folder or fix the path; it is relative to this compose file.',
        });
        return;
      }
      if (isMap(value) && pair(value, 'dockerfile_inline')) return;
      const dockerfileNode = isMap(value) ? pair(value, 'dockerfile')?.value : undefined;
      const dockerfile = dockerfileNode ? str(dockerfileNode) : 'Dockerfile';
      if (dockerfile === undefined || dockerfile.includes('$')) return;
      const dockerfilePath = joinPath(contextPath, dockerfile);
      if (!ctx.host.exists(dockerfilePath))
        report({
          node: dockerfileNode ?? contextNode ?? build.key,
          message:
            `There is no Dockerfile at ${dockerfilePath}. Create it, or name the right file with "dockerfile:" ` +
            '(relative to the build context).',
        });
    },
  },
];
