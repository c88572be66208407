import type { ComposeHost } from './composeTypes';
import { MAX_ALIAS_COUNT, MAX_COMPOSE_CHARS, tooComplex } from './guards';
import { COMPOSE_READ, parseYamlDocuments } from '../yamlParse';

/**
 * The other compose files a compose file names (`include:`, `extends: file:`), read as plain data through the
 * host, once per run, within bounds: a chain of files is read on every keystroke, so a deep, cyclic or huge one
 * gets one clear finding instead of a slow answer.
 */

/** How far one run reads: files, nesting, and characters in all. */
export const LINK_LIMITS = {
  /** Files that include or extend each other this deep are not followed further. */
  maxDepth: 8,
  /** Other files read per run. */
  maxFiles: 32,
  /** Characters read per run, over all the other files. */
  maxChars: 2 * MAX_COMPOSE_CHARS,
};

/** A compose file read as Compose would merge its documents, or why it could not be. */
export type LinkedFile =
  | { path: string; key: string; data: Record<string, unknown> }
  | { path: string; key: string; problem: string; missing?: true };

export class LinkedFiles {
  private readonly files = new Map<string, LinkedFile>();
  private chars = 0;

  constructor(
    private readonly host: ComposeHost,
    /** The workspace folder: a file a linked file names is read only inside it (the open file may name any). */
    private readonly root?: string,
  ) {}

  /** The identity of a path for cycles: where it really is, links followed. */
  key(path: string): string {
    return this.host.realPath?.(path) ?? path;
  }

  /** Whether a file that another linked file (not the open one) names may be read. */
  mayRead(path: string): boolean {
    if (!this.root) return true;
    // A loop, not /[\\/]+$/: that pattern backtracks on a long run of slashes.
    let end = this.root.length;
    while (end > 0 && (this.root[end - 1] === '/' || this.root[end - 1] === '\\')) end--;
    const root = this.root.slice(0, end);
    if (root === '') return true; // the file system's root holds everything
    const real = this.key(path);
    return [path, real].some((p) => p === root || p.startsWith(`${root}/`) || p.startsWith(`${root}\\`));
  }

  read(path: string): LinkedFile {
    const key = this.key(path);
    const known = this.files.get(key);
    if (known) return known;
    const file = this.load(path, key);
    this.files.set(key, file);
    return file;
  }

  private load(path: string, key: string): LinkedFile {
    if (this.files.size >= LINK_LIMITS.maxFiles)
      return {
        path,
        key,
        problem: `more than ${LINK_LIMITS.maxFiles} compose files are linked from here, so Dockside stops reading them`,
      };
    const text = this.host.readFile(path);
    if (text === undefined) return { path, key, problem: 'it does not exist or cannot be read', missing: true };
    this.chars += text.length;
    if (this.chars > LINK_LIMITS.maxChars)
      return {
        path,
        key,
        problem: `the linked files hold more than ${LINK_LIMITS.maxChars / 1048576} MB, so Dockside stops reading them`,
      };
    const complex = tooComplex(text);
    if (complex) return { path, key, problem: 'it is too large or too deeply nested for Dockside to read' };
    let docs;
    try {
      docs = parseYamlDocuments(text, COMPOSE_READ);
    } catch {
      return { path, key, problem: 'it is not valid YAML' };
    }
    const data: Record<string, unknown> = {};
    for (const doc of docs) {
      if (doc.errors.length) return { path, key, problem: 'it is not valid YAML' };
      if (doc.contents === null) continue;
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      } catch {
        return { path, key, problem: 'its aliases expand too far' };
      }
      if (!value || typeof value !== 'object' || Array.isArray(value))
        return { path, key, problem: 'it is not a mapping' };
      mergeDocument(data, value as Record<string, unknown>);
    }
    return { path, key, data };
  }
}

/** A later document over an earlier one: per named entry for the sections, otherwise the later value wins. */
export function mergeDocument(into: Record<string, unknown>, doc: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(doc)) {
    const before = ownValue(into, k);
    if (isRecord(before) && isRecord(v)) {
      const merged: Record<string, unknown> = { ...before };
      for (const [name, entry] of Object.entries(v)) {
        const earlier = ownValue(merged, name);
        put(merged, name, isRecord(earlier) && isRecord(entry) ? { ...earlier, ...entry } : entry);
      }
      put(into, k, merged);
    } else put(into, k, v);
  }
}

const ownValue = (o: Record<string, unknown>, k: string): unknown =>
  Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;

/** Sets an own property, also for names such as "__proto__" (an assignment would change the prototype). */
export function put(o: Record<string, unknown>, k: string, value: unknown): void {
  Object.defineProperty(o, k, { value, writable: true, enumerable: true, configurable: true });
}

export const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** The names declared under a section of plain data. */
export function namesIn(data: Record<string, unknown>, section: string): string[] {
  const value = data[section];
  return isRecord(value) ? Object.keys(value) : [];
}
