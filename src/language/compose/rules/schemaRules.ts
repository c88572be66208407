import { changeTo } from '../../edits';
import { schemaProblems } from '../composeSchema';
import type { ComposeRule } from '../ruleTypes';
import { nodeAt } from '../yamlNodes';

/** The Compose Specification's schema, in plain sentences. */
export const schemaRules: ComposeRule[] = [
  {
    code: 'CS016',
    name: 'schema',
    severity: 'error',
    lesson: 'compose',
    check(facts, report) {
      for (const problem of schemaProblems(facts.data))
        report({
          node: nodeAt(facts.root, problem.path, problem.onKey) ?? null,
          message: problem.message,
          ...(problem.suggestion ? { data: { replacement: problem.suggestion } } : {}),
        });
    },
    fix: (d) => (d.data?.replacement ? changeTo(d.range, d.data.replacement) : undefined),
  },
];
