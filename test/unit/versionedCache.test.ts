import * as assert from 'node:assert/strict';
import { VersionedCache } from '../../src/language/documentCache';

describe('VersionedCache', () => {
  it('computes once per version and recomputes for a new version', () => {
    const cache = new VersionedCache<number>();
    let calls = 0;
    const compute = () => ++calls;
    assert.equal(cache.get('a', 1, compute), 1);
    assert.equal(cache.get('a', 1, compute), 1);
    assert.equal(cache.get('a', 2, compute), 2);
    assert.equal(calls, 2);
  });

  it('keeps at most the configured number of documents, dropping the least recently used', () => {
    const cache = new VersionedCache<string>(2);
    cache.get('a', 1, () => 'a1');
    cache.get('b', 1, () => 'b1');
    cache.get('a', 1, () => 'again');
    cache.get('c', 1, () => 'c1');
    assert.equal(cache.size, 2);
    assert.equal(
      cache.get('a', 1, () => 'recomputed'),
      'a1',
    );
    assert.equal(
      cache.get('b', 1, () => 'recomputed'),
      'recomputed',
    );
  });
});
