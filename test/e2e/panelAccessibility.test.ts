import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { panelFixtures, type PanelFixtures } from '../support/panelFixtures';
import { startPanelHarness, type PanelHarness } from '../support/panelHarness';
import { THEMES } from '../support/themes';

/** WCAG 2.1 levels A and AA, the rules axe-core tags with them. */
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

interface Posted {
  type: string;
  [field: string]: unknown;
}

// Page-side helpers, as strings: the tests are compiled without the DOM library.
const HELPERS = `(() => {
  if (window.__stops) return;
  let n = 0;
  const id = (el) => el.dataset.kb || (el.dataset.kb = String(++n));
  window.__focused = () => {
    const el = document.activeElement;
    return !el || el === document.body || el === document.documentElement ? 'body' : id(el);
  };
  // What the browser should stop on with Tab: rendered, not hidden, and not taken out of the order.
  window.__stops = () =>
    Array.from(document.querySelectorAll('a[href], button, input, summary, [tabindex]'))
      .filter((el) => el.tabIndex >= 0 && !el.closest('[hidden]') && el.getClientRects().length > 0)
      .map(id);
  window.__el = (kb) => document.querySelector('[data-kb="' + kb + '"]');
  // The message an action should post, read from what the element is.
  window.__expected = (kb) => {
    const el = window.__el(kb);
    if (el.matches('tr[data-line]')) return { type: 'reveal', line: Number(el.dataset.line) };
    if (el.matches('tr')) return { type: 'openUrl', url: el.querySelector('a.open').dataset.url };
    if (el.matches('a[data-lesson]')) return { type: 'lesson', id: el.dataset.lesson };
    if (el.matches('a.open-dockerfile')) return { type: 'openDockerfile' };
    if (el.matches('#show-files')) return { type: 'files' };
    return null;
  };
  window.__describe = (kb) => {
    const el = window.__el(kb);
    return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' + el.textContent.trim().slice(0, 40) + '"';
  };
})()`;

async function axeViolations(tab: Page): Promise<Violation[]> {
  return (await tab.evaluate(`axe
    .run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(WCAG_21_AA)} }, resultTypes: ['violations'] })
    .then((r) => r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ') + ': ' + n.failureSummary.replace(/\\s+/g, ' ')),
    })))`)) as Violation[];
}

const posted = async (tab: Page) => (await tab.evaluate('window.__posted')) as Posted[];
const focused = async (tab: Page) => (await tab.evaluate('window.__focused()')) as string;
const status = async (tab: Page) => ((await tab.locator('#announce').textContent()) ?? '').trim();

/** Sends what the extension sends once the layer files are read, as VS Code delivers a webview message. */
async function deliverFiles(tab: Page, html: string): Promise<void> {
  await tab.evaluate(`window.postMessage({ type: 'files', html: ${JSON.stringify(html)} }, '*')`);
  await tab.locator('#files details').first().waitFor({ timeout: 10000 });
}

/** Presses Tab from the top of the page until focus leaves it: at most one press more than there are stops. */
async function tabOrder(tab: Page, stops: number): Promise<string[]> {
  // Tab goes on from the last focused element: start it from a mark at the very top of the page.
  await tab.evaluate(`(() => {
    const top = document.createElement('span');
    top.id = 'tab-start';
    top.tabIndex = -1;
    document.body.prepend(top);
    top.focus();
  })()`);
  const order: string[] = [];
  for (let i = 0; i <= stops; i++) {
    await tab.keyboard.press('Tab');
    const now = await focused(tab);
    if (now === 'body' || order.includes(now)) break;
    order.push(now);
  }
  await tab.evaluate(`document.getElementById('tab-start').remove()`);
  return order;
}

/**
 * Every stop is reached once, in order, with Tab; Enter (and Space on rows and the button) posts the stop's own
 * message and nothing else; focus stays on it.
 */
async function checkKeyboard(tab: Page, label: string): Promise<string[]> {
  await tab.evaluate(HELPERS);
  const stops = (await tab.evaluate('window.__stops()')) as string[];
  assert.deepEqual(await tabOrder(tab, stops.length), stops, `${label}: Tab reaches every action once, in order`);
  for (const stop of stops) {
    const what = (await tab.evaluate(`window.__describe(${JSON.stringify(stop)})`)) as string;
    const expected = (await tab.evaluate(`window.__expected(${JSON.stringify(stop)})`)) as Posted | null;
    if (!expected) continue;
    const isRow = (await tab.evaluate(`window.__el(${JSON.stringify(stop)}).matches('tr')`)) as boolean;
    const isButton = (await tab.evaluate(`window.__el(${JSON.stringify(stop)}).matches('button')`)) as boolean;
    const keys = isButton ? [' ', 'Enter'] : isRow ? ['Enter', ' '] : ['Enter'];
    for (const key of keys) {
      await tab.evaluate(`window.__el(${JSON.stringify(stop)}).focus()`);
      const before = (await posted(tab)).length;
      await tab.keyboard.press(key === ' ' ? 'Space' : key);
      const sent = (await posted(tab)).slice(before);
      // The button reads the files once; pressed again while they are being read, it does nothing.
      const want: Posted[] = isButton && key === 'Enter' ? [] : [expected];
      assert.deepEqual(sent, want, `${label}: ${key === ' ' ? 'Space' : key} on ${what}`);
      assert.equal(await focused(tab), stop, `${label}: focus stays on ${what}`);
    }
  }
  return stops;
}

describe('panel accessibility: axe-core in every theme, and every action by keyboard', function () {
  let harness: PanelHarness;
  let fixtures: PanelFixtures;

  before(async function () {
    this.timeout(120000);
    fixtures = await panelFixtures();
    harness = await startPanelHarness(this, fixtures.panels);
  });

  const views: { name: string; panel: string; prepare?: (tab: Page) => Promise<void> }[] = [
    { name: 'layers', panel: 'layers' },
    {
      name: 'layer files',
      panel: 'layers',
      async prepare(tab) {
        await tab.locator('#show-files').click();
        await deliverFiles(tab, fixtures.layerFiles);
        for (const summary of await tab.locator('#files summary').all()) await summary.click();
      },
    },
    { name: 'ports', panel: 'ports' },
    { name: 'compose ports', panel: 'compose' },
    { name: 'explain', panel: 'explain' },
  ];

  for (const view of views) {
    for (const [theme, { label }] of Object.entries(THEMES)) {
      it(`${view.name} in ${label}: no serious or critical WCAG 2.1 AA violation`, async function () {
        this.timeout(60000);
        const tab = await harness.open(view.panel, theme, { axe: true });
        // A selected row has its own background: its text must stand out there too.
        const linked = tab.locator('#rows > tr[data-line]').first();
        if (await linked.count()) await linked.click();
        if (view.prepare) await view.prepare(tab);
        const violations = await axeViolations(tab);
        const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        const others = violations.filter((v) => !serious.includes(v));
        if (others.length) console.warn(`      minor: ${others.map((v) => `${v.id} (${v.impact})`).join(', ')}`);
        assert.deepEqual(serious, [], JSON.stringify(serious, null, 2));
      });
    }
  }

  it('layers: only linked steps are stops; loaded files take focus and are announced', async function () {
    this.timeout(60000);
    const tab = await harness.open('layers', 'dark-modern');
    const rows = tab.locator('#rows > tr.step');
    const withLine = await tab.locator('#rows > tr.step[data-line]').count();
    assert.equal(withLine, fixtures.linkedSteps);
    assert.ok(withLine > 0 && withLine < (await rows.count()), 'some steps are linked and some are not');
    assert.equal(await tab.locator('#rows > tr[tabindex]:not([data-line])').count(), 0, 'no stop without an action');
    assert.equal(await tab.locator('#rows > tr[data-line]:not([tabindex="0"])').count(), 0);
    await checkKeyboard(tab, 'layers');
    // Arrow keys move between the linked rows only.
    const first = tab.locator('#rows > tr[data-line]').first();
    await first.focus();
    await tab.keyboard.press('ArrowDown');
    assert.equal(
      await tab.evaluate('document.activeElement.dataset.line'),
      await tab.locator('#rows > tr[data-line]').nth(1).getAttribute('data-line'),
    );
    assert.equal(await tab.locator('#show-files').getAttribute('aria-disabled'), 'true');
    assert.match(await status(tab), /^Reading the files of each layer/);
    await deliverFiles(tab, fixtures.layerFiles);
    assert.equal(
      await tab.evaluate('document.activeElement === document.querySelector("#files").firstElementChild'),
      true,
      'focus moves into the files',
    );
    assert.equal(await status(tab), 'The files of 3 layers are loaded, below the steps.');
    // From there Tab reaches each layer's summary, and Enter and Space open and close it.
    await tab.keyboard.press('Tab');
    assert.equal(await tab.evaluate('document.activeElement === document.querySelector("#files summary")'), true);
    await tab.keyboard.press('Enter');
    assert.equal(await tab.locator('#files details').first().getAttribute('open'), '');
    await tab.keyboard.press('Space');
    assert.equal(await tab.locator('#files details').first().getAttribute('open'), null);
    await checkKeyboard(tab, 'layer files');
  });

  it('layers: a failure to read the files takes focus and is read out in words', async function () {
    this.timeout(60000);
    const tab = await harness.open('layers', 'light-plus');
    await tab.locator('#show-files').focus();
    await tab.keyboard.press('Enter');
    await tab.evaluate(
      `window.postMessage({ type: 'files', html: '<p class="muted">Stopped reading the image.</p>' }, '*')`,
    );
    await tab.locator('#files p:has-text("Stopped reading the image.")').waitFor({ timeout: 10000 });
    assert.equal(await tab.evaluate('document.activeElement.textContent'), 'Stopped reading the image.');
    assert.equal(await status(tab), 'Stopped reading the image.');
  });

  it('ports: only rows with an address are stops; the filter announces its count', async function () {
    this.timeout(60000);
    const tab = await harness.open('ports', 'dark-plus');
    const all = await tab.locator('#rows > tr[data-filter]').count();
    assert.equal(all, 4);
    // Only published TCP ports have an address a browser can open; UDP and exposed-only ports do not.
    assert.equal(await tab.locator('#rows > tr[tabindex="0"]').count(), 2);
    await checkKeyboard(tab, 'ports');
    const filter = tab.locator('#filter');
    await filter.focus();
    await tab.keyboard.type('db');
    assert.equal(await status(tab), '1 of 4 rows match “db”.');
    await tab.keyboard.type('-nothing');
    assert.equal(await status(tab), 'No matches for “db-nothing”.');
    assert.equal(await tab.locator('#rows > tr[data-filter]:visible').count(), 0);
    await filter.fill('');
    assert.equal(await status(tab), 'Filter cleared: all 4 rows are shown.');
    assert.equal(await focused(tab), await filter.getAttribute('data-kb'), 'focus stays in the filter box');
  });

  it('ports: redrawn rows keep focus on the same row, or hand it to the next stop', async function () {
    this.timeout(60000);
    const tab = await harness.open('ports', 'hc-dark');
    const row = tab.locator('#rows > tr[tabindex]').nth(1);
    const key = await row.getAttribute('data-filter');
    await row.focus();
    await tab.evaluate(`window.postMessage({ type: 'rows', html: document.getElementById('rows').innerHTML }, '*')`);
    await tab.waitForFunction(
      `document.activeElement && document.activeElement.dataset.filter === ${JSON.stringify(key)}`,
      undefined,
      {
        timeout: 10000,
      },
    );
    // The focused container went away: focus moves to the first row left, not to the page.
    await tab.evaluate(`(() => {
      const rows = document.getElementById('rows').cloneNode(true);
      rows.querySelector('tr[data-filter=' + JSON.stringify(${JSON.stringify(key)}) + ']').remove();
      window.postMessage({ type: 'rows', html: rows.innerHTML }, '*');
    })()`);
    await tab.waitForFunction('document.querySelectorAll("#rows > tr[data-filter]").length === 3', undefined, {
      timeout: 10000,
    });
    assert.equal(await tab.evaluate('document.activeElement === document.querySelector("#rows > tr[tabindex]")'), true);
  });

  it('compose ports: no row has an action, so none is a stop; the filter still is', async function () {
    this.timeout(60000);
    const tab = await harness.open('compose', 'light-modern');
    assert.equal(await tab.locator('#rows > tr[tabindex]').count(), 0);
    const stops = await checkKeyboard(tab, 'compose');
    assert.equal(stops.length, 3, 'the filter box and two lesson links');
    assert.match(await tab.locator('tr.conflict').first().innerText(), /conflict: also published by/);
  });

  it('explain: Enter on a lesson link opens the lesson, not the line; rows reveal lines', async function () {
    this.timeout(60000);
    const tab = await harness.open('explain', 'hc-light');
    assert.equal(
      await tab.locator('#rows > tr[tabindex="0"]').count(),
      await tab.locator('#rows > tr').count(),
      'every instruction row shows its line',
    );
    await checkKeyboard(tab, 'explain');
    const lesson = tab.locator('#rows > tr').nth(3).locator('a[data-lesson]');
    await lesson.focus();
    const before = (await posted(tab)).length;
    await tab.keyboard.press('Enter');
    assert.deepEqual((await posted(tab)).slice(before), [
      { type: 'lesson', id: await lesson.getAttribute('data-lesson') },
    ]);
    assert.equal(await lesson.textContent(), 'lesson: RUN on line 4', 'its name says which lesson');
    await tab.locator('#filter').fill('copy');
    assert.equal(await status(tab), '3 of 10 rows match “copy”.');
  });
});
