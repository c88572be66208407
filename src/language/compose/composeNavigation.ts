import { isMap, isSeq, type Node, type YAMLMap } from 'yaml';
import { own } from '../own';
import type { Position, Range } from '../diagnostic';
import { documentAt, offsetAt, parseForEditor, roots, type EditorParse } from './editorParse';
import { SERVICE_KEYS, TOP_KEYS } from './keyDocs';
import { schemaChildKeys, schemaValues } from './composeSchema';
import { pair, str } from './yamlNodes';

export type ComposeSection = 'services' | 'networks' | 'volumes' | 'secrets' | 'configs';
const SECTIONS: ComposeSection[] = ['services', 'networks', 'volumes', 'secrets', 'configs'];

export interface ComposeSymbol {
  name: string;
  detail: string;
  kind: 'section' | 'service' | 'network' | 'volume' | 'secret' | 'config';
  range: Range;
  selectionRange: Range;
  children: ComposeSymbol[];
}

export interface ComposeCompletion {
  label: string;
  kind: 'key' | 'value' | 'service' | 'network' | 'volume' | 'secret' | 'config';
  detail?: string;
  documentation?: string;
  /** Text to insert instead of the label (a key gets its colon). */
  insertText?: string;
}

function positions({ lines }: EditorParse) {
  return (start: number, end: number): Range => {
    const a = lines.linePos(start);
    const b = lines.linePos(end);
    return { start: { line: a.line - 1, character: a.col - 1 }, end: { line: b.line - 1, character: b.col - 1 } };
  };
}

const SINGULAR: Record<ComposeSection, ComposeSymbol['kind']> = {
  services: 'service',
  networks: 'network',
  volumes: 'volume',
  secrets: 'secret',
  configs: 'config',
};

/**
 * The outline: services, networks, volumes, secrets and configs, each with its entries. A file of several documents
 * gets the sections of each, in order; their detail says which document holds them.
 */
export function composeOutline(text: string, parsed: EditorParse = parseForEditor(text)): ComposeSymbol[] {
  const out: ComposeSymbol[] = [];
  const several = parsed.docs.length > 1;
  for (const [i, doc] of parsed.docs.entries())
    out.push(...documentOutline(doc.contents, positions(parsed), several ? ` · document ${i + 1}` : ''));
  return out;
}

function documentOutline(root: unknown, toRange: ReturnType<typeof positions>, where: string): ComposeSymbol[] {
  if (!isMap(root)) return [];
  const out: ComposeSymbol[] = [];
  for (const section of SECTIONS) {
    const p = pair(root, section);
    const key = p?.key as Node | undefined;
    if (!p || !key?.range) continue;
    const children: ComposeSymbol[] = [];
    if (isMap(p.value)) {
      for (const entry of p.value.items) {
        const k = entry.key as Node;
        const name = str(k);
        if (name === undefined || !k.range) continue;
        const v = entry.value as Node | null;
        const end = v?.range ? v.range[1] : k.range[1];
        const detail =
          section === 'services'
            ? (str(pair(v, 'image')?.value) ?? (pair(v, 'build') ? 'build' : ''))
            : (str(pair(v, 'driver')?.value) ?? str(pair(v, 'file')?.value) ?? '');
        children.push({
          name,
          detail,
          kind: SINGULAR[section],
          range: toRange(k.range[0], end),
          selectionRange: toRange(k.range[0], k.range[1]),
          children: [],
        });
      }
    }
    const end = (p.value as Node | null)?.range?.[1] ?? key.range[1];
    out.push({
      name: section,
      detail: `${children.length}${where}`,
      kind: 'section',
      range: toRange(key.range[0], end),
      selectionRange: toRange(key.range[0], key.range[1]),
      children,
    });
  }
  return out;
}

/** Which top-level section a service field refers into. */
const REFERENCE_FIELDS: Record<string, ComposeSection> = {
  depends_on: 'services',
  links: 'services',
  extends: 'services',
  networks: 'networks',
  volumes: 'volumes',
  secrets: 'secrets',
  configs: 'configs',
  volumes_from: 'services',
};

/** The name a reference node stands for: `db`, `db:alias` (links), `data:/path` (volumes), long forms' source. */
function referencedName(field: string, node: unknown): string | undefined {
  const s = str(node);
  if (s === undefined)
    return str(pair(node, field === 'volumes' ? 'source' : field === 'extends' ? 'service' : 'source')?.value);
  if (field === 'volumes') return s.includes(':') && !/^[./~$]/.test(s) ? s.split(':')[0] : undefined;
  if (field === 'links' || field === 'volumes_from') return s.split(':')[0];
  return s;
}

/**
 * Go to definition: from a reference (depends_on, networks, named volumes, secrets, configs, extends) to its
 * declarations. The documents of a file merge into one project, so a name is looked up in every document: each
 * that declares it is a place it is defined.
 */
export function composeDefinition(text: string, pos: Position, parsed: EditorParse = parseForEditor(text)): Range[] {
  const toRange = positions(parsed);
  const offset = offsetAt(parsed, pos);
  const doc = offset === undefined ? undefined : documentAt(parsed, offset);
  const services = pair(doc?.contents, 'services')?.value;
  if (offset === undefined || !isMap(services)) return [];
  const inside = (n: unknown): boolean =>
    !!n && !!(n as Node).range && (n as Node).range![0] <= offset && offset <= (n as Node).range![1];
  for (const s of services.items) {
    if (!inside(s.value)) continue;
    for (const field of Object.keys(REFERENCE_FIELDS)) {
      const value = pair(s.value, field)?.value;
      if (!inside(value)) continue;
      let name: string | undefined;
      if (field === 'extends') name = inside(value) ? referencedName(field, value) : undefined;
      else if (isSeq(value)) name = referencedName(field, value.items.find(inside));
      else if (isMap(value)) name = str(value.items.find((p) => inside(p.key))?.key);
      if (field === 'extends' && isMap(value) && pair(value, 'file')) return [];
      const section = own(REFERENCE_FIELDS, field);
      if (name === undefined || !section) return [];
      const found: Range[] = [];
      for (const root of roots(parsed)) {
        const target = pair(pair(root, section)?.value, name)?.key as Node | undefined;
        if (target?.range) found.push(toRange(target.range[0], target.range[1]));
      }
      return found;
    }
  }
  return [];
}

const KEY_LINE = /^(\s*)(?:-\s+)?([A-Za-z0-9_.-]+|"[^"]*"|'[^']*'):(?:\s|$)/;
/** A line that starts or ends a YAML document (`---`, `...`): what is above it belongs to another document. */
const DOCUMENT_LINE = /^(?:---|\.\.\.)(?:\s|$)/;

/** The key path of the mapping that holds a line indented by `indent` (from the lines above it, in its document). */
function pathAbove(lines: string[], line: number, indent: number): string[] {
  const path: string[] = [];
  let limit = indent;
  for (let i = line - 1; i >= 0 && limit > 0; i--) {
    const text = lines[i] ?? '';
    if (DOCUMENT_LINE.test(text)) break;
    const m = KEY_LINE.exec(text);
    if (!m || text.trim().startsWith('#')) continue;
    const keyIndent = m[1]!.length + (text.trimStart().startsWith('-') ? 2 : 0);
    if (keyIndent < limit) {
      path.unshift(m[2]!.replace(/^["']|["']$/g, ''));
      limit = m[1]!.length;
    }
  }
  return path;
}

const RESTART_VALUES = ['no', 'always', 'on-failure', 'unless-stopped'];
const NETWORK_MODES = ['bridge', 'host', 'none'];
const CONDITIONS = ['service_started', 'service_healthy', 'service_completed_successfully'];

/**
 * Names declared under each top-level section, read from a possibly half-typed file: in every document of it, since
 * Compose merges them into one project (each name once, in the order first declared).
 */
function declaredNames(roots: unknown[]): Record<ComposeSection, string[]> {
  const out = {} as Record<ComposeSection, string[]>;
  for (const section of SECTIONS) {
    const names = new Set<string>();
    for (const root of roots) {
      const value = pair(root, section)?.value;
      if (isMap(value))
        for (const p of (value as YAMLMap).items) {
          const name = str(p.key);
          if (name !== undefined) names.add(name);
        }
    }
    out[section] = [...names];
  }
  return out;
}

/**
 * Completion at a position, worked out from the lines (the file is often not valid YAML while typing): keys valid
 * at that place (from the Compose Specification's schema), enum values, and declared names where a reference goes.
 */
export function composeCompletions(
  text: string,
  pos: Position,
  /** The roots of the file's documents, asked for only where declared names are offered. */
  documentRoots: () => unknown[] = () => roots(parseForEditor(text)),
): ComposeCompletion[] {
  const declaredIn = () => declaredNames(documentRoots());
  const lines = text.split(/\r?\n/);
  const before = (lines[pos.line] ?? '').slice(0, pos.character);
  const item = /^(\s*)-\s*([^\s:]*)$/.exec(before);
  const value = /^(\s*)(?:-\s+)?([A-Za-z0-9_.-]+):\s+([^\s:]*)$/.exec(before);
  const key = /^(\s*)([A-Za-z0-9_.-]*)$/.exec(before);
  if (item) {
    const path = pathAbove(lines, pos.line, item[1]!.length + 1);
    return references(declaredIn, path, path[path.length - 1]) ?? [];
  }
  if (value) {
    const field = value[2]!;
    const path = [...pathAbove(lines, pos.line, value[1]!.length), field];
    if (path.length === 3 && path[0] === 'services') {
      if (field === 'pull_policy')
        return ['always', 'missing', 'never', 'build'].map((v) => ({ label: v, kind: 'value', detail: 'pull policy' }));
      if (field === 'restart')
        return RESTART_VALUES.map((v) => ({ label: v, kind: 'value', detail: 'restart policy' }));
      if (field === 'network_mode')
        return [...NETWORK_MODES, ...declaredIn().services.map((s) => `service:${s}`)].map((v) => ({
          label: v,
          kind: 'value',
          detail: 'network mode',
        }));
      if (field === 'extends')
        return (references(declaredIn, path, 'extends') ?? []).filter((c) => c.label !== path[1]);
    }
    if (field === 'condition' && path[0] === 'services' && path[2] === 'depends_on')
      return CONDITIONS.map((v) => ({ label: v, kind: 'value', detail: 'depends_on condition' }));
    return schemaValues(path).map((v) => ({ label: v, kind: 'value' }));
  }
  if (key) {
    const indent = key[1]!.length;
    const path = pathAbove(lines, pos.line, indent);
    if (path.length === 0 && indent > 0) return [];
    // Under depends_on as a map, the keys are service names.
    if (path.length === 3 && path[0] === 'services' && (path[2] === 'depends_on' || path[2] === 'networks')) {
      return (references(declaredIn, path, path[2]) ?? []).map((c) => ({ ...c, insertText: `${c.label}:` }));
    }
    const present = siblingKeys(lines, pos.line, indent);
    const docs = path.length === 0 ? TOP_KEYS : path.length === 2 && path[0] === 'services' ? SERVICE_KEYS : {};
    return schemaChildKeys(path)
      .filter((k) => !present.has(k))
      .map((k) => ({ label: k, kind: 'key', insertText: `${k}: `, ...(docs[k] ? { documentation: docs[k] } : {}) }));
  }
  return [];
}

function references(
  declaredIn: () => Record<ComposeSection, string[]>,
  path: string[],
  field: string | undefined,
): ComposeCompletion[] | undefined {
  if (path[0] !== 'services' || path.length < 3 || field === undefined) return undefined;
  const section = own(REFERENCE_FIELDS, field);
  if (!section) return undefined;
  const names = declaredIn()[section].filter((n) => !(section === 'services' && n === path[1]));
  return names.map((n) => ({
    label: n,
    kind: SINGULAR[section] as ComposeCompletion['kind'],
    detail: `declared under ${section}:`,
    ...(field === 'volumes' ? { insertText: `${n}:` } : {}),
  }));
}

/** Keys already written at this indentation in the same mapping of the document, so they are not offered again. */
function siblingKeys(lines: string[], line: number, indent: number): Set<string> {
  const keys = new Set<string>();
  const scan = (from: number, step: number) => {
    for (let i = from; i >= 0 && i < lines.length; i += step) {
      const l = lines[i] ?? '';
      if (DOCUMENT_LINE.test(l)) break;
      if (l.trim() === '' || l.trim().startsWith('#')) continue;
      const lead = /^\s*/.exec(l)![0].length;
      if (lead < indent) break;
      const m = KEY_LINE.exec(l);
      if (lead === indent && m) keys.add(m[2]!);
    }
  };
  scan(line - 1, -1);
  scan(line + 1, 1);
  return keys;
}
