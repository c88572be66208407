import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../../ctx';
import { resolveEngine, type EngineTarget } from '../../docker/connection';
import { engineAddressUrl } from '../../docker/engineAddress';
import { readLocalFile } from '../../docker/doctor/gather';
import { PortWatch } from '../../docker/doctor/portWatch';
import type { EngineApi } from '../../docker/engineApi';
import { discoverEngines, pingEngine, type EngineChoice } from '../../docker/engineDiscovery';
import { hostPlatform } from '../../docker/hostPlatform';
import { DockerModel, type ModelChange } from '../../docker/model';
import { engineName } from '../../docker/present';
import { maskSecrets } from '../../language/secrets';
import { requireTrust } from '../trust';

type DockerSide = typeof import('../../docker/dockerodeApi');

/** How long an engine found on the machine may take to answer `/_ping` before it is not offered. */
export const PING_TIMEOUT_MS = 1500;

/**
 * How long a command waits for the first connection before it says why it cannot go on: a local engine answers
 * in milliseconds, one over ssh in a second or two; past this the user should hear what is wrong.
 */
export const READY_TIMEOUT_MS = 5000;

/** A wait shorter than this shows no notification: it would only flash. */
const QUIET_WAIT_MS = 300;

/**
 * dockerode (with ssh2, grpc and protobufjs) is bundled apart in dist/docker.js and loaded here on first use, so
 * that opening a Dockerfile never pays for it. The path is computed, so esbuild leaves this require alone.
 */
function loadDockerSide(): DockerSide {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a computed path, loaded on first use
  return require(path.join(__dirname, 'docker.js')) as DockerSide;
}

/**
 * Whether the engine's processes are this machine's (so its /proc tells about them): a local socket on Linux. Any
 * other address may lead to another machine or a virtual machine; gather.ts still checks each pid it reads.
 */
export function engineOnThisMachine(target: EngineTarget | undefined): boolean {
  return target?.address.kind === 'unix' && process.platform === 'linux';
}

/**
 * The connection to one engine and its live model, started when a Docker view or command first needs it, and
 * restarted when the engine settings change.
 */
export class DockerSession implements vscode.Disposable {
  private current: { target: EngineTarget; api: EngineApi; model: DockerModel; ports: PortWatch } | undefined;
  private targetError: string | undefined;
  /**
   * Whether the model's lists are all in. It reports "connected" with the containers, and the images, volumes and
   * networks follow a few milliseconds later; a command that lists images must wait for them.
   */
  private listed = false;
  /** Other engines are offered once per window: a user who declined does not want to be asked on every retry. */
  private offered = false;
  private readonly changed = new vscode.EventEmitter<ModelChange>();
  /** Fired for every model change and connection change. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly ctx: Ctx) {
    ctx.subscriptions.push(
      this,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (this.current && (e.affectsConfiguration('dockside.host') || e.affectsConfiguration('dockside.context')))
          this.restart();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.current && this.restart()),
    );
  }

  get started(): boolean {
    return !!this.current;
  }

  /** The model, connecting on first use. */
  model(): DockerModel | undefined {
    if (!this.current && !this.targetError) this.start();
    return this.current?.model;
  }

  api(): EngineApi | undefined {
    this.model();
    return this.current?.api;
  }

  target(): EngineTarget | undefined {
    this.model();
    return this.current?.target;
  }

  /**
   * The model when the session has started and its engine is connected; undefined otherwise. Never starts the
   * session: for features that use the engine when it is there and must not connect just to ask.
   */
  connectedModel(): (DockerModel & { state: { status: 'connected' } }) | undefined {
    const model = this.current?.model;
    return model?.state.status === 'connected'
      ? (model as DockerModel & { state: { status: 'connected' } })
      : undefined;
  }

  /**
   * Why Docker cannot be used right now, in words (not reachable, an invalid address, still connecting), or
   * undefined when it is connected.
   */
  whyNotConnected(): string | undefined {
    const model = this.model();
    if (this.targetError) return `Dockside cannot tell which engine to use: ${this.targetError}`;
    if (model?.state.status === 'unreachable') return model.state.error;
    if (model?.state.status !== 'connected') return 'Docker is still connecting; try again in a moment.';
    return undefined;
  }

  /**
   * Starts the connection when nothing has yet, and waits (a notification after a moment, at most
   * READY_TIMEOUT_MS) until the first attempt has an answer. The Docker side loads on first use, so the first
   * command in a fresh window would otherwise find it still connecting.
   */
  async settle(): Promise<void> {
    const model = this.model();
    if (!model) return;
    const waiting = () =>
      this.current?.model === model &&
      (model.state.status === 'connecting' || (model.state.status === 'connected' && !this.listed));
    if (!waiting()) return;
    const answered = this.until(() => !waiting(), READY_TIMEOUT_MS);
    const quick = await Promise.race([
      answered.then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), QUIET_WAIT_MS)),
    ]);
    if (quick) return;
    const label = this.current?.target.label ?? 'Docker';
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Connecting to ${label}…` },
      () => answered,
    );
  }

  /**
   * `check()`'s first truthy result, tried now and after every model or connection change, or undefined once `ms`
   * have passed: how a command waits for what the engine's events will show.
   */
  until<T>(check: () => T | undefined | false, ms: number): Promise<T | undefined> {
    const now = check();
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(undefined), ms);
      const listener = this.onDidChange(() => {
        const value = check();
        if (value) finish(value);
      });
      function finish(value: T | undefined) {
        clearTimeout(timer);
        listener.dispose();
        resolve(value);
      }
    });
  }

  /**
   * The connected model and API for a command, after waiting for the first connection (see `settle`); or
   * undefined after telling the user why there is none.
   */
  async ready(action?: string): Promise<{ model: DockerModel; api: EngineApi } | undefined> {
    if (action && !requireTrust(action)) return undefined;
    await this.settle();
    if (this.current?.model.state.status === 'connecting') {
      const why =
        `${this.current.target.label} did not answer within ${READY_TIMEOUT_MS / 1000} seconds. ` +
        'Check that the Docker engine is running, or choose another one.';
      void vscode.window.showErrorMessage(action ? `Cannot ${action}: ${why}` : why);
      return undefined;
    }
    return this.connected(action);
  }

  /** The connected model and API for a command, or undefined after telling the user why there is none. */
  connected(action?: string): { model: DockerModel; api: EngineApi } | undefined {
    // Every engine command also refuses at its registration; this catches any path that reaches here first.
    if (action && !requireTrust(action)) return undefined;
    const why = this.whyNotConnected();
    if (why || !this.current) {
      void vscode.window.showErrorMessage(action ? `Cannot ${action}: ${why}` : (why ?? 'Docker is not reachable.'));
      return undefined;
    }
    return { model: this.current.model, api: this.current.api };
  }

  /** Why no engine could even be addressed (a bad `dockside.host`), if so. */
  get configurationError(): string | undefined {
    return this.targetError;
  }

  /** Environment for a `docker` CLI process that must talk to the same engine. */
  cliEnv(): Record<string, string> {
    return this.target()?.cliEnv ?? {};
  }

  /** Makes Dockside use an address (`dockside.host`) or a context (`dockside.context`), or neither, and reconnects. */
  async useEngine(host: string, context: string): Promise<void> {
    const config = vscode.workspace.getConfiguration('dockside');
    await config.update('host', host || undefined, vscode.ConfigurationTarget.Global);
    await config.update('context', context || undefined, vscode.ConfigurationTarget.Global);
    this.restart();
  }

  restart(): void {
    this.stop();
    this.targetError = undefined;
    this.start();
    this.changed.fire({ kinds: ['container', 'image', 'volume', 'network'] });
  }

  private start(): void {
    let target: EngineTarget;
    try {
      const trusted = vscode.workspace.isTrusted;
      target = resolveEngine({
        setting: trusted ? this.ctx.setting<string>('host', '') : undefined,
        context: trusted ? this.ctx.setting<string>('context', '') : undefined,
      });
    } catch (err) {
      this.targetError = (err as Error).message;
      void vscode.commands.executeCommand('setContext', 'dockside.engineState', 'unreachable');
      void vscode.commands.executeCommand('setContext', 'dockside.engineProblem', 'invalid-address');
      return;
    }
    const started = performance.now();
    const side = loadDockerSide();
    this.ctx.log.info(
      maskSecrets(
        `Docker side loaded in ${(performance.now() - started).toFixed(0)} ms; ` +
          `engine ${target.label} (${target.source})`,
      ),
    );
    if (target.missing) this.ctx.log.warn(target.missing);
    const api = side.createDockerodeApi(target.options, target.label);
    const model = new DockerModel(api);
    this.listed = false;
    model.onDidChange((change) => {
      if (model.state.status !== 'connected') this.listed = false;
      else if (change.kinds.includes('image')) this.listed = true;
      void vscode.commands.executeCommand('setContext', 'dockside.engineState', model.state.status);
      void vscode.commands.executeCommand(
        'setContext',
        'dockside.engineProblem',
        model.state.status === 'unreachable' ? model.state.problem : '',
      );
      this.changed.fire(change);
    });
    const ports = new PortWatch(model, api, engineOnThisMachine(target) ? { readHostFile: readLocalFile } : {});
    this.current = { target, api, model, ports };
    void vscode.commands.executeCommand('setContext', 'dockside.engineState', 'connecting');
    void model.start().then(() => {
      if (model.state.status === 'connected')
        this.ctx.log.info(
          maskSecrets(
            `Connected to ${engineName(model.state.version)} (API ${model.state.version?.apiVersion ?? '?'}) ` +
              `at ${target.label}`,
          ),
        );
      else if (model.state.status === 'unreachable') {
        this.ctx.log.warn(maskSecrets(model.state.error));
        if (target.origin === 'default') void this.offerOtherEngines(target, model.state.error);
      }
    });
  }

  /**
   * When the platform's default engine is not there, says so once and offers the engines found on the machine
   * that answer a ping (Docker Desktop's socket, Colima, OrbStack…). Nothing is switched without the user: which
   * engine they meant is theirs to say.
   */
  private async offerOtherEngines(target: EngineTarget, why: string): Promise<void> {
    if (this.offered || !vscode.workspace.isTrusted) return;
    this.offered = true;
    const platform = hostPlatform();
    const here = engineAddressUrl(target.address);
    const candidates = discoverEngines({ platform }).filter((c) => c.address && !c.problem && c.url !== here);
    const pinged = await Promise.all(
      candidates.map(async (c) => ({ c, ping: await pingEngine(c.address!, PING_TIMEOUT_MS, platform) })),
    );
    const working = pinged.filter((p) => p.ping.ok).map((p) => p.c);
    for (const p of pinged) if (!p.ping.ok && !p.ping.absent) this.ctx.log.info(`${p.c.label}: ${p.ping.reason}`);
    // With nothing else answering, the explorer's own message says what to do; a missing socket is still worth saying.
    if (!working.length && !target.missing) return;
    const name = (c: EngineChoice) => c.product ?? c.label;
    const found = working.length
      ? ` Found on this machine and answering: ${working.map(name).join(', ')}.`
      : platform.os === 'darwin'
        ? ' No other engine answers on this Mac: start Docker Desktop, Colima, OrbStack or Rancher Desktop.'
        : ' No other engine answers on this machine.';
    const buttons = working.slice(0, 2).map((c) => `Use ${name(c)}`);
    const choose = 'Choose Engine…';
    const pick = await vscode.window.showWarningMessage(`${target.missing ?? why}${found}`, ...buttons, choose);
    if (pick === choose) await vscode.commands.executeCommand('dockside.engine.choose');
    else if (pick) {
      const c = working[buttons.indexOf(pick)];
      if (c) await this.useEngine(c.context ? '' : c.url, c.context ?? '');
    }
  }

  private stop(): void {
    this.current?.ports.dispose();
    this.current?.model.dispose();
    this.current?.api.close();
    this.current = undefined;
  }

  dispose(): void {
    this.stop();
    this.changed.dispose();
  }
}
