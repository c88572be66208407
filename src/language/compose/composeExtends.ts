import { isRecord, LINK_LIMITS, type LinkedFiles } from './linkedFiles';
import { dirOf, joinPath } from './yamlNodes';

/**
 * `extends:` followed as Compose v2 follows it (compose-go, loader/extends.go): a service takes the settings of the
 * service it names, in its own file or in `file:` (relative to the file that names it), and that one may extend
 * another in turn. Compose merges the whole chain, `depends_on` and `networks` included, and refuses a chain that
 * comes back to a service on it.
 */

/** One service of the chain a service extends. */
export interface ExtendedService {
  name: string;
  /** The file it is in, when not the open one. */
  file?: string;
  settings: Record<string, unknown>;
}

export interface ExtendsChain {
  bases: ExtendedService[];
  /** What stops the chain after its first step (CS023 reports the first step itself). */
  problem?: string;
}

/**
 * The services `service` extends, nearest first. `services` are the open file's services as plain data; `files`
 * reads the others. Without `files` (no file on disk), only the open file is followed.
 */
export function extendsChain(
  service: string,
  services: Record<string, unknown>,
  mainPath: string | undefined,
  files: LinkedFiles | undefined,
): ExtendsChain {
  const bases: ExtendedService[] = [];
  const mainKey = mainPath && files ? files.key(mainPath) : '';
  const seen = new Set<string>([`${mainKey}#${service}`]);
  const own = (o: Record<string, unknown>, k: string) =>
    Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
  let current = own(services, service);
  let scope = services;
  let file: string | undefined;
  let filePath = mainPath;
  for (let step = 0; isRecord(current) && current.extends !== undefined; step++) {
    const ext = current.extends;
    const ref = typeof ext === 'string' ? ext : isRecord(ext) ? ext.service : undefined;
    const named = isRecord(ext) ? ext.file : undefined;
    if (typeof ref !== 'string' || ref.includes('$') || (named !== undefined && typeof named !== 'string')) break;
    if (step >= LINK_LIMITS.maxDepth)
      return { bases, problem: `extends chains more than ${LINK_LIMITS.maxDepth} services deep here` };
    if (typeof named === 'string') {
      if (!files || !filePath || named.includes('$')) break;
      const abs = joinPath(dirOf(filePath), named);
      if (step > 0 && !files.mayRead(abs)) break;
      const read = files.read(abs);
      if ('problem' in read) {
        if (step === 0) break;
        return { bases, problem: `"${named}" cannot be read: ${read.problem}` };
      }
      scope = isRecord(read.data.services) ? read.data.services : {};
      file = abs;
      filePath = abs;
    }
    const key = `${filePath && files ? files.key(filePath) : ''}#${ref}`;
    if (seen.has(key)) {
      if (step === 0) break; // a service that extends itself: CS023 says so
      const chain = [service, ...bases.map((b) => b.name), ref].join(' → ');
      return { bases, problem: `extends comes back to a service already on its chain (${chain})` };
    }
    seen.add(key);
    const base = own(scope, ref);
    if (!isRecord(base)) {
      if (step === 0) break;
      return { bases, problem: `"${ref}" is not a service in ${file ?? 'this file'}` };
    }
    bases.push({ name: ref, ...(file ? { file } : {}), settings: base });
    current = base;
  }
  return { bases };
}

/** The names a list-or-map setting holds (`depends_on`, `networks`). */
export function namesOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return isRecord(value) ? Object.keys(value) : [];
}
