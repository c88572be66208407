import * as assert from 'node:assert/strict';
import type { EngineApi } from '../../src/docker/engineApi';
import { closableSubscription } from '../../src/docker/closable';
import { DockerModel } from '../../src/docker/model';
import { requireEngine, TEST_IMAGE, type TestEngine } from '../support/dockerEngine';
import { apiFor, waitUntil } from '../support/dockerModel';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy';

/**
 * The model against the real engine, with a fault-injecting proxy deciding when answers arrive: failed fetches,
 * slow answers that a newer event overtakes, overlapping reconnects and a dispose while connecting. Work is
 * bounded by counting requests, never by wall time.
 */
describe('the Docker model when the engine misbehaves (fault-injecting proxy, real engine)', function () {
  let engine: TestEngine;
  let proxy: FaultProxy;
  let api: EngineApi;
  let model: DockerModel | undefined;
  const tag = `faults-${process.pid}-${Date.now()}`;
  const count = (request: RegExp) => proxy.requests.filter((r) => request.test(r)).length;

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
      filters: JSON.stringify({ label: [`dockside.faults=${tag}`] }),
    }))
      await engine.docker.getContainer(c.Id).remove({ force: true });
    for (const v of (
      await engine.docker.listVolumes({ filters: JSON.stringify({ label: [`dockside.faults=${tag}`] }) })
    ).Volumes ?? [])
      await engine.docker
        .getVolume(v.Name)
        .remove()
        .catch(() => undefined);
  });

  const create = (name: string) =>
    engine.docker.createContainer({
      Image: TEST_IMAGE,
      name: `${name}-${tag}`,
      Cmd: ['true'],
      Labels: { 'dockside.faults': tag },
    });

  async function connected(): Promise<DockerModel> {
    model = new DockerModel(api);
    await model.start();
    assert.equal(model.state.status, 'connected', JSON.stringify(model.state));
    return model;
  }

  it('retries a failing fetch a few times with growing pauses, then stops (it retried every 50 ms forever)', async function () {
    this.timeout(30000);
    await connected();
    const fetch = /^GET \/containers\/json\?.*filters/;
    proxy.add({ request: fetch, fault: { kind: 'fail', status: 500, message: 'the engine is overloaded' } });
    await create('fails');
    // One fetch and five retries, then no more: the pauses add up to about 1.5 s, so 4 s of quiet proves it.
    assert.ok(await waitUntil(() => count(fetch) >= 6, 10000), `retried: ${count(fetch)}`);
    const afterRetries = count(fetch);
    await new Promise((r) => setTimeout(r, 4000));
    assert.equal(count(fetch), afterRetries, 'no retry after the cap');
    assert.equal(afterRetries, 6);
    assert.equal(model!.state.status, 'connected', 'the stream is fine, so the model stays connected');
  });

  it('fetches a volume again after a failed batch instead of dropping it', async function () {
    this.timeout(20000);
    await connected();
    proxy.add({
      request: /^GET \/volumes\/dockside-faults-vol/,
      fault: { kind: 'fail', status: 500, message: 'transient' },
      times: 1,
    });
    const name = `dockside-faults-vol-${process.pid}`;
    await engine.docker.createVolume({ Name: name, Labels: { 'dockside.faults': tag } });
    assert.ok(await waitUntil(() => model!.volumes.has(name), 10000), 'the volume arrives after the failed fetch');
    assert.equal(count(/^GET \/volumes\/dockside-faults-vol/), 2);
  });

  it('drops a slow fetch result that a newer event overtook, and ends with the newest state', async function () {
    this.timeout(20000);
    await connected();
    const c = await create('old');
    assert.ok(await waitUntil(() => model!.containers.has(c.id), 5000));
    // Hold the next fetch of this container, rename it meanwhile: the held answer (old name) arrives last.
    proxy.add({ request: /^GET \/containers\/json\?.*filters/, fault: { kind: 'hold' }, times: 1 });
    await c.rename({ name: `renamed-${tag}` });
    assert.ok(
      await waitUntil(() => proxy.requests.some((r) => /filters/.test(r)), 5000),
      'the first fetch was asked for',
    );
    await c.rename({ name: `newest-${tag}` });
    await new Promise((r) => setTimeout(r, 100));
    proxy.release();
    await model!.settled();
    assert.ok(
      await waitUntil(
        async () => (await model!.settled(), model!.containers.get(c.id)?.name === `newest-${tag}`),
        5000,
      ),
      model!.containers.get(c.id)?.name,
    );
  });

  it('keeps one event stream when retries overlap while connecting, and a stale stream ending changes nothing', async function () {
    this.timeout(20000);
    // The first connection fails, so the model waits to retry; the next /events answers slowly.
    proxy.add({ request: /^GET \/events/, fault: { kind: 'fail', status: 500, message: 'not yet' }, times: 1 });
    model = new DockerModel(api, { backoffMs: [60000] });
    await model.start();
    assert.equal(model.state.status, 'unreachable');
    proxy.add({ request: /^GET \/events/, fault: { kind: 'delay', ms: 300 } });
    model.retryNow();
    model.retryNow();
    model.retryNow();
    void model.start();
    void model.start();
    assert.ok(await waitUntil(() => model!.state.status === 'connected', 10000), JSON.stringify(model.state));
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(proxy.open(/^GET \/events/), 1, 'one event stream is open');
    assert.equal(model.state.status, 'connected');
    const c = await create('after');
    assert.ok(await waitUntil(() => model!.containers.has(c.id), 5000), 'events still arrive');
  });

  it('closes the event stream that was still connecting when the model is disposed', async function () {
    this.timeout(20000);
    proxy.add({ request: /^GET \/events/, fault: { kind: 'delay', ms: 300 } });
    model = new DockerModel(api);
    const starting = model.start();
    model.dispose();
    await starting;
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(proxy.open(/^GET \/events/), 0, 'no event stream is left open');
  });

  it('forgets removed containers: what it tracks stays bounded by what exists', async function () {
    this.timeout(60000);
    await connected();
    const before = model!.trackedIds;
    for (let i = 0; i < 20; i++) {
      const c = await create(`churn${i}`);
      await c.remove();
    }
    await waitUntil(async () => (await model!.settled(), model!.trackedIds <= before + 2), 10000);
    assert.ok(
      model!.trackedIds <= before + 2,
      `tracked ${model!.trackedIds} ids (${before} before 20 created and removed)`,
    );
  });

  it('closes a log stream that arrives after its terminal was closed', async function () {
    this.timeout(20000);
    const c = await engine.docker.createContainer({
      Image: TEST_IMAGE,
      name: `logs-${tag}`,
      Cmd: ['sh', '-c', 'while true; do echo tick; sleep 0.2; done'],
      Labels: { 'dockside.faults': tag },
      HostConfig: { NetworkMode: 'none' },
    });
    await c.start();
    proxy.add({ request: /\/logs/, fault: { kind: 'delay', ms: 300 } });
    const follow = () =>
      api.logs(
        c.id,
        { follow: true, timestamps: false, tail: 1 },
        () => undefined,
        () => undefined,
      );
    const kept = closableSubscription(follow);
    const closedEarly = closableSubscription(follow);
    closedEarly.close();
    await Promise.all([kept.ready, closedEarly.ready]);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(proxy.open(/\/logs/), 1, 'only the stream still wanted is open');
    kept.close();
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(proxy.open(/\/logs/), 0);
  });
});
