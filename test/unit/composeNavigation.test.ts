import * as assert from 'node:assert/strict';
import { composeCompletions, composeDefinition, composeOutline } from '../../src/language/compose/composeNavigation';
import { ComposeService } from '../../src/language/compose/composeService';

const lines = (...l: string[]) => l.join('\n') + '\n';
const FILE = lines(
  'services:', //                        0
  '  db:', //                            1
  '    image: postgres:16', //           2
  '    volumes:', //                     3
  '      - pgdata:/var/lib/postgresql/data', // 4
  '    secrets: [db_password]', //       5
  '  web:', //                           6
  '    image: nginx:1.27', //            7
  '    depends_on:', //                  8
  '      - db', //                       9
  '    networks:', //                    10
  '      - front', //                    11
  'networks:', //                        12
  '  front:', //                         13
  '    driver: bridge', //               14
  'volumes:', //                         15
  '  pgdata:', //                        16
  'secrets:', //                         17
  '  db_password:', //                   18
  '    file: ./db_password.txt', //      19
);

/** The text with a cursor marker "|" removed, and the marker's position. */
function at(textWithCursor: string): { text: string; pos: { line: number; character: number } } {
  const offset = textWithCursor.indexOf('|');
  const before = textWithCursor.slice(0, offset).split('\n');
  return {
    text: textWithCursor.replace('|', ''),
    pos: { line: before.length - 1, character: before[before.length - 1]!.length },
  };
}
const labels = (textWithCursor: string) => {
  const { text, pos } = at(textWithCursor);
  return composeCompletions(text, pos).map((c) => c.label);
};

describe('compose outline and definition', () => {
  it('outlines each section with its entries and their ranges', () => {
    const outline = composeOutline(FILE);
    assert.deepEqual(
      outline.map((s) => [s.name, s.children.map((c) => `${c.kind} ${c.name} ${c.detail}`)]),
      [
        ['services', ['service db postgres:16', 'service web nginx:1.27']],
        ['networks', ['network front bridge']],
        ['volumes', ['volume pgdata ']],
        ['secrets', ['secret db_password ./db_password.txt']],
      ],
    );
    assert.deepEqual(outline[0]!.children[1]!.selectionRange, {
      start: { line: 6, character: 2 },
      end: { line: 6, character: 5 },
    });
    assert.equal(outline[0]!.children[1]!.range.end.line, 12);
  });

  it('goes from a reference to its declaration, and nowhere from other values', () => {
    const def = (line: number, character: number) =>
      composeDefinition(FILE, { line, character }).map((r) => [r.start.line, r.start.character, r.end.character]);
    assert.deepEqual(def(9, 9), [[1, 2, 4]], 'depends_on → service');
    assert.deepEqual(def(11, 9), [[13, 2, 7]], 'networks → top-level network');
    assert.deepEqual(def(4, 10), [[16, 2, 8]], 'named volume → top-level volume');
    assert.deepEqual(def(5, 15), [[18, 2, 13]], 'secret → top-level secret');
    assert.deepEqual(def(7, 12), [], 'an image is not a reference');
  });
});

describe('compose completion', () => {
  it('offers the service keys the schema allows, minus those already written, with Dockside docs', () => {
    const { text, pos } = at(lines('services:', '  web:', '    image: nginx:1.27', '    |'));
    const items = composeCompletions(text, pos);
    const names = items.map((c) => c.label);
    for (const k of ['build', 'ports', 'environment', 'depends_on', 'healthcheck', 'restart'])
      assert.ok(names.includes(k), k);
    assert.ok(!names.includes('image'), 'image is already there');
    assert.ok(!names.includes('services'), 'no top-level keys inside a service');
    assert.match(items.find((c) => c.label === 'depends_on')!.documentation!, /does not wait/);
    assert.equal(items.find((c) => c.label === 'ports')!.insertText, 'ports: ');
  });

  it('offers top-level keys at column 0 and nested keys deeper (healthcheck)', () => {
    assert.ok(labels(lines('services:', '  web:', '    image: x:1', '|')).includes('volumes'));
    const nested = labels(lines('services:', '  web:', '    image: x:1', '    healthcheck:', '      |'));
    assert.deepEqual(
      ['interval', 'retries', 'start_period', 'test', 'timeout'].filter((k) => nested.includes(k)),
      ['interval', 'retries', 'start_period', 'test', 'timeout'],
    );
  });

  it('offers declared names where a reference goes, never the service itself', () => {
    assert.deepEqual(labels(FILE.replace('      - db\n', '      - |\n')), ['db']);
    assert.deepEqual(labels(FILE.replace('      - front\n', '      - |\n')), ['front']);
    assert.deepEqual(
      labels(lines('services:', '  a:', '    image: x:1', '  b:', '    image: x:1', '    depends_on:', '      |')),
      ['a'],
    );
  });

  it('offers enum values: restart policies, depends_on conditions, booleans, schema enums, pull policies', () => {
    assert.deepEqual(labels(lines('services:', '  web:', '    restart: |')), [
      'no',
      'always',
      'on-failure',
      'unless-stopped',
    ]);
    assert.deepEqual(labels(lines('services:', '  web:', '    depends_on:', '      db:', '        condition: |')), [
      'service_started',
      'service_healthy',
      'service_completed_successfully',
    ]);
    assert.deepEqual(labels(lines('services:', '  web:', '    privileged: |')), ['true', 'false']);
    assert.deepEqual(labels(lines('services:', '  web:', '    cgroup: |')), ['host', 'private']);
    assert.deepEqual(labels(lines('services:', '  web:', '    pull_policy: |')), [
      'always',
      'missing',
      'never',
      'build',
    ]);
  });
});

/** Two documents that Compose merges into one project: `db` is declared in both, `back` only in the first. */
const TWO_DOCUMENTS = lines(
  'services:', //                 0
  '  db:', //                     1
  '    image: postgres:16', //    2
  'networks:', //                 3
  '  back:', //                   4
  '---', //                       5
  'services:', //                 6
  '  web:', //                    7
  '    image: nginx:1.27', //     8
  '    ports:', //                9
  '      - "8080:80"', //         10
  '    depends_on: [db]', //      11
  '    networks: [back]', //      12
  '  db:', //                     13
  '    restart: always', //       14
);
const span = (r: { start: { line: number; character: number }; end: { line: number; character: number } }) => [
  r.start.line,
  r.start.character,
  r.end.line,
  r.end.character,
];

describe('compose editor features in a file of several documents', () => {
  const service = new ComposeService();
  const doc = { uri: 'multi', version: 1, text: TWO_DOCUMENTS };

  it('hovers in the document under the cursor, not only the first', () => {
    const port = service.hover(doc, { line: 10, character: 12 })!;
    assert.match(port.markdown, /^\*\*Port `8080:80`\*\*: host 8080 → container 80\/tcp/);
    assert.deepEqual(span(port.range), [10, 8, 10, 17]);
    const restart = service.hover(doc, { line: 14, character: 14 })!;
    assert.match(restart.markdown, /^\*\*restart: `always`\*\*/);
    assert.deepEqual(span(restart.range), [14, 13, 14, 19]);
    assert.match(service.hover(doc, { line: 7, character: 3 })!.markdown, /^\*\*Service `web`\*\*/);
    // The first document still answers for itself.
    assert.deepEqual(span(service.hover(doc, { line: 2, character: 14 })!.range), [2, 11, 2, 22]);
  });

  it('goes to every declaration of a name, in whichever document it is', () => {
    const def = (line: number, character: number) => service.definition(doc, { line, character }).map(span);
    assert.deepEqual(def(11, 18), [
      [1, 2, 1, 4],
      [13, 2, 13, 4],
    ]);
    assert.deepEqual(def(12, 17), [[4, 2, 4, 6]], 'a network declared only in the first document');
    assert.deepEqual(def(8, 14), [], 'an image is not a reference');
  });

  it('outlines the sections of every document, saying which document holds them', () => {
    const outline = service.outline(doc);
    assert.deepEqual(
      outline.map((s) => [s.name, s.detail, s.children.map((c) => c.name)]),
      [
        ['services', '1 · document 1', ['db']],
        ['networks', '1 · document 1', ['back']],
        ['services', '2 · document 2', ['web', 'db']],
      ],
    );
    assert.deepEqual(span(outline[2]!.selectionRange), [6, 0, 6, 8]);
    assert.deepEqual(span(outline[2]!.children[0]!.selectionRange), [7, 2, 7, 5]);
    assert.deepEqual(span(outline[2]!.children[1]!.range), [13, 2, 15, 0]);
    // A single document keeps its plain count.
    assert.equal(composeOutline(FILE)[0]!.detail, '2');
  });

  it('offers names declared in any document, and the keys of the document being written', () => {
    const text = lines(
      'services:',
      '  web:',
      '    image: nginx:1.27',
      '    depends_on:',
      '      - |',
      '---',
      'services:',
      '  cache:',
      '    image: redis:7',
    );
    assert.deepEqual(labels(text), ['cache']);
    const { text: second, pos } = at(lines('services:', '  web:', '    image: nginx:1.27', '---', '|'));
    const top = service.completions({ uri: 'multi-keys', version: 1, text: second }, pos).map((c) => c.label);
    assert.ok(top.includes('services'), 'the first document\'s "services:" is not a key of the second');
  });
});
