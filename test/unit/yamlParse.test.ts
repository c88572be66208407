import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineCounter, parseAllDocuments, parseDocument, Parser, type Document } from 'yaml';
import { tooComplex } from '../../src/language/compose/guards';
import { parseYamlDocument, parseYamlDocuments, quietTokens } from '../../src/language/yamlParse';
import { COMPOSE_CASES, COMPOSE_DISAGREEMENTS } from '../fixtures/composeDifferential';
import { mutateCompose, prng } from '../support/fuzz';
import { corpusPresent, corpusTexts } from '../support/corpus';

/** YAML that exercises every kind of token and the parser's error paths. */
const BROKEN = [
  '',
  '\n\n',
  '# only a comment\n',
  'a: 1\n---\nb: 2\n...\n---\n',
  '%YAML 1.2\n---\na: !!str 1\n',
  'a:\n\t- tab\n',
  'a: [1, 2\nb: 3\n',
  'a: {x: 1, y: [2, {z: 3}]}\n',
  'a: "unclosed\n',
  "a: 'it''s'\n",
  'a: |\n  one\n  two\nb: >-\n  folded\n  text\n',
  'a: &x {b: 1}\nc: *x\nd:\n  <<: *x\n',
  '? complex key\n: value\n',
  '- - - deep\n  - x\n- y\n',
  'a:\n  b: 1\n c: 2\n',
  ': no key\n',
  'a: b: c\n',
  '  indented: start\nback: 0\n',
  'a: 1\r\nb: 2\r\n',
  '\ufeffa: bom\n',
  'a: }\nb: ]\n',
  '---\n--- \n-\n',
  'key with spaces: value # comment\n"quoted key": 1\n',
  'a: @reserved\n',
  'a: `reserved\n',
];

/** Real, broken and mutated YAML, then the corpus: made once for the whole suite. */
let texts: { made: string[]; corpus: string[] } | undefined;
function inputs(): { made: string[]; corpus: string[] } {
  if (texts) return texts;
  const base = [
    fs.readFileSync(path.resolve(__dirname, '..', '..', 'examples', 'compose.yaml'), 'utf8'),
    ...COMPOSE_CASES.map((c) => c.text),
    ...COMPOSE_DISAGREEMENTS.map((c) => c.text),
    ...BROKEN,
  ];
  const rnd = prng(0x9a41);
  const mutated: string[] = [];
  let text = base[0]!;
  while (mutated.length < 1500) {
    const from = rnd() < 0.7 ? base[Math.floor(rnd() * base.length)]! : text;
    text = mutateCompose(from, rnd);
    // The 10 MB texts add time and no token kind the others lack.
    if (text.length > 256 * 1024) text = base[0]!;
    else mutated.push(text);
  }
  const corpus = corpusPresent('compose files', 'the corpus part of the quiet parser check')
    ? corpusTexts(/\.ya?ml$/i)
    : [];
  // Texts the guards refuse (1,000 levels of nesting) are never parsed; comparing their token trees runs
  // assert.deepEqual out of stack when the suite runs among the others.
  const parsed = (list: string[]) => list.filter((t) => !tooComplex(t));
  return (texts = { made: parsed([...base, ...mutated]), corpus: parsed(corpus) });
}

/** What a parse gives, or the error it throws. */
function outcome<T>(fn: () => T): { value: T } | { thrown: string } {
  try {
    return { value: fn() };
  } catch (err) {
    return { thrown: String(err) };
  }
}

/** A document as the rules see it: its data, its errors and warnings (code, place, message), its range. */
function shape(doc: Document.Parsed) {
  const problems = (list: readonly { code: string; pos: [number, number]; message: string }[]) =>
    list.map((e) => [e.code, e.pos[0], e.pos[1], e.message]);
  return {
    data: outcome(() => JSON.stringify(doc.toJS({ maxAliasCount: 100 }))),
    errors: problems(doc.errors),
    warnings: problems(doc.warnings),
    range: doc.range,
    text: outcome(() => (doc.errors.length ? '' : doc.toString())),
  };
}

describe('the quiet YAML parser (yaml without the environment read per token)', () => {
  it("is yaml's parser with only that read taken out (fails when an update of yaml changes Parser.next)", () => {
    // QuietParser.next repeats Parser.next step for step. When yaml changes that method, read the new one, carry
    // the change into src/language/yamlParse.ts, and put the new fingerprint here.
    const source = Parser.prototype.next.toString().replace(/\s+/g, ' ');
    assert.match(source, /LOG_TOKENS/, 'the read the quiet parser leaves out is still there');
    assert.equal(
      createHash('sha256').update(source).digest('hex').slice(0, 16),
      '514c00606d24c540',
      "yaml's Parser.next is the version QuietParser.next was written from",
    );
  });

  it('gives the same tokens as the yaml parser on real, broken and mutated YAML', function () {
    this.timeout(120000);
    const { made, corpus } = inputs();
    let tokens = 0;
    let errors = 0;
    for (const text of [...made, ...corpus]) {
      const ours = outcome(() => quietTokens(text));
      const theirs = outcome(() => Array.from(new Parser().parse(text)));
      assert.deepEqual(ours, theirs, JSON.stringify(text.slice(0, 200)));
      if ('value' in ours) {
        const json = JSON.stringify(ours.value);
        tokens += json.split('"type":').length - 1;
        errors += json.split('"type":"error"').length - 1;
      }
    }
    // The inputs reach the parser's error paths, not only well-formed YAML.
    assert.ok(tokens > 10000, `${tokens} tokens`);
    assert.ok(errors > 50, `${errors} error tokens`);
  });

  it('reads the same documents, errors and line starts as parseAllDocuments and parseDocument', function () {
    this.timeout(120000);
    const options = { uniqueKeys: false, merge: true, logLevel: 'error' } as const;
    let multiple = 0;
    const { made, corpus } = inputs();
    for (const text of [...made.slice(0, 600), ...corpus]) {
      const [ourLines, theirLines] = [new LineCounter(), new LineCounter()];
      const ours = outcome(() => parseYamlDocuments(text, { ...options, lineCounter: ourLines }).map(shape));
      const parsed = outcome(() =>
        parseAllDocuments(text, { ...options, prettyErrors: false, lineCounter: theirLines }),
      );
      const theirs = 'value' in parsed ? { value: (parsed.value as Document.Parsed[]).map(shape) } : parsed;
      assert.deepEqual(ours, theirs, JSON.stringify(text.slice(0, 200)));
      assert.deepEqual(ourLines.lineStarts, theirLines.lineStarts);

      const one = outcome(() => shape(parseYamlDocument(text, { logLevel: 'error' })));
      assert.deepEqual(
        one,
        outcome(() => shape(parseDocument(text, { prettyErrors: false, logLevel: 'error' }))),
      );
      if ('value' in one && one.value.errors.some((e) => e[0] === 'MULTIPLE_DOCS')) multiple++;
    }
    assert.ok(multiple > 0, 'some inputs hold several documents');
  });
});
