import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { nextPage, RegistryClient, registryAddressProblem, registryUrl } from '../../src/docker/registry';
import { startRegistry, type TestRegistry } from '../support/registry';

/** A server on another origin that records what reaches it. */
async function listener(): Promise<{
  server: http.Server;
  origin: string;
  seen: { url?: string; authorization?: string }[];
}> {
  const seen: { url?: string; authorization?: string }[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ repositories: ['stolen/page'], tags: ['stolen'] }));
  });
  await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
  return { server, origin: `http://localhost:${(server.address() as AddressInfo).port}`, seen };
}

/**
 * A proxy in front of the real registry that plays a hostile (or compromised) one: it forwards every request,
 * then either adds a `Link` to another origin on the answer, or redirects to it.
 */
async function hostileProxy(
  registry: string,
  behaviour: (url: string) => { link?: string; redirect?: string },
): Promise<{ server: http.Server; address: string }> {
  const server = http.createServer((req, res) => {
    const how = behaviour(req.url ?? '/');
    if (how.redirect) {
      res.writeHead(307, { location: how.redirect });
      return void res.end();
    }
    const upstream = http.request(
      `http://${registry}${req.url}`,
      { method: req.method, headers: req.headers },
      (answer) => {
        const headers = { ...answer.headers, ...(how.link ? { link: how.link } : {}) };
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, address: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('registry credentials stay with their registry', function () {
  const user = { username: 'learner', password: 'S3cret-pa55' };
  let registry: TestRegistry;
  const closers: (() => void)[] = [];

  before(async function () {
    registry = await startRegistry(this, user);
  });
  after(() => closers.forEach((c) => c()));

  it('follows a next page on its own origin only: a Link to another host gets no request, and no credential', async () => {
    const other = await listener();
    const proxy = await hostileProxy(registry.address, (url) =>
      url.startsWith('/v2/_catalog') ? { link: `<${other.origin}/v2/_catalog?last=a&n=100>; rel="next"` } : {},
    );
    closers.push(
      () => other.server.close(),
      () => proxy.server.close(),
    );
    const repos = await new RegistryClient(proxy.address, user).repositories();
    assert.ok(!repos.includes('stolen/page'), 'the foreign page is not read');
    assert.deepEqual(other.seen, [], 'nothing reached the other origin');
  });

  it('still follows a same-origin next page (relative or absolute)', () => {
    assert.equal(
      nextPage('</v2/_catalog?last=x&n=100>; rel="next"', 'http://127.0.0.1:5000'),
      'http://127.0.0.1:5000/v2/_catalog?last=x&n=100',
    );
    assert.equal(
      nextPage('<http://127.0.0.1:5000/v2/_catalog?last=x>; rel=next', 'http://127.0.0.1:5000'),
      'http://127.0.0.1:5000/v2/_catalog?last=x',
    );
    assert.equal(
      nextPage('<http://127.0.0.1:5001/v2/_catalog?last=x>; rel="next"', 'http://127.0.0.1:5000'),
      undefined,
      'another port is another origin',
    );
    assert.equal(
      nextPage('<https://127.0.0.1:5000/v2/_catalog>; rel="next"', 'http://127.0.0.1:5000'),
      undefined,
      'another scheme is another origin',
    );
    assert.equal(nextPage('<http://u:p@127.0.0.1:5000/v2/_catalog>; rel="next"', 'http://127.0.0.1:5000'), undefined);
    assert.equal(nextPage('<' + '<'.repeat(100000), 'http://127.0.0.1:5000'), undefined);
  });

  it('sends no credential along a redirect to another origin', async () => {
    const other = await listener();
    const proxy = await hostileProxy(registry.address, (url) =>
      url.startsWith('/v2/_catalog') ? { redirect: `${other.origin}/v2/_catalog` } : {},
    );
    closers.push(
      () => other.server.close(),
      () => proxy.server.close(),
    );
    await new RegistryClient(proxy.address, user).repositories().catch(() => undefined);
    assert.ok(other.seen.length <= 1);
    assert.ok(
      other.seen.every((s) => !s.authorization),
      `no Authorization header reached the other origin: ${JSON.stringify(other.seen)}`,
    );
  });

  it('refuses a registry address with a user name or password, without echoing it', () => {
    for (const address of [
      'https://alice:s3cret@registry.example.com',
      'alice:s3cret@127.0.0.1:5000',
      'http://bob@host:5000/',
    ]) {
      const problem = registryAddressProblem(address);
      assert.ok(problem, address);
      assert.ok(!problem.includes('s3cret') && !problem.includes('alice') && !problem.includes('bob'), problem);
      assert.throws(
        () => registryUrl(address),
        (err: Error) => !err.message.includes('s3cret'),
      );
      assert.throws(() => new RegistryClient(address, user));
    }
    assert.equal(registryAddressProblem('registry.example.com'), undefined);
    assert.equal(registryAddressProblem('https://127.0.0.1:5000'), undefined);
  });
});
