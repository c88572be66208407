import * as assert from 'node:assert/strict';
import { DockerfileService } from '../../src/language/dockerfile/dockerfileService';

const text = [
  'ARG NODE_VERSION=22', //                                   0
  'FROM node:${NODE_VERSION}-slim AS build', //               1
  'ARG NODE_VERSION', //                                      2
  'ENV APP_HOME=/app', //                                     3
  'WORKDIR $APP_HOME', //                                     4
  'RUN --mount=type=cache,target=/root/.npm npm ci', //       5
  'FROM python:3.12-slim AS runtime', //                      6
  'COPY --from=build --chown=1000:1000 /app /srv', //         7
  'EXPOSE 8080/tcp', //                                       8
  'HEALTHCHECK --interval=30s CMD true', //                   9
  'USER 1000', //                                             10
].join('\n');
const doc = { uri: 'file:///nav/Dockerfile', version: 1, text };
const service = new DockerfileService();
const hover = (line: number, character: number) => service.hover(doc, { line, character })?.markdown ?? '';

describe('Dockerfile hover beyond instructions', () => {
  it('explains flags', () => {
    assert.match(hover(5, 6), /^\*\*RUN --mount\*\*: Mounts something for this step only/);
    assert.match(hover(7, 21), /^\*\*COPY --chown\*\*/);
    assert.match(hover(9, 15), /^\*\*HEALTHCHECK --interval\*\*/);
  });

  it('explains a stage name where it is used and where it is defined', () => {
    assert.match(
      hover(7, 14),
      /\*\*Stage `build`\*\* \(stage 0, line 2\), built on `node:\$\{NODE_VERSION\}-slim`\.\n\nUsed on line 8\./,
    );
    assert.match(hover(6, 28), /\*\*Stage `runtime`\*\*.*It is the final stage/);
  });

  it('explains a variable with its value and where it is set', () => {
    assert.match(
      hover(4, 10),
      /\*\*`\$APP_HOME`\*\*: ENV on line 4 = `\/app`\.\n\nExpanded by Docker while building\./,
    );
    assert.match(hover(1, 13), /ARG on line 1 = `22`/);
  });

  it('explains an exposed port and how to publish it', () => {
    const md = hover(8, 8);
    assert.match(md, /^\*\*Port 8080\/tcp\*\* \(inside the container\)/);
    assert.match(md, /docker run -p 8080:8080/);
  });

  it('explains a base image and its tag', () => {
    const md = hover(6, 8);
    assert.match(md, /^\*\*python\*\* \(Docker Official Image\)/);
    assert.match(md, /Tag `3\.12-slim`: version 3\.12, a trimmed variant with fewer packages\./);
  });
});

describe('Dockerfile navigation and completion', () => {
  it('goes from --from=build to the stage name', () => {
    assert.deepEqual(service.definition(doc, { line: 7, character: 13 }), [
      { start: { line: 1, character: 34 }, end: { line: 1, character: 39 } },
    ]);
  });

  it('goes from a variable to its ENV', () => {
    assert.deepEqual(service.definition(doc, { line: 4, character: 11 }), [
      { start: { line: 3, character: 4 }, end: { line: 3, character: 12 } },
    ]);
  });

  it('outlines stages with their instructions', () => {
    const symbols = service.outline(doc);
    assert.deepEqual(
      symbols.map((s) => [s.name, s.kind, s.children.length]),
      [
        ['ARG', 'instruction', 0],
        ['build', 'stage', 4],
        ['runtime', 'stage', 4],
      ],
    );
    assert.equal(symbols[2]?.detail, 'FROM python:3.12-slim (final)');
  });

  it('completes earlier stage names after --from=', async () => {
    const d = { ...doc, version: 2, text: text + '\nCOPY --from=' };
    const items = await service.completions(d, { line: 11, character: 12 });
    assert.deepEqual(
      items.map((i) => i.label),
      ['build'],
    );
  });

  it('completes variables in scope after $', async () => {
    const d = { ...doc, version: 3, text: text.replace('WORKDIR $APP_HOME', 'WORKDIR $') };
    const items = await service.completions(d, { line: 4, character: 9 });
    assert.deepEqual(items.map((i) => i.label).sort(), ['APP_HOME', 'NODE_VERSION']);
  });

  it('completes only the ARGs declared before the first FROM on a FROM line', async () => {
    const d = { ...doc, version: 4, text: text + '\nFROM node:$' };
    const items = await service.completions(d, { line: 11, character: 11 });
    assert.deepEqual(
      items.map((i) => i.label),
      ['NODE_VERSION'],
    );
  });

  it('completes instructions from dockerfile-language-service elsewhere', async () => {
    const d = { uri: 'c', version: 1, text: 'FROM alpine:3.20\nHEA' };
    const items = await service.completions(d, { line: 1, character: 3 });
    assert.ok(
      items.some((i) => i.label === 'HEALTHCHECK NONE'),
      items.map((i) => i.label).join(),
    );
    assert.ok(items.every((i) => i.label.startsWith('HEALTHCHECK')));
  });

  it('formats continuation lines', () => {
    const edits = service.format(
      { uri: 'f', version: 1, text: 'FROM alpine:3.20\nRUN echo a \\\n&& echo b\n' },
      { tabSize: 4, insertSpaces: true },
    );
    assert.deepEqual(edits, [
      { range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, newText: '    ' },
    ]);
  });
});
