import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { ComposeHost } from './composeTypes';
import { isRecord, LINK_LIMITS, namesIn, type LinkedFiles } from './linkedFiles';
import { dirOf, joinPath, pair, str } from './yamlNodes';

/**
 * `include:` followed as Compose v2 follows it (compose-go, loader/include.go): each entry names a compose file
 * (and override files after it) relative to the including file's project folder, an optional `env_file` (which
 * must exist) and `project_directory`; the included project's services, networks, volumes, secrets and configs
 * join this one, and an included file's own `include:` is resolved against the included project's folder. An
 * include that leads back to a file on its chain is a cycle, which Compose refuses.
 */

export const SECTIONS = ['services', 'networks', 'volumes', 'secrets', 'configs'] as const;
export type Section = (typeof SECTIONS)[number];

export interface IncludeFindings {
  /** The names each section gets from included files. */
  names: Record<Section, Map<string, { file: string; value: unknown }>>;
  problems: { node: Node; message: string }[];
}

interface IncludeEntry {
  paths: string[];
  envFiles: string[];
  projectDirectory?: string;
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** An entry of `include:` in plain data; undefined when a value is not a string. */
function plainEntry(item: unknown): IncludeEntry | undefined {
  if (typeof item === 'string') return { paths: [item], envFiles: [] };
  if (!isRecord(item)) return undefined;
  const paths = list(item.path);
  const envFiles = list(item.env_file);
  if (![...paths, ...envFiles].every((p) => typeof p === 'string')) return undefined;
  const pd = item.project_directory;
  return {
    paths: paths as string[],
    envFiles: envFiles as string[],
    ...(typeof pd === 'string' ? { projectDirectory: pd } : {}),
  };
}

/** An entry of `include:` as written in the open file, with plain values. */
function nodeEntry(item: unknown): IncludeEntry | undefined {
  if (isScalar(item)) return plainEntry(str(item));
  if (!isMap(item)) return undefined;
  const values = (key: string): unknown => {
    const value = pair(item, key)?.value;
    return isSeq(value)
      ? value.items.map((i) => str(i) ?? null)
      : value === undefined
        ? undefined
        : (str(value) ?? null);
  };
  return plainEntry({
    path: values('path'),
    env_file: values('env_file'),
    project_directory: values('project_directory'),
  });
}

/**
 * Follows the open file's `include:` entries (`items`, the YAML items with their places) from `dir`, the open
 * file's folder. `interpolate` gives a value as Compose would read it, or undefined when that depends on a
 * variable set only where Compose runs (such an entry is skipped).
 */
export function followIncludes(
  items: readonly unknown[],
  dir: string,
  mainKey: string,
  files: LinkedFiles,
  host: ComposeHost,
  interpolate: (value: string) => string | undefined,
): IncludeFindings {
  const names = Object.fromEntries(SECTIONS.map((s) => [s, new Map()])) as IncludeFindings['names'];
  const problems: IncludeFindings['problems'] = [];

  const visit = (
    entry: IncludeEntry,
    from: string,
    chain: { key: string; path: string }[],
    depth: number,
    report: (message: string) => void,
  ): void => {
    const resolved = (v: string) => interpolate(v);
    const paths = entry.paths.map(resolved);
    const envFiles = entry.envFiles.map(resolved);
    const projectDirectory = entry.projectDirectory === undefined ? '' : resolved(entry.projectDirectory);
    if ([...paths, ...envFiles, projectDirectory].some((v) => v === undefined)) return;
    for (const f of envFiles as string[]) {
      const abs = joinPath(from, f);
      if (!host.exists(abs))
        report(
          `The include's env_file "${f}" does not exist (looked for ${abs}). Compose stops there; create it or ` +
            'remove it from the include.',
        );
    }
    let projectDir: string | undefined;
    for (const [i, p] of (paths as string[]).entries()) {
      const abs = joinPath(from, p);
      if (depth > 0 && !files.mayRead(abs)) return;
      const key = files.key(abs);
      const at = chain.findIndex((c) => c.key === key);
      if (at >= 0) {
        const cycle = [...chain.slice(at).map((c) => c.path), abs].join(' → ');
        report(`This include leads back to a file that includes it (${cycle}). Compose refuses an include cycle.`);
        return;
      }
      if (depth >= LINK_LIMITS.maxDepth) {
        report(
          `Includes nest more than ${LINK_LIMITS.maxDepth} files deep here, so Dockside stops following them ` +
            `(at ${abs}). Check the project with "docker compose config".`,
        );
        return;
      }
      const file = files.read(abs);
      if ('problem' in file) {
        report(
          file.missing
            ? `The included file "${p}" does not exist (looked for ${abs}). Compose stops there; fix the path ` +
                '(it is relative to the including file).'
            : `The included file ${abs} cannot be checked: ${file.problem}.`,
        );
        return;
      }
      if (i === 0) projectDir = projectDirectory ? joinPath(from, projectDirectory) : dirOf(abs);
      for (const section of SECTIONS) {
        const value = file.data[section];
        for (const name of namesIn(file.data, section))
          if (!names[section].has(name))
            names[section].set(name, { file: abs, value: isRecord(value) ? value[name] : undefined });
      }
      const nested = file.data.include;
      if (Array.isArray(nested))
        for (const item of nested) {
          const e = plainEntry(item);
          if (e) visit(e, projectDir ?? dirOf(abs), [...chain, { key, path: abs }], depth + 1, report);
        }
    }
  };

  for (const item of items) {
    const entry = nodeEntry(item);
    if (!entry) continue;
    let reported = false;
    const report = (message: string) => {
      // One finding per entry of the open file: the first problem down its chain.
      if (reported) return;
      reported = true;
      problems.push({ node: item as Node, message });
    };
    visit(entry, dir, [{ key: mainKey, path: mainKey }], 0, report);
  }
  return { names, problems };
}
