import { changeTo } from '../../edits';
import { projectSchemaProblems } from '../projectSchema';
import type { ComposeRule } from '../ruleTypes';

/**
 * The Compose Specification's schema, in plain sentences. A file of several documents is validated as Compose v2
 * validates it, merged (projectSchema.ts); each document reports the problems that come from it.
 */
export const schemaRules: ComposeRule[] = [
  {
    code: 'CS016',
    name: 'schema',
    severity: 'error',
    lesson: 'compose',
    check(facts, report) {
      const documents = facts.project.documents;
      const index = documents.indexOf(facts);
      for (const problem of projectSchemaProblems(documents))
        if (problem.document === index)
          report({
            node: problem.node ?? null,
            message: problem.message,
            ...(problem.suggestion ? { data: { replacement: problem.suggestion } } : {}),
          });
    },
    fix: (d) => (d.data?.replacement ? changeTo(d.range, d.data.replacement) : undefined),
  },
];
