import * as assert from 'node:assert/strict';
import { DockerfileService } from '../../src/language/dockerfile/dockerfileService';
import { FIX_CASES, type FixCase } from '../fixtures/dockerfileFixCases';
import { applyFix, fixedText, service } from '../support/quickFixHelpers';
import { itemAt } from '../support/itemAt';

function count(c: FixCase, text: string, code = c.code): number {
  return service(c)
    .diagnose({ uri: 'after', version: 1, text, path: '/w/Dockerfile' })
    .filter((d) => d.code === code).length;
}

describe('Dockerfile quick fixes', () => {
  FIX_CASES.forEach((c, n) => {
    it(`${c.code} (case ${n + 1}): the fix removes the finding and adds no error`, () => {
      const before = count(c, c.text);
      const { fix, text } = fixedText(c);
      if (fix.createFile) {
        assert.equal(fix.createFile.path, '/w/.dockerignore');
        const withFile = new DockerfileService({ fileExists: (p) => p === fix.createFile!.path });
        assert.equal(
          withFile.diagnose({ uri: 'x', version: 1, text, path: '/w/Dockerfile' }).filter((d) => d.code === c.code)
            .length,
          0,
        );
        return;
      }
      assert.equal(count(c, text), before - 1, `after the fix:\n${text}`);
      const errors = service(c)
        .diagnose({ uri: 'after', version: 1, text, path: '/w/Dockerfile' })
        .filter((d) => d.severity === 'error');
      assert.deepEqual(errors, []);
    });
  });

  it('moves the manifests and the install above COPY . .', () => {
    const { text } = fixedText(FIX_CASES.find((c) => c.code === 'DS003')!);
    assert.equal(
      text,
      'FROM node:22-slim\nWORKDIR /app\nCOPY package.json package-lock.json* ./\nRUN npm ci\nCOPY . .\nUSER node\n',
    );
  });

  it('joins apt-get update with the install', () => {
    const { text } = fixedText(FIX_CASES.find((c) => c.code === 'DS005')!);
    assert.match(
      text,
      /^FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl \\\n/,
    );
  });

  it('joins apt-get update with an install that lacks --no-install-recommends and the cleanup, adding both', () => {
    const { text } = fixedText(
      itemAt(
        FIX_CASES.filter((c) => c.code === 'DS005'),
        1,
        'DS005 case',
      ),
    );
    assert.equal(
      text,
      'FROM debian:12-slim\nRUN apt-get update && apt-get install --no-install-recommends -y curl \\\n    && rm -rf /var/lib/apt/lists/*\nUSER nobody\n',
    );
    const codes = new DockerfileService().diagnose({ uri: 'j', version: 1, text }).map((d) => d.code);
    assert.deepEqual(
      codes.filter((c) => /DS00[5-8]/.test(c)),
      [],
    );
  });

  it('creates a user on Debian and Alpine, and uses node on node images', () => {
    const [debian, alpine, node] = FIX_CASES.filter((c) => c.code === 'DS013').map((c) => fixedText(c).text);
    assert.equal(
      debian,
      'FROM debian:12-slim\nWORKDIR /app\nRUN groupadd --system app && useradd --system --gid app --create-home app\nUSER app\nCMD ["sleep", "1"]\n',
    );
    assert.ok(alpine !== undefined && node !== undefined, 'three DS013 cases');
    assert.match(alpine, /RUN addgroup -S app && adduser -S -G app app\nUSER app\n$/);
    assert.match(node, /WORKDIR \/app\nUSER node\n$/);
  });

  it('pins a tag with a snippet placeholder', () => {
    const { fix, text } = fixedText(itemAt(FIX_CASES, 0, 'fix case'));
    assert.equal(text.split('\n')[0], 'FROM node:22-slim');
    assert.equal(fix.snippet?.text, ':${1:22-slim}');
  });

  it('writes a .dockerignore for the detected stack', () => {
    const { fix } = fixedText(FIX_CASES.find((c) => c.code === 'DS004')!);
    const lines = fix.createFile!.content.split('\n');
    assert.ok(lines.includes('node_modules') && lines.includes('.git') && lines.includes('**/.env'));
  });

  it('offers ignore comments that silence the code, placed after parser directives', () => {
    const text = '# syntax=docker/dockerfile:1\nFROM node\nUSER node\n';
    const s = new DockerfileService();
    const doc = { uri: 'i', version: 1, text };
    const d = s.diagnose(doc).find((x) => x.code === 'DS001')!;
    const [here, file] = s.quickFixes(doc, d).filter((f) => f.title.startsWith('Ignore'));
    assert.ok(here && file, 'both ignore fixes');
    const hereText = applyFix(text, here);
    assert.equal(hereText, '# syntax=docker/dockerfile:1\n# dockside-ignore DS001\nFROM node\nUSER node\n');
    assert.ok(
      !new DockerfileService().diagnose({ uri: 'j', version: 1, text: hereText }).some((x) => x.code === 'DS001'),
    );
    assert.equal(
      applyFix(text, file),
      '# syntax=docker/dockerfile:1\n# dockside-ignore-file DS001\nFROM node\nUSER node\n',
    );
  });
});
