/**
 * The shared setup of the suites that run the Docker model against the real engine. Called inside a `describe`
 * body, `modelSuite('faults', { proxy: true })` registers the suite's mocha hooks and returns typed access to:
 * the engine; with `proxy: true`, a fault-injecting proxy new for each test, and an api through it, also new for
 * each test (without it, one api straight to the engine for the whole suite); the test's model; and a creator of
 * containers labelled `dockside.<label>=<tag>`. After each test the models and whatever the test handed to `track`
 * are disposed, the api and proxy of the test closed, and every container and volume with that label removed.
 */
import * as assert from 'node:assert/strict';
import type Docker from 'dockerode';
import type { EngineApi } from '../../src/docker/engineApi';
import { DockerModel, type DockerModelOptions } from '../../src/docker/model';
import type { ContainerItem } from '../../src/docker/types';
import { requireEngine, TEST_IMAGE, type TestEngine } from './dockerEngine';
import { apiFor } from './dockerModel';
import { startFaultProxy, type FaultProxy } from './faultProxy';

/** Something a test makes that must not outlive it: a watch on the model, another model or api. */
export type Disposable = { dispose(): unknown } | { close(): unknown };

export interface ModelSuite {
  readonly engine: TestEngine;
  /** Through the proxy (new for each test) when there is one, else straight to the engine (one for the suite). */
  readonly api: EngineApi;
  /**
   * The test's model, made by `connected()` or assigned by the test itself; reading it before either fails.
   * Every model the test assigns is disposed when it ends.
   */
  model: DockerModel;
  /** Unique to this run of the suite: in the label of what it creates, and at the end of the names. */
  readonly tag: string;
  /** The suite's label, `{ 'dockside.<label>': tag }`, for what a test creates itself (a volume). */
  readonly labels: Readonly<Record<string, string>>;
  /** A new model on `api`, started and asserted to be connected. */
  readonly connected: (options?: DockerModelOptions) => Promise<DockerModel>;
  /** The container as the explorer shows it: the model's listed item with what its inspect added. */
  readonly shown: (id: string) => ContainerItem | undefined;
  /** Creates (does not start) a container of the test image, named `<name>-<tag>` and carrying the suite's label. */
  readonly create: (name: string, options?: Partial<Docker.ContainerCreateOptions>) => Promise<Docker.Container>;
  /** Disposes (or closes) `it` when the test ends, before the models; the last tracked goes first. Returns `it`. */
  readonly track: <T extends Disposable>(it: T) => T;
}

export interface ModelSuiteOptions {
  /** Puts a fault-injecting proxy in front of the engine for each test; `api` then goes through it. */
  proxy?: boolean;
}

export function modelSuite(label: string, options: ModelSuiteOptions & { proxy: true }): ModelSuite & ProxySuite;
export function modelSuite(label: string, options?: ModelSuiteOptions): ModelSuite;
export function modelSuite(label: string, options: ModelSuiteOptions = {}): ModelSuite & Partial<ProxySuite> {
  const labelKey = `dockside.${label}`;
  const tag = `${label}-${process.pid}-${Date.now()}`;
  const labelFilter = JSON.stringify({ label: [`${labelKey}=${tag}`] });
  let engine: TestEngine | undefined;
  let proxy: FaultProxy | undefined;
  let api: EngineApi | undefined;
  let model: DockerModel | undefined;
  /** Every model of the current test, the current one among them. */
  const models: DockerModel[] = [];
  const tracked: Disposable[] = [];

  const present = <T>(value: T | undefined, what: string): T => {
    assert.ok(value !== undefined, `modelSuite('${label}'): ${what}`);
    return value;
  };
  const theEngine = () => present(engine, 'no engine: the suite has not started');
  const theApi = () => present(api, 'no api: the suite (or, with the proxy, the test) has not started');

  before(async function () {
    engine = await requireEngine(this);
    if (!options.proxy) api = apiFor(engine.host);
  });

  if (options.proxy)
    beforeEach(async () => {
      proxy = await startFaultProxy(theEngine().host);
      api = apiFor(proxy.host);
    });

  afterEach(async () => {
    for (const it of tracked.splice(0).reverse()) {
      if ('dispose' in it) it.dispose();
      else it.close();
    }
    for (const m of models.splice(0)) m.dispose();
    model = undefined;
    if (options.proxy) {
      api?.close();
      api = undefined;
      await proxy?.close();
      proxy = undefined;
    }
    const docker = theEngine().docker;
    for (const c of await docker.listContainers({ all: true, filters: labelFilter }))
      await docker.getContainer(c.Id).remove({ force: true });
    for (const v of (await docker.listVolumes({ filters: labelFilter })).Volumes ?? [])
      await docker
        .getVolume(v.Name)
        .remove()
        .catch(() => undefined);
  });

  if (!options.proxy) after(() => api?.close());

  const suite: ModelSuite & Partial<ProxySuite> = {
    get engine() {
      return theEngine();
    },
    get api() {
      return theApi();
    },
    get model() {
      return present(model, 'no model yet: call connected() or assign one');
    },
    set model(m: DockerModel) {
      model = m;
      if (!models.includes(m)) models.push(m);
    },
    tag,
    labels: { [labelKey]: tag },
    connected: async (modelOptions?: DockerModelOptions) => {
      const m = (suite.model = new DockerModel(theApi(), modelOptions));
      await m.start();
      assert.equal(m.state.status, 'connected', JSON.stringify(m.state));
      return m;
    },
    shown: (id: string) => {
      const c = model?.containers.get(id);
      return c && model?.described(c);
    },
    create: (name, createOptions = {}) =>
      theEngine().docker.createContainer({
        Image: TEST_IMAGE,
        name: `${name}-${tag}`,
        ...createOptions,
        Labels: { ...createOptions.Labels, [labelKey]: tag },
      }),
    track: (it) => {
      tracked.push(it);
      return it;
    },
  };
  if (options.proxy)
    Object.defineProperty(suite, 'proxy', {
      enumerable: true,
      get: () => present(proxy, 'no proxy: the test has not started'),
    });
  return suite;
}

export interface ProxySuite {
  /** The fault-injecting proxy of the current test, in front of the engine. */
  readonly proxy: FaultProxy;
}
