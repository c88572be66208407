/**
 * `WorkspaceFiles` over a set of folders on disk (the workspace folders): the doctor sees those files and nothing
 * else. The walk skips dependency and VCS folders and stops after a bounded number of entries; files are read only
 * when they are small.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { WorkspaceFiles } from './sources';

const SKIPPED = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out', '.venv', 'vendor']);
/** Entries looked at, in all folders together, when finding files by name. */
const MAX_ENTRIES = 20000;
/** Files larger than this are not read (a Dockerfile, compose file or script is a few kB). */
const MAX_FILE_BYTES = 1024 * 1024;

const slashes = (p: string) => p.replace(/\\/g, '/');

export function folderFiles(folders: readonly string[]): WorkspaceFiles {
  const roots = folders.map((f) => slashes(path.resolve(f)).replace(/\/$/, ''));
  const within = (file: string) => {
    const f = slashes(path.resolve(file));
    return roots.some((r) => f === r || f.startsWith(`${r}/`)) ? f : undefined;
  };
  return {
    async findBySuffix(relative) {
      const wanted = slashes(relative).replace(/^\.\//, '');
      const found: string[] = [];
      let budget = MAX_ENTRIES;
      const walk = async (dir: string, rel: string): Promise<void> => {
        let entries: import('node:fs').Dirent[];
        try {
          entries = await fs.readdir(dir, { withFileTypes: true });
        } catch {
          return;
        }
        for (const entry of entries) {
          if (--budget < 0) return;
          const childRel = rel ? `${rel}/${entry.name}` : entry.name;
          if (entry.isDirectory()) {
            if (!SKIPPED.has(entry.name)) await walk(`${dir}/${entry.name}`, childRel);
          } else if (entry.isFile() && (childRel === wanted || childRel.endsWith(`/${wanted}`)))
            found.push(`${dir}/${entry.name}`);
        }
      };
      for (const root of roots) await walk(root, '');
      return found.sort();
    },
    async inside(absolute) {
      const file = within(absolute);
      if (!file) return undefined;
      try {
        // A link could lead out of the workspace: the real path must stay inside too.
        const real = slashes(await fs.realpath(file));
        const realRoots = await Promise.all(roots.map((r) => fs.realpath(r).then(slashes, () => r)));
        const stat = await fs.stat(file);
        return stat.isFile() && realRoots.some((r) => real === r || real.startsWith(`${r}/`)) ? file : undefined;
      } catch {
        return undefined;
      }
    },
    async read(file) {
      if (!within(file)) return undefined;
      try {
        const stat = await fs.stat(file);
        if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return undefined;
        return await fs.readFile(file, 'utf8');
      } catch {
        return undefined;
      }
    },
    display(file) {
      const f = slashes(file);
      const root = roots.find((r) => f.startsWith(`${r}/`));
      return root ? f.slice(root.length + 1) : path.posix.basename(f);
    },
  };
}
