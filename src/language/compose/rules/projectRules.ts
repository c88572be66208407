import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { SECTIONS } from '../composeIncludes';
import { isRecord } from '../linkedFiles';
import type { ComposeRule } from '../ruleTypes';
import { joinPath, pair, str } from '../yamlNodes';

/** JSON with object keys sorted, so that equal definitions compare equal. */
const canonical = (v: unknown): string =>
  Array.isArray(v)
    ? `[${v.map(canonical).join(',')}]`
    : isRecord(v)
      ? `{${Object.keys(v)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
          .join(',')}}`
      : (JSON.stringify(v) ?? 'null');

/** What the project reads beside the compose file: included files and env files. */
export const projectRules: ComposeRule[] = [
  {
    code: 'CS026',
    name: 'include-problem',
    severity: 'error',
    lesson: 'compose',
    // compose-go, loader/include.go: a missing file or env_file, a cycle, or a name defined twice stops Compose.
    check(facts, report) {
      const project = facts.project;
      if (project.documents[0] !== facts) return; // the includes of every document, reported once
      const { problems, names } = project.includes;
      for (const p of problems) report(p);
      for (const doc of project.documents)
        for (const section of SECTIONS) {
          const mine = pair(doc.root, section)?.value;
          if (!isMap(mine) || !names[section].size) continue;
          const data = isRecord(doc.data) ? doc.data[section] : undefined;
          for (const p of mine.items) {
            const name = str(p.key);
            const theirs = name === undefined ? undefined : names[section].get(name);
            if (!theirs || !isRecord(data) || canonical(data[name!]) === canonical(theirs.value)) continue;
            report({
              node: p.key as Node,
              message:
                `${section}.${name} is also defined by the included file ${theirs.file}, differently; Compose ` +
                'refuses that ("conflicts with imported resource"). Rename one, or define it in one place.',
            });
          }
        }
    },
  },
  {
    code: 'CS027',
    name: 'env-file-missing',
    severity: 'error',
    lesson: 'compose',
    // compose-go: an env_file is required unless it says `required: false`; a missing one stops Compose.
    service(s, facts, report) {
      const ctx = facts.context;
      const envFile = s.get('env_file')?.value;
      if (!ctx || !envFile) return;
      const items = isSeq(envFile) ? envFile.items : [envFile];
      for (const item of items) {
        const pathNode = isMap(item) ? pair(item, 'path')?.value : item;
        const required = isMap(item) ? pair(item, 'required')?.value : undefined;
        if (isScalar(required) && (required.value === false || required.value === 'false')) continue;
        const raw = str(pathNode);
        if (raw === undefined) continue;
        const value = facts.interpolate(raw);
        if (value === undefined || value === '') continue;
        const path = joinPath(ctx.dir, value);
        if (!ctx.host.exists(path))
          report({
            node: pathNode as Node,
            message:
              `The env_file "${value}" does not exist (looked for ${path}), and Compose stops when a required ` +
              'env_file is missing. Create it, fix the path, or write it as "path:" with "required: false".',
          });
      }
    },
  },
];
