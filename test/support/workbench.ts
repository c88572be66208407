/** Playwright steps on VS Code's workbench, done the way a person does them (keyboard, mouse). */
import type { Frame, Locator, Page } from 'playwright-core';

/** Opens a workspace file with Quick Open (Ctrl+P), as a person would. */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  // Keyboard focus must be in the workbench, not in a webview (a lesson preview swallows Ctrl+P).
  await page
    .locator('.part.sidebar .title')
    .first()
    .click()
    .catch(() => undefined);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill(relativePath);
  const base = relativePath.split('/').pop()!;
  const folder = relativePath.split('/').slice(0, -1).join('/');
  // Pick the row for this folder's file (several folders may hold a "Dockerfile").
  let row = page.locator('.quick-input-list .monaco-list-row', { hasText: base });
  if (folder) row = row.filter({ hasText: folder });
  // The first Quick Open of a window waits for the file search to index the workspace: slow on a busy machine.
  await row.first().waitFor({ timeout: 30000 });
  await row.first().click();
  await page.locator('.tab.active', { hasText: base }).waitFor({ timeout: 10000 });
  await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 10000 });
}

/** Runs a command from the Command Palette (F1), by its title. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10000 });
  await page.keyboard.press('Enter');
}

/** Opens the Problems panel and returns it. */
export async function openProblems(page: Page): Promise<Locator> {
  await runCommand(page, 'Problems: Focus on Problems View');
  const panel = page.locator('.markers-panel');
  await panel.waitFor({ state: 'visible', timeout: 10000 });
  return panel;
}

/** Moves the mouse over the first editor token with this text (on `line`, when given) and returns the hover's text. */
export async function hoverText(page: Page, token: string | RegExp, line?: number): Promise<string> {
  // Lines below the fold are not rendered at all (CodeLenses and an open panel push them there): go to it first.
  if (line !== undefined) {
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').fill(`:${line}`);
    await page.keyboard.press('Enter');
  }
  const span = page
    .locator('.monaco-editor .view-line span span', {
      hasText: typeof token === 'string' ? new RegExp(`^${token}$`) : token,
    })
    .first();
  await span.waitFor({ timeout: 10000 });
  const hover = page
    .locator('.monaco-hover:not(.hidden) .monaco-hover-content, .monaco-hover:not(.hidden) .hover-contents')
    .first();
  // The token can still move after it is drawn: going to a line scrolls for a few frames, and CodeLenses that
  // arrive late push the lines below them down. So read its box afresh for every try.
  for (let attempt = 0; attempt < 3; attempt++) {
    const box = (await span.boundingBox())!;
    await page.mouse.move(box.x + 2, box.y + box.height / 2);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const shown = await hover
      .waitFor({ state: 'visible', timeout: 3000 })
      .then(() => true)
      .catch(() => false);
    if (shown) return hover.innerText();
    // Then from the keyboard (editor.action.showHover) with the cursor on the token.
    const again = (await span.boundingBox())!;
    await page.mouse.click(again.x + again.width / 2, again.y + again.height / 2);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    if (
      await hover
        .waitFor({ state: 'visible', timeout: 3000 })
        .then(() => true)
        .catch(() => false)
    )
      return hover.innerText();
    await page.keyboard.press('Escape');
  }
  await hover.waitFor({ state: 'visible', timeout: 1000 });
  return hover.innerText();
}

/** Webviews (Markdown preview, Dockside panels) are nested iframes: finds the frame showing this text. */
export async function findFrameWithText(page: Page, text: string, timeoutMs = 15000): Promise<Frame | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      const found = await frame
        .locator('body', { hasText: text })
        .count()
        .catch(() => 0);
      if (found > 0) return frame;
    }
    await page.waitForTimeout(250);
  }
  return undefined;
}

/** In an open menu or list (quick fixes), moves down with the keyboard to the row with this text and picks it. */
export async function chooseFocusedRow(page: Page, text: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const focused = page
      .locator('.action-widget .monaco-list-row.focused, .context-view .monaco-list-row.focused')
      .first();
    if (((await focused.textContent().catch(() => '')) ?? '').includes(text)) {
      await page.keyboard.press('Enter');
      return;
    }
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`no row "${text}" in the open list`);
}

/** Right-clicks a row and picks an entry of its context menu, the way a person does (mouse, then Enter if needed). */
export async function contextMenu(page: Page, target: Locator, item: string | RegExp): Promise<void> {
  await target.click({ button: 'right' });
  const entry = page
    .locator('.context-view .action-item', { has: page.locator('.action-label', { hasText: item }) })
    .first();
  await entry.waitFor({ timeout: 10000 });
  await entry.hover();
  await entry.click();
  // A menu that opens under the pointer can swallow the first click while it animates: then press Enter on it.
  await page.waitForTimeout(500);
  if (
    await page
      .locator('.context-view .monaco-menu')
      .isVisible()
      .catch(() => false)
  ) {
    await entry.hover();
    await page.keyboard.press('Enter');
  }
}
