import * as assert from 'node:assert/strict';
import { composeDiagnostics } from '../../src/language/compose/composeService';
import { DockerfileService } from '../../src/language/dockerfile/dockerfileService';
import type { DocksideDiagnostic } from '../../src/language/diagnostic';
import { isBadExample, lessonBlocks, type LessonBlock } from '../support/lessonBlocks';

/*
 * Every Dockerfile and compose example of a lesson is either a whole file or marked as a fragment
 * (```dockerfile fragment, ```yaml fragment; see test/support/lessonBlocks.ts). A whole file under a "Bad" heading
 * must show at least one finding (that is its point); every other one, "Good" included, has no error or warning.
 * A fragment is judged inside the smallest Dockerfile that is clean on its own, as the snippet test does.
 */

const service = new DockerfileService({ fileExists: () => true });
let uri = 0;
const dockerfileFindings = (text: string): DocksideDiagnostic[] =>
  service.diagnose({ uri: `lesson-${uri++}`, version: 1, text, path: '/w/Dockerfile' });
const serious = (d: DocksideDiagnostic) => d.severity === 'error' || d.severity === 'warning';
const describeFinding = (d: DocksideDiagnostic) => `${d.code} line ${d.range.start.line + 1}: ${d.message}`;

/** A fragment inside a minimal Dockerfile: a base when it has none, a user and a command when it sets none. */
export function wrapFragment(fragment: string): string {
  const has = (re: RegExp) => re.test(fragment);
  return [
    has(/^\s*FROM\s/im) ? '' : 'FROM debian:12-slim\n',
    fragment,
    has(/^\s*USER\s/im) ? '' : 'USER 1000\n',
    has(/^\s*(CMD|ENTRYPOINT)\s/im) ? '' : 'CMD ["sh"]\n',
  ].join('');
}

const label = (b: LessonBlock) =>
  `${b.lesson}.md line ${b.line} (${b.fragment ? 'fragment, ' : ''}${isBadExample(b) ? 'Bad' : b.heading || 'top'})`;

describe('lesson examples pass Dockside’s own checks', () => {
  const blocks = lessonBlocks();

  it('finds the examples of every lesson', () => {
    assert.ok(blocks.filter((b) => b.language === 'dockerfile').length >= 20);
    assert.ok(blocks.some((b) => b.language === 'yaml'));
  });

  it('the fragment wrapper is clean on its own', () => {
    assert.deepEqual(dockerfileFindings(wrapFragment('')).filter(serious).map(describeFinding), []);
  });

  it('marks every Dockerfile example that does not start a stage as a fragment', () => {
    const startsWhole = (text: string) => /^(\s*(#.*|ARG\s.*)?\n)*\s*FROM\s/i.test(text);
    assert.deepEqual(
      blocks.filter((b) => b.language === 'dockerfile' && !b.fragment && !startsWhole(b.text)).map(label),
      [],
    );
  });

  for (const b of blocks.filter((x) => x.language === 'dockerfile')) {
    const text = b.fragment ? wrapFragment(b.text) : b.text;
    if (isBadExample(b))
      it(`Dockerfile ${label(b)} shows the problem it is about`, () => {
        assert.notDeepEqual(dockerfileFindings(text), [], 'a Bad example with no finding teaches nothing');
      });
    else
      it(`Dockerfile ${label(b)} has no errors or warnings`, () => {
        assert.deepEqual(dockerfileFindings(text).filter(serious).map(describeFinding), []);
      });
  }

  for (const b of blocks.filter((x) => x.language === 'yaml' && !x.fragment)) {
    const findings = () => composeDiagnostics(b.text);
    if (isBadExample(b))
      it(`compose file ${label(b)} shows the problem it is about`, () => {
        assert.notDeepEqual(findings(), []);
      });
    else
      it(`compose file ${label(b)} has no errors or warnings`, () => {
        assert.deepEqual(findings().filter(serious).map(describeFinding), []);
      });
  }

  it('marks examples only with the languages the tests know', () => {
    const known = new Set(['dockerfile', 'yaml', 'sh', 'text', 'console', '']);
    assert.deepEqual(
      blocks.filter((b) => !known.has(b.language)).map((b) => `${label(b)}: ${b.language}`),
      [],
    );
  });
});
