import * as assert from 'node:assert/strict';
import { DockerfileService } from '../../src/language/dockerfile/dockerfileService';
import { buildDockerfile } from '../support/dockerBuild';
import { requireEngine, type TestEngine } from '../support/dockerEngine';
import { DIFFERENTIAL_CASES } from '../fixtures/dockerfileDifferential';
import { mapLimit } from '../support/mapLimit';

describe('Dockerfile errors match the real engine (differential)', function () {
  let engine: TestEngine;
  before(async function () {
    engine = await requireEngine(this);
  });

  it('reports an error on exactly the Dockerfiles docker build rejects', async function () {
    this.timeout(240000);
    const service = new DockerfileService();
    const results = await mapLimit(
      DIFFERENTIAL_CASES.map((text, n) => ({ text, n })),
      4,
      async ({ text, n }) => {
        const build = await buildDockerfile(engine.docker, text, { a: 'a file\n' });
        const errors = service.diagnose({ uri: `case-${n}`, version: 1, text }).filter((d) => d.severity === 'error');
        return {
          text,
          rejected: !build.ok,
          docker: build.error ?? 'built',
          dockside: errors.map((e) => `${e.code} ${e.message}`),
        };
      },
    );
    const rejected = results.filter((r) => r.rejected).length;
    const accepted = results.length - rejected;
    assert.ok(
      rejected >= 40 && accepted >= 40,
      `the suite needs ≥ 40 of each: ${rejected} rejected, ${accepted} accepted`,
    );
    const mismatches = results
      .filter((r) => r.rejected !== r.dockside.length > 0)
      .map(
        (r) =>
          `${JSON.stringify(r.text)}\n    docker: ${r.docker.slice(0, 160)}\n` +
          `    dockside: ${r.dockside.join('; ') || 'no error'}`,
      );
    assert.deepEqual(mismatches, []);
  });
});
