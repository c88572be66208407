import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { DockerModel } from '../../src/docker/model';
import { portMapFromContainers } from '../../src/panels/ports/portData';
import { requireEngine, TEST_IMAGE, type TestEngine } from '../support/dockerEngine';
import { apiFor, freePort, waitUntil } from '../support/dockerModel';
import { itemAt } from '../support/itemAt';

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('docker', args, { env }, (err, out, stderr) =>
      err ? reject(new Error(stderr || err.message)) : resolve(out),
    ),
  );
}

describe('the port panel shows what `docker port` shows', function () {
  let engine: TestEngine;
  const ids: string[] = [];
  const networks: string[] = [];

  before(async function () {
    engine = await requireEngine(this);
  });

  after(async () => {
    for (const id of ids)
      await engine.docker
        .getContainer(id)
        .remove({ force: true })
        .catch(() => undefined);
    for (const id of networks)
      await engine.docker
        .getNetwork(id)
        .remove()
        .catch(() => undefined);
  });

  it('for containers published on all interfaces, on loopback, over udp, and exposed only', async function () {
    this.timeout(60000);
    const [a, b, c] = [await freePort(), await freePort(), await freePort()];
    const specs: {
      name: string;
      bindings: Record<string, { HostIp: string; HostPort: string }[]>;
      exposed: Record<string, object>;
    }[] = [
      {
        name: `ports-all-${process.pid}`,
        bindings: { '8080/tcp': [{ HostIp: '', HostPort: String(a) }] },
        exposed: { '8080/tcp': {}, '9000/tcp': {} },
      },
      {
        name: `ports-local-${process.pid}`,
        bindings: {
          '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(b) }],
          '53/udp': [{ HostIp: '127.0.0.1', HostPort: String(c) }],
        },
        exposed: { '80/tcp': {}, '53/udp': {} },
      },
    ];
    // A network of its own: a second engine started with --bridge=none by another suite can take docker0 away.
    const network = await engine.docker.createNetwork({ Name: `ports-net-${process.pid}` });
    networks.push(network.id);
    for (const s of specs) {
      const container = await engine.docker.createContainer({
        Image: TEST_IMAGE,
        name: s.name,
        Cmd: ['sleep', '300'],
        ExposedPorts: s.exposed,
        HostConfig: { PortBindings: s.bindings, NetworkMode: `ports-net-${process.pid}` },
      });
      await container.start();
      ids.push(container.id);
    }
    const api = apiFor(engine.host);
    const model = new DockerModel(api);
    try {
      await model.start();
      await waitUntil(
        () =>
          specs.every((s) => [...model.containers.values()].some((c) => c.name === s.name && c.state === 'running')),
        5000,
      );
      const map = portMapFromContainers(model.containers.values());
      for (const s of specs) {
        // `docker port NAME` prints "8080/tcp -> 0.0.0.0:41234" (and a "[::]" line on engines with IPv6).
        const fromCli = (await cli(['port', s.name], engine.env))
          .trim()
          .split('\n')
          .map((l) => /^(\d+)\/(\w+) -> (.+):(\d+)$/.exec(l.trim()))
          .filter((m): m is RegExpExecArray => !!m && !m[3]?.startsWith('['))
          .map((m) => `${m[3] === '0.0.0.0' ? '0.0.0.0' : m[3]}:${m[4]} -> ${m[1]}/${m[2]}`)
          .sort();
        const fromPanel = map.rows
          .filter((r) => r.owner === s.name && r.hostPort && !r.hostIp?.includes(':'))
          .map((r) => `${r.hostIp}:${r.hostPort} -> ${r.containerPort}/${r.protocol}`)
          .sort();
        assert.deepEqual(fromPanel, fromCli, s.name);
      }
      const exposedOnly = map.rows
        .filter((r) => r.owner === itemAt(specs, 0, 'spec').name && !r.hostPort)
        .map((r) => `${r.containerPort}/${r.protocol}`);
      assert.deepEqual(exposedOnly, ['9000/tcp'], 'EXPOSEd but not published is shown as such');
      assert.equal(
        map.rows.find((r) => r.owner === itemAt(specs, 1, 'spec').name && r.protocol === 'udp')?.scope,
        'loopback',
      );
    } finally {
      model.dispose();
      api.close();
    }
  });
});
