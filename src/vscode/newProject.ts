import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { CommandTable } from '../commands';
import type { Ctx } from '../ctx';
import { PROJECT_KINDS, projectFiles, type ProjectKind } from '../docker/projectTemplates';

const exists = async (uri: vscode.Uri) => {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
};

const readText = async (uri: vscode.Uri) => {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
};

const write = (uri: vscode.Uri, text: string) => vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));

/** What the third question asks for, per kind (the file the container runs, unless said otherwise). */
const ENTRY_QUESTION: Partial<Record<ProjectKind, string>> = { static: 'site folder', go: 'main package' };

/** A password for a generated `.env`: 24 URL-safe characters, nothing a shell or YAML would read specially. */
const newSecret = () => randomBytes(18).toString('base64url');

/**
 * "New Docker Project…": pick a kind, answer two or three questions, and get a Dockerfile, a .dockerignore and a
 * compose.yaml (plus `.env.example`, `.env` and a `.gitignore` line when there are passwords). Nothing that is
 * there already is replaced without asking, and a minimal app is offered only for files that are missing.
 */
export function newProjectCommands(ctx: Ctx): CommandTable {
  const run = async (arg?: unknown) => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    // From the file explorer's context menu: the folder that was clicked.
    const folder =
      arg instanceof vscode.Uri
        ? { uri: arg }
        : folders.length > 1
          ? await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Create it in…' })
          : folders[0];
    if (!folder) {
      if (!folders.length) {
        const open = await vscode.window.showInformationMessage(
          'Open a folder first: the new project is written into it.',
          'Open Folder…',
        );
        if (open) await vscode.commands.executeCommand('workbench.action.files.openFolder');
      }
      return;
    }
    const kind = (
      await vscode.window.showQuickPick(
        (Object.keys(PROJECT_KINDS) as ProjectKind[]).map((k) => ({
          label: PROJECT_KINDS[k].label,
          description: PROJECT_KINDS[k].description,
          id: k,
        })),
        { title: 'New Docker Project (1/3): what kind?', ignoreFocusOut: true },
      )
    )?.id;
    if (!kind) return;
    const info = PROJECT_KINDS[kind];
    const questions = kind === 'database' ? 2 : 3;
    const portText = await vscode.window.showInputBox({
      title: `New Docker Project (2/${questions}): port`,
      prompt:
        kind === 'database'
          ? 'Where pgadmin opens in the browser: http://localhost:PORT'
          : 'Where the app opens in the browser: http://localhost:PORT',
      value: String(info.defaultPort),
      ignoreFocusOut: true,
      validateInput: (v) =>
        /^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= 65535 ? undefined : 'A port from 1 to 65535.',
    });
    if (portText === undefined) return;
    let entry = info.defaultEntry;
    if (kind !== 'database') {
      const answer = await vscode.window.showInputBox({
        title: `New Docker Project (3/${questions}): ${ENTRY_QUESTION[kind] ?? 'entry file'}`,
        prompt:
          kind === 'static'
            ? 'The folder with index.html'
            : kind === 'go'
              ? 'The folder of the main package ("." for the module root)'
              : 'The file the container runs',
        value: info.defaultEntry,
        ignoreFocusOut: true,
        validateInput: (v) =>
          /^(?!\/)(?!.*\.\.)[\w./-]+$/.test(v.trim()) ? undefined : 'A relative path inside this folder.',
      });
      if (answer === undefined) return;
      entry = answer.trim();
    }
    let database = kind === 'database';
    if (!database) {
      const pick = await vscode.window.showQuickPick(
        [
          { label: 'No database', database: false },
          { label: 'Add a database', description: 'postgres, and pgadmin to look inside', database: true },
        ],
        { title: 'New Docker Project: a database too?', ignoreFocusOut: true },
      );
      if (!pick) return;
      database = pick.database;
    }

    const made = projectFiles({
      kind,
      port: Number(portText),
      entry,
      database,
      secrets: { postgres: newSecret(), pgadmin: newSecret() },
    });
    const at = (name: string) => vscode.Uri.joinPath(folder.uri, name);
    const present: string[] = [];
    for (const name of Object.keys(made.files)) if (await exists(at(name))) present.push(name);
    let replace = false;
    if (present.length) {
      const missing = Object.keys(made.files).filter((n) => !present.includes(n));
      const choice = await vscode.window.showWarningMessage(
        `This folder already has ${present.join(', ')}.`,
        {
          modal: true,
          detail: missing.length
            ? `Add only what is missing (${missing.join(', ')}) and keep yours, ` +
              `or replace ${present.length > 1 ? 'them' : 'it'} with the template.`
            : 'Replace with the template, or keep what is there?',
        },
        ...(missing.length ? ['Add Only Missing Files'] : []),
        'Replace',
      );
      if (!choice) return;
      replace = choice === 'Replace';
    }
    const starterMissing: { name: string; text: string }[] = [];
    for (const [name, text] of Object.entries(made.starter))
      if (!(await exists(at(name)))) starterMissing.push({ name, text });
    let starter = false;
    if (starterMissing.length) {
      const choice = await vscode.window.showInformationMessage(
        `Also create ${starterMissing.map((s) => s.name).join(', ')}, a minimal app, so the project runs right away?`,
        { modal: true, detail: 'Files that are there already are left as they are.' },
        'Create',
        'Skip',
      );
      if (choice === undefined) return;
      starter = choice === 'Create';
    }

    const written: string[] = [];
    for (const [name, text] of Object.entries(made.files)) {
      if (present.includes(name) && !replace) continue;
      await write(at(name), text);
      written.push(name);
    }
    if (starter)
      for (const { name, text } of starterMissing) {
        await write(at(name), text);
        written.push(name);
      }
    // The passwords are made once; an existing .env is the user's and is never touched.
    if (made.dotEnv && !(await exists(at('.env')))) {
      await write(at('.env'), made.dotEnv);
      written.push('.env');
    }
    if (made.gitignore.length) {
      const current = (await readText(at('.gitignore'))) ?? '';
      const have = new Set(current.split(/\r?\n/).map((l) => l.trim()));
      const add = made.gitignore.filter((l) => !have.has(l) && !have.has(`/${l}`));
      if (add.length) {
        await write(at('.gitignore'), `${current}${current && !current.endsWith('\n') ? '\n' : ''}${add.join('\n')}\n`);
        written.push('.gitignore');
      }
    }
    ctx.log.info(`New Docker project (${kind}) in ${folder.uri.fsPath}: wrote ${written.join(', ')}`);
    await vscode.window.showTextDocument(at('compose.yaml'), { preview: false });
    void vscode.window.showInformationMessage(
      `Wrote ${written.join(', ') || 'nothing (all kept)'}. Click "Up" above "services:" to start it.`,
    );
  };
  return { 'dockside.newProject': run };
}
