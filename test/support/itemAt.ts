import * as assert from 'node:assert/strict';

/** `list[index]`, failing the test with a clear message when the list is too short. */
export function itemAt<T>(list: readonly T[], index: number, what = 'item'): T {
  const item = list[index];
  assert.ok(item !== undefined, `expected ${what} ${index}, but there are only ${list.length}`);
  return item;
}
