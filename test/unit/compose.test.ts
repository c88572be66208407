import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { composeQuickFixes } from '../../src/language/compose/composeQuickFixes';
import { applyEdits } from '../../src/language/edits';
import { ComposeService, composeDiagnostics } from '../../src/language/compose/composeService';
import { hostPortsOverlap, parsePortSpec } from '../../src/language/compose/ports';
import { schemaChildKeys } from '../../src/language/compose/composeSchema';
import { CORPUS, corpusPaths, corpusPresent } from '../support/corpus';

const lines = (...l: string[]) => l.join('\n') + '\n';
/** [code, line, startCharacter, endCharacter] of each finding (0-based). */
const found = (text: string) =>
  composeDiagnostics(text).map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.character]);

describe('compose ports', () => {
  it('parses every short form into one model', () => {
    assert.deepEqual(parsePortSpec('5432'), { ok: true, mapping: { target: [5432, 5432], protocol: 'tcp' } });
    assert.deepEqual(parsePortSpec('5050:80'), {
      ok: true,
      mapping: { target: [80, 80], published: [5050, 5050], protocol: 'tcp' },
    });
    assert.deepEqual(parsePortSpec('127.0.0.1:8080:80/udp'), {
      ok: true,
      mapping: { target: [80, 80], published: [8080, 8080], hostIp: '127.0.0.1', protocol: 'udp' },
    });
    assert.deepEqual(parsePortSpec('3000-3005:3000-3005'), {
      ok: true,
      mapping: { target: [3000, 3005], published: [3000, 3005], protocol: 'tcp' },
    });
    assert.deepEqual(parsePortSpec('[::1]:80:80'), {
      ok: true,
      mapping: { target: [80, 80], published: [80, 80], hostIp: '::1', protocol: 'tcp' },
    });
  });

  it('rejects impossible ports with a reason', () => {
    assert.deepEqual(parsePortSpec('70000:80'), { ok: false, error: 'host port 70000 is above 65535' });
    assert.deepEqual(parsePortSpec('80/xtp'), { ok: false, error: '"xtp" is not a protocol: use tcp, udp or sctp' });
    assert.deepEqual(parsePortSpec('3000-3005:4000-4001'), {
      ok: false,
      error: 'the host range 3000-3005 and the container range 4000-4001 have different lengths',
    });
  });

  it('sees host-port conflicts on the same address and protocol only', () => {
    const m = (s: string) => (parsePortSpec(s) as { mapping: Parameters<typeof hostPortsOverlap>[0] }).mapping;
    assert.equal(hostPortsOverlap(m('8080:80'), m('8080:3000')), true);
    assert.equal(hostPortsOverlap(m('127.0.0.1:8080:80'), m('127.0.0.2:8080:80')), false);
    assert.equal(hostPortsOverlap(m('8080:80/udp'), m('8080:80')), false);
    assert.equal(hostPortsOverlap(m('3000-3005:3000-3005'), m('3003:80')), true);
  });
});

describe('compose diagnostics', () => {
  it('flags the plain-text passwords and untagged images of the notes’ postgres + pgadmin example', () => {
    const text = lines(
      'services:',
      '  postgres:',
      '    image: postgres',
      '    environment:',
      '      POSTGRES_PASSWORD: 12345',
      '  pgadmin:',
      '    image: dpage/pgadmin4',
      '    environment:',
      '      - PGADMIN_DEFAULT_PASSWORD=admin',
    );
    assert.deepEqual(found(text), [
      ['CS004', 2, 11, 19],
      ['CS011', 4, 6, 23],
      ['CS004', 6, 11, 25],
      ['CS011', 8, 8, 38],
    ]);
  });

  it('reports YAML syntax errors and duplicate keys with ranges', () => {
    assert.deepEqual(
      found(lines('services:', '  web:', '    image: nginx:1.27', '    image: nginx:1.26')).map((f) => f[0]),
      ['CS001'],
    );
    assert.equal(found('services: [\n')[0]?.[0], 'CS001');
  });

  const offsetAt = (text: string, line: number, character: number) =>
    text
      .split('\n')
      .slice(0, line)
      .reduce((n, l) => n + l.length + 1, 0) + character;

  it('finds duplicate keys exactly where the yaml package finds them, in plain files and in files with aliases', () => {
    const cases = [
      lines('services:', '  web:', '    image: a', '    image: b', '    ports: []', '    image: c'),
      // Keys that read as one name but differ as values are not duplicates: 1 and "1", null and "".
      lines('x-a:', '  1: a', '  "1": b', '  ~: c', '  "": d', '  2: e', '  2: f', '  "1": g', '  "": h'),
      lines('x-a:', '  constructor: 1', '  __proto__: 2', '  constructor: 3', '  __proto__: 4', '  toString: 5'),
      lines('x-a:', '  b:', '    c: 1', '    c: 2', '  b: 3', 'x-a: 4'),
      // An alias sends the copy to toJS; the duplicates are still found.
      lines('x-base: &b {k: 1}', 'x-a:', '  k: *b', '  k: 2', 'services: {}'),
    ];
    for (const text of cases) {
      const expected = parseDocument(text)
        .errors.filter((e) => e.code === 'DUPLICATE_KEY')
        .map((e) => e.pos[0]);
      assert.ok(expected.length > 0, text);
      const ours = composeDiagnostics(text)
        .filter((d) => d.code === 'CS001')
        .map((d) => offsetAt(text, d.range.start.line, d.range.start.character));
      assert.deepEqual(ours, expected, text);
    }
  });

  it('stops an alias bomb with a clear diagnostic', () => {
    const bomb = lines(
      'a: &a [x,x,x,x,x,x,x,x,x,x]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    );
    const started = performance.now();
    const diags = composeDiagnostics(bomb);
    assert.ok(performance.now() - started < 500);
    assert.deepEqual(
      diags.map((d) => d.code),
      ['CS002'],
    );
  });

  it('accepts anchors and merge keys within reason', () => {
    const text = lines(
      'x-common: &common',
      '  restart: unless-stopped',
      'services:',
      '  web:',
      '    <<: *common',
      '    image: nginx:1.27',
    );
    assert.deepEqual(found(text), []);
  });

  it('checks references: networks, named volumes, depends_on and cycles', () => {
    const text = lines(
      'services:',
      '  web:',
      '    image: nginx:1.27',
      '    networks: [front]',
      '    volumes:',
      '      - data:/var/lib/data',
      '      - ./site:/usr/share/nginx/html:ro',
      '    depends_on: [api, ghost]',
      '  api:',
      '    image: node:22-slim',
      '    depends_on:',
      '      web:',
      '        condition: service_started',
    );
    assert.deepEqual(
      found(text).map((f) => f.slice(0, 2)),
      [
        ['CS006', 3],
        ['CS007', 5],
        ['CS009', 7],
        ['CS008', 7],
        ['CS009', 11],
      ],
    );
  });

  it('flags obsolete version, legacy links, a service with nothing to run, base-60 ports and port conflicts', () => {
    const text = lines(
      'version: "3.8"',
      'services:',
      '  a:',
      '    image: nginx:1.27',
      '    ports:',
      '      - 22:22',
      '      - "8080:80"',
      '    links: [b]',
      '  b:',
      '    ports: ["8080:3000", "99999"]',
    );
    assert.deepEqual(
      found(text).map((f) => f.slice(0, 2)),
      [
        ['CS003', 0],
        ['CS013', 5],
        ['CS014', 6],
        ['CS010', 7],
        ['CS005', 8],
        ['CS014', 9],
        ['CS012', 9],
      ],
    );
  });

  it('CS012 checks a port with variables as Compose interpolates it, and leaves one it cannot know alone', () => {
    const host = (env: Record<string, string>, dotEnv?: string) => ({
      path: '/p/compose.yaml',
      host: {
        env,
        exists: () => false,
        readFile: (p: string) => (p === '/p/.env' ? dotEnv : undefined),
      },
    });
    const text = lines(
      'services:',
      '  a:',
      '    image: nginx:1.27',
      '    ports:',
      '      - "127.0.0.1:${PORT:-5050}:80"',
      '      - "${HOST_PORT}:80"',
      '      - "${IP:-0.0.0.0}:8080:80"',
      '      - target: 80',
      '        published: ${P:-8081}',
      '      - "${BAD:-99999}:80"',
    );
    const codes = (file: ReturnType<typeof host>) =>
      composeDiagnostics(text, file)
        .filter((d) => d.code === 'CS012')
        .map((d) => [d.range.start.line, d.message]);
    // HOST_PORT is unknown here (the shell running Compose may set it): only the default that is out of range.
    assert.deepEqual(codes(host({})), [
      [9, 'Port "${BAD:-99999}:80" (as "99999:80"): host port 99999 is above 65535.'],
    ]);
    // Set in the environment, or in .env, the value is what gets checked.
    assert.deepEqual(codes(host({ HOST_PORT: 'x' }, 'BAD=8090\n')), [
      [5, 'Port "${HOST_PORT}:80" (as "x:80"): "x" is not a host port.'],
    ]);
    assert.deepEqual(codes(host({ BAD: '8090' }, 'HOST_PORT=8085\n')), []);
    assert.deepEqual(codes(host({}, 'BAD=1\n')), []);
    // A variable named like an Object.prototype member is no value of the environment.
    assert.ok(
      composeDiagnostics(
        lines('services:', '  a:', '    image: x:1', '    ports: ["${constructor}:80"]'),
        host({}),
      ).some((d) => d.code === 'CS022' && d.message.startsWith('"constructor" has no value')),
    );
  });

  it('CS014 sees two services on the same default port', () => {
    const text = lines(
      'services:',
      '  a:',
      '    image: x:1',
      '    ports: ["${WEB:-8080}:80"]',
      '  b:',
      '    image: y:1',
      '    ports: ["8080:3000"]',
    );
    const file = { path: '/p/compose.yaml', host: { env: {}, exists: () => false, readFile: () => undefined } };
    assert.deepEqual(
      composeDiagnostics(text, file)
        .filter((d) => d.code === 'CS014')
        .map((d) => d.range.start.line),
      [3, 6],
    );
  });

  it('CS015 errors when the file or its "services" is not a mapping, and accepts an empty mapping', () => {
    assert.deepEqual(composeDiagnostics(lines('- web', '- db')), [
      {
        range: { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } },
        severity: 'error',
        code: 'CS015',
        message: 'A compose file is a mapping with a top-level "services:" key.',
        lesson: 'compose',
      },
    ]);
    const list = composeDiagnostics(lines('services:', '  - web', '  - db')).find((d) => d.code === 'CS015');
    assert.deepEqual(list && [list.range, list.message], [
      { start: { line: 1, character: 2 }, end: { line: 3, character: 0 } },
      '"services" must be a mapping of service names to their settings.',
    ]);
    assert.deepEqual(found(lines('services: [web]')), [
      ['CS015', 0, 10, 15],
      ['CS016', 0, 10, 15],
    ]);
    assert.deepEqual(found(lines('services: {}')), []);
    assert.deepEqual(found(lines('name: demo')), []);
  });

  it('honours ignore comments and rule levels', () => {
    const text = lines(
      'services:',
      '  db:',
      '    image: postgres:16',
      '    environment:',
      '      # dockside-ignore CS011',
      '      POSTGRES_PASSWORD: dev-only',
    );
    assert.deepEqual(new ComposeService().diagnose({ uri: 'c', version: 1, text }), []);
    const off = new ComposeService({ CS004: 'off' }).diagnose({
      uri: 'd',
      version: 1,
      text: lines('services:', '  web:', '    image: nginx'),
    });
    assert.deepEqual(off, []);
  });

  it('never throws on hostile input', () => {
    for (const text of [
      '',
      '\u0000',
      '[',
      'services: 5',
      'services:\n  a: [1, 2]',
      '- - - -',
      'a: ' + '['.repeat(1000),
      '&a [*a]',
      'services:\n  web:\n    ports: [{published: x}]',
    ]) {
      assert.ok(Array.isArray(composeDiagnostics(text)));
    }
  });
});

describe('compose hover', () => {
  const text = lines(
    'services:',
    '  pgadmin:',
    '    image: dpage/pgadmin4:8',
    '    ports:',
    '      - "5050:80"',
    '      - "127.0.0.1:5432:5432"',
    '    volumes:',
    '      - pgadmin:/var/lib/pgadmin',
    '      - ./servers.json:/pgadmin4/servers.json:ro',
    '    depends_on: [postgres]',
    '    restart: unless-stopped',
    'networks:',
    '  postgres:',
    '    driver: bridge',
  );
  const service = new ComposeService();
  const hover = (line: number, character: number) => service.hover({ uri: 'h', version: 1, text }, { line, character });

  it('explains "5050:80" as host 5050 → container 80, reachable at localhost:5050', () => {
    const h = hover(4, 10)!;
    assert.match(
      h.markdown,
      /^\*\*Port `5050:80`\*\*: host 5050 → container 80\/tcp\.\n\nReachable at `localhost:5050`, from every network interface/,
    );
    assert.deepEqual(h.range, { start: { line: 4, character: 8 }, end: { line: 4, character: 17 } });
    assert.match(hover(5, 12)!.markdown, /Reachable at `127\.0\.0\.1:5432`, only from this machine/);
  });

  it('tells a named volume from a bind mount, and notes :ro', () => {
    assert.match(hover(7, 12)!.markdown, /^\*\*Named volume `pgadmin:\/var\/lib\/pgadmin`\*\*/);
    assert.match(
      hover(8, 12)!.markdown,
      /^\*\*Bind mount `\.\/servers\.json:\/pgadmin4\/servers\.json:ro`\*\*.*Read-only/,
    );
  });

  it('explains keys, depends_on, restart policies and network drivers', () => {
    assert.match(hover(9, 6)!.markdown, /^\*\*depends_on\*\*: Start order.*condition: service_healthy/);
    assert.match(hover(10, 16)!.markdown, /^\*\*restart: `unless-stopped`\*\*/);
    assert.match(hover(13, 14)!.markdown, /^`bridge`: a private network/);
    assert.match(hover(1, 4)!.markdown, /^\*\*Service `pgadmin`\*\*.*host name `pgadmin`/);
    assert.equal(hover(13, 5), undefined);
  });

  it('explains an image name: who publishes it and what its tag means', () => {
    assert.match(
      hover(2, 25)!.markdown,
      /^\*\*dpage\/pgadmin4\*\*\n\nPublished by `dpage`, not an official image.*\n\nTag `8`: version 8\./s,
    );
    const official = service.hover(
      { uri: 'h2', version: 1, text: lines('services:', '  db:', '    image: postgres') },
      { line: 2, character: 12 },
    )!;
    assert.match(official.markdown, /^\*\*postgres\*\* \(Docker Official Image\).*No tag: Docker uses `latest`/s);
  });

  it('has Dockside words for every top-level and service key of the Compose Specification', () => {
    const missing: string[] = [];
    for (const [path, keys] of [
      [[] as string[], schemaChildKeys([])],
      [['services', 'x'], schemaChildKeys(['services', 'x'])],
    ] as const) {
      for (const key of keys) {
        const text = path.length ? lines('services:', '  x:', `    ${key}: 1`) : lines(`${key}: 1`);
        const h = service.hover(
          { uri: `k-${key}-${path.length}`, version: 1, text },
          { line: path.length ? 2 : 0, character: path.length ? 5 : 1 },
        );
        if (!h || !h.markdown.startsWith(`**${key}**: `)) missing.push(`${[...path, key].join('.')}`);
      }
    }
    assert.ok(schemaChildKeys(['services', 'x']).length > 60, 'the schema lists the service keys');
    assert.deepEqual(missing, []);
  });
});

describe('compose quick fixes', () => {
  const apply = (text: string, code: string, index = 0) => {
    const d = composeDiagnostics(text).find((x) => x.code === code)!;
    assert.ok(d, `${code} fires`);
    const fix = composeQuickFixes(text, d)[index]!;
    const lineStarts = text
      .split('\n')
      .reduce<number[]>((acc, l) => [...acc, acc[acc.length - 1]! + l.length + 1], [0]);
    return applyEdits(text, fix.edits, (p) => Math.min((lineStarts[p.line] ?? text.length) + p.character, text.length));
  };

  it('quotes a base-60 port', () => {
    const out = apply(lines('services:', '  ssh:', '    image: alpine:3.20', '    ports:', '      - 22:22'), 'CS013');
    assert.equal(out, lines('services:', '  ssh:', '    image: alpine:3.20', '    ports:', '      - "22:22"'));
    assert.deepEqual(composeDiagnostics(out), []);
  });

  it('removes version', () => {
    const out = apply(lines('version: "3.9"', 'services:', '  web:', '    image: nginx:1.27'), 'CS003');
    assert.equal(out, lines('services:', '  web:', '    image: nginx:1.27'));
  });

  it('declares a missing network, adding the section when needed, and an existing section', () => {
    const base = lines('services:', '  web:', '    image: nginx:1.27', '    networks: [front]');
    const added = apply(base, 'CS006');
    assert.equal(added, base + 'networks:\n  front:\n');
    assert.deepEqual(composeDiagnostics(added), []);
    const existing = apply(
      lines(
        'services:',
        '  db:',
        '    image: postgres:16',
        '    volumes: ["data:/var/lib/postgresql/data"]',
        'volumes:',
        '  other:',
      ),
      'CS007',
    );
    assert.match(existing, /\nvolumes:\n {2}data:\n {2}other:\n$/);
    assert.deepEqual(composeDiagnostics(existing), []);
  });

  it('ignores a finding with a comment above it', () => {
    const text = lines('services:', '  db:', '    image: postgres:16', '    environment:', '      DB_PASSWORD: dev');
    const out = apply(text, 'CS011', 0);
    assert.deepEqual(new ComposeService().diagnose({ uri: 'q', version: 1, text: out }), []);
  });
});

describe('compose schema checks', () => {
  it('names an unknown key with its path and suggests the close one', () => {
    const diags = composeDiagnostics(lines('services:', '  web:', '    imagee: nginx:1.27'));
    assert.deepEqual(
      diags.map((d) => [d.code, d.message, d.range.start.line, d.range.start.character, d.range.end.character]),
      [
        ['CS016', '"imagee" is not a key of services.web. Did you mean "image"?', 2, 4, 10],
        [
          'CS005',
          'Service "web" has neither "image" nor "build", so Compose has nothing to run. Add one of them.',
          1,
          2,
          5,
        ],
      ].sort((a, b) => (a[2] as number) - (b[2] as number)),
    );
  });

  it('reports a wrong type, a bad restart policy and a duration without a unit, in plain words', () => {
    const text = lines(
      'services:',
      '  web:',
      '    image: nginx:1.27',
      '    restart: always-ish',
      '    healthcheck:',
      '      test: ["CMD", "true"]',
      '      interval: 10',
      '      timeout: 5x',
      '    ports: {a: 1}',
    );
    const messages = composeDiagnostics(text).map((d) => `${d.code} ${d.range.start.line}: ${d.message}`);
    assert.deepEqual(messages, [
      'CS017 3: "always-ish" is not a restart policy: use "no", "always", "on-failure" (or "on-failure:N") or "unless-stopped".',
      'CS016 6: services.web.healthcheck.interval must be a string.',
      'CS018 7: healthcheck.timeout "5x" is not a duration: write a number with a unit, such as "10s", "1m30s" or "500ms".',
      'CS016 8: services.web.ports must be a list.',
    ]);
  });

  it('accepts current Compose features: top-level name, string published ports, long syntax, profiles, configs', () => {
    const text = lines(
      'name: shop',
      'services:',
      '  api:',
      '    build: { context: ., dockerfile: Dockerfile }',
      '    ports:',
      '      - target: 3000',
      '        published: "8080"',
      '        protocol: tcp',
      '    profiles: [dev]',
      '    configs: [app]',
      '    healthcheck:',
      '      test: ["CMD-SHELL", "wget -qO- localhost:3000/health || exit 1"]',
      '      interval: 1m30s',
      '    depends_on:',
      '      db:',
      '        condition: service_healthy',
      '  db:',
      '    image: postgres:16',
      'configs:',
      '  app:',
      '    file: ./app.conf',
    );
    assert.deepEqual(composeDiagnostics(text), []);
  });
});

describe('compose secrets, configs and replicas', () => {
  it('errors on an undeclared secret or config, short and long form, and accepts declared ones', () => {
    const text = lines(
      'services:',
      '  api:',
      '    image: node:22-slim',
      '    secrets: [db_password, {source: api_key, target: key}]',
      '    configs: [app]',
      'secrets:',
      '  db_password:',
      '    file: ./db_password.txt',
    );
    assert.deepEqual(
      found(text).map((f) => [f[0], f[1]]),
      [
        ['CS020', 3],
        ['CS020', 4],
      ],
    );
    assert.match(
      composeDiagnostics(text)[0]?.message ?? '',
      /secret "api_key", which is not declared under the top-level "secrets:"/,
    );
  });

  it('errors on container_name with more than one replica', () => {
    const text = lines(
      'services:',
      '  web:',
      '    image: nginx:1.27',
      '    container_name: web',
      '    deploy:',
      '      replicas: 3',
    );
    assert.deepEqual(found(text), [['CS019', 3, 4, 18]]);
    assert.deepEqual(found(text.replace('replicas: 3', 'replicas: 1')), []);
  });
});

describe('compose: a file that declares nothing (CS033)', () => {
  /** [code, startLine, startCharacter, endLine, endCharacter] of each error. */
  const errors = (text: string) =>
    composeDiagnostics(text)
      .filter((d) => d.severity === 'error')
      .map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character]);

  it('errors on an empty mapping, as Compose v2 does ("empty compose file"), at the braces', () => {
    assert.deepEqual(errors('{}\n'), [['CS033', 0, 0, 0, 2]]);
    assert.deepEqual(errors(lines('# nothing yet', '{ }')), [['CS033', 1, 0, 1, 3]]);
    const d = composeDiagnostics('{}\n')[0]!;
    assert.equal(d.lesson, 'compose');
    assert.match(d.message, /^This mapping sets nothing: .*"empty compose file"/);
  });

  it('errors when only "version" (which Compose drops) or an empty include is left', () => {
    assert.deepEqual(errors('version: "3.8"\n'), [['CS033', 0, 0, 1, 0]]);
    assert.match(composeDiagnostics('version: "3.8"\n').find((x) => x.code === 'CS033')!.message, /^Apart from/);
    assert.deepEqual(errors('include: []\n'), [['CS033', 0, 0, 1, 0]]);
  });

  it('judges the documents merged: one report at the first, none when another document declares something', () => {
    assert.deepEqual(errors(lines('{}', '---', '{}')), [['CS033', 0, 0, 0, 2]]);
    assert.deepEqual(errors(lines('{}', '---', 'services:', '  web:', '    image: nginx:1.27')), []);
  });

  it('stays quiet on near misses that Compose v2 loads: any other key, even an empty services', () => {
    for (const text of ['services: {}\n', 'name: demo\n', 'x-common: {}\n', 'networks:\n  front: {}\n'])
      assert.deepEqual(
        errors(text).filter((e) => e[0] === 'CS033'),
        [],
        text,
      );
    assert.deepEqual(
      errors(lines('include:', '  - other/compose.yaml')).filter((e) => e[0] === 'CS033'),
      [],
    );
  });
});

describe('compose files of the shared corpus (real projects that run)', () => {
  it('reports no error on any of them', function () {
    if (!corpusPresent('compose files', 'the compose corpus check')) this.skip();
    const files = corpusPaths(/compose.*\.ya?ml$/i);
    assert.ok(files.length >= 30, `the corpus holds its compose files (${files.length})`);
    const errors = files.flatMap((f) =>
      composeDiagnostics(fs.readFileSync(f, 'utf8'))
        .filter((d) => d.severity === 'error')
        .map((d) => `${path.relative(CORPUS, f)}:${d.range.start.line + 1} ${d.code} ${d.message}`),
    );
    assert.deepEqual(errors, []);
  });
});
