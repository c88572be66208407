import * as path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import * as vscode from 'vscode';
import type { Ctx } from '../../ctx';
import { defaultTag, measureLeftOut, parseBuildArgs, type ContextSummary } from '../../docker/buildContext';
import { packContext } from '../../docker/contextPack';
import {
  applyBuildMessage,
  failureLine,
  newBuildState,
  progressMessage,
  type BuildState,
} from '../../docker/buildProgress';
import { explainBuildError, type Builder } from '../../docker/buildkit/builderChoice';
import { secretMounts, type SecretMount } from '../../docker/buildkit/mounts';
import { runBuild } from '../../docker/buildkit/runBuild';
import {
  checkSecretSources,
  describeSource,
  type SecretSource,
  type SecretSources,
} from '../../docker/buildkit/secretSources';
import { buildkitStepLine } from '../../docker/buildkit/steps';
import {
  frontendUnavailableMessage,
  isFrontendUnavailable,
  syntaxDirective,
} from '../../docker/buildkit/syntaxDirective';
import { throttle } from '../../docker/throttle';
import { DOCKERFILE_LABEL, dockerfileLabelValue } from '../../docker/dockerfileLabel';
import { formatBytes } from '../../docker/present';
import type { CacheForecast } from '../cacheForecast';
import type { DockerSession } from '../explorer/dockerSession';
import type { CommandTable } from '../../commands';

/** What Build Image remembers per Dockerfile: never a secret's value, only where it comes from. */
interface BuildAnswers {
  tag: string;
  buildArgs: string;
  target: string;
  secrets?: SecretSources;
}

const BUILTIN_FRONTEND = 'Build Once with the Built-in Frontend';

/**
 * "Dockside: Build Image": asks for the tag, build args (prefilled from the file's ARGs), the target stage and
 * where each mounted secret comes from, remembers the answers per Dockerfile, shows what the context holds before
 * sending it, builds with BuildKit (or the classic builder, see runBuild.ts), follows the steps in a cancellable
 * notification and an output channel, and puts a failing step's error (and BuildKit's warnings) on their lines.
 */
export function registerBuild(ctx: Ctx, session: DockerSession, forecast?: CacheForecast): CommandTable {
  const output = vscode.window.createOutputChannel('Dockside Build');
  const diagnostics = vscode.languages.createDiagnosticCollection('dockside-build');
  ctx.subscriptions.push(output, diagnostics);

  const ask = async (uri: vscode.Uri, text: string): Promise<BuildAnswers | undefined> => {
    const dockerfile = DockerfileParser.parse(text);
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
    if (tag === undefined) return undefined;
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
      if (answer === undefined) return undefined;
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
      if (!pick) return undefined;
      target = pick.value;
    }
    const secrets: SecretSources = {};
    for (const mount of secretMounts(text)) {
      const source = await askSecretSource(mount, remembered?.secrets?.[mount.id], folder);
      if (!source) return undefined;
      secrets[mount.id] = source;
    }
    const answers: BuildAnswers = {
      tag: tag.trim(),
      buildArgs,
      target,
      ...(Object.keys(secrets).length ? { secrets } : {}),
    };
    await ctx.extension.workspaceState.update(key, answers);
    return answers;
  };

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
    if (!(await session.ready('build'))) return;
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.isDirty) await doc.save();
    const answers = await ask(uri, doc.getText());
    if (!answers) return;
    const problems = await checkSecretSources(answers.secrets ?? {});
    if (problems.length) return void vscode.window.showErrorMessage(`Build: ${problems.join(' ')}`);
    await buildOnce(doc, answers, false);
  };

  const buildOnce = async (
    doc: vscode.TextDocument,
    answers: BuildAnswers,
    builtinFrontend: boolean,
  ): Promise<void> => {
    const docker = session.connected('build');
    if (!docker) return;
    const { uri } = doc;
    const text = doc.getText();
    const instructionLines = DockerfileParser.parse(text)
      .getInstructions()
      .map((i) => i.getRange().start.line);
    const folder = path.dirname(uri.fsPath);
    const { tag } = answers;

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
      `Building ${vscode.workspace.asRelativePath(uri)} as ${tag} (Engine API at ${session.target()?.label}).`,
    );
    output.appendLine(
      `Context: ${summary.files.length} files, ${formatBytes(summary.bytes)}` +
        `${largest ? ` (largest: ${largest})` : ''}.`,
    );
    for (const [id, source] of Object.entries(answers.secrets ?? {}))
      output.appendLine(`Secret "${id}": from ${describeSource(source)}.`);
    if (summary.bytes > 100e6) {
      const go = await vscode.window.showWarningMessage(
        `The build context is ${formatBytes(summary.bytes)} (largest: ${largest}). ` +
          'Every build sends all of it to the engine.',
        {
          modal: true,
          detail:
            'A .dockerignore that leaves out dependencies, build output and version-control folders ' +
            'makes builds faster.',
        },
        'Build Anyway',
        'Open Lesson',
      );
      if (go !== 'Build Anyway') {
        // Nobody reads the stream now: the error it ends with is expected.
        pack.stream.on('error', () => undefined);
        pack.cancel();
      }
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
            ? `${holding ? '' : '\n'}.dockerignore leaves out ${left.files} files, ${formatBytes(left.bytes)}` +
                `${excluded ? ` (${excluded})` : ''}.`
            : 'No .dockerignore: everything in the folder is sent.',
        );
      })
      .catch(() => undefined)
      .finally(release);
    const holdTimer = setTimeout(release, 500);
    void leftOut.finally(() => clearTimeout(holdTimer));
    const log = (line: string) => (holding ? held.push(line) : output.append(line));

    diagnostics.delete(uri);
    const state = newBuildState();
    const started = Date.now();
    let cancelled = false;
    let ranWith: Builder | undefined;
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Building ${tag}`, cancellable: true },
      async (progress, token) => {
        progress.report({ message: `sending ${formatBytes(summary.bytes)} of context` });
        // At most ten updates a second, the newest always shown.
        const updates = throttle<string>((message) => progress.report({ message }));
        try {
          const run = await runBuild(
            docker.api,
            {
              root: folder,
              dockerfilePath: uri.fsPath,
              pack,
              setting: ctx.setting<string>('build.builder', 'buildkit'),
              builtinFrontend,
              ...(answers.secrets ? { secrets: answers.secrets } : {}),
              options: {
                tag,
                dockerfile: dockerfileLabelValue(folder, uri.fsPath),
                buildargs: parseBuildArgs(answers.buildArgs),
                ...(answers.target ? { target: answers.target } : {}),
                labels: { [DOCKERFILE_LABEL]: dockerfileLabelValue(folder, uri.fsPath) },
              },
            },
            (m) => {
              const textOut = applyBuildMessage(state, m);
              if (textOut) log(textOut);
              const message = progressMessage(state);
              if (message) updates.push(message);
            },
          );
          const frontend = builtinFrontend
            ? ", with the engine's built-in Dockerfile frontend (the # syntax= line left out)"
            : '';
          ranWith = run.builder;
          const builder = run.builder === 'buildkit' ? 'BuildKit' : 'the classic builder';
          log(`Builder: ${builder}, because ${run.why}${frontend}.\n`);
          for (const note of run.notes) log(`${note}\n`);
          if (token.isCancellationRequested) {
            cancelled = true;
            run.run.cancel();
          }
          token.onCancellationRequested(() => {
            cancelled = true;
            run.run.cancel();
          });
          await run.run.done.catch((err: Error) => (state.error ??= { message: err.message }));
        } catch (err) {
          pack.cancel();
          state.error = { message: (err as Error).message };
        } finally {
          updates.dispose();
        }
      },
    );

    // The build's own last lines come after everything it logged (the left-out line may still be on its way).
    clearTimeout(holdTimer);
    release();
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const cached = state.steps.filter((s) => s.cached).length;
    publishWarnings(doc, text, state);
    if (state.error) {
      output.appendLine(`\nThe build failed after ${seconds} s.`);
      if (cancelled) return void vscode.window.showInformationMessage('Build cancelled: the engine stopped it.');
      const directive = syntaxDirective(text);
      if (!builtinFrontend && isFrontendUnavailable(directive, state.error.message, state.error.vertex)) {
        const words = frontendUnavailableMessage(directive!, state.error.message);
        output.appendLine(words);
        setDiagnostics(doc, directive!.line, words, vscode.DiagnosticSeverity.Error, 'dockerfile-syntax');
        const choice = await vscode.window.showErrorMessage(words, BUILTIN_FRONTEND, 'Show Log');
        if (choice === 'Show Log') output.show();
        if (choice === BUILTIN_FRONTEND) await buildOnce(doc, answers, true);
        return;
      }
      const message = explainBuildError(state.error.message);
      const line = failureLine(text, instructionLines, state);
      if (line !== undefined)
        setDiagnostics(
          doc,
          line,
          `The build failed here: ${message}`,
          vscode.DiagnosticSeverity.Error,
          'layers-and-cache',
        );
      const choice = await vscode.window.showErrorMessage(
        `The build of ${tag} failed${line !== undefined ? ` at line ${line + 1}` : ''}: ${message}`,
        ...(line !== undefined ? ['Go to Line'] : []),
        'Show Log',
      );
      if (choice === 'Show Log') output.show();
      if (choice === 'Go to Line' && line !== undefined)
        await vscode.window.showTextDocument(doc, { selection: doc.lineAt(line).range });
      return;
    }
    output.appendLine(`\nBuilt ${tag} in ${seconds} s: ${state.steps.length} steps, ${cached} from the cache.`);
    // The cache forecast learns what this build made, so the CodeLenses can say what the next one will reuse.
    if (ranWith)
      void forecast?.remember({
        root: folder,
        dockerfilePath: uri.fsPath,
        text,
        builder: ranWith,
        buildArgs: parseBuildArgs(answers.buildArgs),
        target: answers.target ?? '',
        steps: state.steps,
      });
    void vscode.commands.executeCommand(
      'dockside.walkthrough.markBuilt',
      DockerfileParser.parse(text).getFROMs().length > 1,
    );
    const next = await vscode.window.showInformationMessage(
      `Built ${tag} in ${seconds} s (${cached} of ${state.steps.length} steps from the cache).`,
      'Run…',
      'Show Layers',
      'Push…',
    );
    const image = state.imageId
      ? [...(session.model()?.images.values() ?? [])].find((i) => i.id.includes(state.imageId!))
      : undefined;
    const node = image ? { kind: 'image', item: image, users: [] } : undefined;
    if (next === 'Show Layers') await vscode.commands.executeCommand('dockside.showLayers', node);
    if (next === 'Run…') await vscode.commands.executeCommand('dockside.runImage', tag);
    if (next === 'Push…') await vscode.commands.executeCommand('dockside.image.push', node);
  };

  /** Adds one diagnostic for this build (warnings may already be there). */
  const setDiagnostics = (
    doc: vscode.TextDocument,
    line: number,
    message: string,
    severity: vscode.DiagnosticSeverity,
    lesson: string,
  ) => {
    const d = new vscode.Diagnostic(doc.lineAt(Math.min(line, doc.lineCount - 1)).range, message, severity);
    d.source = 'Dockside build';
    d.code = {
      value: 'BUILD',
      target: vscode.Uri.parse(`command:dockside.openLesson?${encodeURIComponent(JSON.stringify([lesson]))}`),
    };
    diagnostics.set(doc.uri, [...(diagnostics.get(doc.uri) ?? []), d]);
  };

  /** BuildKit's warnings (build checks, on engines that run them) on their lines, or their step's line. */
  const publishWarnings = (doc: vscode.TextDocument, text: string, state: BuildState) => {
    const found: vscode.Diagnostic[] = [];
    for (const w of state.warnings) {
      const stepLine = w.step
        ? buildkitStepLine(text, { stage: w.step.stage ?? '', number: w.step.number, total: w.step.total })
        : undefined;
      const line = w.range?.startLine ?? stepLine;
      if (line === undefined || line < 0 || line >= doc.lineCount) continue;
      const range =
        w.range && w.range.endLine >= w.range.startLine
          ? new vscode.Range(
              w.range.startLine,
              w.range.startCharacter,
              Math.min(w.range.endLine, doc.lineCount - 1),
              w.range.endCharacter || doc.lineAt(line).range.end.character,
            )
          : doc.lineAt(line).range;
      const d = new vscode.Diagnostic(
        range,
        `BuildKit: ${w.message}${w.detail.length ? ` ${w.detail.join(' ')}` : ''}`,
        vscode.DiagnosticSeverity.Warning,
      );
      d.source = 'Dockside build';
      d.code = w.url ? { value: 'BUILDKIT', target: vscode.Uri.parse(w.url) } : 'BUILDKIT';
      found.push(d);
    }
    diagnostics.set(doc.uri, found);
  };

  const lensesChanged = new vscode.EventEmitter<void>();
  ctx.subscriptions.push(
    lensesChanged,
    // The lens is hidden until the workspace is trusted; it appears as soon as it is.
    vscode.workspace.onDidGrantWorkspaceTrust(() => lensesChanged.fire()),
    vscode.languages.registerCodeLensProvider(
      { language: 'dockerfile', scheme: 'file' },
      {
        onDidChangeCodeLenses: lensesChanged.event,
        provideCodeLenses(doc) {
          if (!vscode.workspace.isTrusted) return [];
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
  // A build runs the Dockerfile's RUN steps on the engine: ENGINE_COMMANDS refuses it in an untrusted workspace.
  return {
    'dockside.buildImage': (arg?: vscode.Uri) =>
      build(arg).catch((err: unknown) => {
        throw new Error(`Build: ${err instanceof Error ? err.message : String(err)}`);
      }),
  };
}

/**
 * Where the value of a mounted secret comes from: a file, a variable of VS Code's environment, or nothing when the
 * mount is not required. The last choice for this Dockerfile comes first. Only the path or the name is kept.
 */
async function askSecretSource(
  mount: SecretMount,
  last: SecretSource | undefined,
  folder: string,
): Promise<SecretSource | undefined> {
  type Item = vscode.QuickPickItem & { choose: () => Promise<SecretSource | undefined> };
  const lines = mount.lines.map((l) => l + 1).join(', ');
  const title = `Build Image: where does the secret "${mount.id}" come from? (line ${lines})`;
  const items: Item[] = [];
  if (last && (last.kind !== 'omit' || !mount.required))
    items.push({ label: `$(history) ${describeSource(last)}`, description: 'as last time', choose: async () => last });
  items.push({
    label: '$(file) From a file…',
    description: 'read when the step runs',
    choose: async () => {
      const picked = await vscode.window.showOpenDialog({
        title: `The file that holds the secret "${mount.id}"`,
        openLabel: 'Use as Secret',
        canSelectFiles: true,
        canSelectFolders: false,
        canSelectMany: false,
        defaultUri: vscode.Uri.file(last?.kind === 'file' ? last.path : folder),
      });
      return picked?.[0] ? { kind: 'file', path: picked[0].fsPath } : undefined;
    },
  });
  items.push({
    label: "$(symbol-variable) From an environment variable of VS Code's process…",
    choose: async () => {
      const name = await vscode.window.showInputBox({
        title: `The variable that holds the secret "${mount.id}"`,
        prompt:
          'A variable VS Code was started with; its value is read when the step runs and is never shown or stored.',
        value: last?.kind === 'env' ? last.name : mount.id.toUpperCase().replace(/[^A-Z0-9_]/g, '_'),
        validateInput: (v) =>
          !/^[A-Za-z_][A-Za-z0-9_]*$/.test(v.trim())
            ? 'A variable name: letters, digits and _.'
            : process.env[v.trim()] === undefined
              ? `VS Code's process has no variable ${v.trim()}.`
              : undefined,
      });
      return name ? { kind: 'env', name: name.trim() } : undefined;
    },
  });
  if (!mount.required)
    items.push({
      label: '$(circle-slash) Leave it out',
      description: 'the mount is not required: the step runs without it',
      choose: async () => ({ kind: 'omit' }),
    });
  const pick = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: 'It reaches the build step only: not the image, the log or the settings.',
    ignoreFocusOut: true,
  });
  return pick?.choose();
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
