import * as fs from 'node:fs';
import * as path from 'node:path';

/** Bundle sizes (target: total ≤ 1.5 MB) and the cost of loading the extension bundle in a fresh require. */
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
  let total = 0;
  for (const f of files) {
    const size = fs.statSync(path.join(dist, f)).size;
    if (f !== 'cli.js') total += size;
    console.log(
      `  ${f.padEnd(20)} ${(size / 1024).toFixed(1)} KB${f === 'cli.js' ? ' (the npm CLI, not in the .vsix)' : ''}`,
    );
  }
  console.log(`  extension total      ${(total / 1024 / 1024).toFixed(2)} MB (target ≤ 1.5 MB)`);
}
