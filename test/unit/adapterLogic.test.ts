import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  composeFileInvocation,
  composeFilesFor,
  composeInvocation,
  projectForFiles,
  projectFromLabels,
} from '../../src/docker/composeCli';
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

  describe('Compose from a file: the argument vectors of both programs', () => {
    const target = {
      files: ['/p/compose.yaml', '/p/compose.override.yaml'],
      projectDirectory: '/p',
      profiles: ['debug', 'tools'],
    };

    it('starts the v2 plugin detached, with the files, the folder and each profile before the verb', () => {
      assert.deepEqual(composeFileInvocation('plugin', target, 'up'), {
        command: 'docker',
        args: [
          'compose',
          '-f',
          '/p/compose.yaml',
          '-f',
          '/p/compose.override.yaml',
          '--project-directory',
          '/p',
          '--profile',
          'debug',
          '--profile',
          'tools',
          'up',
          '-d',
        ],
      });
    });

    it('gives docker-compose 1.29 the same options without the "compose" word', () => {
      assert.deepEqual(composeFileInvocation('standalone', { files: ['/p/compose.yaml'] }, 'down'), {
        command: 'docker-compose',
        args: ['-f', '/p/compose.yaml', 'down'],
      });
    });

    it('names services after "--", so a name that starts with a dash is never an option', () => {
      assert.deepEqual(composeFileInvocation('plugin', { files: ['/p/c.yaml'] }, 'up', ['web']).args, [
        'compose',
        '-f',
        '/p/c.yaml',
        'up',
        '-d',
        '--',
        'web',
      ]);
      assert.deepEqual(composeFileInvocation('standalone', { files: ['/p/c.yaml'] }, 'logs', ['-rm']).args, [
        '-f',
        '/p/c.yaml',
        'logs',
        '--follow',
        '--tail',
        '200',
        '--',
        '-rm',
      ]);
    });

    it('pulls, and passes an env file other than .env', () => {
      assert.deepEqual(
        composeFileInvocation('plugin', { files: ['/p/c.yaml'], envFile: '/p/prod.env' }, 'pull', ['db']).args,
        ['compose', '-f', '/p/c.yaml', '--env-file', '/p/prod.env', 'pull', '--', 'db'],
      );
    });

    it('reads the override file beside a default-named file, as Compose does without -f', () => {
      const files =
        (...names: string[]) =>
        (p: string) =>
          names.includes(path.basename(p));
      assert.deepEqual(composeFilesFor('/p/compose.yaml', 'plugin', files('compose.yaml', 'compose.override.yaml')), [
        '/p/compose.yaml',
        '/p/compose.override.yaml',
      ]);
      assert.deepEqual(
        composeFilesFor(
          '/p/docker-compose.yml',
          'standalone',
          files('docker-compose.yml', 'docker-compose.override.yml', 'compose.override.yaml'),
        ),
        ['/p/docker-compose.yml', '/p/docker-compose.override.yml'],
      );
      assert.deepEqual(composeFilesFor('/p/compose.yaml', 'plugin', files('compose.yaml')), ['/p/compose.yaml']);
      // Any other name is read alone, as `-f` reads it.
      assert.deepEqual(
        composeFilesFor('/p/compose.prod.yaml', 'plugin', files('compose.prod.yaml', 'compose.override.yaml')),
        ['/p/compose.prod.yaml'],
      );
      // Up from the override file starts the project it overrides.
      assert.deepEqual(
        composeFilesFor('/p/compose.override.yaml', 'plugin', files('compose.yaml', 'compose.override.yaml')),
        ['/p/compose.yaml', '/p/compose.override.yaml'],
      );
    });

    it("finds the file's project from its containers' labels, relative or absolute, the newest first", () => {
      const c = (project: string, created: number, dir: string, files: string) => ({
        created,
        composeProject: project,
        labels: {
          'com.docker.compose.project.working_dir': dir,
          'com.docker.compose.project.config_files': files,
        },
      });
      const containers = [
        c('old', 1, '/p', 'compose.yaml'),
        c('other', 9, '/q', 'compose.yaml'),
        c('shop', 5, '/p', '/p/compose.yaml,/p/compose.override.yaml'),
      ];
      assert.equal(projectForFiles(containers, ['/p/compose.yaml']), 'shop');
      assert.equal(projectForFiles(containers.slice(0, 2), ['/p/compose.yaml']), 'old');
      assert.equal(projectForFiles(containers, ['/r/compose.yaml']), undefined);
    });
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
