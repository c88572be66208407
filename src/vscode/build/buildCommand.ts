import * as path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import * as vscode from 'vscode';
import type { Ctx } from '../../ctx';
import { defaultTag, measureLeftOut, parseBuildArgs, type ContextSummary } from '../../docker/buildContext';
import { packContext } from '../../docker/contextPack';
import { applyBuildMessage, newBuildState, stepLine } from '../../docker/buildProgress';
import { throttle } from '../../docker/throttle';
import { DOCKERFILE_LABEL, dockerfileLabelValue } from '../../docker/dockerfileLabel';
import { formatBytes } from '../../docker/present';
import type { DockerSession } from '../explorer/dockerSession';

interface BuildAnswers {
  tag: string;
  buildArgs: string;
  target: string;
}

/**
 * "Dockside: Build Image": asks for the tag, build args (prefilled from the file's ARGs) and the target stage,
 * remembers the answers per Dockerfile, shows what the context holds before sending it, follows the build step by
 * step (cached or running) in a cancellable notification and an output channel, and puts a failing step's error
 * on its Dockerfile line.
 */
export function registerBuild(ctx: Ctx, session: DockerSession): void {
  const output = vscode.window.createOutputChannel('Dockside Build');
  const diagnostics = vscode.languages.createDiagnosticCollection('dockside-build');
  ctx.subscriptions.push(output, diagnostics);

  const build = async (arg?: vscode.Uri) => {
    const uri =
      arg instanceof vscode.Uri
        ? arg
        : vscode.window.activeTextEditor?.document.languageId === 'dockerfile'
          ? vscode.window.activeTextEditor.document.uri
          : await vscode.workspace
              .findFiles('**/{Dockerfile,*.Dockerfile,Dockerfile.*}', '**/node_modules/**', 20)
              .then((found) => pickDockerfile(found));
    if (!uri) return;
    const docker = session.connected('build');
    if (!docker) return;
    const { api } = docker;
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.isDirty) await doc.save();
    const text = doc.getText();
    const dockerfile = DockerfileParser.parse(text);
    const instructionLines = dockerfile.getInstructions().map((i) => i.getRange().start.line);
    const key = `dockside.build:${uri.toString()}`;
    const remembered = ctx.extension.workspaceState.get<BuildAnswers>(key);
    const folder = path.dirname(uri.fsPath);

    const tag = await vscode.window.showInputBox({
      title: 'Build Image (1/3): tag',
      prompt: 'name:tag for the image',
      value: remembered?.tag ?? defaultTag(path.basename(folder)),
      validateInput: (v) =>
        /^[a-z0-9]([a-z0-9._/:-]*[a-z0-9])?(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$/.test(v.trim())
          ? undefined
          : 'Use lower-case letters, digits, and . _ - / : (for example web:dev).',
    });
    if (tag === undefined) return;
    const args = dockerfile
      .getInstructions()
      .filter((i) => i.getKeyword() === 'ARG')
      .map((i) => i.getArgumentsContent() ?? '')
      .filter(Boolean);
    let buildArgs = remembered?.buildArgs ?? args.map((a) => (a.includes('=') ? a : `${a}=`)).join(' ');
    if (args.length) {
      const answer = await vscode.window.showInputBox({
        title: 'Build Image (2/3): build args',
        prompt: 'NAME=value pairs for the ARGs (leave a value empty to use the default)',
        value: buildArgs,
      });
      if (answer === undefined) return;
      buildArgs = answer;
    }
    const stages = dockerfile
      .getFROMs()
      .map((f) => f.getBuildStage())
      .filter((s): s is string => !!s);
    let target = remembered?.target ?? '';
    if (stages.length > 1) {
      const pick = await vscode.window.showQuickPick(
        [{ label: 'The final stage', value: '' }, ...stages.map((s) => ({ label: s, value: s }))],
        { title: 'Build Image (3/3): target stage' },
      );
      if (!pick) return;
      target = pick.value;
    }
    await ctx.extension.workspaceState.update(key, { tag: tag.trim(), buildArgs, target } satisfies BuildAnswers);

    // Packing starts now, beside the walk; nothing reaches the engine until the summary has been shown.
    const pack = packContext(folder, { dockerfile: uri.fsPath });
    let summary: ContextSummary;
    try {
      summary = await pack.summary;
    } catch (err) {
      return void vscode.window.showErrorMessage(`Build: ${(err as Error).message}`);
    }
    const largest = summary.largest.map((e) => `${e.path} ${formatBytes(e.bytes)}`).join(', ');
    output.clear();
    output.show(true);
    output.appendLine(
      `Building ${vscode.workspace.asRelativePath(uri)} as ${tag.trim()} with the engine's classic builder (Engine API) at ${session.target()?.label}.`,
    );
    output.appendLine(
      `Context: ${summary.files.length} files, ${formatBytes(summary.bytes)}${largest ? ` (largest: ${largest})` : ''}.`,
    );
    if (summary.bytes > 100e6) {
      const go = await vscode.window.showWarningMessage(
        `The build context is ${formatBytes(summary.bytes)} (largest: ${largest}). Every build sends all of it to the engine.`,
        {
          modal: true,
          detail:
            'A .dockerignore that leaves out dependencies, build output and version-control folders makes builds faster.',
        },
        'Build Anyway',
        'Open Lesson',
      );
      if (go !== 'Build Anyway') pack.cancel();
      if (go === 'Open Lesson') return void vscode.commands.executeCommand('dockside.openLesson', 'dockerignore');
      if (go !== 'Build Anyway') return;
    }
    // What .dockerignore leaves out is added up while the context is sent. The build log waits for that line, but
    // not for long: a huge node_modules takes seconds to add up, and then the line comes when it is ready.
    const held: string[] = [];
    let holding = true;
    const release = () => {
      if (!holding) return;
      holding = false;
      output.append(held.join(''));
      held.length = 0;
    };
    const leftOut = (summary.patterns.length ? measureLeftOut(summary) : Promise.resolve(undefined))
      .then((left) => {
        const excluded = left?.largest
          .filter((e) => e.bytes > 0)
          .map((e) => `${e.path} ${formatBytes(e.bytes)}`)
          .join(', ');
        output.appendLine(
          left
            ? `${holding ? '' : '\n'}.dockerignore leaves out ${left.files} files, ${formatBytes(left.bytes)}${excluded ? ` (${excluded})` : ''}.`
            : 'No .dockerignore: everything in the folder is sent.',
        );
      })
      .catch(() => undefined)
      .finally(release);
    const holdTimer = setTimeout(release, 500);
    void leftOut.finally(() => clearTimeout(holdTimer));
    const log = (text: string) => (holding ? held.push(text) : output.append(text));

    diagnostics.delete(uri);
    const state = newBuildState();
    const started = Date.now();
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Building ${tag.trim()}`, cancellable: true },
      async (progress, token) => {
        progress.report({ message: `sending ${formatBytes(summary.bytes)} of context` });
        // At most ten updates a second, the newest always shown.
        const updates = throttle<string>((message) => progress.report({ message }));
        let run: { cancel(): void; done: Promise<void> };
        try {
          run = await api.build(
            pack.stream,
            {
              tag: tag.trim(),
              dockerfile: dockerfileLabelValue(folder, uri.fsPath),
              buildargs: parseBuildArgs(buildArgs),
              ...(target ? { target } : {}),
              labels: { [DOCKERFILE_LABEL]: dockerfileLabelValue(folder, uri.fsPath) },
            },
            (m) => {
              const textOut = applyBuildMessage(state, m);
              if (textOut) log(textOut);
              const step = state.steps[state.steps.length - 1];
              if (step)
                updates.push(
                  `step ${step.number}/${step.total}${step.cached ? ' (cached)' : ''}: ${step.instruction.slice(0, 60)}`,
                );
            },
          );
        } catch (err) {
          pack.cancel();
          state.error = { message: (err as Error).message };
          return;
        }
        token.onCancellationRequested(() => run.cancel());
        await run.done.catch((err: Error) => (state.error ??= { message: err.message }));
        updates.dispose();
        if (token.isCancellationRequested && !state.imageId) state.error ??= { message: 'cancelled' };
      },
    );

    // The build's own last lines come after everything it logged (the left-out line may still be on its way).
    clearTimeout(holdTimer);
    release();
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const cached = state.steps.filter((s) => s.cached).length;
    if (state.error) {
      output.appendLine(
        `\nThe build failed after ${seconds} s${state.error.step ? ` at step ${state.error.step}` : ''}.`,
      );
      if (state.error.message === 'cancelled') return void vscode.window.showInformationMessage('Build cancelled.');
      const line = state.error.step ? stepLine(instructionLines, state.error.step) : undefined;
      if (line !== undefined) {
        const d = new vscode.Diagnostic(
          doc.lineAt(line).range,
          `The build failed here: ${state.error.message}`,
          vscode.DiagnosticSeverity.Error,
        );
        d.source = 'Dockside build';
        d.code = {
          value: 'BUILD',
          target: vscode.Uri.parse(
            `command:dockside.openLesson?${encodeURIComponent(JSON.stringify(['layers-and-cache']))}`,
          ),
        };
        diagnostics.set(uri, [d]);
      }
      const choice = await vscode.window.showErrorMessage(
        `The build of ${tag.trim()} failed${line !== undefined ? ` at line ${line + 1}` : ''}: ${state.error.message}`,
        ...(line !== undefined ? ['Go to Line'] : []),
        'Show Log',
      );
      if (choice === 'Show Log') output.show();
      if (choice === 'Go to Line' && line !== undefined)
        await vscode.window.showTextDocument(doc, { selection: doc.lineAt(line).range });
      return;
    }
    output.appendLine(`\nBuilt ${tag.trim()} in ${seconds} s: ${state.steps.length} steps, ${cached} from the cache.`);
    void vscode.commands.executeCommand('dockside.walkthrough.markBuilt', dockerfile.getFROMs().length > 1);
    const next = await vscode.window.showInformationMessage(
      `Built ${tag.trim()} in ${seconds} s (${cached} of ${state.steps.length} steps from the cache).`,
      'Run…',
      'Show Layers',
      'Push…',
    );
    const image = state.imageId
      ? [...(session.model()?.images.values() ?? [])].find((i) => i.id.includes(state.imageId!))
      : undefined;
    const node = image ? { kind: 'image', item: image, users: [] } : undefined;
    if (next === 'Show Layers') await vscode.commands.executeCommand('dockside.showLayers', node);
    if (next === 'Run…') await vscode.commands.executeCommand('dockside.runImage', tag.trim());
    if (next === 'Push…') await vscode.commands.executeCommand('dockside.image.push', node);
  };

  ctx.subscriptions.push(
    vscode.commands.registerCommand('dockside.buildImage', (arg?: vscode.Uri) =>
      build(arg).catch((err) => vscode.window.showErrorMessage(`Build: ${(err as Error).message}`)),
    ),
    vscode.languages.registerCodeLensProvider(
      { language: 'dockerfile', scheme: 'file' },
      {
        provideCodeLenses(doc) {
          const line = doc
            .getText()
            .split(/\r?\n/)
            .findIndex((l) => /^\s*FROM\s/i.test(l));
          return line < 0
            ? []
            : [
                new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
                  title: '$(package) Build Image',
                  command: 'dockside.buildImage',
                  arguments: [doc.uri],
                }),
              ];
        },
      },
    ),
  );
}

async function pickDockerfile(found: vscode.Uri[]): Promise<vscode.Uri | undefined> {
  if (found.length === 0) return void vscode.window.showInformationMessage('There is no Dockerfile in this workspace.');
  if (found.length === 1) return found[0];
  return (
    await vscode.window.showQuickPick(
      found.map((u) => ({ label: vscode.workspace.asRelativePath(u), u })),
      { placeHolder: 'Build which Dockerfile?' },
    )
  )?.u;
}
