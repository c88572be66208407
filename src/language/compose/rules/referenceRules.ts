import { isMap, isSeq, type Node } from 'yaml';
import type { DocksideDiagnostic } from '../../diagnostic';
import { caret, lineEnding, type QuickFix } from '../../edits';
import { MAX_ALIAS_COUNT, tooComplex } from '../guards';
import type { ComposeFacts, ServiceFacts } from '../composeFacts';
import { namesOf, type ExtendedService } from '../composeExtends';
import type { ComposeRule } from '../ruleTypes';
import { entries, joinPath, pair, str } from '../yamlNodes';
import { parseYamlDocument } from '../../yamlParse';

/** Adds the network or volume a finding names under its top-level section, adding the section when needed. */
function declareAtTopLevel(text: string, d: DocksideDiagnostic): QuickFix | undefined {
  const section = d.data?.section;
  const name = d.data?.name;
  if (!section || !name) return undefined;
  const lines = text.split('\n');
  const eol = lineEnding(text);
  const header = lines.findIndex((l) => new RegExp(`^${section}:\\s*(#.*)?\\r?$`).test(l));
  const edit =
    header >= 0
      ? { range: caret(header + 1, 0), newText: `  ${name}:${eol}` }
      : {
          range: caret(lines.length - (text.endsWith('\n') ? 1 : 0), 0),
          newText: `${text.endsWith('\n') || text === '' ? '' : eol}${section}:${eol}  ${name}:${eol}`,
        };
  return {
    title: `Declare ${section === 'networks' ? 'network' : 'volume'} "${name}" at the top level`,
    edits: [edit],
    isPreferred: true,
  };
}

/** The names a service takes from the services it extends (the nearest first), with the service each is from. */
function inherited(s: ServiceFacts, facts: ComposeFacts, setting: string): { base: ExtendedService; name: string }[] {
  if (!s.get('extends')) return [];
  const out: { base: ExtendedService; name: string }[] = [];
  for (const base of facts.project.extendsOf(s.name).bases)
    for (const name of namesOf(base.settings[setting])) out.push({ base, name });
  return out;
}

/** Names a service uses that must be declared elsewhere: networks, volumes, services, secrets, configs. */
/** How many depends_on cycles are reported: each one is a separate problem, but a file can hold thousands. */
const MAX_CYCLES = 20;

export const referenceRules: ComposeRule[] = [
  {
    code: 'CS006',
    name: 'undeclared-network',
    severity: 'error',
    lesson: 'compose',
    service(s, facts, report) {
      for (const n of entries(s.get('networks')?.value)) {
        if (n.name !== 'default' && !facts.declared.networks.has(n.name))
          report({
            node: n.node,
            message:
              `Service "${s.name}" uses network "${n.name}", which is not declared under the top-level ` +
              '"networks:". Declare it there.',
            data: { section: 'networks', name: n.name },
          });
      }
      for (const { base, name } of inherited(s, facts, 'networks'))
        if (name !== 'default' && !facts.declared.networks.has(name))
          report({
            node: s.get('extends')?.key as Node,
            message:
              `Service "${s.name}" extends "${base.name}"${base.file ? ` (in ${base.file})` : ''}, which joins ` +
              `network "${name}"; it is not declared under this project's "networks:", so Compose stops. ` +
              'Declare it there.',
            data: { section: 'networks', name },
          });
    },
    fix: (d, { text }) => declareAtTopLevel(text, d),
  },
  {
    code: 'CS007',
    name: 'undeclared-volume',
    severity: 'error',
    lesson: 'compose',
    service(s, facts, report) {
      const volumeList = s.get('volumes')?.value;
      if (!isSeq(volumeList)) return;
      for (const v of volumeList.items) {
        const spec = str(v);
        const colon = spec?.indexOf(':') ?? -1;
        const source =
          spec !== undefined
            ? spec.slice(0, colon < 0 ? undefined : colon)
            : str(pair(v, 'type')?.value) === 'volume'
              ? str(pair(v, 'source')?.value)
              : undefined;
        if (!source || (spec !== undefined && colon < 0)) continue;
        if (/^[./~$]/.test(source) || source.includes('/') || facts.declared.volumes.has(source)) continue;
        report({
          node: v as Node,
          message:
            `"${source}" is a named volume, but it is not declared under the top-level "volumes:". ` +
            `Declare it there (or write "./${source}" for a folder beside this file).`,
          data: { section: 'volumes', name: source },
        });
      }
    },
    fix: (d, { text }) => declareAtTopLevel(text, d),
  },
  {
    code: 'CS008',
    name: 'unknown-dependency',
    severity: 'error',
    lesson: 'compose',
    service(s, facts, report) {
      for (const d of s.dependsOn) {
        if (!facts.declared.services.has(d.name))
          report({
            node: d.node,
            message: `Service "${s.name}" depends on "${d.name}", which is not a service in this file.`,
          });
      }
      // Compose v2 merges the extended services' depends_on into this one (compose-go, loader/extends.go).
      for (const { base, name } of inherited(s, facts, 'depends_on'))
        if (!facts.declared.services.has(name) && name !== s.name)
          report({
            node: s.get('extends')?.key as Node,
            message:
              `Service "${s.name}" extends "${base.name}"${base.file ? ` (in ${base.file})` : ''}, which depends on ` +
              `"${name}"; that is not a service in this project, so Compose stops. Declare "${name}", or extend ` +
              'another service.',
          });
    },
  },
  {
    code: 'CS009',
    name: 'dependency-cycle',
    severity: 'error',
    lesson: 'compose',
    check(facts, report) {
      const services = facts.servicesNode;
      if (!isMap(services)) return;
      const graph = new Map<string, { name: string; node: Node }[]>();
      for (const p of services.items) {
        const name = str(p.key);
        if (name) graph.set(name, facts.serviceOf(p.value)?.dependsOn ?? entries(pair(p.value, 'depends_on')?.value));
      }
      // An explicit stack, not recursion: a chain of 12,000 services (well under the size limit) overflowed the
      // call stack, and the editor lost every compose diagnostic with it.
      const state = new Map<string, 'visiting' | 'done'>();
      const reported = new Set<string>();
      const onPath = new Map<string, number>();
      const path: string[] = [];
      let cycles = 0;
      const reportCycle = (cycle: string[]) => {
        const key = [...cycle].sort().join();
        if (reported.has(key) || cycles >= MAX_CYCLES) return;
        reported.add(key);
        cycles++;
        const shown =
          cycle.length > 12 ? [...cycle.slice(0, 10), `… ${cycle.length - 11} more …`, cycle.at(-1)!] : cycle;
        for (let i = 0; i + 1 < cycle.length && i < 20; i++) {
          const edge = graph.get(cycle[i]!)?.find((d) => d.name === cycle[i + 1]);
          report({
            node: edge?.node,
            message:
              `depends_on forms a cycle: ${shown.join(' → ')}. Compose cannot decide what to start first; ` +
              'remove one of these dependencies.',
          });
        }
      };
      for (const root of graph.keys()) {
        if (state.has(root)) continue;
        const stack: { name: string; next: number }[] = [{ name: root, next: 0 }];
        state.set(root, 'visiting');
        onPath.set(root, path.length);
        path.push(root);
        while (stack.length) {
          const top = stack[stack.length - 1]!;
          const deps = graph.get(top.name) ?? [];
          if (top.next >= deps.length) {
            stack.pop();
            path.pop();
            onPath.delete(top.name);
            state.set(top.name, 'done');
            continue;
          }
          const dep = deps[top.next++]!.name;
          if (!graph.has(dep) || state.get(dep) === 'done') continue;
          if (state.get(dep) === 'visiting') {
            if (cycles < MAX_CYCLES) reportCycle([...path.slice(onPath.get(dep)), dep]);
            continue;
          }
          state.set(dep, 'visiting');
          onPath.set(dep, path.length);
          path.push(dep);
          stack.push({ name: dep, next: 0 });
        }
      }
    },
  },
  {
    code: 'CS020',
    name: 'undeclared-secret-or-config',
    severity: 'error',
    lesson: 'compose',
    service(s, facts, report) {
      for (const section of ['secrets', 'configs'] as const) {
        const list = s.get(section)?.value;
        if (!isSeq(list)) continue;
        for (const item of list.items) {
          const ref = str(item) ?? str(pair(item, 'source')?.value);
          if (ref !== undefined && !facts.declared[section].has(ref))
            report({
              node: item as Node,
              message:
                `Service "${s.name}" uses ${section === 'secrets' ? 'secret' : 'config'} "${ref}", which is not ` +
                `declared under the top-level "${section}:". Declare it there (with "file:" or "environment:").`,
            });
        }
      }
    },
  },
  {
    code: 'CS023',
    name: 'extends-target',
    severity: 'error',
    lesson: 'compose',
    // `extends:` a service in this file, or in another file that must exist and declare it.
    service(s, facts, report) {
      const ext = s.get('extends');
      if (!ext) return;
      const serviceNode = isMap(ext.value) ? pair(ext.value, 'service')?.value : ext.value;
      const service = str(serviceNode);
      const fileNode = isMap(ext.value) ? pair(ext.value, 'file')?.value : undefined;
      const file = str(fileNode);
      if (service === undefined || service.includes('$')) return;
      // Beyond its first step (checked below), the chain across files: cycles, missing services and files.
      const chain = facts.project.extendsOf(s.name);
      if (chain.problem)
        report({
          node: ext.key as Node,
          message: `Service "${s.name}" cannot be extended as written: ${chain.problem}. Compose stops there.`,
        });
      if (file === undefined) {
        if (service === s.name)
          report({
            node: serviceNode,
            message: `Service "${s.name}" extends itself. Name another service to inherit from.`,
          });
        else if (!facts.declared.services.has(service))
          report({
            node: serviceNode,
            message:
              `Service "${s.name}" extends "${service}", which is not a service in this file. ` +
              'Fix the name, or add "file:" for a service in another file.',
          });
        return;
      }
      const ctx = facts.context;
      if (!ctx || file.includes('$')) return;
      const filePath = joinPath(ctx.dir, file);
      const text = ctx.host.readFile(filePath);
      if (text === undefined) {
        report({
          node: fileNode,
          message:
            `"${file}" does not exist (looked for ${filePath}), so "${s.name}" has nothing to extend. ` +
            'Fix the path; it is relative to this compose file.',
        });
        return;
      }
      let other: unknown;
      if (tooComplex(text)) return;
      try {
        other = parseYamlDocument(text, { logLevel: 'error' }).toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      } catch {
        return; // That file's own problems are reported when it is opened.
      }
      const services = (other as { services?: unknown } | null)?.services;
      if (!services || typeof services !== 'object' || !Object.prototype.hasOwnProperty.call(services, service))
        report({
          node: serviceNode,
          message: `"${file}" has no service "${service}" to extend. Fix the name or the file.`,
        });
    },
  },
];
