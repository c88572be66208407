import * as assert from 'node:assert/strict';
import { ComposeService } from '../../src/language/compose/composeService';
import { DockerfileService } from '../../src/language/dockerfile/dockerfileService';
import { codeSpan, escapeMarkdown } from '../../src/language/markdown';
import { containerTooltip, imageTooltip, projectTooltip } from '../../src/docker/present';
import { toContainer, toImage } from '../../src/docker/normalize';

// markdown-it is the renderer VS Code uses for hovers and tooltips, with the same options that matter here: links
// turned into anchors, images into <img>, raw HTML off (MarkdownString.supportHtml is false).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it') as new (options: object) => { render(text: string): string };
const renderer = new MarkdownIt({ html: false, linkify: false });

/** What a hostile name could make the renderer do: load a remote image, or add a link or markup of its own. */
function assertInert(markdown: string, hostile: string, shown = true): void {
  const html = renderer.render(markdown);
  assert.ok(!/<img/i.test(html), `no image is loaded:\n${html}`);
  assert.ok(!/<a\s/i.test(html), `no link is made:\n${html}`);
  assert.ok(!/<(script|iframe|img|svg)/i.test(html), `no markup gets through:\n${html}`);
  if (shown) assert.ok(html.includes('attacker.example'), `the hostile text still shows, as text (${hostile})`);
}

const HOSTILE = [
  '![t](https://attacker.example/pixel.png)',
  '[click](https://attacker.example/)',
  '<img src=https://attacker.example/x onerror=alert(1)>',
  '`x` ![t](https://attacker.example/p.png)',
  'x`![t](https://attacker.example/p.png)`',
];

describe('no injection through hovers and tooltips', () => {
  it('escapes Markdown and fences code spans so no hostile name renders as markup', () => {
    for (const h of HOSTILE) {
      assertInert(escapeMarkdown(h), h);
      assertInert(codeSpan(h), h);
    }
  });

  it('Dockerfile hovers show image, stage and variable text as text', () => {
    const service = new DockerfileService();
    for (const [n, h] of HOSTILE.filter((x) => !/\s/.test(x)).entries()) {
      const text = `FROM ${h} AS base\nFROM base\nARG V=${h}\nRUN echo $V\n`;
      // A version per text: the service caches its analysis per (uri, version).
      const doc = { uri: 'file:///w/Dockerfile', version: n + 1, text };
      // The image reference parser keeps only part of such a name: whatever part shows must be inert.
      const image = service.hover(doc, { line: 0, character: 6 });
      if (image) assertInert(image.markdown, h, false);
      const stage = service.hover(doc, { line: 1, character: 6 });
      assert.ok(stage);
      assertInert(stage.markdown, h);
      const variable = service.hover(doc, { line: 3, character: 10 });
      assert.ok(variable);
      assertInert(variable.markdown, h);
    }
  });

  it('compose hovers show image names, ports, volumes and service names as text', () => {
    const service = new ComposeService();
    for (const [n, h] of HOSTILE.entries()) {
      const q = JSON.stringify(h);
      const text =
        `services:\n  ${q}:\n    image: ${q}\n    ports:\n      - ${q}\n` +
        `    volumes:\n      - ${JSON.stringify(`${h}:/data`)}\n    restart: ${q}\n`;
      for (const [line, character] of [
        [1, 4],
        [2, 14],
        [4, 10],
        [6, 10],
        [7, 14],
      ] as [number, number][]) {
        const hover = service.hover({ uri: `c${n}`, version: 1, text }, { line, character });
        if (hover) assertInert(hover.markdown, h);
      }
    }
  });

  it('explorer tooltips show names and labels from the engine as text', () => {
    for (const h of HOSTILE) {
      const c = toContainer({
        Id: 'a'.repeat(64),
        Names: [`/${h}`],
        Image: h,
        ImageID: 'sha256:' + 'b'.repeat(64),
        Command: '',
        Created: 0,
        Ports: [],
        Labels: { 'com.docker.compose.project': h },
        State: 'running',
        Status: h,
        HostConfig: { NetworkMode: h },
        NetworkSettings: { Networks: {} },
        Mounts: [],
      } as never);
      assertInert(containerTooltip(c, [`X=${h}`]), h);
      assertInert(projectTooltip(h, 1, 2), h);
      assertInert(
        imageTooltip(
          toImage({ Id: 'sha256:' + 'c'.repeat(64), RepoTags: [h], Created: 0, Size: 1, Labels: null } as never),
          [c],
        ),
        h,
      );
    }
  });
});
