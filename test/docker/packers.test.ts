import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packContext, type PackerKind } from '../../src/docker/contextPack';
import type { EngineApi } from '../../src/docker/engineApi';
import { requireEngine, type TestEngine } from '../support/dockerEngine';
import { apiFor } from '../support/dockerModel';
import { listTar, PACKERS, packerName, requirePacker, type ListedEntry } from '../support/packers';
import { DOCKERIGNORE_EMPTY_FOLDERS, DOCKERIGNORE_FILES } from '../fixtures/dockerignoreContext';

function cli(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('docker', args, { env, cwd, maxBuffer: 16 << 20 }, (err, out, stderr) =>
      err ? reject(new Error(`${stderr}\n${err.message}`)) : resolve(out),
    ),
  );
}

describe('GNU tar, bsdtar and the built-in packer send the same build context', function () {
  let engine: TestEngine;
  let api: EngineApi;
  let dir: string;
  const tag = `dockside-packers:${process.pid}`;
  const listed: Partial<Record<PackerKind, ListedEntry[]>> = {};
  /** What the image built by the docker CLI holds: each path under /ctx, its permissions, size and type. */
  let fromCli: string[];

  /** Each file and folder an image's `COPY . /ctx` wrote, as `stat` shows it inside a container. */
  const imageFiles = async (image: string) =>
    (
      await cli(
        [
          'run',
          '--rm',
          '--network',
          'none',
          image,
          '/bin/busybox',
          'find',
          '/ctx',
          '-mindepth',
          '1',
          '-exec',
          '/bin/busybox',
          'stat',
          '-c',
          '%n %a %s %F',
          '{}',
          '+',
        ],
        engine.env,
      )
    )
      .trim()
      .split('\n')
      .sort();

  before(async function () {
    this.timeout(180000);
    engine = await requireEngine(this);
    api = apiFor(engine.host);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-packers-'));
    for (const [name, text] of Object.entries(DOCKERIGNORE_FILES)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    for (const d of DOCKERIGNORE_EMPTY_FOLDERS) fs.mkdirSync(path.join(dir, d), { recursive: true });
    fs.chmodSync(path.join(dir, 'app/main.txt'), 0o750);
    await cli(['build', '-q', '-t', `${tag}-cli`, '.'], { ...engine.env, DOCKER_BUILDKIT: '0' }, dir);
    fromCli = await imageFiles(`${tag}-cli`);
  });

  after(async () => {
    api?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    for (const t of ['cli', ...PACKERS])
      await engine?.docker
        .getImage(`${tag}-${t}`)
        .remove({ force: true })
        .catch(() => undefined);
  });

  for (const packer of PACKERS)
    it(`${packerName(packer)}: the same entries as the others, the same image as the docker CLI's`, async function () {
      this.timeout(120000);
      await requirePacker(this, packer);
      listed[packer] = await listTar(packContext(dir, { dockerfile: path.join(dir, 'Dockerfile'), packer }).stream);
      const reference = listed.gnu ?? listed.js;
      if (reference) assert.deepEqual(listed[packer], reference, 'the same tar entries');

      const pack = packContext(dir, { dockerfile: path.join(dir, 'Dockerfile'), packer });
      await pack.summary;
      const run = await api.build(
        pack.stream,
        { tag: `${tag}-${packer}`, dockerfile: 'Dockerfile', builder: 'classic' },
        () => undefined,
      );
      await run.done;
      assert.deepEqual(await imageFiles(`${tag}-${packer}`), fromCli);
      assert.ok(fromCli.includes('/ctx/app/main.txt 750 4 regular file'), fromCli.join('\n'));
      assert.ok(!fs.existsSync(path.join(dir, 'PWNED')), 'a file named like a tar option ran nothing');
    });
});
