// `npm run test:vscode`: the extension in VS Code desktop through @vscode/test-electron, for machines that can
// download VS Code. It is not part of `npm test`, which uses code-server offline (test/e2e).
const path = require('node:path');
const { runTests } = require('@vscode/test-electron');

async function main() {
  const root = path.resolve(__dirname, '..', '..');
  try {
    await runTests({
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(__dirname, 'suite.cjs'),
      launchArgs: [path.join(root, 'examples'), '--disable-extensions', '--disable-workspace-trust'],
    });
  } catch (err) {
    console.error('VS Code tests failed or VS Code could not be downloaded:', err);
    process.exit(1);
  }
}

main();
