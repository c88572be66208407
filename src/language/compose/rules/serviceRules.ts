import { isScalar, type Node } from 'yaml';
import type { ComposeRule } from '../ruleTypes';
import { pair, str } from '../yamlNodes';

const RESTART = /^(no|always|unless-stopped|on-failure(:\d+)?)$/;
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const DURATION_KEYS = ['interval', 'timeout', 'start_period', 'start_interval'];

/** Service settings whose values Compose reads more strictly than the schema says, and legacy ones. */
export const serviceRules: ComposeRule[] = [
  {
    code: 'CS010',
    name: 'legacy-links',
    severity: 'information',
    lesson: 'compose',
    tags: ['deprecated'],
    service(s, _facts, report) {
      const links = s.get('links');
      if (links)
        report({
          node: links.key as Node,
          message:
            '"links" is legacy: services on the same network already reach each other by service name. ' +
            'Remove it (use depends_on for start order).',
        });
    },
  },
  {
    code: 'CS017',
    name: 'restart-policy',
    severity: 'error',
    lesson: 'compose',
    service(s, _facts, report) {
      const restart = s.get('restart');
      const policy = str(restart?.value);
      if (
        policy !== undefined &&
        isScalar(restart!.value) &&
        typeof restart!.value.value === 'string' &&
        !RESTART.test(policy) &&
        !policy.includes('$')
      )
        report({
          node: restart!.value,
          message:
            `"${policy}" is not a restart policy: use "no", "always", "on-failure" (or "on-failure:N") ` +
            'or "unless-stopped".',
        });
    },
  },
  {
    code: 'CS018',
    name: 'healthcheck-duration',
    severity: 'error',
    lesson: 'compose',
    service(s, _facts, report) {
      const healthcheck = s.get('healthcheck')?.value;
      for (const key of DURATION_KEYS) {
        const value = pair(healthcheck, key)?.value;
        if (
          isScalar(value) &&
          typeof value.value === 'string' &&
          !DURATION.test(value.value) &&
          !value.value.includes('$')
        )
          report({
            node: value,
            message:
              `healthcheck.${key} "${value.value}" is not a duration: write a number with a unit, ` +
              'such as "10s", "1m30s" or "500ms".',
          });
      }
    },
  },
  {
    code: 'CS019',
    name: 'container-name-replicas',
    severity: 'error',
    lesson: 'compose',
    service(s, _facts, report) {
      const containerName = s.get('container_name');
      if (!containerName) return;
      const replicas = Number(str(pair(s.get('deploy')?.value, 'replicas')?.value) ?? '1');
      if (replicas > 1)
        report({
          node: containerName.key as Node,
          message:
            `"container_name" gives every replica the same name, so ${replicas} replicas cannot start. ` +
            'Remove container_name or use one replica.',
        });
    },
  },
];
