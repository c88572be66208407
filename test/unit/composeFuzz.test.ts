import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ComposeService } from '../../src/language/compose/composeService';
import { fsComposeHost } from '../../src/language/compose/fsHost';
import { COMPOSE_CASES, COMPOSE_DISAGREEMENTS } from '../fixtures/composeDifferential';
import { mutateCompose, prng } from '../support/fuzz';

describe('compose fuzzing (10,000 deterministic mutations)', function () {
  it('never throws and stays under 200 ms per file, including alias bombs, 10 MB files and 1,000-level nesting', function () {
    this.timeout(600000);
    const rnd = prng(0xc0de);
    const base = [
      fs.readFileSync(path.resolve(__dirname, '..', '..', 'examples', 'compose.yaml'), 'utf8'),
      ...COMPOSE_CASES.map((c) => c.text),
      ...COMPOSE_DISAGREEMENTS.map((c) => c.text),
    ];
    const service = new ComposeService({}, fsComposeHost({}));
    const failures: string[] = [];
    const kinds = { bomb: 0, huge: 0, deep: 0 };
    let slowest = 0;
    let text = base[0]!;
    for (let n = 0; n < 10000 && failures.length <= 20; n++) {
      const from = rnd() < 0.7 || text.length > 65536 ? base[Math.floor(rnd() * base.length)]! : text;
      text = mutateCompose(from, rnd);
      if (text.includes('*e,*e')) kinds.bomb++;
      if (text.length > 5e6) kinds.huge++;
      if (/l999:|\{a: \{a: /.test(text)) kinds.deep++;
      const pos = {
        line: Math.floor(rnd() * (Math.min(text.split('\n', 2000).length, 2000) + 1)),
        character: Math.floor(rnd() * 30),
      };
      const once = (uri: string): number => {
        const started = performance.now();
        try {
          const doc = { uri, version: 1, text, path: '/dockside-fuzz/compose.yaml' };
          const diagnostics = service.diagnose(doc);
          for (const d of diagnostics.slice(0, 5)) service.quickFixes(doc, d);
          service.hover(doc, pos);
          service.outline(doc);
          service.definition(doc, pos);
          service.completions(doc, pos);
          service.forget(uri);
        } catch (err) {
          failures.push(`#${n} threw: ${(err as Error).stack?.split('\n').slice(0, 4).join(' | ')}`);
        }
        return performance.now() - started;
      };
      let took = once(`fuzz-${n}`);
      if (took > 200) took = Math.min(took, once(`fuzz-${n}-again`));
      slowest = Math.max(slowest, took);
      if (took > 200)
        failures.push(`#${n} took ${took.toFixed(0)} ms (${text.length} chars): ${JSON.stringify(text.slice(0, 80))}`);
    }
    assert.deepEqual(failures, [], `slowest ${slowest.toFixed(1)} ms`);
    assert.ok(kinds.bomb > 10 && kinds.huge > 3 && kinds.deep > 10, `the hostile cases ran: ${JSON.stringify(kinds)}`);
  });
});
