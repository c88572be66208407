import * as assert from 'node:assert/strict';
import dockerignore from '@balena/dockerignore';
import {
  collapseDoubleStars,
  DockerignoreError,
  dockerignorePatterns,
  MAX_PATTERNS,
} from '../../src/docker/dockerignorePatterns';
import { settledGrowthRatio } from '../support/growth';
import { DOCKERIGNORE_SHAPES } from '../support/shapes';

const PATHS = Array.from({ length: 200 }, (_, i) => `${'a/'.repeat(i % 40)}src/file${i}.ts`);
const matchAll = (patterns: string[]) => {
  const m = dockerignore({ ignorecase: false }).add(patterns);
  return PATHS.filter((p) => m.ignores(p)).length;
};

describe('.dockerignore patterns before the matcher: bounded work', () => {
  it('collapses double-star segments in a row, which match the same paths', () => {
    assert.equal(collapseDoubleStars('**/**/**/node_modules'), '**/node_modules');
    assert.equal(collapseDoubleStars('a/**/**/b/**'), 'a/**/b/**');
    assert.equal(collapseDoubleStars('**'), '**');
    assert.equal(collapseDoubleStars('a**/**b'), 'a**/**b', 'stars inside a segment are not segments');
    for (const [long, short] of [
      ['**/**/x', '**/x'],
      ['a/**/**/**/b', 'a/**/b'],
      ['d/**/**', 'd/**'],
    ] as [string, string][]) {
      const paths = ['x', 'a/b', 'a/c/b', 'a/c/d/b', 'q/x', 'd/e', 'd/e/f', 'y/d/e'];
      const a = dockerignore().add([long]);
      const b = dockerignore().add([short]);
      assert.deepEqual(
        paths.map((p) => a.ignores(p)),
        paths.map((p) => b.ignores(p)),
        `${long} ≡ ${short}`,
      );
    }
  });

  it('reads a hostile run of double stars in bounded time (it never finished before)', () => {
    const patterns = dockerignorePatterns(`${'**/'.repeat(30)}x\n`);
    assert.deepEqual(patterns, ['**/x']);
    assert.equal(matchAll(patterns), 0);
  });

  it('refuses, in plain words, what would make matching slow', () => {
    assert.throws(
      () => dockerignorePatterns('**/a/**/b/**/c/**/d/**/e\n'),
      (e: Error) => e instanceof DockerignoreError && /line 1: .*more than 4 "\*\*"/.test(e.message),
    );
    assert.throws(() => dockerignorePatterns('x\n'.repeat(MAX_PATTERNS + 1)), /more than 10,000 patterns/);
    assert.throws(() => dockerignorePatterns(`${'x'.repeat(5000)}\n`), /5000 characters/);
    assert.deepEqual(dockerignorePatterns('# comment\n\n  node_modules  \n**/*.log\n!keep.log\n'), [
      'node_modules',
      '**/*.log',
      '!keep.log',
    ]);
  });

  for (const [name, make] of Object.entries(DOCKERIGNORE_SHAPES)) {
    it(`${name}: matching grows with the input, no faster`, () => {
      const ratio = settledGrowthRatio((n) => matchAll(dockerignorePatterns(make(n))), 200, 6, 15);
      assert.ok(ratio < 15, `6x the input took ${ratio.toFixed(1)}x the time`);
    });
  }
});
