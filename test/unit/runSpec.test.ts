import * as assert from 'node:assert/strict';
import { parse } from 'yaml';
import { defaultTag, parseBuildArgs } from '../../src/docker/buildContext';
import { applyBuildMessage, newBuildState } from '../../src/docker/buildProgress';
import {
  composeService,
  createBody,
  runArgs,
  runCommandLine,
  shellQuote,
  splitWords,
  type RunSpec,
} from '../../src/docker/runSpec';
import { composeDiagnostics } from '../../src/language/compose/composeService';

const SPEC: RunSpec = {
  image: 'dpage/pgadmin4:8',
  name: 'pgadmin',
  ports: ['5050:80', '127.0.0.1:5353:53/udp'],
  env: ['PGADMIN_DEFAULT_EMAIL=admin@example.com', "GREETING=it's here"],
  volumes: ['pgadmin:/var/lib/pgadmin', './servers.json:/pgadmin4/servers.json:ro'],
  network: 'postgres',
  restart: 'unless-stopped',
  command: ['sh', '-c', 'echo $HOME && run'],
  detach: true,
};

describe('one run description, three forms', () => {
  it('builds the docker run argument vector and a shell-safe command line', () => {
    assert.deepEqual(runArgs(SPEC), [
      'run',
      '-d',
      '--name',
      'pgadmin',
      '-p',
      '5050:80',
      '-p',
      '127.0.0.1:5353:53/udp',
      '-e',
      'PGADMIN_DEFAULT_EMAIL=admin@example.com',
      '-e',
      "GREETING=it's here",
      '-v',
      'pgadmin:/var/lib/pgadmin',
      '-v',
      './servers.json:/pgadmin4/servers.json:ro',
      '--network',
      'postgres',
      '--restart',
      'unless-stopped',
      'dpage/pgadmin4:8',
      'sh',
      '-c',
      'echo $HOME && run',
    ]);
    assert.equal(
      runCommandLine(SPEC),
      'docker run -d --name pgadmin -p 5050:80 -p 127.0.0.1:5353:53/udp -e PGADMIN_DEFAULT_EMAIL=admin@example.com ' +
        "-e 'GREETING=it'\\''s here' -v pgadmin:/var/lib/pgadmin -v ./servers.json:/pgadmin4/servers.json:ro " +
        "--network postgres --restart unless-stopped dpage/pgadmin4:8 sh -c 'echo $HOME && run'",
    );
    assert.equal(shellQuote('$(rm -rf /)'), "'$(rm -rf /)'");
    assert.deepEqual(splitWords(`sh -c "echo \\"hi\\" there" 'a b' c\\ d ""`), [
      'sh',
      '-c',
      'echo "hi" there',
      'a b',
      'c d',
      '',
    ]);
  });

  it('writes the same container as a compose service that Dockside checks clean (but for its secrets)', () => {
    const yaml = composeService(SPEC);
    const doc = parse(yaml);
    assert.deepEqual(doc.services.pgadmin.ports, ['5050:80', '127.0.0.1:5353:53/udp']);
    assert.equal(doc.services.pgadmin.restart, 'unless-stopped');
    assert.deepEqual(Object.keys(doc.volumes), ['pgadmin']);
    assert.deepEqual(doc.networks, { postgres: { external: true } });
    assert.deepEqual(
      composeDiagnostics(yaml).filter((d) => d.severity === 'error'),
      [],
    );
  });

  it('makes the Engine API create request, ranges and protocols included', () => {
    const body = createBody({ ...SPEC, ports: ['8080-8081:80-81', '53:53/udp', '9000'] }, ['FROM_FILE=1']);
    assert.deepEqual(body.HostConfig.PortBindings, {
      '80/tcp': [{ HostIp: '', HostPort: '8080' }],
      '81/tcp': [{ HostIp: '', HostPort: '8081' }],
      '53/udp': [{ HostIp: '', HostPort: '53' }],
      '9000/tcp': [{ HostIp: '', HostPort: '' }],
    });
    assert.deepEqual(body.Env, ['FROM_FILE=1', 'PGADMIN_DEFAULT_EMAIL=admin@example.com', "GREETING=it's here"]);
    assert.deepEqual(body.HostConfig.RestartPolicy, { Name: 'unless-stopped' });
    assert.throws(
      () => createBody({ ...SPEC, ports: ['70000:80'] }),
      /Port "70000:80": host port 70000 is above 65535/,
    );
  });
});

describe('build helpers', () => {
  it('reads build args and makes a default tag from a folder name', () => {
    assert.deepEqual(parseBuildArgs('NODE_VERSION=22 MODE="two words" EMPTY= Q=\'x y\''), {
      NODE_VERSION: '22',
      MODE: 'two words',
      EMPTY: '',
      Q: 'x y',
    });
    assert.equal(defaultTag('My Web_App!'), 'my-web_app:dev');
    assert.equal(defaultTag('---'), 'image:dev');
  });

  it('follows a recorded classic-builder stream: steps, cache hits, image id, failure step', () => {
    const state = newBuildState();
    const messages = [
      { stream: 'Step 1/3 : FROM busybox:1\n' },
      { stream: ' ---> 3f57d9401f8d\n' },
      { stream: 'Step 2/3 : RUN echo hi\n' },
      { stream: ' ---> Using cache\n' },
      { stream: ' ---> 1a2b3c\n' },
      { stream: 'Step 3/3 : RUN exit 2\n' },
      { stream: ' ---> Running in 9f8e7d\n' },
      {
        errorDetail: { code: 2, message: "The command '/bin/sh -c exit 2' returned a non-zero code: 2" },
        error: "The command '/bin/sh -c exit 2' returned a non-zero code: 2",
      },
    ];
    for (const m of messages) applyBuildMessage(state, m);
    assert.deepEqual(
      state.steps.map((s) => [s.number, s.cached]),
      [
        [1, false],
        [2, true],
        [3, false],
      ],
    );
    assert.deepEqual(state.error, { message: "The command '/bin/sh -c exit 2' returned a non-zero code: 2", step: 3 });
  });
});
