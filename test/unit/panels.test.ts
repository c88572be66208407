import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toContainer } from '../../src/docker/normalize';
import { contentSecurityPolicy, escapeHtml, page } from '../../src/panels/html';
import {
  buildLayerView,
  cleanInstruction,
  matchDockerfile,
  type RawHistoryEntry,
} from '../../src/panels/layers/layerData';
import { explainBody, explainDockerfile } from '../../src/panels/explain/explainHtml';
import type { LayerFiles } from '../../src/panels/layers/imageTar';
import { layerBody, layerFilesHtml } from '../../src/panels/layers/layerHtml';
import { portMapFromCompose, portMapFromContainers } from '../../src/panels/ports/portData';
import { portBody, portRows } from '../../src/panels/ports/portHtml';
import { itemAt } from '../support/itemAt';

const HOSTILE = '<img src=x onerror=alert(1)>"\'&';

/** History as the classic builder records it (newest first), on top of a tagged local base image. */
const HISTORY: RawHistoryEntry[] = [
  {
    Id: 'sha256:top',
    Created: 50,
    CreatedBy: '/bin/sh -c #(nop)  CMD ["httpd" "-f" "-p" "8080"]',
    Tags: ['web:1'],
    Size: 0,
  },
  { Id: 'sha256:e', Created: 40, CreatedBy: '/bin/sh -c #(nop)  EXPOSE 8080', Tags: null, Size: 0 },
  { Id: 'sha256:d', Created: 30, CreatedBy: '/bin/sh -c #(nop) COPY dir:0a1b2c in /www ', Tags: null, Size: 2048 },
  {
    Id: 'sha256:c',
    Created: 20,
    CreatedBy: '|1 MODE=prod /bin/sh -c mkdir -p /www && echo $MODE > /www/mode',
    Tags: null,
    Size: 6,
  },
  { Id: 'sha256:b', Created: 10, CreatedBy: '/bin/sh -c #(nop)  ARG MODE=prod', Tags: null, Size: 0 },
  { Id: 'sha256:base', Created: 5, CreatedBy: '', Tags: ['busybox:1'], Size: 2_000_000, Comment: 'Imported from -' },
];
const DOCKERFILE = [
  '# syntax check',
  'FROM busybox:1',
  'ARG MODE=prod',
  'RUN mkdir -p /www && \\',
  '    echo $MODE > /www/mode',
  'COPY site/ /www',
  'EXPOSE 8080',
  'CMD ["httpd", "-f", "-p", "8080"]',
  '',
].join('\n');

describe('image layer data', () => {
  it('cleans what the builder recorded into the instruction people wrote', () => {
    assert.equal(cleanInstruction('/bin/sh -c #(nop)  ENV PATH=/bin'), 'ENV PATH=/bin');
    assert.equal(cleanInstruction('/bin/sh -c apk add --no-cache curl'), 'RUN apk add --no-cache curl');
    assert.equal(cleanInstruction('|2 A=1 B=2 /bin/sh -c make'), 'RUN make');
    assert.equal(cleanInstruction('RUN /bin/sh -c npm ci # buildkit'), 'RUN npm ci');
    assert.equal(cleanInstruction('COPY . /app # buildkit'), 'COPY . /app');
    assert.equal(cleanInstruction('', 'Imported from -'), 'Imported from a tar archive');
  });

  it('stacks sizes, marks metadata-only steps and finds where the base image ends', () => {
    const view = buildLayerView('web:1', 'sha256:top', 50, HISTORY);
    assert.deepEqual(
      view.steps.map((s) => [s.instruction, s.size, s.total, s.metadataOnly, s.base]),
      [
        ['Imported from a tar archive', 2_000_000, 2_000_000, false, true],
        ['ARG MODE=prod', 0, 2_000_000, true, false],
        ['RUN mkdir -p /www && echo $MODE > /www/mode', 6, 2_000_006, false, false],
        ['COPY dir:0a1b2c in /www', 2048, 2_002_054, false, false],
        ['EXPOSE 8080', 0, 2_002_054, true, false],
        ['CMD ["httpd" "-f" "-p" "8080"]', 0, 2_002_054, true, false],
      ],
    );
    assert.equal(view.baseTop, 0);
    assert.equal(view.baseName, 'busybox:1');
    assert.equal(view.totalSize, 2_002_054);
  });

  it('links each step of this build to its Dockerfile line, continuation lines included', () => {
    const view = buildLayerView('web:1', 'sha256:top', 50, HISTORY);
    assert.equal(matchDockerfile(view, DOCKERFILE), 5);
    assert.deepEqual(
      view.steps.map((s) => s.line),
      [undefined, 2, 3, 5, 6, 7],
    );
    const other = buildLayerView('web:1', 'sha256:top', 50, HISTORY);
    assert.equal(matchDockerfile(other, 'FROM alpine\nRUN echo something else\n'), 0);
  });

  it('renders the stack escaped, with the cache explanation on COPY and the base boundary', () => {
    const view = buildLayerView(`web:${HOSTILE}`, 'sha256:top', 50, [
      { ...itemAt(HISTORY, 0, 'history entry'), CreatedBy: `/bin/sh -c #(nop)  LABEL note="${HOSTILE}"` },
      ...HISTORY.slice(1),
    ]);
    matchDockerfile(view, DOCKERFILE);
    view.dockerfile = { path: 'web/Dockerfile', matched: 4 };
    const html = layerBody(view);
    assert.ok(!html.includes('<img'), 'no markup from the engine');
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.match(
      html,
      new RegExp(
        'If the files it copies change, the cache stops here: ' +
          'this step and every step after it \\(line 6 to 7\\) are rebuilt',
      ),
    );
    assert.match(
      html,
      new RegExp(
        '<span aria-hidden="true">▲</span> this build · <span aria-hidden="true">▼</span> base image ' +
          '<code>busybox:1</code>',
      ),
    );
    assert.match(html, /no layer/);
    // Attribute values are quoted and their quotes escaped, so removing them leaves only tag names and attribute names.
    assert.ok(!/<[^>]*\son[a-z]+\s*=/i.test(html.replace(/"[^"]*"/g, '""')), 'no inline event handlers on any tag');
    assert.ok(!/style=/.test(html), 'no inline styles (the CSP forbids them)');
  });
});

/** The opening tags of the table rows, one string each. */
const rowTags = (html: string) => html.match(/<tr\b[^>]*>/g) ?? [];

describe('panel markup for keyboards and screen readers', () => {
  it('makes each step with a Dockerfile line one tab stop, others none, and writes what each step does', () => {
    const view = buildLayerView('web:1', 'sha256:top', 50, HISTORY);
    matchDockerfile(view, DOCKERFILE);
    const html = layerBody(view);
    const steps = rowTags(html).filter((t) => t.includes('class="step'));
    assert.equal(steps.length, 6);
    assert.deepEqual(
      steps.map((t) => [/data-line="(\d+)"/.exec(t)?.[1] ?? '-', t.includes('tabindex="0"')]),
      [
        ['7', true],
        ['6', true],
        ['5', true],
        ['3', true],
        ['2', true],
        ['-', false],
      ],
    );
    assert.equal((html.match(/<a class="line" href="#" tabindex="-1"/g) ?? []).length, 5, 'the row is the stop');
    assert.ok(!/\stitle=/.test(html), 'no tooltip that keyboard users never see');
    assert.match(
      html,
      /<div class="muted note">Metadata only: changes the image settings, makes no filesystem layer\.<\/div>/,
    );
    assert.equal((html.match(/<div class="muted note">/g) ?? []).length, 6);
    assert.match(html, /<td class="bar" aria-hidden="true"><span class="fill w100"><\/span><\/td>/);
    assert.ok(!html.includes('<th></th>'), 'every column header has a name');
  });

  it('says what each sign of the file view means in words', () => {
    const files: LayerFiles = {
      layers: [
        {
          files: [
            { path: 'app/new', size: 10, kind: 'added' },
            { path: 'etc/old', size: 0, kind: 'deleted' },
            { path: 'usr/lib', size: 0, kind: 'deleted', opaque: true },
          ],
          size: 10,
          wasted: 0,
          historyIndex: -1,
        },
      ],
      wasted: 0,
      wasters: [],
      ops: 0,
      format: 'docker',
      historySteps: 0,
      notes: [],
      bytes: 0,
      unpacked: 0,
    };
    const html = layerFilesHtml(
      files,
      buildLayerView('t', 'i', 1, [{ Id: 'a', Created: 1, CreatedBy: 'RUN x', Size: 10 }]),
    );
    const marks = [
      ...html.matchAll(/<span class="mark" aria-hidden="true">(.)<\/span><span class="visually-hidden">(\w+)<\/span>/g),
    ];
    assert.deepEqual(
      marks.map((m) => [m[1], m[2]]),
      [
        ['+', 'added'],
        ['−', 'deleted'],
        ['−', 'emptied'],
      ],
    );
    assert.ok(!html.includes('aria-label='), 'no label on an element without a role');
  });

  it('makes only port rows with an address to open tab stops, and writes who can connect', () => {
    const map = portMapFromContainers([
      toContainer({
        Id: 'p'.padEnd(64, '0'),
        Names: ['/web'],
        State: 'running',
        Status: 'Up',
        Ports: [
          { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
          { IP: '0.0.0.0', PrivatePort: 53, PublicPort: 5353, Type: 'udp' },
          { PrivatePort: 443, Type: 'tcp' },
        ],
        HostConfig: { NetworkMode: 'bridge' },
      }),
    ]);
    const html = portBody(map);
    assert.deepEqual(
      rowTags(portRows(map)).map((t) => [/data-filter="([^"]*)"/.exec(t)?.[1], t.includes('tabindex="0"')]),
      [
        [' web 0.0.0.0 5353 53 udp bridge', false],
        [' web 0.0.0.0 8080 80 tcp bridge', true],
        [' web   443 tcp bridge', false],
      ],
    );
    assert.match(
      html,
      /<a href="#" class="open" tabindex="-1" data-url="http:\/\/localhost:8080\/">0\.0\.0\.0:8080<\/a>/,
    );
    assert.match(html, /<div class="muted note">every interface: other machines can connect too<\/div>/);
    assert.match(html, /<div class="muted note">exposed only: reachable from other containers on its network/);
    assert.ok(!/\stitle=/.test(html));
    assert.ok(!html.includes('<th></th>'));
  });

  it('gives each explained instruction one row stop and a lesson link whose name says which lesson', () => {
    const html = explainBody('Dockerfile', explainDockerfile('FROM alpine:3.20\nRUN apk add curl\n'));
    assert.deepEqual(
      rowTags(html)
        .filter((t) => t.includes('data-line'))
        .map((t) => t.includes('tabindex="0"')),
      [true, true],
    );
    assert.match(html, /<a href="#" tabindex="-1" data-line="1">2<\/a>/);
    assert.match(html, /">lesson<span class="visually-hidden">: RUN on line 2<\/span><\/a>/);
    assert.ok(!html.includes('<th></th>'));
  });
});

describe('port map data', () => {
  const c = (
    name: string,
    ports: { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[],
    extra: object = {},
  ) =>
    toContainer({
      Id: name.padEnd(64, '0'),
      Names: [`/${name}`],
      Image: 'x',
      State: 'running',
      Status: 'Up',
      Ports: ports,
      Labels: {},
      HostConfig: { NetworkMode: 'bridge' },
      ...extra,
    });

  it('draws host → container → port for running containers, one row per port, with scope and URL', () => {
    const map = portMapFromContainers([
      c('pgadmin', [
        { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 5050, Type: 'tcp' },
        { IP: '::', PrivatePort: 80, PublicPort: 5050, Type: 'tcp' },
        { PrivatePort: 443, Type: 'tcp' },
      ]),
      c('db', [{ IP: '127.0.0.1', PrivatePort: 5432, PublicPort: 5432, Type: 'tcp' }]),
      toContainer({ Id: 'z'.repeat(64), Names: ['/stopped'], State: 'exited', Status: 'Exited (0)', Ports: [] }),
    ]);
    assert.deepEqual(
      map.rows.map((r) => [r.owner, r.hostPort ?? '-', r.containerPort, r.scope, r.url ?? '-']),
      [
        ['db', '5432', '5432', 'loopback', 'http://127.0.0.1:5432/'],
        ['pgadmin', '5050', '80', 'all-interfaces', 'http://localhost:5050/'],
        ['pgadmin', '-', '443', 'not-published', '-'],
      ],
    );
    assert.equal(map.owners.length, 2, 'stopped containers are left out');
  });

  it("reads the notes' compose example before anything runs, with expose and a conflict", () => {
    const text = [
      'services:',
      '  pgadmin:',
      '    image: dpage/pgadmin4:8',
      '    ports:',
      '      - "5050:80"',
      '  other:',
      '    image: nginx:1.27',
      '    ports:',
      '      - target: 80',
      '        published: 5050',
      '    expose: ["9000"]',
      '  local:',
      '    image: redis:7',
      '    network_mode: host',
      '    ports: ["127.0.0.1:6379:6379"]',
      '',
    ].join('\n');
    const map = portMapFromCompose(text, 'compose.yaml');
    assert.equal(map.conflicts, 1);
    assert.deepEqual(
      map.rows.map((r) => [r.owner, r.hostPort ?? '-', r.containerPort, r.scope, r.conflict ?? '']),
      [
        ['local', '6379', '6379', 'loopback', ''],
        ['other', '5050', '80', 'all-interfaces', 'also published by pgadmin'],
        ['other', '-', '9000', 'not-published', ''],
        ['pgadmin', '5050', '80', 'all-interfaces', 'also published by other'],
      ],
    );
    const html = portBody(map);
    assert.match(html, /1 conflict/);
    assert.match(html, /badge mode">host</);
    assert.match(html, /EXPOSE 80<\/code> in a Dockerfile publishes nothing/);
  });

  it('escapes names and stays readable with 200 containers (one row each, filterable text)', () => {
    const many = Array.from({ length: 200 }, (_, i) =>
      c(`svc-${i}`, [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 10000 + i, Type: 'tcp' }], {
        Labels: { 'com.docker.compose.project': i % 2 ? 'odd' : 'even' },
      }),
    );
    const rows = portRows(portMapFromContainers(many));
    assert.equal((rows.match(/<tr /g) ?? []).length, 200);
    assert.match(rows, /data-filter="even svc-0 0\.0\.0\.0 10000 80 tcp bridge"/);
    const hostile = portRows(
      portMapFromCompose(
        `services:\n  "${HOSTILE.replace(/"/g, '')}":\n    image: x:1\n    ports: ["8080:80"]\n`,
        'c.yaml',
      ),
    );
    assert.ok(!hostile.includes('<img'));
  });
});

describe('webview page shell', () => {
  it('has a strict CSP with a nonce, loads only extension resources and no inline script', () => {
    const csp = contentSecurityPolicy('vscode-webview://abc', 'N0NCE');
    assert.equal(
      csp,
      "default-src 'none'; script-src 'nonce-N0NCE'; style-src vscode-webview://abc; " +
        'img-src vscode-webview://abc; font-src vscode-webview://abc',
    );
    const html = page({
      title: HOSTILE,
      cspSource: 'vscode-webview://abc',
      nonce: 'N0NCE',
      styleUri: 'x.css',
      scriptUri: 'x.js',
      body: '<p>b</p>',
      state: { name: HOSTILE },
    });
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.match(html, /<main>\n<p>b<\/p>\n<div id="announce" class="visually-hidden" role="status"><\/div>\n<\/main>/);
    assert.match(html, /<script nonce="N0NCE" src="x.js"><\/script>/);
    assert.ok(!html.includes('<img'));
    assert.equal(escapeHtml(HOSTILE), '&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
  });

  it('ships a script and stylesheet that keep to the CSP (no eval, no inline styles, theme colours only)', () => {
    const media = path.resolve(__dirname, '..', '..', 'media', 'panels');
    const js = fs.readFileSync(path.join(media, 'panel.js'), 'utf8');
    const css = fs.readFileSync(path.join(media, 'panel.css'), 'utf8');
    assert.ok(!/\beval\(|new Function|\.style\./.test(js));
    assert.deepEqual(css.match(/#[0-9a-f]{3,8}\b|rgb\(/gi), null, 'no fixed colours: theme variables only');
    assert.match(css, /--vscode-contrastBorder/);
  });

  it('keeps text readable in every theme: no dimming, underlined links, visible focus, no error red as text', () => {
    const css = fs.readFileSync(path.resolve(__dirname, '..', '..', 'media', 'panels', 'panel.css'), 'utf8');
    const rule = (selector: string) =>
      new RegExp(`(^|\\n)${selector.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\{([^}]*)\\}`).exec(css)?.[2] ?? '';
    assert.ok(!/opacity/.test(css), 'no opacity dimming');
    assert.match(rule('a'), /text-decoration: underline;/);
    assert.match(
      rule('a:focus-visible, button:focus-visible, summary:focus-visible, [tabindex]:focus-visible'),
      /outline: 1px solid var\(--vscode-focusBorder\)/,
    );
    assert.match(
      rule('tr.selected'),
      /color: var\(--vscode-list-inactiveSelectionForeground, var\(--vscode-foreground\)\)/,
    );
    // Chart colours and some themes' error red fall below 4.5:1 as text: they colour borders only.
    assert.ok(!/[^-]color: var\(--vscode-(errorForeground|charts-)/.test(css));
    assert.match(
      rule('.filter input'),
      /border: 1px solid var\(--vscode-input-border, var\(--vscode-descriptionForeground\)\)/,
    );
  });
});
