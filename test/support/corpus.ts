import * as fs from 'node:fs';
import * as path from 'node:path';

/** The shared corpus of real Dockerfiles and compose files, beside the repository (`../shared/corpus`). */
export const CORPUS = path.resolve(__dirname, '..', '..', '..', 'shared', 'corpus');

/** The paths of the corpus files whose name matches, in walk order; none when the corpus is missing. */
export function corpusPaths(name: RegExp): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (name.test(e.name)) out.push(full);
    }
  };
  if (fs.existsSync(CORPUS)) walk(CORPUS);
  return out;
}

/** The texts of the corpus files whose name matches, in walk order; none when the corpus is missing. */
export function corpusTexts(name: RegExp): string[] {
  return corpusPaths(name).map((f) => fs.readFileSync(f, 'utf8'));
}

/**
 * Whether the corpus is there. Missing, it fails the run in CI (`The corpus of real <kind> is missing`) and
 * elsewhere warns that `check` is skipped; the caller skips or goes on without it.
 */
export function corpusPresent(kind: string, check: string): boolean {
  if (fs.existsSync(CORPUS)) return true;
  if (process.env.CI) throw new Error(`The corpus of real ${kind} is missing: ${CORPUS}`);
  console.warn(`SKIPPED: ${check}, because ${CORPUS} is missing.`);
  return false;
}
