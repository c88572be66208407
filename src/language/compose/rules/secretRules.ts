import { plainTextSecrets } from '../composeSecrets';
import { moveSecretsToEnvFile } from '../envFileFix';
import type { ComposeRule } from '../ruleTypes';

/** Secrets written into the compose file. */
export const secretRules: ComposeRule[] = [
  {
    code: 'CS011',
    name: 'plain-text-secret',
    severity: 'warning',
    lesson: 'secrets',
    service(s, _facts, report) {
      for (const e of plainTextSecrets(s.node))
        report({
          node: e.node,
          message:
            `"${e.key}" holds a secret in plain text in the compose file, where version control and ` +
            '"docker inspect" show it. Use Compose "secrets:" to keep it out of both; an env_file that is not ' +
            'committed only keeps it out of version control.',
          data: { service: s.name },
        });
    },
    fix: (d, { text, file }) =>
      file && d.data?.service ? moveSecretsToEnvFile(text, d.data.service, file) : undefined,
  },
];
