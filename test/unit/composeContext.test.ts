import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  composeDiagnostics,
  MAX_COMPOSE_DEPTH,
  mayNestPast,
  nestingDepth,
} from '../../src/language/compose/composeService';
import { fsComposeHost } from '../../src/language/compose/fsHost';
import { parseDotEnv } from '../../src/language/compose/dotEnv';
import { scanInterpolation } from '../../src/language/compose/interpolation';
import { assertLinear } from '../support/growth';

const lines = (...l: string[]) => l.join('\n') + '\n';

describe('compose interpolation syntax', () => {
  it('finds every reference form, nested defaults included, and $$ as a literal', () => {
    const { refs, error } = scanInterpolation('$A ${B} ${C:-x} ${D-y} ${E:?no} ${F?no} ${G:+z} ${H+z} $$I ${J:-${K}}');
    assert.equal(error, undefined);
    assert.deepEqual(
      refs.map((r) => [r.name, r.modifier ?? '']),
      [
        ['A', ''],
        ['B', ''],
        ['C', ':-'],
        ['D', '-'],
        ['E', ':?'],
        ['F', '?'],
        ['G', ':+'],
        ['H', '+'],
        ['J', ':-'],
        ['K', ''],
      ],
    );
  });

  it('rejects unclosed, empty, numeric and unknown-operator braces with the offending text', () => {
    assert.match(scanInterpolation('x ${NAME').error!.message, /never closes/);
    assert.match(scanInterpolation('${}').error!.message, /names no variable/);
    assert.match(scanInterpolation('${1X}').error!.message, /starts with a letter/);
    assert.match(scanInterpolation('${A:x}').error!.message, /operator/);
    assert.deepEqual(scanInterpolation('ab ${A:x} c').error, {
      start: 3,
      length: 6,
      message: '"${A:x}" has an operator Compose does not know (use :-, -, :?, ?, :+ or +)',
    });
    assert.equal(scanInterpolation('price $5 and $ alone').error, undefined);
  });

  it('reads .env files as Compose does', () => {
    const vars = parseDotEnv('# c\nA=1\nexport B = two\nC="quoted # not a comment"\nD=x # comment\nnot a line\n');
    assert.deepEqual(
      [...vars],
      [
        ['A', '1'],
        ['B', 'two'],
        ['C', 'quoted # not a comment'],
        ['D', 'x'],
      ],
    );
    const more = parseDotEnv(
      "A=1\nE: yaml-style\nF='literal $A \\n'\nG=\"line\\ttab \\$A $A ${H:-dflt}\"\nI='two\nlines'\nJ=a#b\nINHERITED\n",
      (n) => (n === 'INHERITED' ? 'from env' : undefined),
    );
    assert.deepEqual(
      [...more],
      [
        ['A', '1'],
        ['E', 'yaml-style'],
        ['F', 'literal $A \\n'],
        ['G', 'line\ttab $A 1 dflt'],
        ['I', 'two\nlines'],
        ['J', 'a#b'],
        ['INHERITED', 'from env'],
      ],
    );
  });

  it('reads a hostile .env line in linear time', () => {
    assertLinear((n) => parseDotEnv(`A=${' '.repeat(n)}x\nB="${' '.repeat(n)}\n`), 20000, 'spaces in a value');
    assertLinear((n) => parseDotEnv('A'.repeat(n)), 20000, 'a key that never ends');
    assertLinear((n) => parseDotEnv('#\n'.repeat(n)), 20000, 'comment lines');
  });
});

describe('compose checks against the project folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-compose-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const check = (text: string, env: Record<string, string> = {}) => {
    const file = path.join(dir, 'compose.yaml');
    fs.writeFileSync(file, text);
    return composeDiagnostics(text, { path: file, host: fsComposeHost(env) }).map((d) => [
      d.code,
      d.range.start.line,
      d.range.start.character,
      d.range.end.character,
      d.message,
    ]);
  };
  const codes = (text: string, env: Record<string, string> = {}) => check(text, env).map((d) => d.slice(0, 4));

  it('errors on bad ${} syntax at the exact characters, in any value', () => {
    assert.deepEqual(codes(lines('services:', '  web:', '    image: "nginx:${TAG:x}"')), [['CS021', 2, 18, 26]]);
    assert.deepEqual(codes(lines('services:', '  web:', '    image: nginx:1.27', '    command: echo ${')), [
      ['CS021', 3, 18, 20],
    ]);
  });

  it('tells about variables set nowhere, but not those in the environment, in .env, with defaults or escaped', () => {
    const text = lines(
      'services:',
      '  web:',
      '    image: nginx:${TAG}',
      '    environment:',
      '      A: ${FROM_ENV}',
      '      B: ${FROM_DOTENV}',
      '      C: ${WITH_DEFAULT:-1}',
      '      D: $$ESCAPED',
      '      E: ${REQUIRED:?set it}',
    );
    fs.writeFileSync(path.join(dir, '.env'), 'FROM_DOTENV=1\n');
    const found = check(text, { FROM_ENV: 'x' });
    assert.deepEqual(
      found.map((d) => d.slice(0, 4)),
      [
        ['CS022', 2, 17, 23],
        ['CS022', 8, 9, 28],
      ],
    );
    assert.match(String(found[0]?.[4]), /"TAG" has no value .* substitutes an empty string/);
    assert.match(String(found[1]?.[4]), /stops with an error/);
  });

  it('errors on a build context or Dockerfile that is not on disk', () => {
    fs.mkdirSync(path.join(dir, 'app'));
    fs.writeFileSync(path.join(dir, 'app', 'Dockerfile'), 'FROM scratch\n');
    fs.mkdirSync(path.join(dir, 'empty'));
    const text = lines(
      'services:',
      '  ok:',
      '    build: ./app',
      '  nofolder:',
      '    build: ./missing',
      '  nodockerfile:',
      '    build: ./empty',
      '  namedfile:',
      '    build:',
      '      context: app',
      '      dockerfile: Dockerfile.dev',
      '  remote:',
      '    build: https://github.com/docker/welcome.git',
    );
    const found = check(text);
    assert.deepEqual(
      found.map((d) => d.slice(0, 4)),
      [
        ['CS024', 4, 11, 20],
        ['CS024', 6, 11, 18],
        ['CS024', 10, 18, 32],
      ],
    );
    assert.match(String(found[0]?.[4]), /build context "\.\/missing" does not exist/);
    assert.match(String(found[2]?.[4]), /no Dockerfile at .*app\/Dockerfile\.dev/);
  });

  it('errors on extends of a missing service or file, and accepts a real one', () => {
    fs.writeFileSync(path.join(dir, 'base.yaml'), lines('services:', '  common:', '    image: busybox:1.36'));
    const text = lines(
      'services:',
      '  a:',
      '    image: busybox:1.36',
      '  b:',
      '    extends: a',
      '  c:',
      '    extends: nope',
      '  d:',
      '    extends:',
      '      file: base.yaml',
      '      service: common',
      '  e:',
      '    extends:',
      '      file: base.yaml',
      '      service: other',
      '  f:',
      '    extends:',
      '      file: gone.yaml',
      '      service: common',
    );
    assert.deepEqual(codes(text), [
      ['CS023', 6, 13, 17],
      ['CS023', 14, 15, 20],
      ['CS023', 17, 12, 21],
    ]);
  });

  it('skips disk and environment checks when it has no file (an untitled editor)', () => {
    assert.deepEqual(
      composeDiagnostics(lines('services:', '  web:', '    build: ./missing', '    image: "x:${TAG}"')),
      [],
    );
  });
});

describe('compose files too big or too deep to read', () => {
  it('reports one clear warning for a file over 1 MB, fast, and offers no editor features on it', () => {
    const huge =
      'services:\n  web:\n    image: nginx:1.27\nx-big: |\n' +
      '  0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n'.repeat(160000);
    const started = performance.now();
    const found = composeDiagnostics(huge);
    assert.ok(performance.now() - started < 50);
    assert.deepEqual(
      found.map((d) => [d.code, d.severity, d.range.start.line]),
      [['CS025', 'warning', 0]],
    );
    assert.match(found[0]!.message, /^This file is 10\.\d MB; Dockside checks compose files up to 1 MB/);
  });

  it('measures nesting by brackets and indentation, ignoring brackets in quotes and comments', () => {
    assert.equal(nestingDepth('services:\n  web:\n    image: "x[[[[{{{"\n    command: [a, [b]] # [[[[\n'), 5);
    assert.equal(
      nestingDepth(`services: ${'['.repeat(500)}${']'.repeat(500)}\n`),
      MAX_COMPOSE_DEPTH + 1,
      'the scan stops past the limit',
    );
  });

  it('skips the nesting scan only where the depth cannot pass the limit (a bound that never misses)', () => {
    const texts: string[] = [];
    for (let levels = 55; levels <= 75; levels++) {
      // Block nesting with one space per level, a sequence nested on one line, flow brackets, and mixes of them.
      texts.push(Array.from({ length: levels }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' end\n');
      texts.push(`x:\n${'- '.repeat(levels)}end\n`);
      texts.push(`x: ${'['.repeat(levels)}${']'.repeat(levels)}\n`);
      const half = Math.floor(levels / 2);
      texts.push(
        Array.from({ length: half }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') +
          ` {a: ${'['.repeat(levels - half)}1${']'.repeat(levels - half)}}\n`,
      );
    }
    texts.push(generateComposeLike(10), generateComposeLike(1000));
    let scanned = 0;
    for (const text of texts) {
      const deep = nestingDepth(text) > MAX_COMPOSE_DEPTH;
      if (!mayNestPast(text, MAX_COMPOSE_DEPTH))
        assert.ok(!deep, `the bound missed a deep text: ${JSON.stringify(text.slice(0, 80))}`);
      else scanned++;
    }
    assert.ok(!mayNestPast(generateComposeLike(10), MAX_COMPOSE_DEPTH), 'an ordinary file is not scanned');
    assert.ok(scanned > 40, 'deep texts are scanned');
  });

  it('refuses 1,000-level nesting with a clear warning instead of grinding through it', () => {
    for (const deep of [
      `services: ${'{a: '.repeat(1000)}1${'}'.repeat(1000)}\n`,
      `services:\n${Array.from({ length: 1000 }, (_, i) => `${' '.repeat(2 + 2 * i)}l${i}:`).join('\n')} end\n`,
    ]) {
      const found = composeDiagnostics(deep);
      assert.deepEqual(
        found.map((d) => d.code),
        ['CS025'],
      );
      assert.match(found[0]!.message, /nests more than 64 levels deep/);
    }
  });
});

/** An ordinary compose file of `services` services (flow lists, quotes, nesting of four levels). */
function generateComposeLike(services: number): string {
  const out = ['services:'];
  for (let i = 0; i < services; i++)
    out.push(
      `  svc${i}:`,
      `    image: "app:${i}"`,
      '    networks: [back]',
      '    environment:',
      `      NAME: svc${i}`,
      '    ports:',
      `      - "${8000 + i}:80"`,
    );
  return `${out.join('\n')}\nnetworks:\n  back: {}\n`;
}
