import * as assert from 'node:assert/strict';
import { composeCompletions, composeDefinition, composeOutline } from '../../src/language/compose/composeNavigation';

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
