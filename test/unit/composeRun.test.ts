import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { composeFileMap, interpolate, locateFailure, publishedPort } from '../../src/docker/composeFileMap';
import { composeProgress, explainComposeFailure, serviceOfContainer } from '../../src/docker/composeOutput';
import { findCompose, NO_COMPOSE, NO_DOCKER_CLI } from '../../src/docker/composeProcess';
import { httpAttempts, probeHttp, waitForHttp, webPorts } from '../../src/docker/httpProbe';
import { lessonMentions } from '../../src/language/lessonMentions';

/** The engine's words when a port is taken, as both programs pass them on. */
const connectivity = (endpoint: string) =>
  `driver failed programming external connectivity on endpoint ${endpoint} (8ea6eb933cfe):`;

/** What docker-compose 1.29 printed here when a second project wanted a host port the first one holds. */
const V1_PORT_TAKEN = [
  'Creating network "demo2_default" with the default driver',
  'Creating demo2_web_1 ...',
  'Host is already in use by another container',
  'Creating demo2_web_1 ... error',
  '',
  `ERROR: for demo2_web_1  Cannot start service web: ${connectivity('demo2_web_1')} ` +
    'Bind for 127.0.0.1:38080 failed: port is already allocated',
  '',
  `ERROR: for web  Cannot start service web: ${connectivity('demo2_web_1')} ` +
    'Bind for 127.0.0.1:38080 failed: port is already allocated',
  'Encountered errors while bringing up the project.',
  '',
].join('\n');

/** The same with a program (not a container) on the port: the userland proxy cannot bind. */
const V1_ADDRESS_IN_USE = [
  'Creating demo2_web_1 ... error',
  '',
  `ERROR: for web  Cannot start service web: ${connectivity('demo2_web_1')} ` +
    'Error starting userland proxy: listen tcp4 127.0.0.1:38081: bind: address already in use',
  'Encountered errors while bringing up the project.',
  '',
].join('\n');

/** Compose v2's wording (plain progress, as it prints without a terminal). */
const V2_PORT_TAKEN = [
  ' Network shop_default  Creating',
  ' Network shop_default  Created',
  ' Container shop-api-1  Creating',
  ' Container shop-web-api-1  Creating',
  ' Container shop-web-api-1  Created',
  ' Container shop-web-api-1  Starting',
  `Error response from daemon: ${connectivity('shop-web-api-1')} ` +
    'Bind for 0.0.0.0:8080 failed: port is already allocated',
  '',
].join('\n');

const COMPOSE = `services:
  web-api:
    image: \${WEB_IMAGE:-nginx:1.27}
    ports:
      - "127.0.0.1:\${WEB_PORT:-8080}:80"
      - target: 443
        published: 8443
  api:
    image: shop/api:2
    ports:
      - "9000:9000"
    profiles: ["debug"]
  tools:
    image: busybox
    profiles: [debug, tools]
`;

describe('Compose from a file: reading what Compose prints', () => {
  it('follows the phases of both programs, with what each line is about', () => {
    assert.deepEqual(composeProgress(' Container shop-web-1  Starting'), { phase: 'starting', subject: 'shop-web-1' });
    assert.deepEqual(composeProgress(' Network shop_default  Creating'), {
      phase: 'creating',
      subject: 'shop_default',
    });
    assert.deepEqual(composeProgress(' web Pulling '), { phase: 'pulling', subject: 'web' });
    assert.deepEqual(composeProgress(' Container shop-db-1  Waiting'), { phase: 'waiting', subject: 'shop-db-1' });
    assert.deepEqual(composeProgress('Pulling web (nginx:1.27)...'), { phase: 'pulling', subject: 'web' });
    assert.deepEqual(composeProgress('Creating demo_web_1 ... '), { phase: 'creating', subject: 'demo_web_1' });
    assert.deepEqual(composeProgress('Creating network "demo_default" with the default driver'), {
      phase: 'creating',
      subject: 'demo_default',
    });
    assert.deepEqual(composeProgress('Removing demo_web_1 ... done'), { phase: 'removing', subject: 'demo_web_1' });
    assert.equal(composeProgress('ERROR: for web  Cannot start service web: Bind failed'), undefined);
    assert.equal(composeProgress(''), undefined);
  });

  it('says a taken port in plain words, with the port and the service, from docker-compose 1.29', () => {
    const failure = explainComposeFailure(V1_PORT_TAKEN, ['web']);
    assert.equal(failure.kind, 'port-in-use');
    assert.equal(failure.hostPort, 38080);
    assert.equal(failure.service, 'web');
    assert.equal(
      failure.message,
      'Host port 38080 is already in use (needed by "web"): another container or program listens on it. ' +
        'Stop that one, or publish this service on another host port.',
    );
    const proxy = explainComposeFailure(V1_ADDRESS_IN_USE, ['web']);
    assert.deepEqual([proxy.kind, proxy.hostPort, proxy.service], ['port-in-use', 38081, 'web']);
  });

  it('traces a v2 container name back to its service, the longest name first', () => {
    const failure = explainComposeFailure(V2_PORT_TAKEN, ['api', 'web-api']);
    assert.deepEqual([failure.kind, failure.hostPort, failure.service], ['port-in-use', 8080, 'web-api']);
    assert.equal(serviceOfContainer('shop_web_api_1', ['api', 'web_api']), 'web_api');
    assert.equal(serviceOfContainer('other', ['api']), undefined);
  });

  it('says which image was not found, and which one could not be fetched with no registry in reach', () => {
    const denied = explainComposeFailure(
      [
        ' web Pulling ',
        " web Error pull access denied for nosuch/image, repository does not exist or may require 'docker login'",
        'Error response from daemon: pull access denied for nosuch/image, repository does not exist or may ' +
          "require 'docker login': denied",
      ].join('\n'),
      ['web'],
    );
    assert.deepEqual([denied.kind, denied.image], ['image-not-found', 'nosuch/image']);
    const tag = explainComposeFailure(
      'Error response from daemon: manifest for nginx:nosuchtag not found: manifest unknown: manifest unknown',
    );
    assert.deepEqual([tag.kind, tag.image], ['image-not-found', 'nginx:nosuchtag']);
    // What docker-compose 1.29 printed here, where no registry is reachable.
    const offline = explainComposeFailure(
      'Creating network "demo3_default" with the default driver\nPulling web (nosuch/image:1)...\n' +
        'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: ' +
        'no such host\n',
      ['web'],
    );
    assert.deepEqual([offline.kind, offline.image, offline.service], ['registry-unreachable', 'nosuch/image:1', 'web']);
  });

  it('reads where a refused file is wrong: a YAML line, or the key Compose names', () => {
    const yaml1 = explainComposeFailure(
      'yaml.scanner.ScannerError: mapping values are not allowed here\n  in "/tmp/x/compose.yaml", line 4, column 10\n',
    );
    assert.deepEqual([yaml1.kind, yaml1.line, yaml1.column], ['invalid-file', 4, 10]);
    assert.equal(yaml1.message, 'The compose file is not valid YAML: mapping values are not allowed here (line 4).');
    const yaml2 = explainComposeFailure('yaml: line 3: mapping values are not allowed in this context\n');
    assert.deepEqual([yaml2.kind, yaml2.line], ['invalid-file', 3]);
    const type1 = explainComposeFailure(
      "The Compose file '/tmp/x/bad.yaml' is invalid because:\n" +
        'services.web.ports contains an invalid type, it should be an array\n',
    );
    assert.deepEqual(type1.keyPath, ['services', 'web', 'ports']);
    const key1 = explainComposeFailure(
      "The Compose file '/tmp/x/bad3.yaml' is invalid because:\nUnsupported config option for services.web: 'portz'\n",
    );
    assert.deepEqual(key1.keyPath, ['services', 'web']);
    const key2 = explainComposeFailure(
      "validating /p/compose.yaml: services.web additional properties 'portz' not allowed\n",
    );
    assert.deepEqual([key2.kind, key2.keyPath], ['invalid-file', ['services', 'web']]);
  });

  it('falls back to the last error line for anything else', () => {
    const other = explainComposeFailure('Starting x ...\nERROR: Something unheard of happened\n');
    assert.deepEqual([other.kind, other.message], ['other', 'Compose failed: Something unheard of happened']);
  });
});

describe('Compose from a file: where things are in the file', () => {
  const map = composeFileMap(COMPOSE);

  it('finds services:, each service key, its image, its ports and its profiles', () => {
    assert.equal(map.servicesKey?.start.line, 0);
    assert.deepEqual(
      map.services.map((s) => [s.name, s.key.start.line, s.image?.value, s.ports.map((p) => p.text), s.profiles]),
      [
        ['web-api', 1, '${WEB_IMAGE:-nginx:1.27}', ['127.0.0.1:${WEB_PORT:-8080}:80', 'published: 8443'], []],
        ['api', 7, 'shop/api:2', ['9000:9000'], ['debug']],
        ['tools', 12, 'busybox', [], ['debug', 'tools']],
      ],
    );
    assert.deepEqual(map.profiles, ['debug', 'tools']);
    assert.deepEqual(composeFileMap('services: [\n').services, []);
    assert.equal(composeFileMap('').servicesKey, undefined);
  });

  it('reads published ports as Compose would, after interpolation', () => {
    assert.equal(interpolate('127.0.0.1:${WEB_PORT:-8080}:80', {}), '127.0.0.1:8080:80');
    assert.equal(interpolate('127.0.0.1:${WEB_PORT:-8080}:80', { WEB_PORT: '9090' }), '127.0.0.1:9090:80');
    assert.equal(interpolate('${A:-x}/${A-y}/$A/$$A', { A: '' }), 'x///$A');
    assert.deepEqual(
      ['8080:80', '127.0.0.1:8080:80/tcp', '[::1]:8081:80', '80', '8000-8010:80', 'published: 8443'].map(publishedPort),
      [8080, 8080, 8081, undefined, 8000, 8443],
    );
  });

  it('puts a taken port on its ports: entry, in the named service or else any that publishes it', () => {
    const failure = explainComposeFailure(V2_PORT_TAKEN, ['api', 'web-api']);
    assert.deepEqual(locateFailure(map, failure), {
      start: { line: 4, character: 8 },
      end: { line: 4, character: 40 },
    });
    // Another port variable value: the entry that publishes 9090 is the same line.
    assert.equal(locateFailure(map, { ...failure, hostPort: 9090 }, { WEB_PORT: '9090' })?.start.line, 4);
    assert.equal(locateFailure(map, { kind: 'port-in-use', message: '', detail: '', hostPort: 9000 })?.start.line, 10);
    // A port no entry explains: the service's ports: key.
    assert.equal(locateFailure(map, { ...failure, hostPort: 1234 })?.start.line, 3);
  });

  it("puts a missing image on the service's image: value, and a refused key on that key", () => {
    assert.equal(
      locateFailure(map, { kind: 'image-not-found', message: '', detail: '', image: 'shop/api:2' })?.start.line,
      8,
    );
    assert.equal(
      locateFailure(map, { kind: 'registry-unreachable', message: '', detail: '', image: 'nginx:1.27' }, {})?.start
        .line,
      2,
    );
    assert.equal(
      locateFailure(map, { kind: 'invalid-file', message: '', detail: '', keyPath: ['services', 'api', 'portz'] })
        ?.start.line,
      7,
    );
    assert.deepEqual(locateFailure(map, { kind: 'invalid-file', message: '', detail: '', line: 4, column: 10 }), {
      start: { line: 3, character: 9 },
      end: { line: 3, character: 9 },
    });
  });
});

describe('Compose from a file: the published ports worth opening', () => {
  const container = (name: string, service: string, ports: object[]) => ({
    name,
    composeService: service,
    ports: ports as { hostIp?: string; hostPort?: number; containerPort: number; protocol: string }[],
  });

  it('keeps published TCP ports that may be HTTP, once each, with the address the browser needs', () => {
    assert.deepEqual(
      webPorts(
        [
          container('p-web-1', 'web', [
            { hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
            { hostIp: '::', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
            { containerPort: 9000, protocol: 'tcp' },
          ]),
          container('p-db-1', 'db', [{ hostIp: '0.0.0.0', hostPort: 5432, containerPort: 5432, protocol: 'tcp' }]),
          container('p-dns-1', 'dns', [{ hostIp: '0.0.0.0', hostPort: 5353, containerPort: 53, protocol: 'udp' }]),
          container('p-admin-1', 'admin', [{ hostIp: '0.0.0.0', hostPort: 5050, containerPort: 80, protocol: 'tcp' }]),
          container('p-v6-1', 'v6', [{ hostIp: '::1', hostPort: 7070, containerPort: 80, protocol: 'tcp' }]),
        ],
        'localhost',
      ),
      [
        { service: 'web', host: '127.0.0.1', hostPort: 8080, containerPort: 80 },
        { service: 'admin', host: 'localhost', hostPort: 5050, containerPort: 80 },
        { service: 'v6', host: '[::1]', hostPort: 7070, containerPort: 80 },
      ],
    );
  });

  it("asks for the health check's start period, or 60 s without one", () => {
    assert.equal(httpAttempts(undefined, 500), 120);
    assert.equal(httpAttempts(0, 500), 120);
    assert.equal(httpAttempts(10e9, 500), 20);
    assert.equal(httpAttempts(1, 500), 1);
  });
});

describe('Compose from a file: asking a port for HTTP (real sockets on 127.0.0.1)', () => {
  const listen = (server: net.Server) =>
    new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
    );

  it('tells a web server (any status) from a database-like listener and from nothing at all', async () => {
    const web = http.createServer((_req, res) => res.writeHead(404).end());
    // Reads what it is sent (so it sees the probe hang up), answers with something that is not HTTP.
    const notHttp = net.createServer((socket) => socket.resume().end('\u0000\u0001 hello, not http\r\n\r\n'));
    const webPort = await listen(web);
    const otherPort = await listen(notHttp);
    const closed = net.createServer();
    const closedPort = await listen(closed);
    await new Promise((r) => closed.close(r));
    try {
      assert.equal(await probeHttp('127.0.0.1', webPort), 'http');
      assert.equal(await probeHttp('127.0.0.1', otherPort), 'not-http');
      assert.equal(await probeHttp('127.0.0.1', closedPort), 'no-answer');
    } finally {
      await new Promise((r) => web.close(r));
      await new Promise((r) => notHttp.close(r));
    }
  });

  it('keeps asking until the port answers, and stops after the attempts it was given', async () => {
    const server = net.createServer();
    const port = await listen(server);
    await new Promise((r) => server.close(r));
    let asked = 0;
    const web = http.createServer((_req, res) => res.end('ok'));
    const result = await waitForHttp('127.0.0.1', port, {
      attempts: 50,
      intervalMs: 20,
      // The server starts after the third unanswered attempt.
      cancelled: () => {
        asked++;
        if (asked === 4) web.listen(port, '127.0.0.1');
        return false;
      },
    });
    web.close();
    assert.equal(result, 'http');
    assert.ok(asked >= 4 && asked < 50, `asked ${asked} times`);
    let tries = 0;
    assert.equal(
      await waitForHttp('127.0.0.1', port, { attempts: 3, intervalMs: 1, cancelled: () => (tries++, false) }),
      'no-answer',
    );
    assert.equal(tries, 3);
  });
});

describe('lesson links in template comments', () => {
  it('links each known lesson named as "(lesson: id)" in a comment, and nothing else', () => {
    assert.deepEqual(
      lessonMentions(
        [
          '# Layers first (lesson: layers-and-cache).',
          'RUN echo "(lesson: secrets)"',
          '# (lesson: nope) (lesson: secrets)',
        ].join('\n'),
      ),
      [
        { line: 0, start: 24, end: 40, lesson: 'layers-and-cache' },
        { line: 2, start: 26, end: 33, lesson: 'secrets' },
      ],
    );
  });
});

describe('Compose from a file: which Compose to run (real programs on a PATH of their own)', function () {
  let root = '';
  before(function () {
    if (process.platform === 'win32') this.skip();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-find-compose-'));
  });
  after(() => root && fs.rmSync(root, { recursive: true, force: true }));

  /** A folder holding these programs, each a shell script that exits with the code given for its first word. */
  const programs = (name: string, scripts: Record<string, string>) => {
    const dir = path.join(root, name);
    fs.mkdirSync(dir);
    for (const [program, body] of Object.entries(scripts))
      fs.writeFileSync(path.join(dir, program), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return dir;
  };

  it('prefers the docker compose plugin, then docker-compose, and says which to install if neither', async () => {
    const plugin = programs('plugin', { docker: 'exit 0', 'docker-compose': 'exit 0' });
    const standalone = programs('standalone', {
      docker: '[ "$1" = compose ] && exit 1; exit 0',
      'docker-compose': 'exit 0',
    });
    const neither = programs('neither', { docker: '[ "$1" = compose ] && exit 1; exit 0' });
    const nothing = programs('nothing', {});
    // The scripts name their shell by its full path, so the PATH holds nothing else.
    const env = (dir: string) => ({ PATH: dir });
    assert.equal(await findCompose(env(plugin)), 'plugin');
    assert.equal(await findCompose(env(standalone)), 'standalone');
    assert.deepEqual(await findCompose(env(neither)), { missing: NO_COMPOSE });
    assert.deepEqual(await findCompose(env(nothing)), { missing: `${NO_COMPOSE} ${NO_DOCKER_CLI}` });
    assert.match(NO_COMPOSE, /docker-compose-plugin/);
  });
});
