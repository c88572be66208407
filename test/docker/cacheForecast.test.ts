import * as assert from 'node:assert/strict';
import type { EngineApi } from '../../src/docker/engineApi';
import type { ForecastBuilder } from '../../src/docker/forecast/stepKeys';
import { requireEngine, TEST_IMAGE, type TestEngine } from '../support/dockerEngine';
import { apiFor } from '../support/dockerModel';
import { describeJudged, judgeForecast, type Judged } from '../support/forecastJudge';
import { ensureDefaultBridge } from './defaultBridge';

/**
 * The engine judges the forecast: a fixture project is edited step by step (file contents, mtimes, ignored files,
 * Dockerfile lines, build args, order, modes, stages, targets); after each edit Dockside forecasts, the real engine
 * builds, and every step's forecast is compared with what the engine reported (cached or not). The driver is
 * test/support/forecastJudge.ts; `npm run bench` runs it for more rounds.
 */

/** `npm test` goes round once; DOCKSIDE_FORECAST_ROUNDS sets more. */
const ROUNDS = Math.max(1, Number(process.env.DOCKSIDE_FORECAST_ROUNDS) || 1);

/** The reason shown on the first step that rebuilds, as a learner would read it, for some of the edits. */
const FIRST_REASONS: Record<ForecastBuilder, Record<string, string>> = {
  buildkit: {
    'src/app.js content changed': 'src/app.js changed',
    'a RUN line edited': 'this line changed',
    'build arg MODE=prod': 'ARG MODE changed',
    'ENV APP_ENV changed': 'ENV APP_ENV changed',
    'a file matching *.md added or removed': 'NOTES.md added',
    'a copied file removed or back': 'src/util.js removed',
    'the deps stage input changed': 'dep.txt changed',
    'USER changed': 'USER changed',
  },
  classic: {
    'src/app.js content changed': 'src/app.js changed',
    'a RUN line edited': 'this line changed',
    'build arg MODE=prod': 'ARG MODE changed',
    'ENV APP_ENV changed': 'this line changed',
    'LABEL changed': 'this line changed',
    'a file matching *.md added or removed': 'NOTES.md added',
    'the unused stage input changed': 'unused.txt changed',
  },
};

describe('the cache forecast, judged by the engine', function () {
  let engine: TestEngine;
  let api: EngineApi;
  let imageId: string;

  before(async function () {
    engine = await requireEngine(this);
    await ensureDefaultBridge(engine);
    api = apiFor(engine.host);
    imageId = ((await engine.docker.getImage(TEST_IMAGE).inspect()) as { Id: string }).Id;
  });

  after(() => api?.close());

  // Both builders at once, each on its own project: the engine builds them side by side.
  let results: Promise<Record<ForecastBuilder, Judged>> | undefined;
  const judgeBoth = () =>
    (results ??= Promise.all(
      (['buildkit', 'classic'] as const).map((builder) => judgeForecast({ api, imageId, builder, rounds: ROUNDS })),
    ).then(([buildkit, classic]) => ({ buildkit: buildkit!, classic: classic! })));

  for (const builder of ['buildkit', 'classic'] as const) {
    it(`agrees with the ${builder} builder on at least 98% of steps, edit after edit`, async function () {
      this.timeout(240000 * ROUNDS);
      const judged = (await judgeBoth())[builder];
      const share = judged.agreed / judged.steps;
      console.log(describeJudged(builder, judged));
      assert.ok(judged.steps > judged.edits * 4, 'the edits were judged on many steps');
      assert.ok(judged.ran > judged.edits, 'many steps ran again, not only cached ones');
      assert.ok(share >= 0.98, judged.disagreements.join('\n'));
      const expected = FIRST_REASONS[builder];
      assert.deepEqual(
        Object.fromEntries(Object.keys(expected).map((edit) => [edit, judged.firstReasons[edit]])),
        expected,
      );
    });
  }
});
