import { isMap, type Node } from 'yaml';
import { caret } from '../../edits';
import type { ComposeRule } from '../ruleTypes';
import { pair } from '../yamlNodes';

/** Whether the file can be read at all, and its top-level shape. */
export const structureRules: ComposeRule[] = [
  {
    code: 'CS001',
    name: 'yaml-syntax',
    severity: 'error',
    lesson: 'compose',
    // Reported by the parse (readCompose): a file with YAML errors is not checked further.
  },
  {
    code: 'CS002',
    name: 'alias-bomb',
    severity: 'error',
    lesson: 'compose',
    // Reported by the parse (readCompose), which stops when aliases expand too far.
  },
  {
    code: 'CS003',
    name: 'obsolete-version',
    severity: 'information',
    lesson: 'compose',
    tags: ['unnecessary'],
    check(facts, report) {
      const version = pair(facts.root, 'version');
      if (version)
        report({
          node: version.key as Node,
          message:
            'The top-level "version" is obsolete: Compose ignores it and follows the Compose Specification. ' +
            'Remove it.',
        });
    },
    fix(d) {
      const line = d.range.start.line;
      return {
        title: 'Remove the obsolete "version"',
        edits: [{ range: { start: caret(line, 0).start, end: caret(line + 1, 0).start }, newText: '' }],
        isPreferred: true,
      };
    },
  },
  {
    code: 'CS015',
    name: 'not-a-mapping',
    severity: 'error',
    lesson: 'compose',
    // A file that is not a mapping at all is reported by the parse (readCompose).
    check(facts, report) {
      const services = facts.servicesNode;
      if (services !== undefined && !isMap(services))
        report({
          node: services as Node,
          message: '"services" must be a mapping of service names to their settings.',
        });
    },
  },
  {
    code: 'CS025',
    name: 'too-large-or-deep',
    severity: 'warning',
    lesson: 'compose',
    // Reported before the parse (readCompose, with the guards in guards.ts): such a file is not parsed.
  },
];
