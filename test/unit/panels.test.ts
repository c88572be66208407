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
import { layerBody } from '../../src/panels/layers/layerHtml';
import { portMapFromCompose, portMapFromContainers } from '../../src/panels/ports/portData';
import { portBody, portRows } from '../../src/panels/ports/portHtml';

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
      { ...HISTORY[0], CreatedBy: `/bin/sh -c #(nop)  LABEL note="${HOSTILE}"` },
      ...HISTORY.slice(1),
    ]);
    matchDockerfile(view, DOCKERFILE);
    view.dockerfile = { path: 'web/Dockerfile', matched: 4 };
    const html = layerBody(view);
    assert.ok(!html.includes('<img'), 'no markup from the engine');
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.match(
      html,
      /If the files it copies change, the cache stops here: this step and every step after it \(line 6 to 7\) are rebuilt/,
    );
    assert.match(html, /▲ this build · ▼ base image <code>busybox:1<\/code>/);
    assert.match(html, /no layer/);
    // Attribute values are quoted and their quotes escaped, so removing them leaves only tag names and attribute names.
    assert.ok(!/<[^>]*\son[a-z]+\s*=/i.test(html.replace(/"[^"]*"/g, '""')), 'no inline event handlers on any tag');
    assert.ok(!/style=/.test(html), 'no inline styles (the CSP forbids them)');
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
      "default-src 'none'; script-src 'nonce-N0NCE'; style-src vscode-webview://abc; img-src vscode-webview://abc; font-src vscode-webview://abc",
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
});
