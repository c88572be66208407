/**
 * A fault-injecting HTTP proxy in front of the REAL engine, for deterministic tests of the model: every request is
 * forwarded to the engine unchanged unless a rule says to delay it, hold it until released, fail it with an HTTP
 * error, or drop its connection. The engine stays real; the proxy only decides when (and whether) answers arrive.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseEngineAddress } from '../../src/docker/engineAddress';

export type Fault =
  | { kind: 'delay'; ms: number }
  | { kind: 'hold' }
  | { kind: 'fail'; status: number; message: string }
  | { kind: 'drop' };

export interface FaultRule {
  /** Matched against "METHOD /path?query", the API version prefix removed. */
  request: RegExp;
  fault: Fault;
  /** How many matching requests the rule applies to; every one when left out. */
  times?: number;
}

export interface FaultProxy {
  /** The DOCKER_HOST of the proxy: `unix://…`. */
  host: string;
  /** "METHOD /path?query" of every request seen, in order. */
  requests: string[];
  /** How many responses matching this are still streaming (an open event stream, a followed log). */
  open(request: RegExp): number;
  add(rule: FaultRule): void;
  clear(): void;
  /** Lets held requests through, those matching `request` or all. */
  release(request?: RegExp): void;
  close(): Promise<void>;
}

export async function startFaultProxy(engineHost: string): Promise<FaultProxy> {
  const engine = parseEngineAddress(engineHost);
  const target: http.RequestOptions =
    engine.kind === 'unix'
      ? { socketPath: engine.socketPath }
      : engine.kind === 'tcp'
        ? { host: engine.host, port: engine.port }
        : {};
  if (!('socketPath' in target) && !('port' in target))
    throw new Error(`the proxy forwards to unix:// and tcp:// engines, not ${engineHost}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-faults-'));
  const socketPath = path.join(dir, 'engine.sock');
  const requests: string[] = [];
  let rules: (FaultRule & { used: number })[] = [];
  const held: { request: string; go: () => void }[] = [];
  const streaming = new Map<http.ServerResponse, string>();

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, line: string) => {
    const upstream = http.request({ ...target, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      // A stream such as /events sends its headers long before any body: pass them on at once.
      res.flushHeaders();
      streaming.set(res, line);
      answer.pipe(res);
      const done = () => streaming.delete(res);
      answer.on('end', done);
      res.on('close', () => {
        done();
        answer.destroy();
      });
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };

  const server = http.createServer((req, res) => {
    const line = `${req.method} ${(req.url ?? '/').replace(/^\/v[\d.]+/, '')}`;
    requests.push(line);
    const rule = rules.find((r) => r.request.test(line) && (r.times === undefined || r.used < r.times));
    if (!rule) return forward(req, res, line);
    rule.used++;
    const fault = rule.fault;
    if (fault.kind === 'fail') {
      res.writeHead(fault.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: fault.message }));
    } else if (fault.kind === 'drop') {
      req.socket.destroy();
    } else if (fault.kind === 'delay') {
      setTimeout(() => forward(req, res, line), fault.ms);
    } else {
      held.push({ request: line, go: () => forward(req, res, line) });
    }
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));

  return {
    host: `unix://${socketPath}`,
    requests,
    open: (request) => [...streaming.values()].filter((l) => request.test(l)).length,
    add: (rule) => rules.push({ ...rule, used: 0 }),
    clear: () => (rules = []),
    release(request) {
      for (let i = held.length - 1; i >= 0; i--) {
        const h = held[i]!;
        if (!request || request.test(h.request)) {
          held.splice(i, 1);
          h.go();
        }
      }
    },
    close: async () => {
      for (const h of held.splice(0)) h.go();
      for (const res of streaming.keys()) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
