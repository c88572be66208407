import type { Argument } from 'dockerfile-ast';
import { changeToSuggestion } from '../fixHelpers';
import type { DockerfileFacts } from '../facts';
import type { DockerfileRule } from '../ruleTypes';

/** Each EXPOSE argument whose value Docker reads as written (no variables). */
function exposedPorts(facts: DockerfileFacts): Argument[] {
  return facts.memo('exposedPorts', () =>
    facts
      .ofKeyword('EXPOSE')
      .flatMap((i) => i.getArguments())
      .filter((a) => !a.getValue().includes('$')),
  );
}

export const exposeRules: DockerfileRule[] = [
  {
    code: 'DS031',
    name: 'expose-invalid',
    severity: 'error',
    lesson: 'ports-and-expose',
    buildkit: ['ExposeInvalidFormat'],
    hadolint: ['DL3011'],
    check(facts, report) {
      for (const arg of exposedPorts(facts)) {
        const value = arg.getValue();
        if (value.includes(':')) {
          const container = value.slice(value.lastIndexOf(':') + 1);
          report({
            range: arg.getRange(),
            severity: 'warning',
            buildkit: 'ExposeInvalidFormat',
            message:
              `EXPOSE takes only the container's port; the address and host port in "${value}" are ignored. ` +
              `Publish with "docker run -p ${value}" (or compose "ports:") and write "EXPOSE ${container}".`,
            data: { replacement: container },
          });
          continue;
        }
        const m = /^(\d+)(?:-(\d+))?(?:\/(\w+))?$/.exec(value);
        if (!m) continue; // dockerfile-utils reports ports that are not numbers and unknown protocols
        const [start, end] = [Number(m[1]), m[2] === undefined ? Number(m[1]) : Number(m[2])];
        if (start > 65535 || end > 65535) {
          report({
            range: arg.getRange(),
            buildkit: null,
            message: `${value} is not a port: ports go from 0 to 65535, and docker build fails on it.`,
          });
        } else if (end < start) {
          report({
            range: arg.getRange(),
            buildkit: null,
            message: `The range ${m[1]}-${m[2]} runs backwards, and docker build fails on it. Write ${m[2]}-${m[1]}.`,
          });
        }
      }
    },
    fix: (_facts, d) => changeToSuggestion(d),
  },
  {
    code: 'DS045',
    name: 'expose-protocol-casing',
    severity: 'warning',
    lesson: 'ports-and-expose',
    buildkit: ['ExposeProtoCasing'],
    check(facts, report) {
      for (const arg of exposedPorts(facts)) {
        const value = arg.getValue();
        const slash = value.lastIndexOf('/');
        const protocol = slash < 0 ? '' : value.slice(slash + 1);
        if (protocol === protocol.toLowerCase()) continue;
        const replacement = value.slice(0, slash + 1) + protocol.toLowerCase();
        report({
          range: arg.getRange(),
          message:
            `Write the protocol in lower case: "${replacement}". Docker accepts "${protocol}" but lower-cases ` + 'it.',
          data: { replacement },
        });
      }
    },
    fix: (_facts, d) => changeToSuggestion(d),
  },
];
