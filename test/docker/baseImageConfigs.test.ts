import * as assert from 'node:assert/strict';
import { BaseImageConfigs } from '../../src/docker/baseImageConfigs';
import type { EngineApi } from '../../src/docker/engineApi';
import { DockerModel } from '../../src/docker/model';
import { DockerfileService } from '../../src/language/dockerfile/dockerfileService';
import { requireEngine, TEST_IMAGE, type TestEngine } from '../support/dockerEngine';
import { apiFor, waitUntil } from '../support/dockerModel';

/**
 * DS047 (BuildKit's InvalidBaseImagePlatform) and UndefinedVar's base image environment, fed as the editor feeds
 * them: the explorer's model of the real engine, its platform from /version, and each base image's inspect, fetched
 * in the background the first time a Dockerfile names it.
 */
describe('Dockerfile checks that ask the engine about base images (real engine)', function () {
  let engine: TestEngine;
  let api: EngineApi;
  let model: DockerModel;
  const aliases = Array.from({ length: 5 }, (_, i) => `dockside-base-${process.pid}-${i}`);

  before(async function () {
    engine = await requireEngine(this);
    api = apiFor(engine.host);
    model = new DockerModel(api);
    await model.start();
    assert.equal(model.state.status, 'connected', JSON.stringify(model.state));
    const image = engine.docker.getImage(TEST_IMAGE);
    for (const repo of aliases) await image.tag({ repo, tag: '1' });
    const names = () => [...model.images.values()].flatMap((i) => i.tags);
    assert.ok(await waitUntil(() => aliases.every((a) => names().includes(`${a}:1`)), 10000), 'tags listed');
  });

  after(async () => {
    model?.dispose();
    api?.close();
    for (const repo of aliases)
      await engine?.docker
        .getImage(`${repo}:1`)
        .remove({ noprune: true })
        .catch(() => {});
  });

  /** A service fed like the editor's, and the ids the engine was asked to inspect. */
  function editorLike() {
    const asked: string[] = [];
    let learned = 0;
    const configs = new BaseImageConfigs(
      {
        images: () => (model.state.status === 'connected' ? model.images.values() : undefined),
        inspect: (id) => {
          asked.push(id);
          return api.inspectImage(id);
        },
      },
      () => learned++,
    );
    const version = model.state.status === 'connected' ? model.state.version : undefined;
    assert.ok(version, 'connected');
    const service = new DockerfileService({
      imageConfig: (ref) => configs.lookup(ref),
      targetPlatform: `${version.os}/${version.arch}`,
    });
    let n = 0;
    const diagnose = (text: string) => service.diagnose({ uri: `mem:${n}`, version: n++, text });
    return { asked, learned: () => learned, diagnose, platform: `${version.os}/${version.arch}` };
  }

  it('warns on a FROM --platform the local image is not for, once its inspect has arrived', async () => {
    const t = editorLike();
    const text = `FROM --platform=linux/arm64 ${TEST_IMAGE}\nRUN true\n`;
    // The first check cannot know yet: it asks the engine in the background and stays quiet.
    assert.deepEqual(
      t.diagnose(text).filter((d) => d.code === 'DS047'),
      [],
    );
    assert.ok(await waitUntil(() => t.learned() > 0, 10000), 'the inspect arrived');
    const found = t.diagnose(text).filter((d) => d.code === 'DS047');
    assert.equal(found.length, 1, JSON.stringify(found));
    const start = 'FROM --platform=linux/arm64 '.length;
    assert.deepEqual(found[0]!.range, {
      start: { line: 0, character: start },
      end: { line: 0, character: start + TEST_IMAGE.length },
    });
    assert.match(found[0]!.message, new RegExp(`is for ${t.platform}.*builds for linux/arm64`));
    // The image matches the engine's own platform: nothing to say.
    assert.deepEqual(
      t.diagnose(`FROM ${TEST_IMAGE}\nRUN true\n`).filter((d) => d.code === 'DS047'),
      [],
    );
  });

  it("uses the image's own environment for UndefinedVar: only what the image sets is defined", async () => {
    const t = editorLike();
    // The test image sets only PATH; without the engine, HOME counts as one of the usual base image variables.
    const text = `FROM ${TEST_IMAGE}\nENV TOOLS=$PATH:$HOME/bin\n`;
    const undefinedVars = () =>
      t
        .diagnose(text)
        .filter((d) => d.message.includes('HOME') || d.message.includes('PATH'))
        .map((d) => d.code);
    assert.deepEqual(undefinedVars(), []);
    assert.ok(await waitUntil(() => t.learned() > 0, 10000), 'the inspect arrived');
    const found = t.diagnose(text).filter((d) => d.message.includes('"HOME"') || d.message.includes('$HOME'));
    assert.equal(found.length, 1, JSON.stringify(t.diagnose(text)));
    assert.ok(!found[0]!.message.includes('PATH'), found[0]!.message);
  });

  it('inspects each image once, whatever name a FROM gives it, and never an image the engine lacks', async () => {
    const t = editorLike();
    const text = [...aliases.map((a) => `FROM --platform=linux/arm64 ${a}:1`), 'FROM no-such-image-here:1'].join('\n');
    t.diagnose(text);
    assert.ok(await waitUntil(() => t.learned() > 0, 10000), 'the inspect arrived');
    const found = t.diagnose(text).filter((d) => d.code === 'DS047');
    assert.deepEqual(
      found.map((d) => d.range.start.line),
      aliases.map((_, i) => i),
    );
    assert.equal(t.asked.length, 1, `one image behind ${aliases.length} names: ${t.asked.join(', ')}`);
  });
});
