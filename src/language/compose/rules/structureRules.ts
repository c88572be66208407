import { isMap, type Node } from 'yaml';
import { caret } from '../../edits';
import type { ProjectDocument } from '../composeProject';
import { isRecord } from '../linkedFiles';
import type { ComposeRule } from '../ruleTypes';
import { pair } from '../yamlNodes';

/**
 * Whether a document leaves nothing in the model Compose v2 builds: compose-go drops `version` once the schema has
 * passed and `include` once it has applied it, and refuses a model with no key left ("empty compose file";
 * loader/loader.go, processRawYaml and load). An `include` that lists files may bring sections in: not empty.
 */
function leavesNothing(document: Pick<ProjectDocument, 'data'>): boolean {
  if (!isRecord(document.data)) return false;
  for (const [key, value] of Object.entries(document.data)) {
    if (key === 'version') continue;
    if (key === 'include' && (value === null || (Array.isArray(value) && value.length === 0))) continue;
    return false;
  }
  return true;
}

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
    code: 'CS033',
    name: 'empty-project',
    severity: 'error',
    lesson: 'compose',
    check(facts, report) {
      // Once per file, at its first document: Compose judges the documents merged.
      const documents = facts.project.documents;
      if (documents[0] !== facts || !documents.every(leavesNothing)) return;
      const version = documents.some((d) => isRecord(d.data) && 'version' in d.data);
      report({
        node: facts.root,
        message:
          (version
            ? 'Apart from "version", which Compose ignores, this file sets nothing'
            : 'This mapping sets nothing') +
          ': no services, networks, volumes or anything else Compose reads, and Compose stops with "empty compose ' +
          'file". Add a top-level "services:" with the containers to run.',
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
