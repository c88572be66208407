import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DockerfileService } from '../../src/language/dockerfile/dockerfileService';
import { DIFFERENTIAL_CASES } from '../fixtures/dockerfileDifferential';
import { FIX_CASES } from '../fixtures/dockerfileFixCases';

/** A small deterministic PRNG (mulberry32), so a failure can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPICE = ['\u0000', '\uFEFF', '\r\n', '\\', '`', '${', '}', '"', "'", '[', ']', ',', '--', '=', '<<EOF', '#', '\u202e', '😀', 'ü', '\t', ' | ', ' && '];

export function mutate(text: string, rnd: () => number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const at = Math.floor(rnd() * (text.length + 1));
  switch (Math.floor(rnd() * 9)) {
    case 0: {
      const chars = [...text];
      const i = Math.floor(rnd() * Math.max(chars.length, 1));
      chars[i] = String.fromCharCode(Math.floor(rnd() * 0x3000));
      return chars.join('');
    }
    case 1:
      return text.slice(0, at);
    case 2:
      return text.split('\n').sort(() => rnd() - 0.5).join('\n');
    case 3:
      return text.slice(0, at) + pick(['RUN ', 'ENV A=', 'COPY ', 'LABEL x=']) + 'x'.repeat(8000 + Math.floor(rnd() * 24000)) + text.slice(at);
    case 4:
      return text.slice(0, at) + pick(SPICE) + text.slice(at);
    case 5:
      return text.replace(/\n/g, '\r\n');
    case 6:
      return text.slice(0, at) + '\u0000'.repeat(1 + Math.floor(rnd() * 5)) + text.slice(at);
    case 7: {
      const lines = text.split('\n');
      const i = Math.floor(rnd() * lines.length);
      lines.splice(i, 0, ...lines.slice(0, Math.floor(rnd() * lines.length)));
      return lines.join('\n');
    }
    default:
      return text.slice(0, at) + text.slice(at + 1 + Math.floor(rnd() * 20));
  }
}

export function seeds(): string[] {
  const examples = ['examples/web/Dockerfile', 'examples/mistakes/Dockerfile'].map((f) => fs.readFileSync(path.resolve(__dirname, '..', '..', f), 'utf8'));
  return [...examples, ...FIX_CASES.map((c) => c.text), ...DIFFERENTIAL_CASES];
}

describe('Dockerfile fuzzing (10,000 deterministic mutations)', function () {
  it('never throws, never lets a rule fail, and stays under 100 ms per file', function () {
    this.timeout(300000);
    const rnd = prng(0x5eed);
    const base = seeds();
    const failures: string[] = [];
    let n = 0;
    const service = new DockerfileService({
      fileExists: () => false,
      onRuleError: (code, err) => failures.push(`#${n} ${code}: ${(err as Error).stack?.split('\n').slice(0, 3).join(' | ')}`),
    });
    let slowest = 0;
    let text = base[0];
    for (n = 0; n < 10000; n++) {
      // Mostly mutate a fresh seed, sometimes keep mutating the last result, so damage accumulates (files stay under
      // about 64 KB: on a single 100 KB line dockerfile-utils' own argument parsing takes most of the 100 ms budget).
      const from = rnd() < 0.7 || text.length > 32768 ? base[Math.floor(rnd() * base.length)] : text;
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
      // A single slow run can be a garbage-collection pause; a slow file is slow twice.
      let took = once(`fuzz-${n}`);
      if (took > 100) took = Math.min(took, once(`fuzz-${n}-again`));
      slowest = Math.max(slowest, took);
      if (took > 100) failures.push(`#${n} took ${took.toFixed(0)} ms (${text.length} chars)`);
      if (failures.length > 20) break;
    }
    assert.deepEqual(failures, [], `slowest ${slowest.toFixed(1)} ms`);
  });
});
