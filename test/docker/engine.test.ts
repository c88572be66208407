import * as assert from 'node:assert/strict';
import { requireEngine, TEST_IMAGE, type TestEngine } from '../support/dockerEngine';

describe('a real Docker engine through dockerode', function () {
  let engine: TestEngine;

  before(async function () {
    engine = await requireEngine(this);
  });

  it('lists a container the test created, then removes it', async function () {
    const name = `dockside-list-${process.pid}-${Date.now()}`;
    const container = await engine.docker.createContainer({
      Image: TEST_IMAGE,
      name,
      Cmd: ['sleep', '30'],
      Labels: { 'dockside.test': 'list' },
    });
    try {
      const listed = await engine.docker.listContainers({
        all: true,
        filters: JSON.stringify({ label: ['dockside.test=list'] }),
      });
      const mine = listed.find((c) => c.Id === container.id);
      assert.ok(mine, 'the new container is listed');
      assert.deepEqual(mine.Names, [`/${name}`]);
      assert.equal(mine.Image, TEST_IMAGE);
      assert.equal(mine.State, 'created');
    } finally {
      await container.remove({ force: true });
    }
    const after = await engine.docker.listContainers({ all: true, filters: JSON.stringify({ id: [container.id] }) });
    assert.deepEqual(after, []);
  });

  it('runs a command in the locally imported test image', async function () {
    const container = await engine.docker.createContainer({
      Image: TEST_IMAGE,
      Cmd: ['sh', '-c', 'echo hello-$((6*7))'],
    });
    try {
      await container.start();
      const result = (await container.wait()) as { StatusCode: number };
      assert.equal(result.StatusCode, 0);
      const logs = (await container.logs({ stdout: true, stderr: true })) as Buffer;
      assert.match(logs.toString('latin1'), /hello-42/);
    } finally {
      await container.remove({ force: true });
    }
  });
});
