import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { composeInvocation, projectFromLabels } from '../../src/docker/composeCli';
import { isLocalEngine, parseEngineAddress, publishedHost } from '../../src/docker/engineAddress';
import { shortId } from '../../src/docker/present';
import {
  DOCKERFILE_GLOB,
  DOCKERFILE_NAME_PATTERNS,
  DOCKERFILE_NAMES,
  isDockerfileName,
} from '../../src/language/dockerfileNames';

describe('logic moved out of the VS Code adapters', () => {
  it('runs Compose with an argument vector: the plugin or docker-compose, the recorded files, up detached', () => {
    assert.deepEqual(composeInvocation('plugin', 'shop', ['/p/compose.yaml', '/p/compose.override.yaml'], 'up'), {
      command: 'docker',
      args: ['compose', '-p', 'shop', '-f', '/p/compose.yaml', '-f', '/p/compose.override.yaml', 'up', '-d'],
    });
    assert.deepEqual(composeInvocation('standalone', 'shop; rm -rf /', [], 'down'), {
      command: 'docker-compose',
      args: ['-p', 'shop; rm -rf /', 'down'],
    });
    assert.deepEqual(
      projectFromLabels({
        'com.docker.compose.project.working_dir': '/p',
        'com.docker.compose.project.config_files': '/p/a.yaml,/p/b.yaml',
      }),
      { files: ['/p/a.yaml', '/p/b.yaml'], workingDir: '/p' },
    );
    assert.deepEqual(projectFromLabels({}), { files: [] });
  });

  it("reaches published ports on the engine's host, and knows a local engine", () => {
    assert.equal(publishedHost(parseEngineAddress('unix:///var/run/docker.sock')), 'localhost');
    assert.equal(publishedHost(parseEngineAddress('tcp://10.0.0.5:2376')), '10.0.0.5');
    assert.equal(publishedHost(parseEngineAddress('ssh://ann@build.example.com')), 'build.example.com');
    assert.equal(publishedHost(undefined), 'localhost');
    assert.ok(isLocalEngine(parseEngineAddress('unix:///var/run/docker.sock')));
    assert.ok(isLocalEngine(parseEngineAddress('tcp://127.0.0.1:2375')));
    assert.ok(!isLocalEngine(parseEngineAddress('tcp://10.0.0.5:2376')));
    assert.ok(!isLocalEngine(undefined));
  });

  it('shortens ids as Docker shows them', () => {
    assert.equal(shortId('sha256:0123456789abcdef0123'), '0123456789ab');
    assert.equal(shortId('fedcba9876543210fedcba'), 'fedcba987654');
  });

  it('knows Dockerfiles by one list, the same as the language contribution', () => {
    for (const name of [
      'Dockerfile',
      'Containerfile',
      'Dockerfile.dev',
      'Containerfile.prod',
      'api.Dockerfile',
      'web.dockerfile',
    ])
      assert.ok(isDockerfileName(name), name);
    for (const name of ['Dockerfile-old', 'MyDockerfile', '.dockerfile', 'compose.yaml', 'dockerfile'])
      assert.ok(!isDockerfileName(name), name);
    const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      contributes: { languages: { id: string; filenames?: string[]; filenamePatterns?: string[] }[] };
    };
    const dockerfile = manifest.contributes.languages.find((l) => l.id === 'dockerfile')!;
    assert.deepEqual([...(dockerfile.filenames ?? [])].sort(), [...DOCKERFILE_NAMES].sort());
    assert.deepEqual([...(dockerfile.filenamePatterns ?? [])].sort(), [...DOCKERFILE_NAME_PATTERNS].sort());
    assert.equal(
      DOCKERFILE_GLOB,
      '**/{Dockerfile,Containerfile,Dockerfile.*,Containerfile.*,*.Dockerfile,*.dockerfile}',
    );
  });
});
