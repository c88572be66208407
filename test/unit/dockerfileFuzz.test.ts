import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DockerfileService } from '../../src/language/dockerfile/dockerfileService';
import { syntaxDiagnostics } from '../../src/language/dockerfile/syntaxDiagnostics';
import { DIFFERENTIAL_CASES } from '../fixtures/dockerfileDifferential';
import { FIX_CASES } from '../fixtures/dockerfileFixCases';
import { mutate, prng } from '../support/fuzz';
import { itemAt } from '../support/itemAt';

export function seeds(): string[] {
  const examples = ['examples/web/Dockerfile', 'examples/mistakes/Dockerfile'].map((f) =>
    fs.readFileSync(path.resolve(__dirname, '..', '..', f), 'utf8'),
  );
  return [...examples, ...FIX_CASES.map((c) => c.text), ...DIFFERENTIAL_CASES];
}

/** How much slower than dockerfile-utils' checks alone one file's diagnostics, fixes, hover and outline may be. */
const SLOW_RATIO = 10;

describe('Dockerfile fuzzing (10,000 deterministic mutations)', function () {
  it('never throws, never lets a rule fail, and stays within a few times dockerfile-utils on slow files', function () {
    this.timeout(300000);
    const rnd = prng(0x5eed);
    const base = seeds();
    const failures: string[] = [];
    let n = 0;
    const service = new DockerfileService({
      fileExists: () => false,
      onRuleError: (code, err) =>
        failures.push(`#${n} ${code}: ${(err as Error).stack?.split('\n').slice(0, 3).join(' | ')}`),
    });
    let slowest = 0;
    let text = itemAt(base, 0, 'seed');
    for (n = 0; n < 10000; n++) {
      // Mostly mutate a fresh seed, sometimes keep mutating the last result, so damage accumulates (files stay under
      // about 64 KB: on a single 100 KB line dockerfile-utils' own argument parsing takes most of the 100 ms budget).
      const from = rnd() < 0.7 || text.length > 32768 ? itemAt(base, Math.floor(rnd() * base.length), 'seed') : text;
      text = mutate(from, rnd);
      const line = Math.floor(rnd() * (text.split('\n').length + 1));
      const character = Math.floor(rnd() * 40);
      const once = (uri: string): number => {
        const started = performance.now();
        try {
          const doc = { uri, version: 1, text, path: '/fuzz/Dockerfile' };
          const diagnostics = service.diagnose(doc);
          for (const d of diagnostics.slice(0, 5)) service.quickFixes(doc, d);
          service.hover(doc, { line, character });
          service.outline(doc);
          service.definition(doc, { line, character });
          service.forget(doc.uri);
        } catch (err) {
          failures.push(`#${n} threw: ${(err as Error).stack?.split('\n').slice(0, 4).join(' | ')}`);
        }
        return performance.now() - started;
      };
      // A single slow run can be a garbage-collection pause; a slow file is slow twice. Slow means both over 100 ms
      // and over SLOW_RATIO times dockerfile-utils' checks alone on the same text (behind the same guards, since the
      // bare library is the slow part on some of these inputs), measured right after: on a busy machine both slow
      // down alike, and only a hot spot of Dockside's own breaks the ratio.
      let took = once(`fuzz-${n}`);
      if (took > 100) took = Math.min(took, once(`fuzz-${n}-again`));
      slowest = Math.max(slowest, took);
      if (took > 100) {
        // Texts no parse has seen, so no cached tree makes them look cheap; the slower of two runs, so one lucky
        // quiet moment for the baseline does not make Dockside look slow.
        let baseline = 0;
        for (const end of ['\n', '\n\n']) {
          const started = performance.now();
          syntaxDiagnostics(text + end);
          baseline = Math.max(baseline, performance.now() - started);
        }
        if (took > SLOW_RATIO * baseline)
          failures.push(
            `#${n} took ${took.toFixed(0)} ms, syntax checks ${baseline.toFixed(0)} ms (${text.length} chars)`,
          );
      }
      if (failures.length > 20) break;
    }
    assert.deepEqual(failures, [], `slowest ${slowest.toFixed(1)} ms`);
  });
});
