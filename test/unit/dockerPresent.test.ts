import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listContexts, resolveEngine } from '../../src/docker/connection';
import { jsonLines, logFrames } from '../../src/docker/dockerodeApi';
import { plainEngineError } from '../../src/docker/model';
import { toContainer } from '../../src/docker/normalize';
import { codeSpan, escapeMarkdown } from '../../src/language/markdown';
import {
  age,
  connectedEngine,
  engineName,
  containerAccessibilityLabel,
  containerDescription,
  containerTooltip,
  formatBytes,
  groupContainers,
  prunePreview,
  stateLook,
} from '../../src/docker/present';
import type { RawContainer } from '../../src/docker/types';

const raw = (over: Partial<RawContainer>): RawContainer => ({
  Id: 'a'.repeat(64),
  Names: ['/web'],
  Image: 'nginx:1.27',
  ImageID: 'sha256:1',
  State: 'running',
  Status: 'Up 3 minutes',
  Ports: [],
  Labels: {},
  Mounts: [],
  NetworkSettings: { Networks: { bridge: {} } },
  HostConfig: { NetworkMode: 'bridge' },
  ...over,
});

describe('Docker items from the Engine API', () => {
  it('reads state, health, exit code, ports, mounts, networks and compose labels', () => {
    const c = toContainer(
      raw({
        State: 'exited',
        Status: 'Exited (137) 2 hours ago',
        Ports: [
          { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 5050, Type: 'tcp' },
          { IP: '::', PrivatePort: 80, PublicPort: 5050, Type: 'tcp' },
          { PrivatePort: 443, Type: 'tcp' },
        ],
        Labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'db' },
        Mounts: [
          {
            Type: 'volume',
            Name: 'pgdata',
            Source: '/var/lib/docker/volumes/pgdata/_data',
            Destination: '/data',
            RW: false,
          },
        ],
      }),
    );
    assert.equal(c.state, 'exited');
    assert.equal(c.exitCode, 137);
    assert.deepEqual(c.ports, [
      { containerPort: 80, protocol: 'tcp', hostPort: 5050, hostIp: '0.0.0.0' },
      { containerPort: 80, protocol: 'tcp', hostPort: 5050, hostIp: '::' },
      { containerPort: 443, protocol: 'tcp' },
    ]);
    assert.deepEqual(c.mounts, [
      {
        type: 'volume',
        name: 'pgdata',
        source: '/var/lib/docker/volumes/pgdata/_data',
        destination: '/data',
        readOnly: true,
      },
    ]);
    assert.equal(c.composeProject, 'shop');
    assert.equal(toContainer(raw({ Status: 'Up 1 minute (unhealthy)' })).health, 'unhealthy');
    assert.equal(toContainer(raw({ Status: 'Up 2 seconds (health: starting)' })).health, 'starting');
  });

  it('looks like its state: icon, theme colour and words', () => {
    assert.deepEqual(stateLook(toContainer(raw({}))), { icon: 'vm-running', color: 'charts.green', words: 'running' });
    assert.deepEqual(stateLook(toContainer(raw({ Status: 'Up 1 minute (unhealthy)' }))).words, 'running, unhealthy');
    assert.deepEqual(stateLook(toContainer(raw({ State: 'exited', Status: 'Exited (1) 1 second ago' }))), {
      icon: 'error',
      color: 'errorForeground',
      words: 'exited with code 1',
    });
    assert.deepEqual(
      stateLook(toContainer(raw({ State: 'paused', Status: 'Up 1 minute (Paused)' }))).icon,
      'debug-pause',
    );
  });

  it('describes a container by state in words, image and published ports; the tooltip has the ports in full', () => {
    const c = toContainer(
      raw({
        Ports: [
          { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 5050, Type: 'tcp' },
          { IP: '127.0.0.1', PrivatePort: 53, PublicPort: 5353, Type: 'udp' },
        ],
      }),
    );
    assert.equal(containerDescription(c), 'running · nginx:1.27 · 5353→53/udp, 5050→80');
    const tooltip = containerTooltip(c, ['PATH=/bin', 'DB_PASSWORD=hunter2', 'URL=postgres://app:s3cret@db/app']);
    assert.match(tooltip, /`0\.0\.0\.0:5050 → 80\/tcp`/);
    assert.match(tooltip, /`127\.0\.0\.1:5353 → 53\/udp`/);
    assert.match(tooltip, /DB_PASSWORD=••••••/);
    assert.match(tooltip, /postgres:\/\/app:••••••@db\/app/);
    assert.ok(!tooltip.includes('hunter2') && !tooltip.includes('s3cret'));
  });

  it('says each state in words in the description, so the icon is never the only sign', () => {
    const described = (over: Partial<RawContainer>) => containerDescription(toContainer(raw(over)));
    const states = [
      described({}),
      described({ Status: 'Up 5 minutes (healthy)' }),
      described({ Status: 'Up 5 minutes (unhealthy)' }),
      described({ Status: 'Up 2 seconds (health: starting)' }),
      described({ State: 'exited', Status: 'Exited (137) 2 hours ago' }),
      described({ State: 'exited', Status: 'Exited (0) 2 hours ago' }),
      described({ State: 'created', Status: 'Created' }),
      described({ State: 'paused', Status: 'Up 1 minute (Paused)' }),
    ];
    assert.deepEqual(states, [
      'running · nginx:1.27',
      'running, healthy · nginx:1.27',
      'running, unhealthy · nginx:1.27',
      'running, health check starting · nginx:1.27',
      'exited with code 137 · nginx:1.27',
      'exited (code 0) · nginx:1.27',
      'created, not started · nginx:1.27',
      'paused · nginx:1.27',
    ]);
    assert.equal(new Set(states).size, states.length, 'no two states read the same');
  });

  it('labels a container for screen readers: state, image, ports in words (in row order), compose project', () => {
    const c = toContainer(
      raw({
        Names: ['/shop-db-1'],
        Status: 'Up 1 minute (unhealthy)',
        Image: 'postgres:16',
        Ports: [
          { IP: '0.0.0.0', PrivatePort: 5432, PublicPort: 5432, Type: 'tcp' },
          { IP: '::', PrivatePort: 5432, PublicPort: 5432, Type: 'tcp' },
          { IP: '0.0.0.0', PrivatePort: 53, PublicPort: 5353, Type: 'udp' },
          { PrivatePort: 9000, Type: 'tcp' },
        ],
        Labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'db' },
      }),
    );
    assert.equal(
      containerAccessibilityLabel(c),
      'shop-db-1, running, unhealthy, image postgres:16, ' +
        'publishes host port 5353 to container port 53 udp, host port 5432 to container port 5432, ' +
        'compose project shop, service db',
    );
    const plain = toContainer(raw({ State: 'exited', Status: 'Exited (1) 1 second ago' }));
    assert.equal(containerAccessibilityLabel(plain), 'web, exited with code 1, image nginx:1.27');
  });

  it('says "connected" in words for a reachable engine, also before its version is known', () => {
    const version = { version: '27.3.1', apiVersion: '1.47', os: 'linux', arch: 'amd64' };
    assert.deepEqual(connectedEngine(version), {
      label: 'Connected: Docker 27.3.1',
      description: 'API 1.47 · linux/amd64',
    });
    assert.deepEqual(connectedEngine(undefined), {
      label: 'Connected',
      description: 'asking the engine for its version…',
    });
    assert.equal(engineName({ ...version, product: 'Podman', version: '4.3.1' }), 'Podman 4.3.1');
    assert.equal(engineName(undefined), 'Engine');
  });

  it('escapes Markdown and HTML from the engine, and fences code spans safely', () => {
    assert.equal(escapeMarkdown('<b>x</b> *y* [z](u)'), '&lt;b\\>x&lt;/b\\> \\*y\\* \\[z\\]\\(u\\)');
    assert.equal(codeSpan('a`b'), '``a`b``');
    assert.equal(codeSpan('<script>'), '&lt;script\\>');
  });

  it('groups containers by compose project then service, standalone ones last', () => {
    const items = [
      toContainer(raw({ Id: '1', Names: ['/solo'] })),
      toContainer(
        raw({
          Id: '2',
          Names: ['/shop-web-1'],
          Labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' },
        }),
      ),
      toContainer(
        raw({
          Id: '3',
          Names: ['/shop-db-1'],
          Labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'db' },
        }),
      ),
      toContainer(
        raw({
          Id: '4',
          Names: ['/blog-app-1'],
          Labels: { 'com.docker.compose.project': 'blog', 'com.docker.compose.service': 'app' },
        }),
      ),
    ];
    const groups = groupContainers(items);
    assert.deepEqual(
      groups.map((g) => [
        g.project ?? '(standalone)',
        g.services.map((s) => s.service),
        g.containers.map((c) => c.name),
      ]),
      [
        ['blog', ['app'], ['blog-app-1']],
        ['shop', ['db', 'web'], ['shop-db-1', 'shop-web-1']],
        ['(standalone)', [], ['solo']],
      ],
    );
  });

  it('previews a prune from the model: stopped containers, dangling unused images with their size, unused networks', () => {
    const containers = new Map([
      ['1', toContainer(raw({ Id: '1', State: 'exited', Status: 'Exited (0) 1 minute ago', Names: ['/old'] }))],
      ['2', toContainer(raw({ Id: '2', Names: ['/live'], ImageID: 'sha256:used' }))],
    ]);
    const images = new Map([
      ['sha256:dangling', { id: 'sha256:dangling', tags: [], digests: [], size: 5_000_000, created: 0, labels: {} }],
      ['sha256:used', { id: 'sha256:used', tags: [], digests: [], size: 7_000_000, created: 0, labels: {} }],
      ['sha256:tagged', { id: 'sha256:tagged', tags: ['x:1'], digests: [], size: 1, created: 0, labels: {} }],
    ]);
    const networks = new Map([
      ['n1', { id: 'n1', name: 'bridge', driver: 'bridge', scope: 'local', internal: false, labels: {} }],
      ['n2', { id: 'n2', name: 'spare', driver: 'bridge', scope: 'local', internal: false, labels: {} }],
    ]);
    const model = { containers, images, volumes: new Map(), networks };
    assert.deepEqual(prunePreview('containers', model).items, ['old']);
    assert.deepEqual(prunePreview('images', model), { kind: 'images', items: ['dangling'], bytes: 5_000_000 });
    assert.deepEqual(prunePreview('networks', model).items, ['spare']);
  });

  it('formats sizes and ages', () => {
    assert.equal(formatBytes(999), '999 B');
    assert.equal(formatBytes(1_234_567), '1.2 MB');
    assert.equal(age(1000, 1000_000 + 3 * 3600_000), '3 hours ago');
  });
});

describe('Engine streams and errors', () => {
  it('splits the event stream into messages, across chunk boundaries, skipping junk', () => {
    const out: unknown[] = [];
    const feed = jsonLines((v) => out.push(v));
    feed('{"Type":"container","Action":"start"}\n{"Type":"im');
    feed('age","Action":"tag"}\nnot json\n');
    feed(Buffer.from('{"Type":"volume"}\n'));
    assert.deepEqual(out, [
      { Type: 'container', Action: 'start' },
      { Type: 'image', Action: 'tag' },
      { Type: 'volume' },
    ]);
  });

  it('demultiplexes log frames, even when a frame spans chunks', () => {
    const frame = (stream: number, text: string) =>
      Buffer.concat([
        Buffer.from([stream, 0, 0, 0]),
        Buffer.from(new Uint32Array([0]).buffer).fill(0),
        Buffer.from(text),
      ]);
    const f1 = frame(1, 'hello\n');
    f1.writeUInt32BE(6, 4);
    const f2 = frame(2, 'oops\n');
    f2.writeUInt32BE(5, 4);
    const all = Buffer.concat([f1, f2]);
    const out: string[] = [];
    const feed = logFrames(false, (text, stream) => out.push(`${stream}:${text}`));
    feed(all.subarray(0, 10));
    feed(all.subarray(10));
    assert.deepEqual(out, ['stdout:hello\n', 'stderr:oops\n']);
  });

  it('explains connection failures in plain words', () => {
    assert.match(
      plainEngineError(
        Object.assign(new Error('connect ENOENT /var/run/docker.sock'), { code: 'ENOENT' }),
        'unix:///var/run/docker.sock',
      ),
      /no Docker socket at unix:\/\/\/var\/run\/docker\.sock/,
    );
    assert.match(plainEngineError({ code: 'EACCES', message: 'x' }, 'unix:///s'), /docker" group/);
    assert.match(
      plainEngineError({ code: 'ECONNREFUSED', message: 'x' }, 'tcp://h:2375'),
      /Nothing answers at tcp:\/\/h:2375/,
    );
  });
});

describe('which engine Dockside talks to', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-config-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const addContext = (name: string, host: string) => {
    const meta = path.join(dir, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'));
    fs.mkdirSync(meta, { recursive: true });
    fs.writeFileSync(
      path.join(meta, 'meta.json'),
      JSON.stringify({
        Name: name,
        Metadata: { Description: `the ${name} box` },
        Endpoints: { docker: { Host: host, SkipTLSVerify: false } },
      }),
    );
  };

  it('prefers the setting, then DOCKER_HOST, then DOCKER_CONTEXT, then the current context, then the default socket', () => {
    addContext('remote', 'tcp://10.0.0.5:2375');
    addContext('other', 'ssh://me@build.example');
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ currentContext: 'remote' }));
    const env = { DOCKER_HOST: 'unix:///run/user/1000/docker.sock', DOCKER_CONTEXT: 'other' };
    assert.equal(
      resolveEngine({ setting: 'tcp://127.0.0.1:23750', env, configDir: dir }).label,
      'tcp://127.0.0.1:23750',
    );
    assert.deepEqual(
      [resolveEngine({ env, configDir: dir }).source, resolveEngine({ env, configDir: dir }).label],
      ['DOCKER_HOST', 'unix:///run/user/1000/docker.sock'],
    );
    assert.deepEqual(
      [
        resolveEngine({ env: { DOCKER_CONTEXT: 'other' }, configDir: dir }).source,
        resolveEngine({ env: { DOCKER_CONTEXT: 'other' }, configDir: dir }).label,
      ],
      ['context "other"', 'ssh://me@build.example:22'],
    );
    assert.deepEqual(resolveEngine({ env: {}, configDir: dir }).options, {
      host: '10.0.0.5',
      port: 2375,
      protocol: 'http',
    });
    fs.writeFileSync(path.join(dir, 'config.json'), '{}');
    assert.equal(resolveEngine({ env: {}, configDir: dir }).source, 'default socket');
    assert.deepEqual(
      listContexts({ env: {}, configDir: dir })
        .map((c) => c.name)
        .sort(),
      ['default', 'other', 'remote'],
    );
  });

  it('reads TLS files for DOCKER_TLS_VERIFY with DOCKER_CERT_PATH', () => {
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) fs.writeFileSync(path.join(dir, f), `${f} contents`);
    const t = resolveEngine({
      env: { DOCKER_HOST: 'tcp://docker.example:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir },
    });
    assert.equal(t.options.protocol, 'https');
    assert.equal(String(t.options.ca), 'ca.pem contents');
    assert.equal(String(t.options.key), 'key.pem contents');
  });
});
