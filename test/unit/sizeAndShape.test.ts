import * as assert from 'node:assert/strict';
import { parseDotEnv } from '../../src/language/compose/dotEnv';
import { DockerfileService, MAX_DOCKERFILE_CHARS } from '../../src/language/dockerfile/dockerfileService';
import { settledGrowthRatio } from '../support/growth';
import { COMPOSE_SHAPES, DOCKERFILE_SHAPES, DOTENV_SHAPES } from '../support/shapes';
import { ComposeService, MAX_COMPOSE_CHARS } from '../../src/language/compose/composeService';

/**
 * Every input, however large or strangely shaped, costs bounded work: a result, or one clear warning. Each shape
 * repeats one syntactic element; the work must grow no faster than the input (timed at n and 4n, compared as a
 * ratio, never as an absolute time) and the output must stay proportional to it. This is the sample that runs in
 * `npm test`; `npm run bench` runs the same shapes at full size.
 */
const SMALL = 1000;
const FACTOR = 6;
/** Linear work grows about FACTOR times; quadratic grows FACTOR² (36) times. */
const LIMIT = FACTOR * 2.5;

describe('size and shape: every input costs bounded work (sample; npm run bench runs full sizes)', function () {
  this.timeout(180000);

  describe('Dockerfiles', () => {
    for (const [name, make] of Object.entries(DOCKERFILE_SHAPES)) {
      it(`${name}: work and output grow with the input, no faster`, () => {
        let version = 0;
        let findings = 0;
        const ratio = settledGrowthRatio(
          (n) => {
            // A fresh text each time: the parse of an identical text is reused, which would flatter the repeats.
            const text = `${make(n)}# ${version}\n`;
            findings = new DockerfileService().diagnose({ uri: 'x', version: ++version, text }).length;
            assert.ok(findings <= 3 * n + 10, `${findings} findings for ${n} repetitions`);
          },
          SMALL,
          FACTOR,
          LIMIT,
        );
        assert.ok(ratio < LIMIT, `${FACTOR}x the input took ${ratio.toFixed(1)}x the time`);
      });
    }

    it('a file over the size limit gets one warning, whatever is in it', () => {
      for (const text of [
        'RUN x\n'.repeat(MAX_DOCKERFILE_CHARS / 5),
        'x'.repeat(MAX_DOCKERFILE_CHARS + 1),
        '\n'.repeat(5 * 1024 * 1024),
      ]) {
        const found = new DockerfileService().diagnose({ uri: 'big', version: 1, text });
        assert.deepEqual(
          found.map((d) => d.code),
          ['DS035'],
        );
      }
    });
  });

  describe('compose files', () => {
    for (const [name, make] of Object.entries(COMPOSE_SHAPES)) {
      it(`${name}: work and output grow with the input, no faster`, () => {
        let version = 0;
        const ratio = settledGrowthRatio(
          (n) => {
            const text = `${make(n)}# ${++version}\n`;
            const found = new ComposeService().diagnose({ uri: 'c', version, text });
            assert.ok(found.length <= 3 * n + 10, `${found.length} findings for ${n} repetitions`);
          },
          SMALL / 4,
          FACTOR,
          LIMIT,
        );
        assert.ok(ratio < LIMIT, `${FACTOR}x the input took ${ratio.toFixed(1)}x the time`);
      });
    }

    it('a file over the size limit, or nested past the depth limit, gets one warning', () => {
      const deep = 'a:\n' + Array.from({ length: 10_000 }, (_, i) => `${'  '.repeat(i + 1)}b${i}:\n`).join('');
      const flowDeep = 'a: ' + '['.repeat(10_000) + ']'.repeat(10_000) + '\n';
      for (const text of ['services:\n' + '#'.repeat(MAX_COMPOSE_CHARS + 1) + '\n', deep, flowDeep]) {
        const found = new ComposeService().diagnose({ uri: 'big', version: 1, text });
        assert.deepEqual(
          found.map((d) => d.code),
          ['CS025'],
        );
      }
    });
  });

  describe('.env files', () => {
    for (const [name, make] of Object.entries(DOTENV_SHAPES)) {
      it(`${name}: read in linear time`, () => {
        const ratio = settledGrowthRatio((n) => parseDotEnv(make(n)), SMALL * 4, FACTOR, LIMIT);
        assert.ok(ratio < LIMIT, `${FACTOR}x the input took ${ratio.toFixed(1)}x the time`);
      });
    }
  });
});
