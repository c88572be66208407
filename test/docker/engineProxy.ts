/**
 * A fault-injecting proxy in front of the REAL engine, for the BuildKit tests: requests pass through unchanged,
 * except those a rule refuses (answered with an HTTP error, as an engine without BuildKit would), and hijacked
 * /session connections can be cut while a build runs. One request per connection (the client must not keep
 * connections alive), so that every request's first line is seen.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createDockerodeApi } from '../../src/docker/dockerodeApi';
import { parseEngineAddress } from '../../src/docker/engineAddress';
import type { EngineApi } from '../../src/docker/engineApi';

export interface Refusal {
  /** Matched against "METHOD /path?query" of the request line (the API version prefix removed). */
  request: RegExp;
  status: number;
  message: string;
}

export interface EngineProxy {
  /** An Engine API client that talks through the proxy. */
  api: EngineApi;
  /** "METHOD /path" of every request seen, in order (queries left out). */
  requests: string[];
  refuse(rule: Refusal | undefined): void;
  /** Cuts every open /session connection, both ways. */
  dropSessions(): void;
  close(): Promise<void>;
}

export async function startEngineProxy(engineHost: string): Promise<EngineProxy> {
  const address = parseEngineAddress(engineHost);
  if (address.kind !== 'unix' && address.kind !== 'tcp')
    throw new Error(`the proxy speaks to unix:// and tcp:// engines, not ${engineHost}`);
  const upstream = () =>
    address.kind === 'unix' ? net.connect(address.socketPath) : net.connect(address.port, address.host);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-proxy-'));
  const socketPath = path.join(dir, 'engine.sock');
  const requests: string[] = [];
  const sessions = new Set<net.Socket>();
  const open = new Set<net.Socket>();
  let rule: Refusal | undefined;

  const server = net.createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onData);
      client.pause();
      const [method, target = ''] = head.subarray(0, head.indexOf('\r\n')).toString().split(' ');
      const request = `${method} ${target.replace(/^\/v[\d.]+/, '')}`;
      requests.push(request.replace(/\?.*$/, ''));
      if (rule && rule.request.test(request)) {
        const body = JSON.stringify({ message: rule.message });
        client.end(
          `HTTP/1.1 ${rule.status} ${http.STATUS_CODES[rule.status]}\r\nContent-Type: application/json\r\n` +
            `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
        return;
      }
      const engine = upstream();
      open.add(engine);
      engine.on('close', () => open.delete(engine));
      if (/^POST \/session/.test(request)) {
        sessions.add(client);
        client.on('close', () => sessions.delete(client));
        client.on('close', () => engine.destroy());
      }
      engine.write(head);
      client.pipe(engine).on('error', () => client.destroy());
      engine.pipe(client).on('error', () => engine.destroy());
      engine.on('error', () => client.destroy());
      client.on('error', () => engine.destroy());
      client.resume();
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  const api = createDockerodeApi(
    { socketPath, agent: new http.Agent({ keepAlive: false }) } as never,
    `unix://${socketPath}`,
  );
  return {
    api,
    requests,
    refuse: (r) => (rule = r),
    dropSessions: () => {
      for (const s of sessions) s.destroy();
    },
    close: async () => {
      api.close();
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
