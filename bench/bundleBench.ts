import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Bundle sizes against the standing targets: extension.js (loaded on activation) ≤ 1 MB, docker.js (loaded on the
 * first Docker use) ≤ 1.5 MB. The total shipped is printed for information.
 */
export function benchBundle(): void {
  const dist = path.resolve(__dirname, '..', 'dist');
  const files = fs.existsSync(dist) ? fs.readdirSync(dist).filter((f) => f.endsWith('.js')) : [];
  if (files.length === 0) {
    console.log('\nBundle: dist/ is empty; run `npm run build:production` first');
    return;
  }
  console.log(
    '\nBundle (dist/*.js); the extension ships extension.js, docker.js (loaded on first Docker use) and ajv.js ' +
      '(loaded on the first compose check)',
  );
  const notes: Record<string, string> = {
    'cli.js': ' (the npm CLI, not in the .vsix)',
    'extension.js': ' (target ≤ 1 MB)',
    'docker.js': ' (target ≤ 1.5 MB)',
  };
  let total = 0;
  for (const f of files) {
    const size = fs.statSync(path.join(dist, f)).size;
    if (f !== 'cli.js') total += size;
    console.log(`  ${f.padEnd(20)} ${(size / 1024).toFixed(1)} KB${notes[f] ?? ''}`);
  }
  console.log(`  shipped in all       ${(total / 1024 / 1024).toFixed(2)} MB`);
}
