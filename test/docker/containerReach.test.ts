import * as assert from 'node:assert/strict';
import { reachAdvice } from '../../src/docker/containerReach';
import { requireEngine, TEST_IMAGE, type TestEngine } from '../support/dockerEngine';

/** The address "Open in Browser" offers for an unpublished port really answers, on this Linux host (real engine). */
describe('open in browser without a published port (real engine)', function () {
  let engine: TestEngine;
  const tag = `reach-${process.pid}-${Date.now()}`;
  let network: string | undefined;

  before(async function () {
    engine = await requireEngine(this);
  });

  after(async () => {
    for (const c of await engine.docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: [`dockside.test=${tag}`] }),
    }))
      await engine.docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined);
    if (network)
      await engine.docker
        .getNetwork(network)
        .remove()
        .catch(() => undefined);
  });

  it('offers the container address on its bridge network, and that address serves the page', async function () {
    this.timeout(30000);
    if (process.platform !== 'linux' || !/^unix:\/\//.test(engine.host)) {
      console.warn('\n  SKIPPED: the container address is offered only on Linux with a local engine\n');
      this.skip();
    }
    // A network of its own: another suite's private engine can take docker0 away.
    const net = await engine.docker.createNetwork({ Name: tag, Driver: 'bridge' });
    network = net.id;
    const c = await engine.docker.createContainer({
      Image: TEST_IMAGE,
      name: tag,
      Labels: { 'dockside.test': tag },
      Cmd: ['httpd', '-f', '-p', '8080', '-h', '/www'],
      ExposedPorts: { '8080/tcp': {} },
      HostConfig: { NetworkMode: tag },
    });
    await c.start();
    const info = await c.inspect();
    const advice = reachAdvice({
      name: tag,
      image: TEST_IMAGE,
      ports: Object.keys(info.Config.ExposedPorts ?? {}).map((k) => ({
        containerPort: Number(k.split('/')[0]),
        protocol: 'tcp',
      })),
      networkMode: tag,
      networks: Object.entries(info.NetworkSettings.Networks).map(([name, n]) => ({
        name,
        driver: 'bridge',
        ip: n.IPAddress,
      })),
      platform: 'linux',
      engineLocal: true,
    });
    assert.equal(advice.urls.length, 1);
    assert.equal(advice.runCommand, `docker run -p 8080:8080 ${TEST_IMAGE}`);
    const url = advice.urls[0]!.url;
    let body = '';
    for (let i = 0; i < 50 && !body; i++) {
      body = await fetch(url, { signal: AbortSignal.timeout(2000) })
        .then((r) => r.text())
        .catch(() => '');
      if (!body) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(body, 'hello from dockside-test\n', `${url} answers`);
  });
});
