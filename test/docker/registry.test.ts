import * as assert from 'node:assert/strict';
import type { EngineApi } from '../../src/docker/engineApi';
import { RegistryClient, RegistryError } from '../../src/docker/registry';
import { requireEngine, TEST_IMAGE, type TestEngine } from '../support/dockerEngine';
import { apiFor } from '../support/dockerModel';
import { startRegistry, type TestRegistry } from '../support/registry';

type Progress = { id?: string; status?: string; progressDetail?: { current?: number; total?: number } };

describe('registries: tag, push, list, pull back and delete against a real registry', function () {
  let engine: TestEngine;
  let api: EngineApi;
  let plain: TestRegistry;
  let locked: TestRegistry;
  const user = { username: 'learner', password: 'S3cret-pa55' };

  before(async function () {
    engine = await requireEngine(this);
    api = apiFor(engine.host);
    plain = await startRegistry(this);
    locked = await startRegistry(this, user);
  });

  after(() => api?.close());

  async function transfer(
    kind: 'push' | 'pull',
    ref: string,
    auth?: { username: string; password: string; serveraddress: string },
  ): Promise<Progress[]> {
    const messages: Progress[] = [];
    const run = await api.transfer(kind, ref, auth, (m) => messages.push(m));
    await run.done;
    return messages;
  }

  it('pushes with per-layer progress, lists repositories and tags, pulls back after removal, deletes the tag', async function () {
    this.timeout(120000);
    const ref = `${plain.address}/dockside/busybox:1`;
    await api.tagImage(TEST_IMAGE, `${plain.address}/dockside/busybox`, '1');
    const progress = await transfer('push', ref);
    assert.ok(
      progress.some((m) => m.id && /Push|Layer already exists|Pushed/.test(m.status ?? '')),
      'per-layer progress messages',
    );
    const client = new RegistryClient(plain.address);
    assert.deepEqual(await client.repositories(), ['dockside/busybox']);
    assert.deepEqual(await client.tags('dockside/busybox'), ['1']);
    await engine.docker.getImage(ref).remove();
    await transfer('pull', ref);
    assert.ok((await engine.docker.getImage(ref).inspect()).Id, 'pulled back');
    await client.deleteTag('dockside/busybox', '1');
    const after = await client
      .tags('dockside/busybox')
      .catch((e: RegistryError) => (e.status === 404 ? [] : Promise.reject(e)));
    assert.deepEqual(after, []);
    await engine.docker
      .getImage(ref)
      .remove()
      .catch(() => undefined);
  });

  it('pages through a long catalog', async function () {
    this.timeout(180000);
    for (let i = 0; i < 3; i++) {
      await api.tagImage(TEST_IMAGE, `${plain.address}/many/r${i}`, 'x');
      await transfer('push', `${plain.address}/many/r${i}:x`);
      await engine.docker.getImage(`${plain.address}/many/r${i}:x`).remove();
    }
    const client = new RegistryClient(plain.address);
    // Force small pages through the Link header by asking for one at a time.
    const first = await fetch(`http://${plain.address}/v2/_catalog?n=1`);
    assert.match(first.headers.get('link') ?? '', /rel="next"/);
    assert.deepEqual(
      (await client.repositories()).filter((r) => r.startsWith('many/')),
      ['many/r0', 'many/r1', 'many/r2'],
    );
  });

  it('with basic auth: the right password works for the API and push, a wrong one gets a clear error that never shows it', async function () {
    this.timeout(120000);
    const wrong = new RegistryClient(locked.address, { username: user.username, password: 'not-the-password' });
    await assert.rejects(wrong.repositories(), (err: RegistryError) => {
      assert.equal(err.status, 401);
      assert.match(err.message, /refused the user name or password/);
      assert.ok(!err.message.includes('not-the-password'));
      return true;
    });
    await assert.rejects(new RegistryClient(locked.address).check(), /needs you to log in/);
    const ref = `${locked.address}/private/busybox:1`;
    await api.tagImage(TEST_IMAGE, `${locked.address}/private/busybox`, '1');
    await assert.rejects(transfer('push', ref), /no basic auth credentials|unauthorized|authentication required/i);
    await transfer('push', ref, { ...user, serveraddress: locked.address });
    const right = new RegistryClient(locked.address, user);
    await right.check();
    assert.deepEqual(await right.tags('private/busybox'), ['1']);
    await engine.docker
      .getImage(ref)
      .remove()
      .catch(() => undefined);
  });
});
