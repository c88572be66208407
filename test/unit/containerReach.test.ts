import * as assert from 'node:assert/strict';
import { reachAdvice, type ReachInput } from '../../src/docker/containerReach';

describe('Open in Browser for a container that publishes no port', () => {
  const input = (over: Partial<ReachInput> = {}): ReachInput => ({
    name: 'web',
    image: 'nginx:1.27',
    ports: [{ containerPort: 80, protocol: 'tcp' }],
    networkMode: 'bridge',
    networks: [{ name: 'bridge', driver: 'bridge', ip: '172.17.0.2' }],
    platform: 'linux',
    engineLocal: true,
    ...over,
  });

  it('on Linux with a local engine, offers the bridge address, and shows how to publish the port', () => {
    const a = reachAdvice(input({ composeService: 'web' }));
    assert.deepEqual(a.urls, [
      { url: 'http://172.17.0.2:80/', label: 'its address on the bridge network (works from this Linux machine only)' },
    ]);
    assert.equal(a.runCommand, 'docker run -p 8080:80 nginx:1.27');
    assert.equal(a.composePorts, '  web:\n    ports:\n      - "8080:80"');
    assert.match(a.why, /publishes no port.*EXPOSE alone publishes nothing\. From this Linux machine/);
  });

  it('offers no address where the host cannot route to it: a VM, a remote engine, a macvlan network', () => {
    assert.deepEqual(reachAdvice(input({ platform: 'darwin' })).urls, []);
    assert.match(reachAdvice(input({ platform: 'darwin' })).why, /virtual machine/);
    assert.deepEqual(reachAdvice(input({ engineLocal: false })).urls, []);
    assert.match(reachAdvice(input({ engineLocal: false })).why, /the engine is not on this machine/);
    assert.deepEqual(reachAdvice(input({ networks: [{ name: 'lan', driver: 'macvlan', ip: '10.0.0.5' }] })).urls, []);
  });

  it('explains host and none networks, and quotes an image name for the shell', () => {
    const host = reachAdvice(input({ networkMode: 'host' }));
    assert.deepEqual(host.urls, [{ url: 'http://localhost:80/', label: 'the host itself' }]);
    assert.match(reachAdvice(input({ networkMode: 'none' })).why, /no network at all/);
    assert.equal(
      reachAdvice(input({ image: 'x;rm -rf ~', ports: [] })).runCommand,
      "docker run -p 8080:80 'x;rm -rf ~'",
    );
    assert.equal(
      reachAdvice(input({ ports: [{ containerPort: 3000, protocol: 'tcp' }] })).runCommand,
      'docker run -p 3000:3000 nginx:1.27',
    );
  });
});
