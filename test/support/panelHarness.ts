/**
 * The panels' pages in real Chromium without VS Code: a local server serves each page through the extension's own
 * `page()` shell (CSP with a nonce), media/panels/, a theme's colours as a stylesheet (the CSP forbids inline
 * style) and a stub `acquireVsCodeApi` that records what the page posts. With `axe` the page also loads axe-core,
 * as one more script carrying the page's nonce, so the CSP stays exactly as the extension writes it.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { page as panelPage } from '../../src/panels/html';
import { CHROMIUM_ARGS, REPO_ROOT } from './codeServer';
import { which } from './system';
import { onSuiteEnd } from './teardown';
import { THEMES, themeStylesheet } from './themes';

const NONCE = 'testnonce';

const STUB = `window.__posted = [];
window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__posted.push(m),
  getState: () => window.__savedState,
  setState: (s) => { window.__savedState = s; },
});`;

export interface PanelHarness {
  browser: Browser;
  origin: string;
  /** Shows a panel in a theme in the suite's tab; resolves once its script has posted "ready". */
  open(panel: string, theme: string, options?: { axe?: boolean }): Promise<Page>;
}

/** What a panel page was given: its body and the state the extension would serialize into it. */
export interface PanelSource {
  body: string;
  state?: unknown;
}

/**
 * Starts the server and Chromium for one suite (both closed when the run ends). Without Chromium the suite skips,
 * saying so, except in CI, where that is a failure.
 */
export async function startPanelHarness(
  suite: Mocha.Context,
  panels: Record<string, PanelSource>,
): Promise<PanelHarness> {
  const executablePath = which('chromium') ?? '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    if (process.env.CI) throw new Error('No chromium in CI: the panel tests need it.');
    console.warn('    SKIPPED: no chromium to render the panels in');
    suite.skip();
  }
  let origin = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (type: string, body: string | Buffer, cache = false) => {
      res.setHeader('Content-Type', type);
      // axe-core is half a megabyte: one download and one compile for the whole suite, not one per tab.
      if (cache) res.setHeader('Cache-Control', 'max-age=3600, immutable');
      res.end(body);
    };
    const panel = /^\/(\w[\w-]*)\.html$/.exec(url.pathname)?.[1];
    if (panel && panels[panel]) {
      const theme = url.searchParams.get('theme') ?? '';
      const extra = url.searchParams.get('axe') ? `<script nonce="${NONCE}" src="${origin}/axe.js"></script>\n` : '';
      const html = panelPage({
        title: panel,
        cspSource: origin,
        nonce: NONCE,
        styleUri: `${origin}/media/panels/panel.css`,
        scriptUri: `${origin}/media/panels/panel.js`,
        body: panels[panel].body,
        state: panels[panel].state,
      })
        .replace('</head>', `<link rel="stylesheet" href="${origin}/theme-${theme}.css">\n</head>`)
        .replace(
          `<script nonce="${NONCE}"`,
          `<script nonce="${NONCE}" src="${origin}/stub.js"></script>\n${extra}<script nonce="${NONCE}"`,
        );
      return send('text/html', html);
    }
    const theme = /^\/theme-([\w-]+)\.css$/.exec(url.pathname)?.[1];
    if (theme && THEMES[theme]) return send('text/css', themeStylesheet(THEMES[theme]));
    if (url.pathname === '/stub.js') return send('text/javascript', STUB);
    if (url.pathname === '/axe.js')
      return send(
        'text/javascript',
        fs.readFileSync(path.join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js')),
        true,
      );
    const file = path.join(REPO_ROOT, 'media', 'panels', path.basename(url.pathname));
    if (url.pathname.startsWith('/media/panels/') && fs.existsSync(file))
      return send(file.endsWith('.css') ? 'text/css' : 'text/javascript', fs.readFileSync(file));
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  onSuiteEnd(suite, 'close the panel browser', async () => {
    await browser.close().catch(() => undefined);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  // One tab for the suite, navigated to each panel in turn: a fresh tab (in a fresh context) compiled axe-core
  // again every time, a second and a half per test. A navigation starts the page over (script, DOM, focus, the
  // recorded messages), and the panels keep nothing in storage or cookies for a later page to find.
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  let current: Page | undefined;
  return {
    browser,
    origin,
    async open(panel, theme, options = {}) {
      if (!THEMES[theme]) throw new Error(`No theme called ${theme}`);
      if (!current || current.isClosed()) current = await context.newPage();
      const tab = current;
      await tab.goto(`${origin}/${panel}.html?theme=${theme}${options.axe ? '&axe=1' : ''}`);
      await tab.waitForFunction('window.__posted.some((m) => m.type === "ready")', undefined, { timeout: 10000 });
      return tab;
    },
  };
}
