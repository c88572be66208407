import * as assert from 'node:assert/strict';
import type { EngineApi } from '../../src/docker/engineApi';
import { inTrouble } from '../../src/docker/doctor/report';
import { DockerModel } from '../../src/docker/model';
import { containerContextValue, containerDescription, stateLook } from '../../src/docker/present';
import { requireEngine, TEST_IMAGE, type TestEngine } from '../support/dockerEngine';
import { apiFor, waitUntil } from '../support/dockerModel';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy';

/**
 * The explorer's trouble mark for a container whose start failed (an exec-form typo): the list says only "created",
 * so the model reads the container's inspect, once per fetch the events cause, never on a timer. Against the real
 * engine, through the fault-injecting proxy that counts (and can fail) the requests.
 */
describe('the model marks a container whose start failed (real engine, fault-injecting proxy)', function () {
  let engine: TestEngine;
  let proxy: FaultProxy;
  let api: EngineApi;
  let model: DockerModel | undefined;
  const tag = `doctor-model-${process.pid}-${Date.now()}`;
  /** The row as the explorer shows it: the list's item with what the inspect added. */
  const shown = (id: string) => {
    const c = model?.containers.get(id);
    return c && model!.described(c);
  };
  const inspects = (id: string) => proxy.requests.filter((r) => r.startsWith(`GET /containers/${id}/json`)).length;

  before(async function () {
    engine = await requireEngine(this);
  });

  beforeEach(async () => {
    proxy = await startFaultProxy(engine.host);
    api = apiFor(proxy.host);
  });

  afterEach(async () => {
    model?.dispose();
    model = undefined;
    api?.close();
    await proxy?.close();
    for (const c of await engine.docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: [`dockside.doctor=${tag}`] }),
    }))
      await engine.docker.getContainer(c.Id).remove({ force: true });
  });

  /** `docker run` of an exec-form command with a typo: the start fails, the container stays "created". */
  async function failedStart(name: string, beforeStart?: (id: string) => void) {
    const c = await engine.docker.createContainer({
      Image: TEST_IMAGE,
      name: `${name}-${tag}`,
      Cmd: ['nodee', 'server.js'],
      Labels: { 'dockside.doctor': tag },
    });
    beforeStart?.(c.id);
    await assert.rejects(c.start(), /executable file not found/);
    return c;
  }

  async function connected(): Promise<DockerModel> {
    model = new DockerModel(api);
    await model.start();
    assert.equal(model.state.status, 'connected', JSON.stringify(model.state));
    return model;
  }

  it('marks it from the events of the failed start, reading its inspect once per fetch and never on a timer', async function () {
    this.timeout(30000);
    const running = await engine.docker.createContainer({
      Image: TEST_IMAGE,
      name: `fine-${tag}`,
      Cmd: ['sleep', '300'],
      Labels: { 'dockside.doctor': tag },
    });
    await running.start();
    await connected();
    // Events about a running container: fetched, never inspected.
    await running.pause();
    await running.unpause();
    const c = await failedStart('typo');
    const marked = () => shown(c.id)?.startError;
    assert.ok(await waitUntil(async () => (await model!.settled(), marked()), 10000), 'the failed start is marked');
    const item = shown(c.id)!;
    assert.equal(item.state, 'created');
    // The model's own list stays what the engine lists, so it still equals a fresh listing.
    assert.equal(model!.containers.get(c.id)?.startError, undefined);
    assert.equal(item.exitCode, 127);
    assert.match(item.startError ?? '', /exec: "nodee": executable file not found in \$PATH/);
    assert.deepEqual(stateLook(item), {
      icon: 'error',
      color: 'errorForeground',
      words: 'failed to start, exit code 127',
    });
    assert.match(containerDescription(item), /^failed to start, exit code 127 · /);
    assert.equal(inTrouble(item), true);
    assert.equal(containerContextValue(item), 'container.created');
    // One inspect per fetch of it (create, network connect and disconnect, coalesced or not), none for the other.
    const fetches = proxy.requests.filter((r) => /^GET \/containers\/json\?.*filters/.test(r)).length;
    assert.ok(inspects(c.id) >= 1 && inspects(c.id) <= fetches, `${inspects(c.id)} inspects, ${fetches} fetches`);
    assert.equal(inspects(running.id), 0, 'a running container needs no inspect');
    // The engine is shared with other suites: only requests about these two containers count.
    const mine = () => proxy.requests.filter((r) => r.includes(c.id) || r.includes(running.id));
    const seen = mine().length;
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(mine().slice(seen), [], 'no request about them while nothing happens');
  });

  it('marks one that failed before Dockside connected, from the snapshot', async function () {
    this.timeout(30000);
    const c = await failedStart('before');
    const never = await engine.docker.createContainer({
      Image: TEST_IMAGE,
      name: `never-${tag}`,
      Cmd: ['true'],
      Labels: { 'dockside.doctor': tag },
    });
    await connected();
    assert.ok(await waitUntil(() => shown(c.id)?.startError, 10000), 'marked after the snapshot');
    assert.equal(shown(c.id)?.exitCode, 127);
    const plain = shown(never.id)!;
    assert.equal(stateLook(plain).words, 'created, not started');
    assert.equal(plain.startError, undefined);
    assert.equal(inspects(c.id), 1);
    assert.equal(inspects(never.id), 1);
  });

  it('reads the inspect again when the engine fails it, instead of leaving the container unmarked', async function () {
    this.timeout(30000);
    await connected();
    const c = await failedStart('flaky', (id) =>
      proxy.add({
        request: new RegExp(`^GET /containers/${id}/json`),
        fault: { kind: 'fail', status: 500, message: 'the engine is overloaded' },
        times: 2,
      }),
    );
    assert.ok(
      await waitUntil(async () => (await model!.settled(), shown(c.id)?.startError), 10000),
      'marked after the failed inspects',
    );
    assert.ok(inspects(c.id) >= 3, `${inspects(c.id)} inspects`);
    assert.equal(model!.state.status, 'connected');
  });

  it('drops a marked container at once when it is removed', async function () {
    this.timeout(30000);
    await connected();
    const c = await failedStart('fixed');
    assert.ok(await waitUntil(async () => (await model!.settled(), shown(c.id)?.startError), 10000));
    await c.remove({ force: true });
    assert.ok(await waitUntil(() => !model!.containers.has(c.id), 5000), 'removed');
  });
});
