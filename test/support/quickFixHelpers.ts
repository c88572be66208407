import * as assert from 'node:assert/strict';
import { DockerfileService } from '../../src/language/dockerfile/dockerfileService';
import { DockerfileFacts } from '../../src/language/dockerfile/facts';
import { applyEdits, type QuickFix } from '../../src/language/edits';
import { parseShared } from '../../src/language/dockerfile/sharedParse';
import type { FixCase } from '../fixtures/dockerfileFixCases';

export function service(c: FixCase) {
  return new DockerfileService(c.files ? { fileExists: (p) => c.files!.includes(p) } : {});
}

export function applyFix(text: string, fix: QuickFix): string {
  const facts = new DockerfileFacts(text, parseShared(text));
  return applyEdits(text, fix.edits, (p) => facts.offsetAt(p));
}

/** The text after the case's first real fix (not an "ignore" action). */
export function fixedText(c: FixCase): { fix: QuickFix; text: string } {
  const doc = { uri: 'fix', version: 1, text: c.text, path: '/w/Dockerfile' };
  const s = service(c);
  const d = s.diagnose(doc).find((x) => x.code === c.code);
  assert.ok(d, `${c.code} fires on its fixture`);
  const fix = s.quickFixes(doc, d).find((f) => !f.title.startsWith('Ignore'));
  assert.ok(fix, `${c.code} has a quick fix`);
  return { fix, text: applyFix(c.text, fix) };
}
