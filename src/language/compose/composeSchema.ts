import type { ErrorObject, ValidateFunction } from 'ajv';
import { editDistance } from '../editDistance';
import { withOverlay } from './schemaOverlay';

export interface SchemaProblem {
  /** Path segments to the offending value (`['services', 'web', 'ports', 0]`). */
  path: (string | number)[];
  /** True when the key itself is at fault (an unknown key), not its value. */
  onKey: boolean;
  message: string;
  /** For an unknown key: the known key it is probably a typo of. */
  suggestion?: string;
}

let validator: ValidateFunction | undefined;
let rawSchema: Record<string, unknown> | undefined;

/**
 * The Compose Specification schema, as shipped by the dclint package, with the keys added since (schemaOverlay.ts);
 * bundled, read lazily.
 */
function schemaJson(): Record<string, unknown> {
  rawSchema ??= withOverlay(
    structuredClone(
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- read on first use, see compiled()
      require('../../../node_modules/dclint/schemas/compose.schema.json') as Record<string, unknown>,
    ),
  );
  return rawSchema;
}

type SchemaNode = Record<string, unknown>;

function deref(node: SchemaNode | undefined): SchemaNode | undefined {
  let n = node;
  for (let i = 0; n && typeof n.$ref === 'string' && i < 10; i++) {
    n = (n.$ref as string)
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((acc, seg) => (acc as SchemaNode | undefined)?.[seg], schemaJson()) as SchemaNode | undefined;
  }
  return n;
}

/** The schema itself and its oneOf/anyOf/allOf branches: the places its keys can come from. */
function branches(node: SchemaNode | undefined): SchemaNode[] {
  const n = deref(node);
  if (!n) return [];
  const out = [n];
  for (const k of ['oneOf', 'anyOf', 'allOf'])
    for (const b of (n[k] as SchemaNode[] | undefined) ?? []) for (const x of branches(b)) out.push(x);
  return out;
}

/** The schema of the value at a key path (`['services', 'web', 'healthcheck']`); service names match patterns. */
function schemaAtPath(path: string[]): SchemaNode[] {
  let nodes = [schemaJson()];
  for (const seg of path) {
    const next: SchemaNode[] = [];
    for (const b of nodes.flatMap(branches)) {
      const props = b.properties as Record<string, SchemaNode> | undefined;
      if (props?.[seg]) {
        next.push(props[seg]);
        continue;
      }
      const patterns = b.patternProperties as Record<string, SchemaNode> | undefined;
      const match = Object.entries(patterns ?? {}).find(([re]) => !re.startsWith('^x-') && new RegExp(re).test(seg));
      if (match) next.push(match[1]);
      else if (b.additionalProperties && typeof b.additionalProperties === 'object')
        next.push(b.additionalProperties as SchemaNode);
      else if (b.items && typeof b.items === 'object' && /^\d+$|^\[\]$/.test(seg)) next.push(b.items as SchemaNode);
    }
    nodes = next;
    if (!nodes.length) return [];
  }
  return nodes;
}

/** Keys the Compose Specification allows in the mapping at `path`, in the schema's order. */
export function schemaChildKeys(path: string[]): string[] {
  const keys = new Set<string>();
  for (const b of schemaAtPath(path).flatMap(branches))
    for (const k of Object.keys((b.properties as object) ?? {})) keys.add(k);
  return [...keys];
}

/** The values the schema allows for the key at `path`, when it lists them (enums and booleans). */
export function schemaValues(path: string[]): string[] {
  const values = new Set<string>();
  for (const b of schemaAtPath(path).flatMap(branches)) {
    for (const v of (b.enum as unknown[] | undefined) ?? []) values.add(String(v));
    const type = b.type;
    if (type === 'boolean' || (Array.isArray(type) && type.includes('boolean')))
      ['true', 'false'].forEach((v) => values.add(v));
  }
  return [...values];
}

/**
 * ajv checks `uniqueItems` by comparing every pair of items with a deep equality, unless all items must be of one
 * simple type: a service with 8,000 ports took seconds. The schema's `uniqueItems` becomes this keyword, which
 * compares a canonical text of each item in a set (linear), with the same verdict.
 */
const UNIQUE = 'uniqueItemsLinear';

function linearUniqueItems(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  const n = node as Record<string, unknown>;
  if (n.uniqueItems === true) {
    delete n.uniqueItems;
    n[UNIQUE] = true;
  }
  for (const v of Object.values(n)) linearUniqueItems(v);
}

/** JSON with object keys sorted, so that two deep-equal values give the same text. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'undefined';
}

function allDifferent(items: unknown[]): boolean {
  // Strings and numbers (most lists) compare as themselves; "1" and 1 stay apart, as the schema's equality keeps them.
  if (items.every((x) => typeof x === 'string')) return new Set(items).size === items.length;
  if (items.every((x) => typeof x === 'number')) return new Set(items).size === items.length;
  const seen = new Set<string>();
  for (const item of items) {
    const key = canonical(item);
    if (seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

/** A mapping schema with more keys than this has each key's schema compiled as a function of its own. */
const SPLIT_PROPERTIES = 16;

/**
 * ajv compiles a schema into one function, with what it references inlined. The service definition (90-odd keys)
 * became one function too large for V8's optimizing compiler, so every service was validated by the interpreter:
 * two thirds of the schema check's time on a small file. Here each key of such a mapping gets a definition of its
 * own, referenced by `$ref`; with `inlineRefs: false` each is a small function V8 optimizes. The same keywords run
 * in the same order, so the verdict and the errors are the same.
 */
function splitLargeMappings(schema: SchemaNode): void {
  const definitions = schema.definitions as Record<string, SchemaNode>;
  for (const [name, definition] of Object.entries(definitions)) {
    const properties = definition.properties as Record<string, SchemaNode> | undefined;
    if (!properties || Object.keys(properties).length <= SPLIT_PROPERTIES) continue;
    for (const [key, value] of Object.entries(properties)) {
      if (typeof value.$ref === 'string' && Object.keys(value).length === 1) continue;
      const id = `${name}.${key}`;
      definitions[id] = value;
      properties[key] = { $ref: `#/definitions/${id}` };
    }
  }
}

/**
 * Compiled once, on first use (compiling takes tens of milliseconds). ajv and the schema are required here, not
 * imported at the top, so that loading Dockside (and every Dockerfile feature) does not pay for them.
 */
function compiled(): ValidateFunction {
  if (!validator) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see above)
    const Ajv = (require('ajv') as typeof import('ajv')).default;
    const { $schema: _drop, ...schema } = structuredClone(schemaJson());
    tightenStrings(schema, '');
    oneOfByType(schema, schema);
    linearUniqueItems(schema);
    splitLargeMappings(schema);
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, inlineRefs: false });
    ajv.addKeyword({
      keyword: UNIQUE,
      type: 'array',
      schemaType: 'boolean',
      validate: (on: boolean, data: unknown[]) => !on || allDifferent(data),
    });
    validator = ajv.compile(schema);
  }
  return validator;
}

/*
 * The schema lets booleans and counts be strings too, so that "${REPLICAS}" can stand in for them; but after
 * interpolation Compose still needs a boolean or a number ("replicas: two" is rejected). A string with no "$" in it
 * must therefore already read as one: these patterns say so, and describe() turns them into plain sentences.
 */
const BOOLEAN_STRING = '\\$|^(true|false|True|False|TRUE|FALSE|yes|no|y|n|on|off)$';
const INTEGER_STRING = '\\$|^\\s*[-+]?\\d+\\s*$';
// `\d+(\.\d*)?`, not `\d+\.?\d*`: the two `\d` runs of the latter could split a long number every way, which took
// seconds on `cpus: "111…1x"`.
const NUMBER_STRING = '\\$|^\\s*[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?\\s*$';
const INTEGER_KEYS = new Set([
  'replicas',
  'scale',
  'parallelism',
  'max_attempts',
  'max_replicas_per_node',
  'mem_swappiness',
  'retries',
]);
const NUMBER_KEYS = new Set(['cpus', 'cpu_shares', 'max_failure_ratio']);
const PATTERN_WORDS: Record<string, string> = {
  [BOOLEAN_STRING]: 'true or false',
  [INTEGER_STRING]: 'a whole number',
  [NUMBER_STRING]: 'a number',
};

/** The patterns Dockside adds to the schema (for the ReDoS guard, which checks them with the schema's own). */
export const ADDED_PATTERNS = [BOOLEAN_STRING, INTEGER_STRING, NUMBER_STRING];

function tightenStrings(node: unknown, key: string): void {
  if (!node || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  const type = schema.type;
  if (Array.isArray(type) && type.includes('string') && !schema.if) {
    const pattern =
      type.includes('boolean') && !type.includes('number') && !type.includes('integer')
        ? BOOLEAN_STRING
        : INTEGER_KEYS.has(key)
          ? INTEGER_STRING
          : NUMBER_KEYS.has(key)
            ? NUMBER_STRING
            : undefined;
    if (pattern) Object.assign(schema, { if: { type: 'string' }, then: { pattern } });
  }
  for (const [k, v] of Object.entries(schema)) if (k !== 'if' && k !== 'then') tightenStrings(v, k);
}

/** The JSON types a schema accepts, when it says (`integer` is also a `number`). */
function typesOf(node: SchemaNode, root: SchemaNode): Set<string> | undefined {
  let n: SchemaNode | undefined = node;
  for (let i = 0; n && typeof n.$ref === 'string' && i < 10; i++)
    n = (n.$ref as string)
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((acc, seg) => (acc as SchemaNode | undefined)?.[seg], root) as SchemaNode | undefined;
  const type = n?.type;
  if (typeof type !== 'string' && !Array.isArray(type)) return undefined;
  const types = new Set<string>(typeof type === 'string' ? [type] : (type as string[]));
  if (types.has('integer')) types.add('number');
  return types;
}

/*
 * A value passes `oneOf` when exactly one branch accepts it, so every branch is always tried; `anyOf` stops at the
 * first that does. Where the branches accept different JSON types (a port is a number, a string or a mapping), at
 * most one can pass, so the two say the same, pass or fail, with the same errors. Validating a compose file takes
 * about a third less time this way. Branches that could overlap keep their `oneOf`.
 */
function oneOfByType(node: unknown, root: SchemaNode): void {
  if (!node || typeof node !== 'object') return;
  const schema = node as SchemaNode;
  const branches = schema.oneOf;
  if (Array.isArray(branches) && schema.anyOf === undefined) {
    const types = branches.map((b) => typesOf(b as SchemaNode, root));
    const all = types.flatMap((t) => (t ? [...t] : []));
    if (types.every((t) => t !== undefined) && new Set(all).size === all.length) {
      schema.anyOf = branches;
      delete schema.oneOf;
    }
  }
  for (const value of Object.values(schema)) oneOfByType(value, root);
}

/** `services.web.ports[0]` */
export function formatPath(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || 'the file';
}

function pointerToPath(pointer: string): (string | number)[] {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'empty',
};

function describe(error: ErrorObject): SchemaProblem | undefined {
  const path = pointerToPath(error.instancePath);
  const where = formatPath(path);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys(((error.parentSchema as { properties?: object }) ?? {}).properties ?? {});
      const close = allowed
        .filter((k) => editDistance(k, key) <= 2)
        .sort((a, b) => editDistance(a, key) - editDistance(b, key));
      return {
        path: [...path, key],
        onKey: true,
        message: `"${key}" is not a key of ${where}.${close.length ? ` Did you mean "${close[0]}"?` : ''}`,
        ...(close.length ? { suggestion: close[0] } : {}),
      };
    }
    case 'type': {
      const types = String((error.params as { type: string }).type)
        .split(',')
        .map((t) => TYPE_WORDS[t] ?? t);
      return { path, onKey: false, message: `${where} must be ${types.join(' or ')}.` };
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues ?? [];
      return {
        path,
        onKey: false,
        message: `${where} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}.`,
      };
    }
    case 'required':
      return {
        path,
        onKey: false,
        message: `${where} needs "${(error.params as { missingProperty: string }).missingProperty}".`,
      };
    case 'pattern': {
      const words = PATTERN_WORDS[String((error.params as { pattern: string }).pattern)];
      return {
        path,
        onKey: false,
        message: words
          ? `${where} must be ${words} (or a \${VARIABLE}), not ${JSON.stringify(error.data)}.`
          : `${where} has the wrong form.`,
      };
    }
    case 'minimum':
    case 'maximum':
      return {
        path,
        onKey: false,
        message:
          `${where} must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ` +
          `${(error.params as { limit: number }).limit}.`,
      };
    case 'uniqueItems':
    case UNIQUE:
      return { path, onKey: false, message: `${where} lists the same item twice.` };
    default:
      return undefined;
  }
}

/**
 * Validates the parsed file against the Compose Specification, in plain sentences that name the key path. Only the
 * most specific problem per place is kept (oneOf/anyOf alternatives explain little on their own).
 */
export function schemaProblems(data: unknown): SchemaProblem[] {
  const validate = compiled();
  if (validate(data)) return [];
  const byPlace = new Map<string, SchemaProblem>();
  const rank = (keyword: string) =>
    ['additionalProperties', 'enum', 'required', 'type', 'pattern', 'minimum', 'maximum', UNIQUE].indexOf(keyword);
  const errors = [...(validate.errors ?? [])].sort((a, b) => rank(a.keyword) - rank(b.keyword));
  for (const e of errors) {
    const problem = describe(e);
    if (!problem) continue;
    const place = `${formatPath(problem.path)}|${problem.onKey}`;
    // A value that fails a oneOf fails each branch: keep one sentence per place.
    if (!byPlace.has(place)) byPlace.set(place, problem);
  }
  // Where a deeper problem exists, a "wrong type" on its parent (from another oneOf branch) is noise.
  const places = [...byPlace.values()];
  return places.filter(
    (p) =>
      !(
        p.message.includes(' must be ') &&
        places.some(
          (q) => q !== p && q.path.length > p.path.length && formatPath(q.path).startsWith(formatPath(p.path)),
        )
      ),
  );
}
