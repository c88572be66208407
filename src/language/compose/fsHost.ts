import * as fs from 'node:fs';
import type { ComposeHost } from './composeTypes';

/** The real disk and process environment, for the editor and the CLI. Never throws. */
export function fsComposeHost(env: Record<string, string | undefined> = process.env): ComposeHost {
  return {
    env,
    exists: (p) => fs.existsSync(p),
    realPath: (p) => {
      try {
        return fs.realpathSync(p);
      } catch {
        return undefined;
      }
    },
    readFile: (p) => {
      try {
        const stat = fs.statSync(p);
        // A compose helper file larger than this is not something to read on every keystroke.
        return stat.isFile() && stat.size < 4 * 1024 * 1024 ? fs.readFileSync(p, 'utf8') : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
