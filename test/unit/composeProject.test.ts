import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ComposeService, composeDiagnostics } from '../../src/language/compose/composeService';
import type { ComposeHost } from '../../src/language/compose/composeTypes';
import { fsComposeHost } from '../../src/language/compose/fsHost';
import { LINK_LIMITS } from '../../src/language/compose/linkedFiles';
import { overlayKeysIn, SCHEMA_OVERLAY } from '../../src/language/compose/schemaOverlay';
import { V2_CASES } from '../fixtures/composeV2';

const lines = (...l: string[]) => l.join('\n') + '\n';

/** Files in memory, with every read counted: the bounds are about what is read. */
function memoryHost(files: Record<string, string>): ComposeHost & { reads: string[] } {
  const reads: string[] = [];
  return {
    env: {},
    reads,
    exists: (p) => p in files || Object.keys(files).some((f) => f.startsWith(`${p}/`)),
    readFile: (p) => {
      reads.push(p);
      return files[p];
    },
  };
}

/** [code, line, startCharacter, endLine, endCharacter] of each error, for a compose file at /p/compose.yaml. */
const errorsIn = (text: string, files: Record<string, string> = {}, root?: string) =>
  composeDiagnostics(text, { path: '/p/compose.yaml', host: memoryHost(files), ...(root ? { root } : {}) })
    .filter((d) => d.severity === 'error')
    .map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character]);

describe('Compose v2 projects (fixtures written to disk)', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-compose-v2-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const [n, c] of V2_CASES.entries())
    it(`${c.rejected ? `rejects with ${c.code}` : 'accepts'}: ${c.name}`, () => {
      const caseDir = path.join(dir, `case-${n}`);
      for (const [name, text] of Object.entries({ ...c.files, 'compose.yaml': c.text })) {
        fs.mkdirSync(path.dirname(path.join(caseDir, name)), { recursive: true });
        fs.writeFileSync(path.join(caseDir, name), text);
      }
      const file = path.join(caseDir, 'compose.yaml');
      const errors = composeDiagnostics(c.text, { path: file, host: fsComposeHost({}), root: caseDir })
        .filter((d) => d.severity === 'error')
        .map((d) => `${d.code} ${d.message}`);
      if (!c.rejected) assert.deepEqual(errors, []);
      else {
        assert.equal(errors.length, 1, errors.join('\n'));
        assert.ok(errors[0]!.startsWith(`${c.code} `), errors[0]);
      }
    });
});

describe('compose files of several documents', () => {
  it('reads names across documents and reports in the second document at its own place', () => {
    const text = lines(
      'services:',
      '  web:',
      '    image: nginx:1.27',
      '    depends_on: [db]',
      '---',
      'services:',
      '  db:',
      '    image: postgres:16',
      '    depends_on: [cache]',
    );
    assert.deepEqual(
      composeDiagnostics(text).map((d) => [d.code, d.range.start.line, d.range.start.character, d.message]),
      [['CS008', 8, 17, 'Service "db" depends on "cache", which is not a service in this file.']],
    );
  });

  it('takes the image of a service from an earlier document (a near miss: one document has none)', () => {
    const both = lines(
      'services:',
      '  web:',
      '    image: nginx:1.27',
      '---',
      'services:',
      '  web:',
      '    ports: ["80:80"]',
    );
    assert.deepEqual(errorsIn(both), []);
    assert.deepEqual(errorsIn(lines('services:', '  web:', '    ports: ["80:80"]', '---')), [['CS005', 1, 2, 1, 5]]);
  });

  it('errors on a file with no document, or an explicitly empty one, but skips a trailing separator', () => {
    assert.deepEqual(errorsIn(''), [['CS015', 0, 0, 0, 0]]);
    assert.deepEqual(errorsIn('# only a comment\n---\n'), [['CS015', 0, 0, 0, 0]]);
    assert.deepEqual(errorsIn(lines('services:', '  web:', '    image: nginx:1.27', '---', '~')), [
      ['CS015', 4, 0, 4, 1],
    ]);
    assert.deepEqual(errorsIn(lines('services:', '  web:', '    image: nginx:1.27', '---')), []);
  });
});

describe('the schema check of a file of several documents (validated merged, as Compose v2 does)', () => {
  /** [code, line, startCharacter, endLine, endCharacter, message] of each error. */
  const schemaErrors = (text: string) =>
    composeDiagnostics(text)
      .filter((d) => d.severity === 'error')
      .map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character]);

  it('accepts a depends_on entry that gets its "condition" from an earlier document', () => {
    // Alone, the second document's entry lacks "condition", which the schema requires; compose-go validates the
    // merged model, where the entry has both keys.
    const text = lines(
      'services:',
      '  web:',
      '    image: nginx:1.27',
      '    depends_on:',
      '      db:',
      '        condition: service_started',
      '  db:',
      '    image: postgres:16',
      '---',
      'services:',
      '  web:',
      '    depends_on:',
      '      db:',
      '        restart: true',
    );
    assert.deepEqual(schemaErrors(text), []);
    // The near miss: with no earlier entry, the merged model lacks it too, and the error is in the second document.
    const alone = text.replace('    depends_on:\n      db:\n        condition: service_started\n', '');
    assert.deepEqual(
      composeDiagnostics(alone)
        .filter((d) => d.code === 'CS016')
        .map((d) => [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.message]),
      [[10, 8, 11, 0, 'services.web.depends_on.db needs "condition".']],
    );
  });

  it('still reports a bad value of an earlier document that a later one overrides (validated after each merge)', () => {
    const text = lines(
      'services:',
      '  web:',
      '    image: nginx:1.27',
      '    privileged: maybe',
      '---',
      'services:',
      '  web:',
      '    privileged: true',
    );
    assert.deepEqual(schemaErrors(text), [['CS016', 3, 16, 3, 21]]);
  });

  it('places a problem of an appended list item in the document that wrote it', () => {
    const text = lines(
      'services:',
      '  web:',
      '    image: nginx:1.27',
      '    ports: ["80:80"]',
      '---',
      'services:',
      '  web:',
      '    ports:',
      '      - target: 80',
      '        publishd: 8080',
    );
    const d = composeDiagnostics(text).filter((x) => x.code === 'CS016');
    assert.deepEqual(
      d.map((x) => [x.range.start.line, x.range.start.character, x.range.end.line, x.range.end.character]),
      [[9, 8, 9, 16]],
    );
    // The path is the merged model's, as Compose names it: the item is the second port once the lists are joined.
    assert.equal(d[0]!.message, '"publishd" is not a key of services.web.ports[1]. Did you mean "published"?');
  });

  it('does not report the same list item written in two documents, which Compose keeps once', () => {
    const text = lines(
      'services:',
      '  web:',
      '    image: nginx:1.27',
      '    ports: ["80:80"]',
      '    cap_add: [NET_ADMIN]',
      '---',
      'services:',
      '  web:',
      '    ports: ["80:80"]',
      '    cap_add: [NET_ADMIN]',
    );
    assert.deepEqual(schemaErrors(text), []);
  });
});

describe('prototype names across documents and extends', () => {
  it('treats __proto__, constructor and toString as ordinary service names', () => {
    const text = lines(
      'services:',
      '  __proto__:',
      '    image: nginx:1.27',
      '  constructor:',
      '    image: nginx:1.27',
      '---',
      'services:',
      '  __proto__:',
      '    ports: ["80:80"]',
      '  web:',
      '    extends: constructor',
      '    depends_on: [__proto__, toString]',
    );
    assert.deepEqual(errorsIn(text), [['CS008', 11, 28, 11, 36]]);
  });
});

describe('merge keys and aliases', () => {
  it('merges a list of aliases, the earlier source winning, without errors', () => {
    const text = lines(
      'x-a: &a',
      '  image: nginx:1.27',
      '  restart: always',
      'x-b: &b',
      '  restart: sometimes',
      'services:',
      '  web:',
      '    <<: [*a, *b]',
    );
    assert.deepEqual(errorsIn(text), []);
  });

  it('names an alias inside its own anchor instead of a stack overflow', () => {
    const d = composeDiagnostics(lines('services: &all', '  web:', '    image: nginx:1.27', '    <<: *all'));
    assert.deepEqual(
      d.map((x) => [x.code, x.range.start.line, x.range.start.character, x.range.end.character]),
      [['CS002', 3, 8, 12]],
    );
    assert.match(d[0]!.message, /^The alias "\*all" stands inside the node its anchor "&all" marks/);
    assert.doesNotMatch(d[0]!.message, /call stack/);
  });
});

describe('include', () => {
  const main = (...include: string[]) =>
    lines('include:', ...include, 'services:', '  web:', '    image: nginx:1.27', '    depends_on: [db]');
  const db = lines('services:', '  db:', '    image: postgres:16');

  it('counts the services of an included file as declared, relative to the including file', () => {
    assert.deepEqual(errorsIn(main('  - sub/db.yaml'), { '/p/sub/db.yaml': db }), []);
    // Near miss: the same file elsewhere is not what the entry names.
    assert.deepEqual(errorsIn(main('  - sub/db.yaml'), { '/p/db.yaml': db }), [
      ['CS026', 1, 4, 1, 15],
      ['CS008', 5, 17, 5, 19],
    ]);
  });

  it('resolves a nested include against the included project folder', () => {
    const files = {
      '/p/stack/compose.yaml': lines('include:', '  - inner/db.yaml'),
      '/p/stack/inner/db.yaml': db,
    };
    assert.deepEqual(errorsIn(main('  - path: stack/compose.yaml'), files), []);
  });

  it('reports a cycle once, on the entry of the open file, with the chain', () => {
    const d = composeDiagnostics(main('  - a.yaml'), {
      path: '/p/compose.yaml',
      host: memoryHost({
        '/p/a.yaml': lines('include:', '  - b.yaml', 'services:', '  db:', '    image: postgres:16'),
        '/p/b.yaml': lines('include:', '  - a.yaml'),
      }),
    });
    assert.deepEqual(
      d.map((x) => [x.code, x.range.start.line, x.message]),
      [
        [
          'CS026',
          1,
          'This include leads back to a file that includes it (/p/a.yaml → /p/b.yaml → /p/a.yaml). Compose ' +
            'refuses an include cycle.',
        ],
      ],
    );
  });

  it('errors on a missing include env_file, and on a name defined here and, differently, in the included file', () => {
    assert.deepEqual(errorsIn(main('  - path: db.yaml', '    env_file: db.env'), { '/p/db.yaml': db }), [
      ['CS026', 1, 4, 3, 0],
    ]);
    assert.deepEqual(
      errorsIn(main('  - path: db.yaml', '    env_file: db.env'), { '/p/db.yaml': db, '/p/db.env': '' }),
      [],
    );
    const conflict = lines('include:', '  - db.yaml', 'services:', '  db:', '    image: postgres:17');
    assert.deepEqual(errorsIn(conflict, { '/p/db.yaml': db }), [['CS026', 3, 2, 3, 4]]);
  });

  it('stops a deep chain at the depth limit with one finding, reading no more than the limit', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 50; i++) files[`/p/f${i}.yaml`] = lines('include:', `  - f${i + 1}.yaml`);
    const host = memoryHost(files);
    const started = performance.now();
    const d = composeDiagnostics(main('  - f0.yaml'), { path: '/p/compose.yaml', host });
    assert.ok(performance.now() - started < 500);
    assert.deepEqual(
      d.filter((x) => x.code === 'CS026').map((x) => x.message.slice(0, 45)),
      ['Includes nest more than 8 files deep here, so'],
    );
    assert.ok(host.reads.filter((r) => r !== '/p/.env').length <= LINK_LIMITS.maxDepth);
  });

  it('stops reading past the file budget and past the size budget, saying so', () => {
    const files: Record<string, string> = {};
    const include = ['  - x.yaml'];
    for (let i = 0; i < 40; i++) {
      include.push(`  - s${i}.yaml`);
      files[`/p/s${i}.yaml`] = lines('services:', `  s${i}:`, '    image: busybox:1');
    }
    files['/p/x.yaml'] = db;
    const d = composeDiagnostics(main(...include), { path: '/p/compose.yaml', host: memoryHost(files) });
    assert.ok(d.some((x) => x.code === 'CS026' && /more than 32 compose files/.test(x.message)));
    const big = `services:\n  db:\n    image: postgres:16\n    command: "${'x'.repeat(1100000)}"\n`;
    const huge = composeDiagnostics(main('  - big.yaml'), {
      path: '/p/compose.yaml',
      host: memoryHost({ '/p/big.yaml': big }),
    });
    assert.deepEqual(
      huge.map((x) => [x.code, x.message]),
      [
        [
          'CS026',
          'The included file /p/big.yaml cannot be checked: it is too large or too deeply nested for Dockside to read.',
        ],
        ['CS008', 'Service "web" depends on "db", which is not a service in this file.'],
      ],
    );
  });

  it('reads a file an included file names only inside the workspace folder', () => {
    const host = memoryHost({
      '/p/db.yaml': lines('include:', '  - ../outside/secret.yaml', 'services:', '  db:', '    image: postgres:16'),
      '/outside/secret.yaml': lines('services:', '  other:', '    image: busybox:1'),
    });
    const d = composeDiagnostics(main('  - db.yaml'), { path: '/p/compose.yaml', host, root: '/p' });
    assert.deepEqual(d, []);
    assert.ok(!host.reads.includes('/outside/secret.yaml'));
  });
});

describe('extends across files', () => {
  it('errors when an extended service depends on a service this project lacks, at the extends key', () => {
    const text = lines('services:', '  web:', '    extends:', '      file: base.yaml', '      service: app');
    const base = lines('services:', '  app:', '    image: node:22', '    depends_on: [db]', '    networks: [back]');
    const d = composeDiagnostics(text, { path: '/p/compose.yaml', host: memoryHost({ '/p/base.yaml': base }) });
    assert.deepEqual(
      d.map((x) => [x.code, x.range.start.line, x.range.start.character, x.range.end.character]),
      [
        ['CS006', 2, 4, 11],
        ['CS008', 2, 4, 11],
      ],
    );
    assert.equal(
      d[1]!.message,
      'Service "web" extends "app" (in /p/base.yaml), which depends on "db"; that is not a service in this project, ' +
        'so Compose stops. Declare "db", or extend another service.',
    );
    const declared = lines(text, '  db:', '    image: postgres:16', 'networks:', '  back: {}');
    assert.deepEqual(errorsIn(declared.replace(/\n\n/g, '\n'), { '/p/base.yaml': base }), []);
  });

  it('follows extends within the other file and reports a cycle across files', () => {
    const text = lines('services:', '  web:', '    extends:', '      file: a.yaml', '      service: one');
    const a = lines('services:', '  one:', '    extends:', '      file: b.yaml', '      service: two');
    const b = lines('services:', '  two:', '    extends:', '      file: a.yaml', '      service: one');
    const d = composeDiagnostics(text, {
      path: '/p/compose.yaml',
      host: memoryHost({ '/p/a.yaml': a, '/p/b.yaml': b }),
    });
    assert.deepEqual(
      d.map((x) => [x.code, x.range.start.line, x.message]),
      [
        [
          'CS023',
          2,
          'Service "web" cannot be extended as written: extends comes back to a service already on its chain ' +
            '(web → one → two → one). Compose stops there.',
        ],
      ],
    );
  });

  it('reports a service missing further down the chain', () => {
    const text = lines('services:', '  web:', '    extends:', '      file: a.yaml', '      service: one');
    const a = lines('services:', '  one:', '    extends: nothing');
    assert.deepEqual(errorsIn(text, { '/p/a.yaml': a }), [['CS023', 2, 4, 2, 11]]);
  });
});

describe('the loader consistency checks (exact places)', () => {
  it('CS028: external with a driver, driver_opts or labels, and name with external.name', () => {
    const text = lines(
      'services:',
      '  web:',
      '    image: nginx:1.27',
      'secrets:',
      '  token:',
      '    external: true',
      '    labels: {a: b}',
      'configs:',
      '  conf:',
      '    name: conf-v2',
      '    external:',
      '      name: conf-v1',
    );
    assert.deepEqual(errorsIn(text), [
      ['CS028', 6, 4, 6, 10],
      ['CS028', 11, 6, 11, 10],
    ]);
    // Near miss: `external: false` creates the resource, so its settings are fine.
    assert.deepEqual(
      errorsIn(text.replace('external: true', 'external: false').replace('    name: conf-v2\n', '')),
      [],
    );
  });

  it('CS029: network_mode with networks, not network_mode alone', () => {
    const base = lines('services:', '  web:', '    image: nginx:1.27', '    network_mode: "service:db"');
    assert.deepEqual(errorsIn(base), []);
    assert.deepEqual(errorsIn(lines(base.trimEnd(), '    networks: [default]')), [['CS029', 4, 4, 4, 12]]);
  });

  it('CS030: a count that is not a number or "all", and count with device_ids, in gpus and devices', () => {
    const text = lines(
      'services:',
      '  train:',
      '    image: busybox:1',
      '    gpus:',
      '      - driver: nvidia',
      '        count: "2"',
      '      - driver: nvidia',
      '        count: many',
      '    deploy:',
      '      resources:',
      '        reservations:',
      '          devices:',
      '            - capabilities: [gpu]',
      '              count: all',
      '              device_ids: ["0"]',
    );
    assert.deepEqual(errorsIn(text), [
      ['CS030', 7, 15, 7, 19],
      ['CS030', 14, 14, 14, 24],
    ]);
  });

  it('CS031: a long-form bind mount without source; a volume mount may have none', () => {
    const text = lines(
      'services:',
      '  web:',
      '    image: nginx:1.27',
      '    volumes:',
      '      - type: volume',
      '        target: /cache',
      '      - type: bind',
      '        target: /srv',
    );
    assert.deepEqual(errorsIn(text), [['CS031', 6, 8, 8, 0]]);
  });

  it('CS032: keys that are not strings, outside x- extensions, with a fix that quotes them', () => {
    const text = lines(
      'services:',
      '  123:',
      '    image: nginx:1.27',
      '    environment:',
      '      1: one',
      '      true: yes',
      '      "2": two',
      'x-ports:',
      '  80: http',
    );
    assert.deepEqual(errorsIn(text), [
      ['CS032', 1, 2, 1, 5],
      ['CS032', 4, 6, 4, 7],
      ['CS032', 5, 6, 5, 10],
    ]);
    const service = new ComposeService();
    const doc = { uri: 'keys', version: 1, text };
    const first = service.diagnose(doc).find((d) => d.code === 'CS032')!;
    assert.deepEqual(service.quickFixes(doc, first)[0]?.edits, [{ range: first.range, newText: '"123"' }]);
  });

  it('CS027: a required env_file that is missing; an optional one or one that exists is fine', () => {
    const text = lines(
      'services:',
      '  web:',
      '    image: nginx:1.27',
      '    env_file:',
      '      - web.env',
      '      - path: opt.env',
      '        required: false',
    );
    assert.deepEqual(errorsIn(text), [['CS027', 4, 8, 4, 15]]);
    assert.deepEqual(errorsIn(text, { '/p/web.env': 'A=1\n' }), []);
  });

  it('CS005: a service run by a provider needs no image', () => {
    const provider = lines('services:', '  llm:', '    provider:', '      type: model');
    assert.deepEqual(errorsIn(provider), []);
    assert.deepEqual(errorsIn(lines('services:', '  llm:', '    labels: [a=b]')), [['CS005', 1, 2, 1, 5]]);
  });
});

describe('the schema overlay', () => {
  it('adds only keys the bundled schema lacks (fails when dclint catches up: drop the overlay entry then)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the pristine bundled schema
    const bundled = require('../../node_modules/dclint/schemas/compose.schema.json') as Record<string, unknown>;
    assert.deepEqual(overlayKeysIn(structuredClone(bundled)), []);
  });

  it('accepts each overlay key, gives each a hover with its version, and still types its value', () => {
    const service = new ComposeService();
    for (const o of SCHEMA_OVERLAY) {
      const text =
        o.where === 'service'
          ? lines('services:', '  web:', '    image: nginx:1.27', `    ${o.key}: []`)
          : lines(
              'services:',
              '  web:',
              '    image: nginx:1.27',
              '    build:',
              '      context: .',
              `      ${o.key}: x`,
            );
      assert.deepEqual(composeDiagnostics(text), [], o.key);
      const line = o.where === 'service' ? 3 : 5;
      const hover = service.hover({ uri: `o-${o.key}`, version: 1, text }, { line, character: line === 3 ? 5 : 7 });
      assert.ok(hover?.markdown.startsWith(`**${o.key}**: `) && hover.markdown.includes(o.since), o.key);
    }
    const wrong = lines(
      'services:',
      '  web:',
      '    image: nginx:1.27',
      '    build:',
      '      context: .',
      '      sbom: [x]',
    );
    assert.deepEqual(
      composeDiagnostics(wrong).map((d) => d.code),
      ['CS016'],
    );
  });
});
