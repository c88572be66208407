import * as assert from 'node:assert/strict';
import { buildDockerfile } from '../support/dockerBuild';
import { requireEngine, type TestEngine } from '../support/dockerEngine';
import { FIX_CASES } from '../fixtures/dockerfileFixCases';
import { fixedText } from '../support/quickFixHelpers';

describe('Dockerfile quick fixes against the real engine', function () {
  let engine: TestEngine;
  before(async function () {
    engine = await requireEngine(this);
  });

  it('every fixed Dockerfile is still read by docker build (it reaches its first step)', async function () {
    this.timeout(180000);
    const failures: string[] = [];
    for (const c of FIX_CASES) {
      const { text, fix } = fixedText(c);
      if (fix.createFile) continue;
      // The base images are not pullable here: the builder reads the whole file, prints "Step 1/N", then fails
      // to pull. A Dockerfile it cannot read fails before "Step 1".
      const result = await buildDockerfile(engine.docker, text, {
        'package.json': '{}',
        'requirements.txt': '',
        'app.py': '',
      });
      if (!result.parsed) failures.push(`${c.code}: ${result.error}\n${text}`);
    }
    assert.deepEqual(failures, []);
  });
});
