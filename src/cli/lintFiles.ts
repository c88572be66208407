import * as fs from 'node:fs';
import * as path from 'node:path';

export type LintKind = 'dockerfile' | 'compose';

const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);

/** Which language service a file name belongs to, or undefined for files `dockside lint` does not look at. */
export function lintKind(fileName: string): LintKind | undefined {
  const base = path.basename(fileName);
  if (/^(Dockerfile|Containerfile)(\..+)?$/.test(base) || /\.(Dockerfile|dockerfile)$/.test(base)) return 'dockerfile';
  if (/^(docker-)?compose(\.[^/]+)?\.ya?ml$/.test(base)) return 'compose';
  return undefined;
}

/**
 * Expands the CLI's path arguments: a file is taken as it is; a folder is searched for Dockerfiles and compose
 * files, skipping node_modules and .git. Results are sorted so the output is stable.
 */
export function findLintTargets(paths: string[]): { file: string; kind: LintKind }[] {
  const out: { file: string; kind: LintKind }[] = [];
  const walk = (dir: string): void => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(e.name)) walk(full);
      } else if (e.isFile()) {
        const kind = lintKind(e.name);
        if (kind) out.push({ file: full, kind });
      }
    }
  };
  for (const p of paths) {
    const stat = fs.statSync(p);
    if (stat.isDirectory()) walk(p);
    else out.push({ file: p, kind: lintKind(p) ?? 'dockerfile' });
  }
  return out;
}
