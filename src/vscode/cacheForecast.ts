import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BuildStep } from '../docker/buildProgress';
import { imageIdLookup, imageIdsSince, type LocalImage } from '../docker/forecast/baseImages';
import { ContextDigests } from '../docker/forecast/contextSnapshot';
import { engineOutcomes } from '../docker/forecast/engineOutcomes';
import { forecastBuild, rememberBuild, type BuildRecord, type Forecast } from '../docker/forecast/forecast';
import { planBuild, type ForecastBuilder } from '../docker/forecast/stepKeys';
import type { Ctx } from '../ctx';
import { DOCKERFILE_SELECTOR } from './dockerfileFeatures';
import type { DockerSession } from './explorer/dockerSession';

/** What is kept per Dockerfile in the workspace state: the build context and the last build's record. */
interface Remembered {
  root: string;
  record: BuildRecord;
}

const STATE_KEY = 'dockside.cacheForecast.builds';

/** A finished build, as the build command knows it. */
export interface FinishedBuild {
  root: string;
  dockerfilePath: string;
  /** The Dockerfile text that was built. */
  text: string;
  builder: ForecastBuilder;
  buildArgs: Record<string, string>;
  target: string;
  steps: readonly BuildStep[];
}

export interface CacheForecast {
  /** Remembers a build that finished without error; the lenses of its Dockerfile refresh. */
  remember(build: FinishedBuild): Promise<void>;
  /**
   * Takes base image ids from the session's model once it is connected (it never connects by itself), so that a lens
   * can say "the base image changed since the last build".
   */
  useSession(session: DockerSession): void;
}

/** The engine's local images while Dockside is connected to it. */
interface EngineImages {
  /** The images now; undefined when not connected. Never starts a connection. */
  images(): Iterable<LocalImage> | undefined;
  readonly onDidChange: vscode.Event<{ kinds: readonly string[] }>;
}

/** The images of the session's model once connected: the forecast never connects to the engine by itself. */
function sessionImages(session: DockerSession): EngineImages {
  return {
    images: () => session.connectedModel()?.images.values(),
    onDidChange: session.onDidChange,
  };
}

const seconds = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10000 ? 0 : 1)} s` : `${Math.round(ms)} ms`);

/**
 * "cached" or "rebuilds: <reason>" above each step of a Dockerfile Dockside has built, as CodeLenses (setting
 * dockside.cacheForecast.enabled). The forecast never builds: it compares the file, the build args and the context
 * now with what the last build used. The context is hashed off the editing path, a slice at a time, and a file is
 * read again only when its mtime, size or mode changed.
 */
export function registerCacheForecast(ctx: Ctx): CacheForecast {
  const changed = new vscode.EventEmitter<void>();
  let engine: EngineImages | undefined;
  /** The base image ids the engine has now, or undefined when it cannot say. */
  const imageIdsNow = () => {
    const images = engine?.images();
    return images ? imageIdLookup(images) : undefined;
  };
  const digests = new Map<string, ContextDigests>();
  const snapshots = new Map<string, Promise<Awaited<ReturnType<ContextDigests['snapshot']>>>>();
  const builds = (): Record<string, Remembered> =>
    ctx.extension.workspaceState.get<Record<string, Remembered>>(STATE_KEY, {});
  const digestsFor = (root: string) => {
    let d = digests.get(root);
    if (!d) digests.set(root, (d = new ContextDigests(root)));
    return d;
  };
  const snapshotFor = (root: string, dockerfile: string) => {
    let s = snapshots.get(root);
    if (!s) {
      s = digestsFor(root).snapshot({ dockerfile });
      snapshots.set(root, s);
    }
    return s;
  };

  const provider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    async provideCodeLenses(doc, token) {
      if (!ctx.setting('cacheForecast.enabled', true) || doc.uri.scheme !== 'file') return [];
      const remembered = builds()[doc.uri.fsPath];
      const top = new vscode.Range(0, 0, 0, 0);
      if (!remembered) return [new vscode.CodeLens(top, { title: 'Cache forecast: no build yet', command: '' })];
      const snapshot = await snapshotFor(remembered.root, doc.uri.fsPath);
      if (token.isCancellationRequested) return [];
      if ('problem' in snapshot)
        return [new vscode.CodeLens(top, { title: `Cache forecast: ${snapshot.problem}`, command: '' })];
      const { record } = remembered;
      const plan = planBuild(doc.getText(), {
        builder: record.builder,
        buildArgs: record.buildArgs,
        target: record.target,
        context: snapshot,
        imageId: imageIdsSince(record, imageIdsNow()),
      });
      if (plan.problem) return [new vscode.CodeLens(top, { title: `Cache forecast: ${plan.problem}`, command: '' })];
      return lensesFor(forecastBuild(plan.steps, record));
    },
  };

  const refresh = (file?: string) => {
    for (const [root, d] of digests) {
      if (file && !file.startsWith(root + path.sep)) continue;
      if (file) d.forget(file);
      snapshots.delete(root);
    }
    changed.fire();
  };

  ctx.subscriptions.push(
    changed,
    vscode.languages.registerCodeLensProvider(DOCKERFILE_SELECTOR, provider),
    vscode.workspace.onDidSaveTextDocument((doc) => refresh(doc.uri.fsPath)),
    vscode.workspace.onDidCreateFiles(() => refresh()),
    vscode.workspace.onDidDeleteFiles(() => refresh()),
    vscode.workspace.onDidRenameFiles(() => refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('dockside.cacheForecast')) changed.fire();
    }),
  );

  return {
    async remember(build) {
      const snapshot = await digestsFor(build.root).snapshot({ dockerfile: build.dockerfilePath });
      if ('problem' in snapshot) {
        ctx.log.info(`Cache forecast: not remembering the build of ${build.dockerfilePath}: ${snapshot.problem}`);
        return;
      }
      const all = builds();
      const plan = planBuild(build.text, {
        builder: build.builder,
        buildArgs: build.buildArgs,
        target: build.target,
        context: snapshot,
        imageId: imageIdsNow(),
      });
      const settings = { builder: build.builder, target: build.target, buildArgs: build.buildArgs };
      const outcomes = engineOutcomes(build.text, build.builder, build.steps);
      const record = rememberBuild(plan.steps, outcomes, settings, all[build.dockerfilePath]?.record);
      await ctx.extension.workspaceState.update(STATE_KEY, {
        ...all,
        [build.dockerfilePath]: { root: build.root, record },
      });
      snapshots.delete(build.root);
      changed.fire();
    },
    useSession(session) {
      const images = sessionImages(session);
      engine = images;
      ctx.subscriptions.push(
        // A pull, a tag or a build moves tags to other ids; connecting or losing the engine changes what is known.
        images.onDidChange(({ kinds }) => {
          if (!kinds.length || kinds.includes('image')) changed.fire();
        }),
      );
      changed.fire();
    },
  };
}

/** One lens per step; the first step that rebuilds also says what the rebuild costs. */
function lensesFor(forecast: Forecast): vscode.CodeLens[] {
  const lenses: vscode.CodeLens[] = [];
  for (const step of forecast.steps) {
    if (step.kind === 'preamble') continue;
    const range = new vscode.Range(step.line, 0, step.line, 0);
    let title: string;
    if (step.verdict === 'cached') title = '$(check) cached';
    else if (step.verdict === 'rebuilds') title = `$(sync) rebuilds: ${step.reason}`;
    else if (step.verdict === 'base') title = `$(package) ${step.reason}`;
    else title = `$(question) ${step.reason}`;
    if (step.line === forecast.firstRebuild) {
      const time = forecast.rebuildMs ? `, about ${seconds(forecast.rebuildMs)} last time` : '';
      title =
        `$(warning) First rebuild: ${forecast.rebuilds} step${forecast.rebuilds === 1 ? '' : 's'} ` +
        `rebuild${forecast.rebuilds === 1 ? 's' : ''}${time}. ${title}`;
    }
    lenses.push(new vscode.CodeLens(range, { title, command: '' }));
  }
  if (forecast.note && forecast.note !== 'no build yet')
    lenses.unshift(
      new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title: `Cache forecast: ${forecast.note}`, command: '' }),
    );
  return lenses;
}
