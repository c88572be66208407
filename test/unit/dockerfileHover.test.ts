import * as assert from 'node:assert/strict';
import { DockerfileService } from '../../src/language/dockerfile/dockerfileService';
import { INSTRUCTION_DOCS, instructionHoverMarkdown } from '../../src/language/dockerfile/instructionDocs';

const text = [
  'FROM node:20-slim AS build',
  'COPY --chown=node:node package.json ./',
  'RUN npm ci',
  'EXPOSE 3000',
  'CMD ["node", "server.js"]',
].join('\n');
const doc = { uri: 'file:///w/Dockerfile', version: 1, text };

describe('Dockerfile hover', () => {
  const service = new DockerfileService();

  it('explains FROM with Dockside text when hovering the keyword', () => {
    const hover = service.hover(doc, { line: 0, character: 2 });
    assert.ok(hover);
    assert.match(hover.markdown, /^\*\*FROM\*\*: Starts a build stage on top of a base image\./);
    assert.match(hover.markdown, /metadata only, no filesystem layer/);
    assert.deepEqual(hover.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } });
  });

  it('says that RUN adds a layer at build time', () => {
    const hover = service.hover(doc, { line: 2, character: 0 });
    assert.ok(hover);
    assert.match(hover.markdown, /\*When:\* build time · \*Layer:\* adds a filesystem layer/);
  });

  it('says that EXPOSE does not publish', () => {
    const hover = service.hover(doc, { line: 3, character: 3 });
    assert.ok(hover);
    assert.match(hover.markdown, /does \*\*not\*\* publish the port/);
  });

  it('explains flags with Dockside text', () => {
    const hover = service.hover(doc, { line: 1, character: 8 });
    assert.ok(hover, 'a hover for --chown');
    assert.match(hover.markdown, /^\*\*COPY --chown\*\*: Sets the owner/);
  });

  it('falls back to dockerfile-language-service for parser directives', () => {
    const hover = service.hover(
      { uri: 'd', version: 1, text: '# escape=`\nFROM alpine:3.20\n' },
      { line: 0, character: 4 },
    );
    assert.ok(hover);
    assert.match(hover.markdown, /escape/i);
  });

  it('has no hover on plain arguments', () => {
    assert.equal(service.hover(doc, { line: 2, character: 8 }), undefined);
  });

  it('documents every instruction Docker knows', () => {
    const keywords = [
      'FROM',
      'RUN',
      'CMD',
      'LABEL',
      'MAINTAINER',
      'EXPOSE',
      'ENV',
      'ADD',
      'COPY',
      'ENTRYPOINT',
      'VOLUME',
      'USER',
      'WORKDIR',
      'ARG',
      'ONBUILD',
      'STOPSIGNAL',
      'HEALTHCHECK',
      'SHELL',
    ];
    assert.deepEqual(Object.keys(INSTRUCTION_DOCS).sort(), [...keywords].sort());
    for (const k of keywords) assert.ok(instructionHoverMarkdown(k.toLowerCase())?.startsWith(`**${k}**`));
  });
});
