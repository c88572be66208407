// `npm run screenshots`: runs the end-to-end journeys (real VS Code, real engine), then copies the screenshots the
// README shows from test-results/ to docs/images/ (light theme, 1400x900).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const shots = {
  'explorer-remove-confirmation.png': 'explorer.png',
  'panel-layers.png': 'layers-panel.png',
  'panel-ports.png': 'ports-panel.png',
  'explorer-engine-unreachable.png': 'explorer-unreachable.png',
  'compose-secret-moved.png': 'compose-secret-fixed.png',
  'walkthrough-run-step.png': 'walkthrough.png',
  'build-failure-on-line.png': 'build-failure.png',
};
execFileSync('npm', ['run', 'test:e2e'], { cwd: root, stdio: 'inherit' });
fs.mkdirSync(path.join(root, 'docs', 'images'), { recursive: true });
for (const [from, to] of Object.entries(shots)) {
  const source = path.join(root, 'test-results', from);
  if (!fs.existsSync(source)) throw new Error(`The e2e run made no ${from}`);
  fs.copyFileSync(source, path.join(root, 'docs', 'images', to));
  console.log(`docs/images/${to} ← test-results/${from}`);
}
