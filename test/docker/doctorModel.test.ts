import * as assert from 'node:assert/strict';
import { inTrouble } from '../../src/docker/doctor/report';
import { containerContextValue, containerDescription, stateLook } from '../../src/docker/present';
import { waitUntil } from '../support/dockerModel';
import { modelSuite } from '../support/modelSuite';

/**
 * The explorer's trouble mark for a container whose start failed (an exec-form typo): the list says only "created",
 * so the model reads the container's inspect, once per fetch the events cause, never on a timer. Against the real
 * engine, through the fault-injecting proxy that counts (and can fail) the requests.
 */
describe('the model marks a container whose start failed (real engine, fault-injecting proxy)', function () {
  const s = modelSuite('doctor', { proxy: true });
  const { shown, connected } = s;
  const inspects = (id: string) => s.proxy.requests.filter((r) => r.startsWith(`GET /containers/${id}/json`)).length;

  /** `docker run` of an exec-form command with a typo: the start fails, the container stays "created". */
  async function failedStart(name: string, beforeStart?: (id: string) => void) {
    const c = await s.create(name, { Cmd: ['nodee', 'server.js'] });
    beforeStart?.(c.id);
    await assert.rejects(c.start(), /executable file not found/);
    return c;
  }

  it('marks it from the events of the failed start, reading its inspect once per fetch and never on a timer', async function () {
    this.timeout(30000);
    const running = await s.create('fine', { Cmd: ['sleep', '300'] });
    await running.start();
    await connected();
    // Events about a running container: fetched, never inspected.
    await running.pause();
    await running.unpause();
    const c = await failedStart('typo');
    const marked = () => shown(c.id)?.startError;
    assert.ok(await waitUntil(async () => (await s.model.settled(), marked()), 10000), 'the failed start is marked');
    const item = shown(c.id)!;
    assert.equal(item.state, 'created');
    // The model's own list stays what the engine lists, so it still equals a fresh listing.
    assert.equal(s.model.containers.get(c.id)?.startError, undefined);
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
    const fetches = s.proxy.requests.filter((r) => /^GET \/containers\/json\?.*filters/.test(r)).length;
    assert.ok(inspects(c.id) >= 1 && inspects(c.id) <= fetches, `${inspects(c.id)} inspects, ${fetches} fetches`);
    assert.equal(inspects(running.id), 0, 'a running container needs no inspect');
    // The engine is shared with other suites: only requests about these two containers count.
    const mine = () => s.proxy.requests.filter((r) => r.includes(c.id) || r.includes(running.id));
    const seen = mine().length;
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(mine().slice(seen), [], 'no request about them while nothing happens');
  });

  it('marks one that failed before Dockside connected, from the snapshot', async function () {
    this.timeout(30000);
    const c = await failedStart('before');
    const never = await s.create('never', { Cmd: ['true'] });
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
      s.proxy.add({
        request: new RegExp(`^GET /containers/${id}/json`),
        fault: { kind: 'fail', status: 500, message: 'the engine is overloaded' },
        times: 2,
      }),
    );
    assert.ok(
      await waitUntil(async () => (await s.model.settled(), shown(c.id)?.startError), 10000),
      'marked after the failed inspects',
    );
    assert.ok(inspects(c.id) >= 3, `${inspects(c.id)} inspects`);
    assert.equal(s.model.state.status, 'connected');
  });

  it('drops a marked container at once when it is removed', async function () {
    this.timeout(30000);
    await connected();
    const c = await failedStart('fixed');
    assert.ok(await waitUntil(async () => (await s.model.settled(), shown(c.id)?.startError), 10000));
    await c.remove({ force: true });
    assert.ok(await waitUntil(() => !s.model.containers.has(c.id), 5000), 'removed');
  });
});
