import * as assert from 'node:assert/strict';
import { readLocalFile } from '../../src/docker/doctor/gather';
import { PortWatch } from '../../src/docker/doctor/portWatch';
import { inTrouble, troubleWords } from '../../src/docker/doctor/report';
import { RESTART_WINDOW_MS } from '../../src/docker/model';
import { containerTooltip, stateLook } from '../../src/docker/present';
import { waitUntil } from '../support/dockerModel';
import { modelSuite } from '../support/modelSuite';
import { ensureDefaultBridge } from './defaultBridge';

/**
 * The two kinds of trouble a running container can be in that its list entry does not show: a restart loop (it
 * runs right now, between two crashes) and a published port where nothing answers. On the real engine.
 */
describe('the explorer marks running containers in trouble (real engine)', function () {
  const s = modelSuite('trouble');
  const { shown, connected, create: make } = s;

  before(async () => {
    await ensureDefaultBridge(s.engine);
  });

  it('marks a container its restart policy keeps bringing back, even while it runs', async function () {
    this.timeout(60000);
    let later = 0;
    await connected({ now: () => Date.now() + later });
    const c = await make('loop', {
      Cmd: ['sh', '-c', 'sleep 1; exit 3'],
      HostConfig: { RestartPolicy: { Name: 'always' } },
    });
    await c.start();
    // Caught while it runs, after its third exit: the list alone says "Up 1 second".
    const caught = await waitUntil(async () => {
      await s.model.settled();
      const item = shown(c.id);
      return item?.state === 'running' && (item.recentExits ?? 0) >= 3 ? item : undefined;
    }, 40000);
    assert.ok(caught, `not marked: ${JSON.stringify(shown(c.id))}`);
    const look = stateLook(caught);
    assert.equal(look.icon, 'sync');
    assert.equal(look.color, 'charts.orange');
    assert.match(look.words, /^running, but it stopped \d+ times in 10 minutes$/);
    assert.equal(inTrouble(caught), true);
    assert.match(troubleWords(caught), /^keeps restarting \(it stopped \d+ times/);
    // Exits older than the window no longer count: the mark goes once the loop is over.
    await c.update({ RestartPolicy: { Name: 'no' } });
    later = RESTART_WINDOW_MS + 60_000;
    const calm = shown(c.id)!;
    assert.equal(calm.recentExits, undefined);
    if (calm.state === 'running') assert.equal(inTrouble(calm), false);
  });

  it('marks a loop that began before the explorer connected, from the events the engine remembers', async function () {
    this.timeout(60000);
    const loop = await make('before', {
      Cmd: ['sh', '-c', 'exit 3'],
      HostConfig: { RestartPolicy: { Name: 'always' } },
    });
    const asked = await make('asked-before', { Cmd: ['sleep', '300'] });
    await asked.start();
    for (let i = 0; i < 3; i++) await asked.restart({ t: 0 });
    await loop.start();
    const restarts = async () => ((await loop.inspect()).RestartCount as number) ?? 0;
    assert.ok(await waitUntil(async () => (await restarts()) >= 3, 30000), 'the loop never restarted three times');
    // Over before the model connects: whatever it counts, it counts from the engine's memory of events.
    await loop.update({ RestartPolicy: { Name: 'no' } });
    assert.ok(
      await waitUntil(async () => {
        const { State } = await loop.inspect();
        return !State.Running && !State.Restarting;
      }, 30000),
    );
    const exits = (await restarts()) + 1;
    await connected();
    await s.model.settled();
    assert.equal(shown(loop.id)?.recentExits, exits, JSON.stringify(shown(loop.id)));
    assert.equal(shown(asked.id)?.recentExits, undefined, 'restarts someone asked for do not count');
  });

  it('does not count stops and restarts someone asked for', async function () {
    this.timeout(60000);
    await connected();
    const c = await make('asked', { Cmd: ['sleep', '300'], HostConfig: { RestartPolicy: { Name: 'always' } } });
    await c.start();
    for (let i = 0; i < 3; i++) await c.restart({ t: 0 });
    await c.stop({ t: 0 });
    await c.start();
    await s.model.settled();
    assert.ok(await waitUntil(async () => (await s.model.settled(), shown(c.id)?.state === 'running'), 10000));
    const item = shown(c.id)!;
    assert.equal(item.recentExits, undefined, JSON.stringify(item));
    assert.equal(stateLook(item).words, 'running');
    assert.equal(inTrouble(item), false);
  });

  it('marks published ports nothing answers on, and leaves a working one alone', async function () {
    this.timeout(60000);
    await connected();
    const published = (port: number) => ({
      ExposedPorts: { [`${port}/tcp`]: {} },
      HostConfig: { PortBindings: { [`${port}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: '' }] } },
    });
    const loopback = await make('loopback', { Cmd: ['httpd', '-f', '-p', '127.0.0.1:8080'], ...published(8080) });
    const wrongPort = await make('wrong', { Cmd: ['httpd', '-f', '-p', '9090'], ...published(8080) });
    const nothing = await make('nothing', { Cmd: ['sleep', '300'], ...published(8080) });
    const fine = await make('fine', { Cmd: ['httpd', '-f', '-p', '8080'], ...published(8080) });
    for (const c of [loopback, wrongPort, nothing, fine]) await c.start();
    const watch = s.track(new PortWatch(s.model, s.api, { readHostFile: readLocalFile, delaysMs: [200, 600, 1200] }));
    const marked = (id: string) => shown(id)?.silentPorts?.[0]?.why;
    assert.ok(
      await waitUntil(
        async () => (await s.model.settled(), marked(loopback.id) && marked(wrongPort.id) && marked(nothing.id)),
        20000,
      ),
      `not all marked: ${[loopback, wrongPort, nothing].map((c) => marked(c.id)).join(', ')}`,
    );
    assert.equal(marked(loopback.id), 'loopback-only');
    assert.equal(marked(wrongPort.id), 'other-ports');
    assert.equal(marked(nothing.id), 'nothing-listens');
    // The working one has had all its looks by now (the others' last look came after its first).
    assert.equal(shown(fine.id)?.silentPorts, undefined);
    assert.equal(inTrouble(shown(fine.id)!), false);
    const item = shown(loopback.id)!;
    const hostPort = item.ports.find((p) => p.containerPort === 8080)?.hostPort;
    assert.equal(item.silentPorts?.[0]?.hostPort, hostPort);
    assert.deepEqual(stateLook(item), {
      icon: 'warning',
      color: 'list.warningForeground',
      words: `running, port ${hostPort} does not answer`,
    });
    assert.equal(inTrouble(item), true);
    assert.equal(troubleWords(item), `runs, but its published port ${hostPort} does not answer`);
    // Markdown, with its punctuation escaped.
    assert.match(containerTooltip(item).replace(/\\/g, ''), /listens on the loopback \(127\.0\.0\.1\) only/);
    // Bounded: at most one look per delay per container, and none once a container stops.
    const looks = watch.looks;
    assert.ok(looks <= 4 * 3, `${looks} looks`);
    await loopback.stop({ t: 0 });
    assert.ok(
      await waitUntil(async () => (await s.model.settled(), shown(loopback.id)?.state === 'exited'), 10000),
      'stopped',
    );
    assert.equal(shown(loopback.id)?.silentPorts, undefined, 'a stopped container has no silent port');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(watch.looks, looks, 'no looks once they are done');
  });

  it('reads the sockets from inside the container when the host cannot', async function () {
    this.timeout(60000);
    await connected();
    const c = await make('inside', {
      Cmd: ['httpd', '-f', '-p', '127.0.0.1:8080'],
      ExposedPorts: { '8080/tcp': {} },
      HostConfig: { PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
    });
    await c.start();
    s.track(new PortWatch(s.model, s.api, { delaysMs: [200, 600, 1200] }));
    assert.ok(
      await waitUntil(async () => (await s.model.settled(), shown(c.id)?.silentPorts?.[0]?.why), 20000),
      'marked through exec',
    );
    assert.equal(shown(c.id)?.silentPorts?.[0]?.why, 'loopback-only');
  });
});
