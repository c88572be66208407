import * as assert from 'node:assert/strict';
import { closableSubscription } from '../../src/docker/closable';
import { DockerModel } from '../../src/docker/model';
import { waitUntil } from '../support/dockerModel';
import { modelSuite } from '../support/modelSuite';

/**
 * The model against the real engine, with a fault-injecting proxy deciding when answers arrive: failed fetches,
 * slow answers that a newer event overtakes, overlapping reconnects and a dispose while connecting. Work is
 * bounded by counting requests, never by wall time.
 */
describe('the Docker model when the engine misbehaves (fault-injecting proxy, real engine)', function () {
  const s = modelSuite('faults', { proxy: true });
  const { connected, tag } = s;
  const count = (request: RegExp) => s.proxy.requests.filter((r) => request.test(r)).length;
  const create = (name: string) => s.create(name, { Cmd: ['true'] });

  it('retries a failing fetch a few times with growing pauses, then stops (it retried every 50 ms forever)', async function () {
    this.timeout(30000);
    await connected();
    const fetch = /^GET \/containers\/json\?.*filters/;
    s.proxy.add({ request: fetch, fault: { kind: 'fail', status: 500, message: 'the engine is overloaded' } });
    await create('fails');
    // One fetch and five retries, then no more: the pauses add up to about 1.5 s, so 4 s of quiet proves it.
    assert.ok(await waitUntil(() => count(fetch) >= 6, 10000), `retried: ${count(fetch)}`);
    const afterRetries = count(fetch);
    await new Promise((r) => setTimeout(r, 4000));
    assert.equal(count(fetch), afterRetries, 'no retry after the cap');
    assert.equal(afterRetries, 6);
    assert.equal(s.model.state.status, 'connected', 'the stream is fine, so the model stays connected');
  });

  it('fetches a volume again after a failed batch instead of dropping it', async function () {
    this.timeout(20000);
    await connected();
    s.proxy.add({
      request: /^GET \/volumes\/dockside-faults-vol/,
      fault: { kind: 'fail', status: 500, message: 'transient' },
      times: 1,
    });
    const name = `dockside-faults-vol-${process.pid}`;
    await s.engine.docker.createVolume({ Name: name, Labels: s.labels });
    assert.ok(await waitUntil(() => s.model.volumes.has(name), 10000), 'the volume arrives after the failed fetch');
    assert.equal(count(/^GET \/volumes\/dockside-faults-vol/), 2);
  });

  it('drops a slow fetch result that a newer event overtook, and ends with the newest state', async function () {
    this.timeout(20000);
    await connected();
    const c = await create('old');
    assert.ok(await waitUntil(() => s.model.containers.has(c.id), 5000));
    // Hold the next fetch of this container, rename it meanwhile: the held answer (old name) arrives last.
    s.proxy.add({ request: /^GET \/containers\/json\?.*filters/, fault: { kind: 'hold' }, times: 1 });
    await c.rename({ name: `renamed-${tag}` });
    assert.ok(
      await waitUntil(() => s.proxy.requests.some((r) => /filters/.test(r)), 5000),
      'the first fetch was asked for',
    );
    await c.rename({ name: `newest-${tag}` });
    await new Promise((r) => setTimeout(r, 100));
    s.proxy.release();
    await s.model.settled();
    assert.ok(
      await waitUntil(
        async () => (await s.model.settled(), s.model.containers.get(c.id)?.name === `newest-${tag}`),
        5000,
      ),
      s.model.containers.get(c.id)?.name,
    );
  });

  it('keeps one event stream when retries overlap while connecting, and a stale stream ending changes nothing', async function () {
    this.timeout(20000);
    // The first connection fails, so the model waits to retry; the next /events answers slowly.
    s.proxy.add({ request: /^GET \/events/, fault: { kind: 'fail', status: 500, message: 'not yet' }, times: 1 });
    const model = (s.model = new DockerModel(s.api, { backoffMs: [60000] }));
    await model.start();
    assert.equal(model.state.status, 'unreachable');
    s.proxy.add({ request: /^GET \/events/, fault: { kind: 'delay', ms: 300 } });
    model.retryNow();
    model.retryNow();
    model.retryNow();
    void model.start();
    void model.start();
    assert.ok(await waitUntil(() => model.state.status === 'connected', 10000), JSON.stringify(model.state));
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(s.proxy.open(/^GET \/events/), 1, 'one event stream is open');
    assert.equal(model.state.status, 'connected');
    const c = await create('after');
    assert.ok(await waitUntil(() => model.containers.has(c.id), 5000), 'events still arrive');
  });

  it('shows the containers without waiting for the engine version, which comes a moment later', async function () {
    this.timeout(20000);
    const c = await create('listed');
    // The engine's /version starts runc and docker-init; asked beside the listing, it slowed the listing by a third.
    s.proxy.add({ request: /^GET \/version/, fault: { kind: 'hold' } });
    const model = (s.model = new DockerModel(s.api));
    let listedWhile: string | undefined;
    model.onDidChange(({ kinds }) => {
      if (listedWhile === undefined && kinds.includes('container') && model.state.status === 'connected')
        listedWhile = model.state.version === undefined ? 'version unknown' : 'version known';
    });
    const starting = model.start();
    assert.ok(await waitUntil(() => model.containers.has(c.id), 10000), 'the containers are listed');
    assert.equal(listedWhile, 'version unknown');
    assert.ok(await waitUntil(() => count(/^GET \/version/) === 1, 5000), 'the version was asked for');
    const listing = s.proxy.requests.findIndex((r) => /^GET \/containers\/json/.test(r));
    const version = s.proxy.requests.findIndex((r) => /^GET \/version/.test(r));
    assert.ok(listing >= 0 && listing < version, `the listing went first: ${s.proxy.requests.join(', ')}`);
    s.proxy.release(/^GET \/version/);
    await starting;
    assert.equal(model.state.status, 'connected');
    assert.match(model.state.version?.apiVersion ?? '', /^1\.\d+$/);
  });

  it('waits longer each time when the engine lists containers but fails the version', async function () {
    this.timeout(20000);
    s.proxy.add({ request: /^GET \/version/, fault: { kind: 'fail', status: 403, message: 'blocked by a proxy' } });
    const model = (s.model = new DockerModel(s.api, { backoffMs: [100, 300, 900, 60000] }));
    const pauses: number[] = [];
    model.onDidChange(() => {
      if (model.state.status === 'unreachable' && pauses.at(-1) !== model.state.retryInMs)
        pauses.push(model.state.retryInMs);
    });
    await model.start();
    assert.ok(await waitUntil(() => pauses.length >= 4, 10000), `pauses: ${pauses.join(', ')}`);
    // The pause was reset whenever the containers were listed, so it stayed at the first one (100 ms).
    assert.deepEqual(pauses.slice(0, 4), [100, 300, 900, 60000]);
  });

  it('closes the event stream that was still connecting when the model is disposed', async function () {
    this.timeout(20000);
    s.proxy.add({ request: /^GET \/events/, fault: { kind: 'delay', ms: 300 } });
    const model = (s.model = new DockerModel(s.api));
    const starting = model.start();
    model.dispose();
    await starting;
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(s.proxy.open(/^GET \/events/), 0, 'no event stream is left open');
  });

  it('forgets removed containers: what it tracks stays bounded by what exists', async function () {
    this.timeout(60000);
    await connected();
    const before = s.model.trackedIds;
    for (let i = 0; i < 20; i++) {
      const c = await create(`churn${i}`);
      await c.remove();
    }
    await waitUntil(async () => (await s.model.settled(), s.model.trackedIds <= before + 2), 10000);
    assert.ok(
      s.model.trackedIds <= before + 2,
      `tracked ${s.model.trackedIds} ids (${before} before 20 created and removed)`,
    );
  });

  it('closes a log stream that arrives after its terminal was closed', async function () {
    this.timeout(20000);
    const c = await s.create('logs', {
      Cmd: ['sh', '-c', 'while true; do echo tick; sleep 0.2; done'],
      HostConfig: { NetworkMode: 'none' },
    });
    await c.start();
    s.proxy.add({ request: /\/logs/, fault: { kind: 'delay', ms: 300 } });
    const follow = () =>
      s.api.logs(
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
    assert.equal(s.proxy.open(/\/logs/), 1, 'only the stream still wanted is open');
    kept.close();
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(s.proxy.open(/\/logs/), 0);
  });
});
