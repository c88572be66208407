import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RESULTS_DIR } from '../support/codeServer';
import { HOSTILE_LABEL, HOSTILE_NAME, HOSTILE_STEP, panelFixtures } from '../support/panelFixtures';
import { startPanelHarness, type PanelHarness } from '../support/panelHarness';

/** The hostile string each panel must show as text. */
const SHOWN: Record<string, string> = {
  layers: HOSTILE_STEP,
  ports: HOSTILE_LABEL,
  compose: HOSTILE_STEP,
  explain: HOSTILE_STEP,
  stats: HOSTILE_LABEL,
};

describe('the panels render in real Chromium under their CSP, with hostile strings from the engine', function () {
  let harness: PanelHarness;

  before(async function () {
    this.timeout(120000);
    harness = await startPanelHarness(this, (await panelFixtures()).panels);
  });

  for (const [name, shown] of Object.entries(SHOWN)) {
    for (const theme of ['light-modern', 'dark-modern']) {
      it(`${name} panel (${theme}): hostile strings show as text, nothing runs, the script still works`, async function () {
        this.timeout(60000);
        const dialogs: string[] = [];
        const violations: string[] = [];
        const tab = await harness.browser.newPage({ viewport: { width: 1000, height: 700 } });
        tab.on('dialog', (d) => {
          dialogs.push(d.message());
          void d.dismiss();
        });
        tab.on('console', (m) => {
          if (/Content Security Policy/.test(m.text())) violations.push(m.text());
        });
        await tab.goto(`${harness.origin}/${name}.html?theme=${theme}`);
        await tab.waitForFunction('window.__posted.some((m) => m.type === "ready")', undefined, { timeout: 10000 });
        const text = await tab.locator('body').innerText();
        assert.ok(text.includes(shown), `the string ${shown} is shown as text`);
        if (name === 'layers') assert.ok(text.includes(`web:${HOSTILE_NAME}`));
        assert.equal(await tab.locator('img').count(), 0, 'no injected element');
        assert.equal(await tab.locator('script').count(), 2, 'only the two scripts of the page');
        assert.deepEqual(dialogs, []);
        assert.deepEqual(violations, []);
        if (name === 'stats')
          assert.ok((await tab.locator('svg polyline.cpu').count()) > 0, 'the CPU graph has points');
        if (name === 'ports') {
          await tab.locator('#filter').fill('nothing-matches');
          assert.equal(await tab.locator('#rows tr[data-filter]:visible').count(), 0, 'the filter hides rows');
          await tab.locator('#filter').fill('');
          await tab.locator('a.open').first().click();
          const posted = (await tab.evaluate('window.__posted')) as { type: string; url?: string }[];
          assert.ok(posted.some((m) => m.type === 'openUrl' && m.url === 'http://127.0.0.1:5432/'));
        }
        fs.mkdirSync(RESULTS_DIR, { recursive: true });
        await tab.screenshot({ path: path.join(RESULTS_DIR, `render-${name}-${theme}.png`), fullPage: true });
        await tab.close();
      });
    }
  }
});
