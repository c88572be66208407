// `npm test`: type-check, lint and format check, then one mocha run over the chosen suites, so that the last line
// printed is the total for the whole run ("N passed, N failed, N skipped").
//   node scripts/test.mjs            all suites: unit, docker (real engine), e2e (real VS Code in Chromium)
//   node scripts/test.mjs unit e2e   only those
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const SUITES = { unit: 'test/unit/**/*.test.ts', docker: 'test/docker/**/*.test.ts', e2e: 'test/e2e/**/*.test.ts' };
const chosen = process.argv.slice(2);
for (const s of chosen) {
  if (!(s in SUITES)) {
    console.error(`Unknown suite "${s}": choose from ${Object.keys(SUITES).join(', ')}.`);
    process.exit(2);
  }
}
const globs = (chosen.length ? chosen : Object.keys(SUITES)).map((s) => SUITES[s]);

const bin = (name) => path.join('node_modules', '.bin', name);
const step = (cmd, args) => {
  const r = spawnSync(bin(cmd), args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

step('tsc', ['--noEmit', '-p', '.']);
// Lint (floating promises, unused code…) and formatting fail the run like a failing test would; the eslint cache
// keeps a second local run fast.
step('eslint', ['--cache', '--cache-location', 'node_modules/.cache/eslint/', '.']);
step('prettier', ['--check', '--log-level', 'warn', '.']);
step('mocha', globs);
