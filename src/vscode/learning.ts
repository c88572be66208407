import * as vscode from 'vscode';
import type { CommandTable } from '../commands';
import { composeServiceToDockerRun, composeText, dockerRunToCompose } from '../docker/runConvert';

/** Commands for learners that need no engine: convert docker run ⇄ compose (Explain is a panel, see panels/). */
export function learningCommands(): CommandTable {
  const runToCompose = async () => {
    const command = await vscode.window.showInputBox({
      title: 'Convert docker run to Compose',
      prompt: 'Paste a docker run command',
      placeHolder: 'docker run -d --name web -p 8080:80 nginx:1.27',
      ignoreFocusOut: true,
    });
    if (!command) return;
    let result;
    try {
      result = dockerRunToCompose(command);
    } catch (err) {
      return void vscode.window.showErrorMessage((err as Error).message);
    }
    const editor = vscode.window.activeTextEditor;
    if (editor?.document.languageId === 'dockercompose') {
      const { parseDocument } = await import('yaml');
      const doc = parseDocument(editor.document.getText());
      if (doc.errors.length)
        return void vscode.window.showErrorMessage(
          'The open compose file has YAML errors; fix them first, or close it to get a new file.',
        );
      if (doc.hasIn(['services', result.serviceName])) result.serviceName = `${result.serviceName}-2`;
      doc.setIn(['services', result.serviceName], doc.createNode(result.service));
      for (const v of result.volumes) if (!doc.hasIn(['volumes', v])) doc.setIn(['volumes', v], null);
      for (const n of result.networks)
        if (!doc.hasIn(['networks', n])) doc.setIn(['networks', n], doc.createNode({ external: true }));
      const whole = new vscode.Range(
        editor.document.positionAt(0),
        editor.document.positionAt(editor.document.getText().length),
      );
      await editor.edit((b) => b.replace(whole, doc.toString({ lineWidth: 0 }).replace(/: null$/gm, ':')));
    } else {
      const created = await vscode.workspace.openTextDocument({
        language: 'dockercompose',
        content: composeText(result),
      });
      await vscode.window.showTextDocument(created);
    }
    if (result.notConverted.length)
      void vscode.window.showWarningMessage(`Not converted: ${result.notConverted.join('; ')}`);
  };

  const composeToRun = async () => {
    const editor = vscode.window.activeTextEditor;
    if (editor?.document.languageId !== 'dockercompose')
      return void vscode.window.showInformationMessage('Open a compose file and put the cursor in a service.');
    const { parseDocument, isMap, isScalar } = await import('yaml');
    const doc = parseDocument(editor.document.getText());
    const services = doc.get('services');
    const offset = editor.document.offsetAt(editor.selection.active);
    const names = isMap(services)
      ? services.items.map((p) => ({
          name: String(isScalar(p.key) ? p.key.value : ''),
          range: (p.value as { range?: number[] } | null)?.range,
          keyRange: (p.key as { range?: number[] }).range,
        }))
      : [];
    const covers = (n: { range?: number[]; keyRange?: number[] }) => {
      const [keyStart, keyEnd] = n.keyRange ?? [];
      const end = n.range?.[1] ?? keyEnd;
      return keyStart !== undefined && end !== undefined && keyStart <= offset && offset <= end;
    };
    const here =
      names.find(covers)?.name ??
      (await vscode.window.showQuickPick(
        names.map((n) => n.name),
        { placeHolder: 'Which service?' },
      ));
    if (!here) return;
    try {
      const result = composeServiceToDockerRun(editor.document.getText(), here);
      await vscode.env.clipboard.writeText(result.command);
      void vscode.window.showInformationMessage(
        `Copied: ${result.command}` +
          (result.notConverted.length ? ` (not expressible with docker run: ${result.notConverted.join('; ')})` : ''),
      );
    } catch (err) {
      void vscode.window.showErrorMessage((err as Error).message);
    }
  };

  return {
    'dockside.convertRunToCompose': runToCompose,
    'dockside.convertComposeToRun': composeToRun,
  };
}
