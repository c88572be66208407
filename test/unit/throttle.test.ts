import * as assert from 'node:assert/strict';
import { throttle } from '../../src/docker/throttle';
import { itemAt } from '../support/itemAt';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('progress throttle (at most ten updates a second, the last one never lost)', () => {
  it('turns a burst of 2,000 messages over a second into at most one report per 100 ms, ending on the last', async function () {
    this.timeout(10000);
    const reports: { value: number; at: number }[] = [];
    const t = throttle<number>((value) => reports.push({ value, at: performance.now() }), 100);
    const started = performance.now();
    for (let i = 0; i < 2000; i++) {
      t.push(i);
      if (i % 20 === 19) await sleep(10);
    }
    const elapsed = performance.now() - started;
    await sleep(150);
    assert.equal(itemAt(reports, 0, 'report').value, 0, 'the first message is shown at once');
    assert.equal(reports.at(-1)?.value, 1999, 'the last message is shown');
    for (let i = 1; i < reports.length; i++) {
      const gap = itemAt(reports, i, 'report').at - itemAt(reports, i - 1, 'report').at;
      assert.ok(gap >= 99, `reports ${i - 1} and ${i} came ${gap.toFixed(1)} ms apart`);
    }
    assert.ok(reports.length <= Math.ceil(elapsed / 100) + 2, `${reports.length} reports in ${elapsed.toFixed(0)} ms`);
    assert.ok(reports.length >= 5, 'progress keeps moving during the burst');
    assert.deepEqual(
      reports.map((r) => r.value),
      [...reports.map((r) => r.value)].sort((a, b) => a - b),
      'in order, none twice',
    );
    assert.equal(new Set(reports.map((r) => r.value)).size, reports.length);
  });

  it('reports a lone message at once, a waiting one at the end of its interval, and nothing after dispose', async () => {
    const seen: string[] = [];
    const t = throttle<string>((v) => seen.push(v), 100);
    t.push('a');
    t.push('b');
    assert.deepEqual(seen, ['a']);
    await sleep(150);
    assert.deepEqual(seen, ['a', 'b']);
    await sleep(110);
    t.push('c');
    assert.deepEqual(seen, ['a', 'b', 'c'], 'a message after a quiet interval is shown at once');
    t.push('d');
    t.dispose();
    await sleep(150);
    t.push('e');
    assert.deepEqual(seen, ['a', 'b', 'c'], 'nothing after dispose');
  });
});
