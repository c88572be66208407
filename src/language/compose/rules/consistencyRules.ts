import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { changeTo } from '../../edits';
import type { ComposeRule } from '../ruleTypes';
import { entries, pair, str } from '../yamlNodes';

/*
 * The checks compose-go's loader makes once the file has passed the schema (its consistency checks and the
 * transforms that refuse values): each finding is an error Compose v2 reports before it runs anything.
 */

const RESOURCE_SECTIONS = ['volumes', 'networks', 'secrets', 'configs'] as const;
const SINGULAR: Record<(typeof RESOURCE_SECTIONS)[number], string> = {
  volumes: 'volume',
  networks: 'network',
  secrets: 'secret',
  configs: 'config',
};
/** Settings that describe a resource Compose creates, so they cannot go with one that exists already. */
const CREATE_SETTINGS = ['driver', 'driver_opts', 'labels'];

/** Whether `external:` says the resource exists already (`true`, or the legacy `external: {name: …}`). */
function isExternal(value: unknown): boolean {
  if (isMap(value)) return true;
  if (!isScalar(value)) return false;
  return value.value === true || (typeof value.value === 'string' && /^(true|True|TRUE)$/.test(value.value));
}

/** The GPU requests of a service: `gpus:` items and `deploy.resources.reservations.devices` items. */
function deviceRequests(service: YAMLMap): unknown[] {
  const gpus = pair(service, 'gpus')?.value;
  const reservations = pair(pair(pair(service, 'deploy')?.value, 'resources')?.value, 'reservations')?.value;
  const devices = pair(reservations, 'devices')?.value;
  return [...(isSeq(gpus) ? gpus.items : []), ...(isSeq(devices) ? devices.items : [])];
}

export const consistencyRules: ComposeRule[] = [
  {
    code: 'CS028',
    name: 'external-with-settings',
    severity: 'error',
    lesson: 'compose',
    // compose-go: validation of external resources, and transform/external.go for the legacy external.name.
    check(facts, report) {
      for (const section of RESOURCE_SECTIONS) {
        const resources = pair(facts.root, section)?.value;
        if (!isMap(resources)) continue;
        for (const p of resources.items) {
          const name = str(p.key);
          const external = pair(p.value, 'external');
          if (!name || !external || !isExternal(external.value)) continue;
          const kind = SINGULAR[section];
          for (const setting of CREATE_SETTINGS) {
            const conflicting = pair(p.value, setting);
            if (conflicting)
              report({
                node: conflicting.key as Node,
                message:
                  `The ${kind} "${name}" is external (it exists already), so Compose refuses "${setting}" with it: ` +
                  `it only creates what is not external. Remove "${setting}", or remove "external".`,
              });
          }
          const legacyName = pair(external.value, 'name');
          const ownName = pair(p.value, 'name');
          if (legacyName && ownName)
            report({
              node: legacyName.key as Node,
              message:
                `The ${kind} "${name}" sets both "name" and "external.name"; Compose refuses the pair. Keep ` +
                '"name" and write "external: true".',
            });
        }
      }
    },
  },
  {
    code: 'CS029',
    name: 'network-mode-with-networks',
    severity: 'error',
    lesson: 'compose',
    // compose-go: checkConsistency refuses network_mode together with networks.
    service(s, _facts, report) {
      const mode = s.get('network_mode');
      const networks = s.get('networks');
      if (!mode || !networks || str(mode.value) === '' || entries(networks.value).length === 0) return;
      report({
        node: networks.key as Node,
        message:
          `Service "${s.name}" sets both "network_mode" and "networks"; Compose refuses the pair, since ` +
          '"network_mode" replaces the networks a service joins. Keep one of them.',
      });
    },
  },
  {
    code: 'CS030',
    name: 'gpu-count',
    severity: 'error',
    lesson: 'compose',
    // compose-go: a device count is a number or "all", and "count" and "device_ids" exclude each other.
    service(s, _facts, report) {
      for (const request of deviceRequests(s.node)) {
        const count = pair(request, 'count');
        if (!count) continue;
        const value = count.value;
        const text = isScalar(value) ? value.value : undefined;
        if (typeof text === 'string' && text !== 'all' && !/^\s*-?\d+\s*$/.test(text) && !text.includes('$'))
          report({
            node: value,
            message: `A device "count" is a number or "all", not "${text}"; Compose stops there.`,
          });
        const ids = pair(request, 'device_ids');
        if (ids && !(isScalar(value) && (value.value === 0 || value.value === '0')))
          report({
            node: ids.key as Node,
            message:
              'A device request takes "count" or "device_ids", not both: Compose refuses the pair. Name the ' +
              'devices, or say how many.',
          });
      }
    },
  },
  {
    code: 'CS031',
    name: 'bind-without-source',
    severity: 'error',
    lesson: 'compose',
    // compose-go: a bind mount needs the host path it mounts.
    service(s, _facts, report) {
      const volumes = s.get('volumes')?.value;
      if (!isSeq(volumes)) return;
      for (const item of volumes.items) {
        if (!isMap(item) || str(pair(item, 'type')?.value) !== 'bind') continue;
        const source = pair(item, 'source');
        if (!source || str(source.value) === '')
          report({
            node: item as Node,
            message:
              'A bind mount needs "source", the host path it mounts; Compose stops without it. Add "source:" ' +
              '(relative to this file), or use "type: volume".',
          });
      }
    },
  },
  {
    code: 'CS032',
    name: 'non-string-key',
    severity: 'error',
    lesson: 'compose',
    // compose-go: loader.go refuses keys that are not strings ("non-string key").
    check(facts, report) {
      for (const key of facts.nonStringKeys) {
        const source = key.range ? facts.text.slice(key.range[0], key.range[1]).trim() : '';
        const plain = isScalar(key) && source !== '' && !/["'\n]/.test(source);
        report({
          node: key,
          message:
            `The key ${plain ? source : 'here'} is not a string (YAML reads it as ` +
            `${isScalar(key) ? (key.value === null ? 'null' : `a ${typeof key.value}`) : 'a collection'}), and ` +
            `Compose refuses keys that are not strings.${plain ? ` Quote it: "${source}".` : ''}`,
          ...(plain ? { data: { quoted: `"${source}"` } } : {}),
        });
      }
    },
    fix: (d) => (d.data?.quoted ? changeTo(d.range, d.data.quoted) : undefined),
  },
];
