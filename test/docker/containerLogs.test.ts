import * as assert from 'node:assert/strict';
import { followLogsAcrossRestarts } from '../../src/docker/containerLogFollow';
import type { EngineApi } from '../../src/docker/engineApi';
import { requireEngine, TEST_IMAGE, type TestEngine } from '../support/dockerEngine';
import { apiFor, waitUntil } from '../support/dockerModel';
import { startFaultProxy } from '../support/faultProxy';

/** The logs terminal's follower against the REAL engine: it survives restarts and ends on removal. */
describe('following a container log across restarts (real engine)', function () {
  let engine: TestEngine;
  let api: EngineApi;
  const tag = `logs-${process.pid}-${Date.now()}`;

  before(async function () {
    engine = await requireEngine(this);
    api = apiFor(engine.host);
  });

  after(async () => {
    api?.close();
    for (const c of await engine.docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: [`dockside.test=${tag}`] }),
    }))
      await engine.docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined);
  });

  /** Prints "before" on its first run and "after" on the next ones, then waits. */
  const start = async () => {
    const c = await engine.docker.createContainer({
      Image: TEST_IMAGE,
      name: `${tag}-${Math.random().toString(36).slice(2, 8)}`,
      Labels: { 'dockside.test': tag },
      Cmd: ['sh', '-c', 'if [ -e /tmp/once ]; then echo after; else touch /tmp/once; echo before; fi; exec sleep 300'],
    });
    await c.start();
    return c;
  };

  it('shows output from before and after a restart, with a marked line between, and stops on removal', async function () {
    this.timeout(40000);
    const c = await start();
    const out: string[] = [];
    const follower = followLogsAcrossRestarts(
      api,
      c.id,
      { timestamps: false, tail: 100 },
      {
        text: (t) => out.push(t),
        note: (line) => out.push(`[note] ${line}\n`),
      },
    );
    try {
      await follower.ready;
      assert.ok(await waitUntil(() => out.join('').includes('before'), 5000, 20), out.join(''));
      await c.restart({ t: 0 });
      const text = await waitUntil(() => (out.join('').includes('after\n') ? out.join('') : ''), 15000, 20);
      assert.ok(text, out.join(''));
      assert.match(
        text,
        /^before\n(.|\n)*\[note\] ── restarted at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC ──\n(.|\n)*after\n/,
      );
      assert.equal(text.split('before').length - 1, 1, 'nothing from the first run is printed twice');
      await c.remove({ force: true });
      assert.ok(await waitUntil(() => out.join('').includes('was removed'), 10000, 20), out.join(''));
    } finally {
      follower.close();
    }
  });

  it('says so when the engine goes away, and does not hang', async function () {
    this.timeout(20000);
    const c = await start();
    const proxy = await startFaultProxy(engine.host);
    const through = apiFor(proxy.host);
    const out: string[] = [];
    const follower = followLogsAcrossRestarts(
      through,
      c.id,
      { timestamps: false },
      {
        text: (t) => out.push(t),
        note: (line) => out.push(`[note] ${line}\n`),
      },
    );
    try {
      await follower.ready;
      await waitUntil(() => out.join('').includes('before'), 5000, 20);
      await proxy.close();
      assert.ok(await waitUntil(() => out.join('').includes("lost the engine's events"), 5000, 20), out.join(''));
    } finally {
      follower.close();
      through.close();
    }
  });

  it('rejects with the reason when the container does not exist', async () => {
    const follower = followLogsAcrossRestarts(
      api,
      'f'.repeat(64),
      { timestamps: false },
      {
        text: () => undefined,
        note: () => undefined,
      },
    );
    await assert.rejects(follower.ready, /No such container/i);
  });
});
