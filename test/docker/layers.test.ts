import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { buildLayerView, matchDockerfile } from '../../src/panels/layers/layerData';
import { buildDockerfile } from '../support/dockerBuild';
import { requireEngine, TEST_IMAGE, type TestEngine } from '../support/dockerEngine';
import { apiFor } from '../support/dockerModel';

const DOCKERFILE = [
  `FROM ${TEST_IMAGE}`,
  'ARG MODE=prod',
  'ENV GREETING="hello layers"',
  'WORKDIR /srv',
  'RUN mkdir -p /srv/data && \\',
  '    echo "$MODE" > /srv/data/mode',
  'COPY site/ /srv/www',
  'EXPOSE 8080',
  'USER 1000',
  'CMD ["httpd", "-f", "-p", "8080", "-h", "/srv/www"]',
  '',
].join('\n');

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => execFile('docker', args, { env }, (err, out, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(out))));
}

describe('the layer panel reads what the engine built', function () {
  let engine: TestEngine;
  const tag = `dockside-layers:${process.pid}`;

  before(async function () {
    engine = await requireEngine(this);
    const built = await buildDockerfile(engine.docker, DOCKERFILE, { 'site/index.html': '<h1>hi</h1>\n' }, tag);
    assert.ok(built.ok, built.log);
  });

  after(async () => {
    await engine?.docker.getImage(tag).remove({ force: true }).catch(() => undefined);
  });

  it('shows the same steps and sizes as `docker history`, with the base image marked and every step linked to its line', async function () {
    this.timeout(60000);
    const api = apiFor(engine.host);
    try {
      const [history, inspect] = await Promise.all([api.imageHistory(tag), api.inspect('image', tag) as Promise<{ Id: string; Created: string }>]);
      const view = buildLayerView(tag, inspect.Id, Math.floor(Date.parse(inspect.Created) / 1000), history);
      const out = await cli(['history', '--no-trunc', '--human=false', '--format', '{{.Size}}\t{{.CreatedBy}}', tag], engine.env);
      const rows = out.trim().split('\n').map((l) => l.split('\t'));
      assert.equal(view.steps.length, rows.length, 'one step per history row');
      const newestFirst = [...view.steps].reverse();
      rows.forEach(([size, createdBy = ''], i) => {
        assert.equal(newestFirst[i].size, Number(size), `size of row ${i}`);
        if (!createdBy) return assert.equal(newestFirst[i].instruction, 'Imported from a tar archive');
        // Our instruction is the tail of what docker history shows, without the shell wrapping.
        const words = newestFirst[i].instruction.replace(/^RUN /, '').split(/\s+/).slice(0, 3).join(' ');
        assert.ok(createdBy.replace(/\s+/g, ' ').includes(words.replace(/\s+/g, ' ')), `row ${i}: "${createdBy}" contains "${words}"`);
      });
      const own = view.steps.filter((s) => !s.base);
      assert.deepEqual(own.map((s) => s.keyword), ['ARG', 'ENV', 'WORKDIR', 'RUN', 'COPY', 'EXPOSE', 'USER', 'CMD']);
      assert.ok(view.steps.filter((s) => s.base).length >= 1, 'the imported base is marked');
      assert.deepEqual(own.filter((s) => s.metadataOnly).map((s) => s.keyword), ['ARG', 'ENV', 'EXPOSE', 'USER', 'CMD']);
      assert.equal(matchDockerfile(view, DOCKERFILE), own.length);
      assert.deepEqual(own.map((s) => s.line), [1, 2, 3, 4, 6, 7, 8, 9]);
    } finally {
      api.close();
    }
  });
});
