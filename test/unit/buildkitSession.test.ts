import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { openSession, type BuildSession, type SessionProviders } from '../../src/docker/buildkit/session';

/**
 * The engine's side of a BuildKit session, played by Node's own HTTP/2 client: after the /session upgrade the
 * engine is the gRPC client. Messages are written and read by hand from the protobuf wire format, so that the
 * session's field numbers are checked against the format, not against themselves.
 */
const field = (n: number, bytes: Buffer) => Buffer.concat([Buffer.from([(n << 3) | 2, bytes.length]), bytes]);
function frame(msg: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(msg.length, 1);
  return Buffer.concat([head, msg]);
}

function frames(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at + 5 <= data.length;) {
    const len = data.readUInt32BE(at + 1);
    out.push(data.subarray(at + 5, at + 5 + len));
    at += 5 + len;
  }
  return out;
}

interface Answer {
  status: string;
  message: string;
  messages: Buffer[];
}

/** One call; a streaming call (`holdOpen`) ends its requests only once an answer came, as an ssh client does. */
function call(
  client: http2.ClientHttp2Session,
  method: string,
  requests: Buffer[],
  metadata: Record<string, string> = {},
  holdOpen = false,
): Promise<Answer> {
  const stream = client.request({
    ':method': 'POST',
    ':path': method,
    'content-type': 'application/grpc',
    te: 'trailers',
    ...metadata,
  });
  for (const r of requests) stream.write(frame(r));
  if (holdOpen) stream.once('data', () => stream.end());
  else stream.end();
  const chunks: Buffer[] = [];
  let status = '';
  let message = '';
  stream.on('response', (h) => {
    status = String(h['grpc-status'] ?? status);
    message = decodeURIComponent(String(h['grpc-message'] ?? message));
  });
  stream.on('trailers', (t) => {
    status = String(t['grpc-status'] ?? '');
    message = decodeURIComponent(String(t['grpc-message'] ?? ''));
  });
  stream.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve, reject) => {
    stream.on('end', () => resolve({ status, message, messages: frames(Buffer.concat(chunks)) }));
    stream.on('error', reject);
  });
}

describe('the BuildKit session, against an HTTP/2 client that plays the engine', function () {
  let dir: string;
  let server: net.Server;
  let engineSide: Promise<net.Socket>;
  let client: http2.ClientHttp2Session | undefined;
  let session: BuildSession | undefined;
  let headers: Record<string, string | string[]>;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-session-'));
    server = net.createServer();
    engineSide = new Promise((resolve) => server.once('connection', resolve));
    await new Promise<void>((resolve) => server.listen(path.join(dir, 'engine.sock'), resolve));
  });

  afterEach(async () => {
    session?.close();
    client?.destroy();
    await new Promise((r) => server.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function open(providers: SessionProviders): Promise<http2.ClientHttp2Session> {
    session = await openSession(async (h) => {
      headers = h;
      const socket = net.connect(path.join(dir, 'engine.sock'));
      await new Promise((r) => socket.once('connect', r));
      return socket;
    }, providers);
    const socket = await engineSide;
    client = http2.connect('http://engine', { createConnection: () => socket });
    // When Dockside ends the session, the engine's side sees its connection go; that is no test failure.
    client.on('error', () => undefined);
    return client;
  }

  it('names itself and every method it serves in the upgrade headers, and answers the health check', async () => {
    const c = await open({});
    assert.deepEqual(headers!['X-Docker-Expose-Session-Grpc-Method'], [
      '/grpc.health.v1.Health/Check',
      '/moby.filesync.v1.Auth/Credentials',
      '/moby.buildkit.secrets.v1.Secrets/GetSecret',
      '/moby.sshforward.v1.SSH/CheckAgent',
      '/moby.sshforward.v1.SSH/ForwardAgent',
    ]);
    assert.equal(headers!['X-Docker-Expose-Session-Uuid'], session!.id);
    const health = await call(c, '/grpc.health.v1.Health/Check', [Buffer.alloc(0)]);
    assert.deepEqual([health.status, health.messages], ['0', [Buffer.from([0x08, 0x01])]], 'SERVING');
    const auth = await call(c, '/moby.filesync.v1.Auth/Credentials', [field(1, Buffer.from('registry-1.docker.io'))]);
    assert.deepEqual([auth.status, auth.messages], ['0', [Buffer.alloc(0)]], 'no credentials: pull anonymously');
  });

  it('answers GetSecret with the value, "not found" for one left out, the reader\'s words for a failure', async () => {
    const c = await open({
      secret: async (id) => {
        if (id === 'token') return Buffer.from('s3cret');
        if (id === 'broken') throw new Error('the secret "broken" should come from /x, which does not exist');
        return undefined;
      },
    });
    const ok = await call(c, '/moby.buildkit.secrets.v1.Secrets/GetSecret', [field(1, Buffer.from('token'))]);
    assert.deepEqual([ok.status, ok.messages], ['0', [field(1, Buffer.from('s3cret'))]]);
    const missing = await call(c, '/moby.buildkit.secrets.v1.Secrets/GetSecret', [field(1, Buffer.from('other'))]);
    assert.deepEqual([missing.status, missing.message], ['5', 'secret other was not given']);
    const broken = await call(c, '/moby.buildkit.secrets.v1.Secrets/GetSecret', [field(1, Buffer.from('broken'))]);
    assert.deepEqual(
      [broken.status, broken.message],
      ['9', 'the secret "broken" should come from /x, which does not exist'],
    );
    assert.deepEqual(session!.asked, ['token', 'other', 'broken'], 'ids only');
  });

  it('says there is no ssh agent when SSH_AUTH_SOCK is not set', async () => {
    const c = await open({});
    const check = await call(c, '/moby.sshforward.v1.SSH/CheckAgent', [field(1, Buffer.from('default'))]);
    assert.deepEqual([check.status, check.message], ['5', 'no ssh agent is forwarded (SSH_AUTH_SOCK is not set)']);
  });

  it('forwards a real ssh-agent byte for byte', async function () {
    this.timeout(20000);
    const agentSocket = path.join(dir, 'agent.sock');
    let agent: ChildProcess;
    try {
      agent = spawn('ssh-agent', ['-D', '-a', agentSocket], { stdio: 'ignore' });
    } catch {
      return this.skip();
    }
    try {
      await new Promise<void>((resolve, reject) => {
        agent.once('error', reject);
        let tries = 0;
        const look = () =>
          fs.existsSync(agentSocket)
            ? resolve()
            : ++tries > 200
              ? reject(new Error('ssh-agent did not start'))
              : setTimeout(look, 10);
        look();
      }).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') this.skip();
        throw err;
      });
      const c = await open({ sshAgentSocket: agentSocket });
      const check = await call(c, '/moby.sshforward.v1.SSH/CheckAgent', [field(1, Buffer.from('default'))]);
      assert.equal(check.status, '0');
      const other = await call(c, '/moby.sshforward.v1.SSH/CheckAgent', [field(1, Buffer.from('github'))]);
      assert.equal(other.status, '5', 'only the default id is forwarded');
      // SSH2_AGENTC_REQUEST_IDENTITIES; a fresh agent answers SSH2_AGENT_IDENTITIES_ANSWER with no keys.
      const forward = await call(
        c,
        '/moby.sshforward.v1.SSH/ForwardAgent',
        [field(1, Buffer.from([0, 0, 0, 1, 11]))],
        { 'buildkit.ssh.id': 'default' },
        true,
      );
      const bytes = Buffer.concat(forward.messages.map((m) => m.subarray(2)));
      assert.deepEqual(bytes, Buffer.from([0, 0, 0, 5, 12, 0, 0, 0, 0]));
    } finally {
      agent!.kill();
    }
  });

  it('reports a session the engine closed', async () => {
    await open({});
    (await engineSide).destroy();
    assert.match((await session!.ended)?.message ?? '', /closed the build session|ECONNRESET|EPIPE/);
  });

  it('does not report a session that Dockside closed', async () => {
    await open({});
    session!.close();
    assert.equal(await session!.ended, undefined);
  });
});
