import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CommandTable } from '../commands';
import type { Ctx } from '../ctx';
import {
  composeFileInvocation,
  composeFilesFor,
  type ComposeFileVerb,
  type ComposeInvocation,
  type ComposeProgram,
} from '../docker/composeCli';
import { composeFileMap, locateFailure, type ComposeFileMap } from '../docker/composeFileMap';
import { composeProgress, explainComposeFailure, type ComposePhase } from '../docker/composeOutput';
import { findCompose, runCompose } from '../docker/composeProcess';
import { cliProgram } from '../docker/hostPlatform';
import { ComposeService, type ComposeHost } from '../language/compose/composeService';
import { maskSecrets } from '../language/secrets';
import { afterComposeUp } from './composeAfterUp';
import type { Explorer } from './explorer';

const PHASE_WORDS: Record<ComposePhase, string> = {
  pulling: 'Pulling',
  building: 'Building',
  creating: 'Creating',
  starting: 'Starting',
  waiting: 'Waiting for',
  stopping: 'Stopping',
  removing: 'Removing',
};

/** Where the compose checks read from when Up asks them: the disk and VS Code's environment, as Compose sees them. */
const diskHost: ComposeHost = {
  env: process.env,
  exists: (p) => fs.existsSync(p),
  readFile: (p) => {
    try {
      return fs.readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  },
};

/**
 * Compose from the file: CodeLenses above `services:` (Up, Down, Pull) and above each service (Up, Logs), the
 * same commands in the editor title, the file explorer and the palette. Compose runs as a child process in the
 * file's folder (so `.env` and `compose.override.yaml` work as they do in a terminal), against the explorer's
 * engine; its lines go to an output channel and its phases to a notification, and a failure is put in plain words
 * on the line of the file it is about.
 */
export function registerComposeRun(ctx: Ctx, explorer: Explorer, onUp: () => void): CommandTable {
  const { session } = explorer;
  const output = vscode.window.createOutputChannel('Dockside Compose');
  const problems = vscode.languages.createDiagnosticCollection('dockside-compose-run');
  const lensesChanged = new vscode.EventEmitter<void>();
  ctx.subscriptions.push(
    output,
    problems,
    lensesChanged,
    vscode.languages.registerCodeLensProvider({ language: 'dockercompose' }, new ComposeLenses(lensesChanged.event)),
    vscode.workspace.onDidGrantWorkspaceTrust(() => lensesChanged.fire()),
    // A run's finding is about the text as it was; once the line is edited it may no longer be true.
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length && problems.has(e.document.uri)) problems.delete(e.document.uri);
    }),
  );

  let program: Promise<ComposeProgram | { missing: string }> | undefined;
  const compose = async () => {
    program ??= findCompose(session.cliEnv());
    const found = await program;
    // Asked again next time: the user may install Compose without restarting VS Code.
    if (typeof found === 'object') program = undefined;
    return found;
  };

  /**
   * The compose file a command is about: its argument (a CodeLens, a menu), the active or a visible compose
   * editor, or the workspace's compose file (asked when there are several), as from a walkthrough link.
   */
  const fileOf = async (arg: unknown): Promise<vscode.TextDocument | undefined> => {
    const shown = [vscode.window.activeTextEditor, ...vscode.window.visibleTextEditors].find(
      (e) => e?.document.languageId === 'dockercompose',
    );
    let uri = arg instanceof vscode.Uri ? arg : shown?.document.uri;
    if (!uri) {
      const found = await vscode.workspace.findFiles(
        '**/{compose,docker-compose}.{yaml,yml}',
        '**/node_modules/**',
        20,
      );
      uri =
        found.length <= 1
          ? found[0]
          : (
              await vscode.window.showQuickPick(
                found.map((u) => ({ label: vscode.workspace.asRelativePath(u), u })),
                { placeHolder: 'Which compose file?' },
              )
            )?.u;
      if (!uri && !found.length)
        void vscode.window.showInformationMessage(
          'There is no compose file here yet. "New Docker Project…" writes one, or open a compose.yaml first.',
        );
    }
    if (!uri) return undefined;
    if (uri.scheme !== 'file') {
      void vscode.window.showErrorMessage('Compose runs files on this machine; save this one to disk first.');
      return undefined;
    }
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.isDirty) await doc.save();
    return doc;
  };

  /** Refuses a file with Dockside errors: Compose would reject it, or start part of the project and then stop. */
  const refuseErrors = async (doc: vscode.TextDocument): Promise<boolean> => {
    const errors = new ComposeService(ctx.rules(), diskHost)
      .diagnose({ uri: doc.uri.toString(), version: doc.version, text: doc.getText(), path: doc.uri.fsPath })
      .filter((d) => d.severity === 'error');
    const [first] = errors;
    if (!first) return false;
    const count = errors.length === 1 ? 'an error' : `${errors.length} errors`;
    const choice = await vscode.window.showErrorMessage(
      `${path.basename(doc.uri.fsPath)} has ${count} (line ${first.range.start.line + 1}: ${first.message}) ` +
        `Fix ${errors.length === 1 ? 'it' : 'them'} first: ` +
        'Compose would refuse the file or start only part of the project.',
      'Show Problems',
    );
    if (choice) await vscode.commands.executeCommand('workbench.actions.view.problems');
    return true;
  };

  const pickService = async (doc: vscode.TextDocument, arg: unknown, verb: string) => {
    if (typeof arg === 'string') return arg;
    const names = composeFileMap(doc.getText()).services.map((s) => s.name);
    if (!names.length) return void vscode.window.showInformationMessage('This compose file has no services.');
    return vscode.window.showQuickPick(names, { placeHolder: `${verb} which service?` });
  };

  /** Profiles to enable: asked when the file has any (remembered per file), none for a named service. */
  const pickProfiles = async (doc: vscode.TextDocument, maps: ComposeFileMap[]) => {
    const all = [...new Set(maps.flatMap((m) => m.profiles))];
    if (!all.length) return [];
    const key = `dockside.compose.profiles:${doc.uri.toString()}`;
    const last = ctx.extension.workspaceState.get<string[]>(key) ?? [];
    const picked = await vscode.window.showQuickPick(
      all.map((p) => ({
        label: p,
        description: maps
          .flatMap((m) => m.services)
          .filter((s) => s.profiles.includes(p))
          .map((s) => s.name)
          .join(', '),
        picked: last.includes(p),
      })),
      {
        canPickMany: true,
        title: 'Compose Up: profiles',
        placeHolder: 'Services with a profile start only when it is chosen; the others always start.',
      },
    );
    if (!picked) return undefined;
    const chosen = picked.map((p) => p.label);
    await ctx.extension.workspaceState.update(key, chosen);
    return chosen;
  };

  /** Runs one verb with a notification that follows Compose's phases; returns whether it succeeded. */
  const runWithProgress = async (
    run: ComposeInvocation,
    cwd: string,
    title: string,
    files: string[],
    maps: ComposeFileMap[],
    cancellable: boolean,
  ): Promise<boolean> => {
    for (const f of files) problems.delete(vscode.Uri.file(f));
    output.appendLine(`\n$ ${[run.command, ...run.args].map(quoteForLog).join(' ')}   (in ${cwd})`);
    const env = session.cliEnv();
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return runCompose(run, {
          cwd,
          env,
          signal: abort.signal,
          onLine: (line) => {
            output.appendLine(maskSecrets(line));
            const step = composeProgress(line);
            if (step) progress.report({ message: `${PHASE_WORDS[step.phase]} ${step.subject ?? '…'}` });
          },
        });
      },
    );
    if (result.code === 0) return true;
    if (result.startError) {
      program = undefined;
      void vscode.window.showErrorMessage(`Compose could not be started: ${result.startError}`);
      return false;
    }
    if (result.code === null) return false;
    const services = maps.flatMap((m) => m.services.map((s) => s.name));
    const failure = explainComposeFailure(result.output, services);
    ctx.log.warn(`Compose failed (${failure.kind}): ${maskSecrets(failure.detail)}`);
    const located = files
      .map((file, i) => {
        const map = maps[i];
        return { file, range: map && locateFailure(map, failure, { ...process.env, ...env }) };
      })
      .find((l) => l.range);
    if (located?.range) {
      const d = new vscode.Diagnostic(
        new vscode.Range(
          located.range.start.line,
          located.range.start.character,
          located.range.end.line,
          Math.max(located.range.end.character, located.range.start.character),
        ),
        failure.message,
        vscode.DiagnosticSeverity.Error,
      );
      d.source = 'Compose';
      problems.set(vscode.Uri.file(located.file), [d]);
    }
    const choice = await vscode.window.showErrorMessage(
      `${title} failed. ${failure.message}`,
      ...(located ? ['Go to Line'] : []),
      'Show Output',
    );
    if (choice === 'Show Output') output.show(true);
    else if (choice === 'Go to Line' && located?.range) {
      const at = new vscode.Position(located.range.start.line, located.range.start.character);
      await vscode.window.showTextDocument(vscode.Uri.file(located.file), { selection: new vscode.Range(at, at) });
    }
    return false;
  };

  const runVerb = (verb: ComposeFileVerb, forService: boolean) => async (arg?: unknown, second?: unknown) => {
    const doc = await fileOf(arg);
    if (!doc) return;
    const service = forService ? await pickService(doc, second, verb === 'logs' ? 'Show the logs of' : 'Start') : '';
    if (service === undefined) return;
    if (verb === 'up' && (await refuseErrors(doc))) return;
    const what = verb === 'logs' ? 'show Compose logs' : `run Compose ${verb}`;
    if (!(await session.ready(what))) return;
    const found = await compose();
    if (typeof found === 'object') return void vscode.window.showErrorMessage(found.missing);
    const file = doc.uri.fsPath;
    const dir = path.dirname(file);
    const files = composeFilesFor(file, found, (p) => fs.existsSync(p));
    const maps = files.map((f) => composeFileMap(f === file ? doc.getText() : (diskHost.readFile(f) ?? '')));
    let profiles: string[] = [];
    if (verb === 'down') profiles = [...new Set(maps.flatMap((m) => m.profiles))];
    else if (verb === 'up' && !service) {
      const picked = await pickProfiles(doc, maps);
      if (!picked) return;
      profiles = picked;
    }
    const run = composeFileInvocation(
      found,
      { files, projectDirectory: dir, profiles },
      verb,
      service ? [service] : [],
    );
    const name = path.basename(file);

    if (verb === 'logs') {
      vscode.window
        .createTerminal({
          name: `Compose logs: ${service}`,
          shellPath: cliProgram(run.command),
          shellArgs: run.args,
          cwd: dir,
          env: session.cliEnv(),
          iconPath: new vscode.ThemeIcon('output'),
        })
        .show();
      return;
    }
    if (
      verb === 'down' &&
      (await vscode.window.showWarningMessage(
        `Stop and remove the containers and networks of ${name}?`,
        { modal: true, detail: 'Named volumes are kept, and so is their data.' },
        'Down',
      )) !== 'Down'
    )
      return;
    const verbTitle = { up: 'Up', down: 'Down', pull: 'Pull' }[verb];
    const title = `Compose ${verbTitle}${service ? ` ${service}` : ''}: ${name}`;
    if (!(await runWithProgress(run, dir, title, files, maps, verb === 'pull'))) return;
    if (verb === 'up') {
      onUp();
      await afterComposeUp(ctx, explorer, files, title);
    } else void vscode.window.showInformationMessage(`${title}: done.`);
  };

  return {
    'dockside.compose.upFile': runVerb('up', false),
    'dockside.compose.downFile': runVerb('down', false),
    'dockside.compose.pullFile': runVerb('pull', false),
    'dockside.compose.upService': runVerb('up', true),
    'dockside.compose.logsService': runVerb('logs', true),
  };
}

/** An argument as the log shows it: quoted when it has spaces, so the line can be read back. */
const quoteForLog = (arg: string) => (/[\s"']/.test(arg) ? JSON.stringify(arg) : arg);

/** Up, Down and Pull above `services:`; Up and Logs above each service. None in an untrusted workspace. */
class ComposeLenses implements vscode.CodeLensProvider {
  constructor(readonly onDidChangeCodeLenses: vscode.Event<void>) {}

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.isTrusted) return [];
    const map = composeFileMap(doc.getText());
    if (!map.servicesKey) return [];
    const at = (r: { start: { line: number } }) => new vscode.Range(r.start.line, 0, r.start.line, 0);
    const lens = (range: vscode.Range, title: string, command: string, tooltip: string, ...args: unknown[]) =>
      new vscode.CodeLens(range, { title, command, tooltip, arguments: [doc.uri, ...args] });
    const top = at(map.servicesKey);
    return [
      lens(top, '$(play) Up', 'dockside.compose.upFile', 'Start every service in the background (compose up -d)'),
      lens(top, '$(debug-stop) Down', 'dockside.compose.downFile', 'Stop and remove the containers (compose down)'),
      lens(top, '$(cloud-download) Pull', 'dockside.compose.pullFile', 'Download the newest images (compose pull)'),
      ...map.services.flatMap((s) => [
        lens(at(s.key), `$(play) Up ${s.name}`, 'dockside.compose.upService', `Start ${s.name}`, s.name),
        lens(at(s.key), '$(output) Logs', 'dockside.compose.logsService', `Follow the logs of ${s.name}`, s.name),
      ]),
    ];
  }
}
