// Runs inside VS Code desktop (see runTest.cjs): the extension activates on a Dockerfile and reports
// the syntax error of examples/mistakes/Dockerfile.
const assert = require('node:assert/strict');
const path = require('node:path');
const vscode = require('vscode');

exports.run = async function run() {
  const folder = vscode.workspace.workspaceFolders[0].uri;
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'mistakes', 'Dockerfile'));
  await vscode.window.showTextDocument(doc);
  assert.equal(doc.languageId, 'dockerfile');
  const deadline = Date.now() + 10000;
  let diagnostics = [];
  while (Date.now() < deadline) {
    diagnostics = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'Dockside');
    if (diagnostics.length) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const unknown = diagnostics.find((d) => d.message === 'Unknown instruction: RUNN');
  assert.ok(unknown, `expected the RUNN error, got ${JSON.stringify(diagnostics.map((d) => d.message))}`);
  assert.equal(unknown.code.value, 'DSX038');
  const hovers = await vscode.commands.executeCommand(
    'vscode.executeHoverProvider',
    doc.uri,
    new vscode.Position(1, 1),
  );
  const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
  assert.match(text, /Starts a build stage on top of a base image/);
  console.log(`VS Code desktop: ${path.basename(doc.fileName)} checked`);
};
