import * as assert from 'node:assert/strict';
import { DockerfileService } from '../../src/language/dockerfile/dockerfileService';
import { syntaxCode, syntaxCodeName, syntaxDiagnostics } from '../../src/language/dockerfile/syntaxDiagnostics';

describe('Dockerfile syntax diagnostics', () => {
  it('reports an unknown instruction as an error on the keyword, with code DSX038', () => {
    const diags = syntaxDiagnostics('FROM alpine:3.20\nRUNN echo hi\n');
    assert.deepEqual(diags, [
      {
        range: { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } },
        severity: 'error',
        code: 'DSX038',
        message: 'Unknown instruction: RUNN',
        lesson: 'dockerfile-syntax',
      },
    ]);
  });

  it('leaves instruction casing, empty continuation lines and duplicate stage names to Dockside rules', () => {
    const text = 'from alpine:3.20 AS a\nRUN echo \\\n\n  hi\nFROM alpine:3.20 AS a\n';
    assert.deepEqual(
      syntaxDiagnostics(text).map((d) => d.code),
      [],
    );
  });

  it('leaves checks that Dockside owns (MAINTAINER, repeated CMD, relative WORKDIR) to its own rules', () => {
    const codes = syntaxDiagnostics('FROM alpine:3.20\nMAINTAINER me\nWORKDIR app\nCMD a\nCMD b\n').map((d) => d.code);
    assert.deepEqual(codes, []);
  });

  it('reports nothing for a valid multi-stage Dockerfile', () => {
    const text = [
      'FROM golang:1.22 AS build',
      'WORKDIR /src',
      'COPY . .',
      'RUN go build -o /app .',
      'FROM gcr.io/distroless/static',
      'COPY --from=build /app /app',
      'EXPOSE 8080/tcp',
      'ENTRYPOINT ["/app"]',
    ].join('\n');
    assert.deepEqual(syntaxDiagnostics(text), []);
  });

  it('reports a missing FROM for a file with instructions only', () => {
    const codes = syntaxDiagnostics('RUN echo hi\n').map((d) => d.code);
    assert.ok(codes.includes('DSX020'), `got ${codes.join(',')}`);
  });

  it('names the library check behind a code', () => {
    assert.equal(syntaxCode(38), 'DSX038');
    assert.equal(syntaxCodeName('DSX038'), 'UNKNOWN_INSTRUCTION');
    assert.equal(syntaxCode(undefined), 'DSX999');
  });

  it('never throws on hostile input', () => {
    const inputs = [
      '',
      '\u0000\u0000FROM',
      '\uFEFFFROM alpine\r\nRUN echo\\\r\n',
      'FROM ' + 'a'.repeat(200000),
      '# escape=`\nFROM alpine\nRUN echo `\n',
      'RUN <<EOF\n' + 'x\n'.repeat(1000),
      '\\\n'.repeat(5000),
      String.fromCharCode(...Array.from({ length: 4096 }, (_, i) => (i * 7919) % 65536)),
    ];
    for (const text of inputs) {
      const diags = syntaxDiagnostics(text);
      assert.ok(Array.isArray(diags));
      for (const d of diags) assert.match(d.code, /^DSX\d{3}$/);
    }
  });
});

describe('DockerfileService', () => {
  it('computes diagnostics once per document version', () => {
    const service = new DockerfileService();
    const first = service.diagnose({ uri: 'file:///a/Dockerfile', version: 1, text: 'RUNN x' });
    assert.deepEqual(
      first.map((d) => d.code),
      ['DSX020', 'DSX038'],
    );
    const again = service.diagnose({ uri: 'file:///a/Dockerfile', version: 1, text: 'ignored: same version' });
    assert.equal(again, first);
    const next = service.diagnose({ uri: 'file:///a/Dockerfile', version: 2, text: 'FROM alpine:3.20\nUSER nobody\n' });
    assert.deepEqual(next, []);
  });

  it('returns diagnostics sorted by position', () => {
    const diags = new DockerfileService().diagnose({
      uri: 'u',
      version: 1,
      text: 'FROM alpine:3.20\nRUNN a\nfrom alpine:3.19\nCOPYY a b\nUSER nobody\n',
    });
    const lines = diags.map((d) => d.range.start.line);
    assert.deepEqual(
      lines,
      [...lines].sort((a, b) => a - b),
    );
    assert.deepEqual(
      diags.map((d) => d.code),
      ['DSX038', 'DS038', 'DSX038'],
    );
  });
});

describe('guards around dockerfile-utils', () => {
  it('reports a long invalid stage name at once instead of hanging in the library', () => {
    const started = performance.now();
    const diags = syntaxDiagnostics('FROM alpine:3.20 AS ' + 'x'.repeat(60) + '!\n');
    assert.ok(performance.now() - started < 200);
    assert.deepEqual(
      diags.map((d) => [d.code, d.severity, d.range.start.character, d.range.end.character]),
      [['DSX012', 'error', 20, 81]],
    );
  });

  it('still lets the library report a short invalid stage name', () => {
    assert.deepEqual(
      syntaxDiagnostics('FROM alpine:3.20 AS 1bad\n').map((d) => d.code),
      ['DSX012'],
    );
  });
});

describe('guards around dockerfile-utils, after a BOM', () => {
  it('guards a long invalid stage name on a first line that starts with a BOM', () => {
    const started = performance.now();
    const diags = syntaxDiagnostics('\uFEFFFROM alpine:3.20 AS ' + 'x'.repeat(60) + "'\n");
    assert.ok(performance.now() - started < 200);
    assert.deepEqual(
      diags.map((d) => d.code),
      ['DSX012'],
    );
  });
});

describe('shared, memoized parse trees', () => {
  it('give the same answers to the library after Dockside has read the tree', () => {
    const text =
      'FROM registry.example.com/team/app:1.2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef AS base\nCOPY ["a", "b", "/dest"]\nCOPY ["only"]\nUSER nobody\n';
    const plain = syntaxDiagnostics(text);
    const service = new DockerfileService();
    const doc = { uri: 'm', version: 1, text };
    service.hover(doc, { line: 0, character: 10 });
    service.outline(doc);
    const after = service.diagnose(doc).filter((d) => d.code.startsWith('DSX'));
    assert.deepEqual(after, plain);
    assert.deepEqual(service.hover(doc, { line: 0, character: 8 })?.range, {
      start: { line: 0, character: 5 },
      end: { line: 0, character: 110 },
    });
  });
});
