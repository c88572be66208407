import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { toContainer } from '../../src/docker/normalize';
import { page as panelPage } from '../../src/panels/html';
import { buildLayerView } from '../../src/panels/layers/layerData';
import { layerBody } from '../../src/panels/layers/layerHtml';
import { portMapFromContainers } from '../../src/panels/ports/portData';
import { portBody } from '../../src/panels/ports/portHtml';
import { CHROMIUM_ARGS, REPO_ROOT, RESULTS_DIR } from '../support/codeServer';
import { which } from '../support/system';
import { onRunEnd } from '../support/teardown';

const HOSTILE_STEP = '<img src=x onerror=alert(1)>';
const HOSTILE_LABEL = '</script><script>alert(1)</script>';
const HOSTILE_NAME = `it's "quoted" <b>`;

/** Theme variables as VS Code gives a webview, for a light and a dark theme (served as a stylesheet: the CSP allows no inline style). */
const THEMES: Record<string, string> = {
  light:
    ':root{--vscode-foreground:#3b3b3b;--vscode-editor-background:#ffffff;--vscode-descriptionForeground:#717171;--vscode-textLink-foreground:#005fb8;--vscode-charts-blue:#1a85ff;--vscode-charts-purple:#652d90;--vscode-badge-background:#cccccc;--vscode-badge-foreground:#3b3b3b;--vscode-errorForeground:#f85149;--vscode-focusBorder:#005fb8;--vscode-list-hoverBackground:#f2f2f2;--vscode-font-family:sans-serif;--vscode-font-size:13px;--vscode-editor-font-family:monospace}',
  dark: ':root{--vscode-foreground:#cccccc;--vscode-editor-background:#1f1f1f;--vscode-descriptionForeground:#9d9d9d;--vscode-textLink-foreground:#4daafc;--vscode-charts-blue:#3794ff;--vscode-charts-purple:#b180d7;--vscode-badge-background:#616161;--vscode-badge-foreground:#f8f8f8;--vscode-errorForeground:#f85149;--vscode-focusBorder:#0078d4;--vscode-list-hoverBackground:#2a2d2e;--vscode-font-family:sans-serif;--vscode-font-size:13px;--vscode-editor-font-family:monospace}',
};

describe('the panels render in real Chromium under their CSP, with hostile strings from the engine', function () {
  let browser: Browser;
  let server: http.Server;
  let origin = '';
  const pages = new Map<string, string>();

  before(async function () {
    this.timeout(120000);
    const history = [
      {
        Id: 'sha256:top',
        Created: 2,
        CreatedBy: `/bin/sh -c #(nop)  LABEL note="${HOSTILE_LABEL}"`,
        Tags: [`app:${HOSTILE_NAME}`],
        Size: 0,
      },
      { Id: 'sha256:run', Created: 1, CreatedBy: `/bin/sh -c echo ${HOSTILE_STEP} > /x`, Tags: null, Size: 1234 },
      { Id: '<missing>', Created: 0, CreatedBy: '', Tags: null, Size: 2_000_000, Comment: 'Imported from -' },
    ];
    const layers = layerBody(buildLayerView(`app:${HOSTILE_NAME}`, 'sha256:top', 2, history));
    const ports = portBody(
      portMapFromContainers([
        toContainer({
          Id: 'a'.repeat(64),
          Names: [`/web-${HOSTILE_NAME}`],
          Image: 'x',
          State: 'running',
          Status: 'Up',
          Labels: { 'com.docker.compose.project': HOSTILE_LABEL },
          Ports: [
            { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
            { PrivatePort: 443, Type: 'tcp' },
          ],
        }),
      ]),
    );
    server = http.createServer((req, res) => {
      const url = req.url ?? '/';
      const [name, theme] = url.slice(1).split('.html?theme=');
      if (pages.has(name)) {
        res.setHeader('Content-Type', 'text/html');
        return res.end(
          pages.get(name)!.replace('</head>', `<link rel="stylesheet" href="/theme-${theme}.css">\n</head>`),
        );
      }
      const themeMatch = /^\/theme-(\w+)\.css$/.exec(url);
      if (themeMatch) {
        res.setHeader('Content-Type', 'text/css');
        return res.end(THEMES[themeMatch[1]] ?? '');
      }
      if (url === '/stub.js') {
        res.setHeader('Content-Type', 'text/javascript');
        return res.end(
          'window.acquireVsCodeApi = () => ({ postMessage: (m) => (window.__posted = [...(window.__posted || []), m]), getState: () => undefined, setState: () => undefined });',
        );
      }
      const file = path.join(REPO_ROOT, 'media', 'panels', path.basename(url));
      if (url.startsWith('/media/panels/') && fs.existsSync(file)) {
        res.setHeader('Content-Type', file.endsWith('.css') ? 'text/css' : 'text/javascript');
        return res.end(fs.readFileSync(file));
      }
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    onRunEnd(() => new Promise<void>((resolve) => server.close(() => resolve())));
    for (const [name, body] of [
      ['layers', layers],
      ['ports', ports],
    ] as const) {
      // The same shell the extension serves, with the VS Code API stubbed by a script the nonce allows.
      const html = panelPage({
        title: name,
        cspSource: origin,
        nonce: 'testnonce',
        styleUri: `${origin}/media/panels/panel.css`,
        scriptUri: `${origin}/media/panels/panel.js`,
        body,
        state: { name: HOSTILE_LABEL },
      });
      pages.set(
        name,
        html.replace(
          '<script nonce="testnonce"',
          `<script nonce="testnonce" src="${origin}/stub.js"></script>\n<script nonce="testnonce"`,
        ),
      );
    }
    const { chromium } = await import('playwright-core');
    const executablePath = which('chromium') ?? '/usr/bin/chromium';
    if (!fs.existsSync(executablePath)) {
      if (process.env.CI) throw new Error('No chromium in CI');
      console.warn('    SKIPPED: no chromium');
      this.skip();
    }
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    onRunEnd(() => browser.close());
  });

  for (const name of ['layers', 'ports']) {
    for (const theme of ['light', 'dark']) {
      it(`${name} panel (${theme}): hostile strings show as text, nothing runs, the script still works`, async function () {
        this.timeout(60000);
        const tab = await browser.newPage({ viewport: { width: 1000, height: 700 } });
        const dialogs: string[] = [];
        const violations: string[] = [];
        tab.on('dialog', (d) => {
          dialogs.push(d.message());
          void d.dismiss();
        });
        tab.on('console', (m) => {
          if (/Content Security Policy/.test(m.text())) violations.push(m.text());
        });
        await tab.goto(`${origin}/${name}.html?theme=${theme}`);
        await tab.waitForFunction(
          'Array.isArray(window.__posted) && window.__posted.some((m) => m.type === "ready")',
          undefined,
          { timeout: 10000 },
        );
        const text = (await tab.locator('body').innerText()) as string;
        assert.ok(
          text.includes(name === 'layers' ? HOSTILE_STEP : HOSTILE_LABEL),
          'the hostile string is shown as text',
        );
        assert.equal(await tab.locator('img').count(), 0, 'no injected element');
        assert.equal(await tab.locator('script').count(), 2, 'only the two scripts of the page');
        assert.deepEqual(dialogs, []);
        assert.deepEqual(
          violations.filter((v) => !/theme-/.test(v)),
          [],
        );
        if (name === 'ports') {
          await tab.locator('#filter').fill('nothing-matches');
          assert.equal(await tab.locator('#rows tr[tabindex]:visible').count(), 0, 'the filter hides rows');
          await tab.locator('#filter').fill('');
          await tab.locator('a.open').first().click();
          assert.ok(
            ((await tab.evaluate('window.__posted')) as { type: string; url?: string }[]).some(
              (m) => m.type === 'openUrl' && m.url === 'http://localhost:8080/',
            ),
          );
        }
        fs.mkdirSync(RESULTS_DIR, { recursive: true });
        await tab.screenshot({ path: path.join(RESULTS_DIR, `render-${name}-${theme}.png`), fullPage: true });
        await tab.close();
      });
    }
  }
});
