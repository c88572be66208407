import { isMap, isSeq, type Node } from 'yaml';
import { credentialsInUrl, looksLikeSecretName } from '../secrets';
import { pair, str } from './yamlNodes';

/** One `environment:` entry of a service, where it is written. */
export interface EnvEntry {
  key: string;
  value: string;
  /** The key (map form) or the whole `KEY=value` item (list form). */
  node: Node;
  /** The whole entry: the pair's key to its value, or the list item. */
  range: [number, number];
}

/** A service's `environment:` entries (map or list form) whose value is a secret written out in plain text. */
export function plainTextSecrets(service: unknown): EnvEntry[] {
  const environment = pair(service, 'environment')?.value;
  const out: EnvEntry[] = [];
  if (isMap(environment)) {
    for (const p of environment.items) {
      const key = p.key as Node;
      const value = p.value as Node | null;
      if (key?.range)
        out.push({
          key: str(key) ?? '',
          value: str(value) ?? '',
          node: key,
          range: [key.range[0], value?.range ? value.range[1] : key.range[1]],
        });
    }
  }
  if (isSeq(environment)) {
    for (const item of environment.items) {
      const text = str(item) ?? '';
      const eq = text.indexOf('=');
      const node = item as Node;
      if (eq > 0 && node.range)
        out.push({ key: text.slice(0, eq), value: text.slice(eq + 1), node, range: [node.range[0], node.range[1]] });
    }
  }
  return out.filter(
    (e) => e.value !== '' && !e.value.startsWith('$') && (looksLikeSecretName(e.key) || credentialsInUrl(e.value)),
  );
}
