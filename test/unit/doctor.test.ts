/**
 * The failure doctor's pure parts on inputs captured from a real engine (dockerd 20.10, busybox): log lines,
 * `/proc/net/tcp{,6}` text and inspect data. test/docker/doctor.test.ts makes the same containers die and checks
 * the whole chain; these tests pin the pieces and the cases the sandbox cannot make (an arm64 image on amd64).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { allLessons } from '../../src/language/lessons';
import { CAUSES } from '../../src/docker/doctor/causes';
import { composeServiceLines, portEntry } from '../../src/docker/doctor/composeLines';
import { diagnose } from '../../src/docker/doctor/diagnose';
import { copyInto, imageStage, readDockerfile, stageChain } from '../../src/docker/doctor/dockerfileLines';
import type { Evidence } from '../../src/docker/doctor/evidence';
import { folderFiles } from '../../src/docker/doctor/folderFiles';
import { execFailure, missingFile, missingVariable, shellNotFound, startError } from '../../src/docker/doctor/logClues';
import { reportLines, TroubleWatch } from '../../src/docker/doctor/report';
import { findSources } from '../../src/docker/doctor/sources';
import type { ContainerItem } from '../../src/docker/types';
import { parseProcNetTcp, portVerdict } from '../../src/docker/doctor/sockets';
import { code, plainText, say } from '../../src/docker/doctor/words';

// `docker exec <httpd on 127.0.0.1:8080 and on :8081> cat /proc/net/tcp` and `… /proc/net/tcp6`.
const PROC_TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1115306 1 0000000069df843d 100 0 0 10 0
   1: 020012AC:1F90 010012AC:C350 01 00000000:00000000 00:00000000 00000000     0        0 1115399 1 0000000069df843e 100 0 0 10 0
`;
const PROC_TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1115309 1 000000009a6ed266 100 0 0 10 0
   1: 00000000000000000000000001000000:1F92 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1115310 1 000000009a6ed267 100 0 0 10 0
`;

describe('doctor: listening sockets', () => {
  it('reads the listening sockets of /proc/net/tcp and tcp6, skipping connections', () => {
    assert.deepEqual(
      [...parseProcNetTcp(PROC_TCP, 4), ...parseProcNetTcp(PROC_TCP6, 6)],
      [
        { family: 4, address: '127.0.0.1', port: 8080 },
        { family: 6, address: '::', port: 8081 },
        { family: 6, address: '::1', port: 8082 },
      ],
    );
  });

  it('tells loopback-only, another port, nothing, and reachable apart', () => {
    const sockets = [...parseProcNetTcp(PROC_TCP, 4), ...parseProcNetTcp(PROC_TCP6, 6)];
    assert.equal(portVerdict(sockets, 8080).kind, 'loopback-only');
    assert.equal(portVerdict(sockets, 8081).kind, 'answers');
    assert.deepEqual(portVerdict(sockets, 9000), { kind: 'other-ports', ports: [8080, 8081, 8082] });
    assert.equal(portVerdict([], 9000).kind, 'nothing-listens');
    // Docker's embedded DNS resolver listens on 127.0.0.11 in user-defined networks; it is never the app.
    assert.equal(portVerdict([{ family: 4, address: '127.0.0.11', port: 41235 }], 80).kind, 'nothing-listens');
    assert.equal(portVerdict([{ family: 4, address: '172.18.0.2', port: 80 }], 80, ['172.18.0.2']).kind, 'answers');
  });

  it('ignores malformed lines', () => {
    assert.deepEqual(parseProcNetTcp('header\n 0: ZZ:1F90 0 0A\n 1: 0100007F:0000 0 0A\n', 4), []);
  });
});

describe('doctor: log clues', () => {
  it('finds the program a shell could not find (busybox wording)', () => {
    assert.deepEqual(shellNotFound(['sh: nodee: not found']), { program: 'nodee' });
    assert.deepEqual(shellNotFound(['migrating', '/app/migrate.sh: line 3: flyway: not found']), {
      program: 'flyway',
      script: { path: '/app/migrate.sh', line: 3 },
    });
    assert.deepEqual(shellNotFound(['starting', '/app/entry.sh: exec: line 3: nodee: not found']), {
      program: 'nodee',
      script: { path: '/app/entry.sh', line: 3 },
    });
    // dash: "sh: 1: nodee: not found" names no script.
    assert.deepEqual(shellNotFound(['sh: 1: nodee: not found']), { program: 'nodee' });
  });

  it("takes apart the engine's start errors (runc, dockerd 20.10)", () => {
    const prefix =
      'failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: ';
    assert.deepEqual(startError(`${prefix}exec: "nodee": executable file not found in $PATH: unknown`), {
      kind: 'not-in-path',
      program: 'nodee',
    });
    assert.deepEqual(startError(`${prefix}exec: "/app/start": stat /app/start: no such file or directory: unknown`), {
      kind: 'no-such-file',
      program: '/app/start',
    });
    assert.deepEqual(startError(`${prefix}exec: "/app/noexec.sh": permission denied: unknown`), {
      kind: 'permission',
      program: '/app/noexec.sh',
    });
    assert.equal(startError(''), undefined);
  });

  it('reads what runc prints when the kernel refuses a program', () => {
    assert.deepEqual(execFailure(['exec /app/notaprog: exec format error']), {
      program: '/app/notaprog',
      reason: 'exec-format',
    });
    assert.deepEqual(execFailure(['exec /app/bashy.sh: no such file or directory']), {
      program: '/app/bashy.sh',
      reason: 'no-interpreter',
    });
    assert.equal(execFailure(['exec format error is a phrase in this sentence']), undefined);
  });

  it('finds the variable a program asks for, and not a shouted word', () => {
    assert.equal(missingVariable(['sh: DATABASE_URL: DATABASE_URL is required']), 'DATABASE_URL');
    assert.equal(missingVariable(['sh: API_KEY: parameter not set']), 'API_KEY');
    assert.equal(missingVariable(['fatal: environment variable SECRET_TOKEN is not set']), 'SECRET_TOKEN');
    assert.equal(missingVariable(["KeyError: 'REDIS_HOST'"]), 'REDIS_HOST');
    assert.equal(missingVariable(['ERROR is required here']), undefined);
    assert.equal(missingVariable(['listening on port 8080']), undefined);
    assert.equal(missingVariable(['missing env var: STRIPE_KEY']), 'STRIPE_KEY');
    assert.equal(missingVariable(['Please set the OPENAI_API_KEY environment variable']), 'OPENAI_API_KEY');
    assert.equal(missingVariable(['NODE_ENV is production']), undefined);
  });

  it('finds a missing file', () => {
    assert.equal(missingFile(["sh: can't open '/app/run.sh': No such file or directory"]), '/app/run.sh');
    assert.equal(missingFile(["Error: Cannot find module '/srv/server.js'"]), '/srv/server.js');
    assert.equal(missingFile(["FileNotFoundError: [Errno 2] No such file or directory: 'config.yml'"]), 'config.yml');
    assert.equal(missingFile(['all good']), undefined);
  });

  it('stays fast on long hostile lines', () => {
    const long = `${'a:'.repeat(1000)}${' '.repeat(1000)}x`;
    const started = Date.now();
    shellNotFound([long]);
    missingVariable([`${'A_'.repeat(1000)} is`]);
    missingFile([`can't open '${"'".repeat(2000)}`]);
    assert.ok(Date.now() - started < 200);
  });
});

describe('doctor: Dockerfile and compose lines', () => {
  const DOCKERFILE = [
    'FROM busybox AS build',
    'WORKDIR /src',
    'COPY . .',
    'CMD ["make"]',
    'FROM build AS final',
    'WORKDIR /app',
    'COPY --chmod=755 start.sh ./',
    'COPY bin/ /usr/local/bin/',
    'CMD ["./start.sh"]',
  ].join('\n');

  it('finds the stage an image came from by its command, and its inherited steps', () => {
    const map = readDockerfile(DOCKERFILE);
    assert.equal(imageStage(map, ['make'], null), 0);
    assert.equal(imageStage(map, ['./start.sh'], null), 1);
    assert.deepEqual(
      stageChain(map, 1).map((s) => `${s.line}:${s.keyword}`),
      ['0:FROM', '1:WORKDIR', '2:COPY', '3:CMD', '4:FROM', '5:WORKDIR', '6:COPY', '7:COPY', '8:CMD'],
    );
  });

  it('finds the COPY that put a file at a path, relative paths taken from the working folder', () => {
    const steps = stageChain(readDockerfile(DOCKERFILE), 1);
    assert.deepEqual((({ step, source }) => ({ line: step.line, source }))(copyInto(steps, './start.sh', '/app')!), {
      line: 6,
      source: 'start.sh',
    });
    assert.equal(copyInto(steps, '/usr/local/bin/tool')?.step.line, 7);
    assert.equal(copyInto(steps, '/etc/passwd'), undefined);
  });

  it('finds the lines of one compose service', () => {
    const text = [
      'services:',
      '  db:',
      '    image: postgres',
      '  api:',
      '    build: { context: ./api, dockerfile: api.Dockerfile }',
      '    command: ["node", "server.js"]',
      '    ports:',
      '      - "127.0.0.1:8080:80/tcp"',
      '      - target: 443',
      '        published: 8443',
      '    environment:',
      '      - DATABASE_URL=',
      '      - MODE=dev',
      '    deploy: { resources: { limits: { memory: 64m } } }',
    ].join('\n');
    const api = composeServiceLines(text, 'api')!;
    assert.equal(api.key, 3);
    assert.equal(api.command, 5);
    assert.deepEqual(api.ports, [
      { line: 7, text: '127.0.0.1:8080:80/tcp' },
      { line: 8, text: '8443:443' },
    ]);
    assert.deepEqual(api.environment, [
      { name: 'DATABASE_URL', line: 11, value: '' },
      { name: 'MODE', line: 12, value: 'dev' },
    ]);
    assert.deepEqual(api.memory, { line: 13, value: '64m' });
    assert.deepEqual(api.build, { line: 4, context: './api', dockerfile: 'api.Dockerfile' });
    assert.equal(composeServiceLines(text, 'web'), undefined);
    assert.equal(composeServiceLines('services: [', 'api'), undefined);
    assert.deepEqual(portEntry('127.0.0.1:8080:80/tcp'), { published: 8080, target: 80 });
    assert.deepEqual(portEntry('80'), { target: 80 });
  });
});

/** The inspect data of a real container whose program the kernel refused (`exec …: exec format error`). */
function execFormatEvidence(imageArch: string): Evidence {
  return {
    container: {
      Id: 'c0ffee',
      Path: '/bin/app',
      Args: [],
      Image: 'sha256:5f876e9f',
      State: {
        Status: 'exited',
        Running: false,
        OOMKilled: false,
        ExitCode: 1,
        Error: '',
        StartedAt: '2026-12-01T05:31:12.4Z',
        FinishedAt: '2026-12-01T05:31:12.5Z',
      },
      Config: { Cmd: ['/bin/app'], Entrypoint: null, Labels: {} },
    },
    image: { Id: 'sha256:5f876e9f', Os: 'linux', Architecture: imageArch, Config: { Cmd: ['/bin/app'] } },
    engine: { os: 'linux', arch: 'amd64' },
    logTail: ['exec /bin/app: exec format error'],
    logCut: false,
    events: [],
  };
}

describe('doctor: diagnose', () => {
  it('blames the platform when the image is built for another CPU', () => {
    const d = diagnose(execFormatEvidence('arm64'), { notes: [] });
    assert.equal(d.cause, 'platform-mismatch');
    assert.equal(plainText(d.title), 'The image is built for linux/arm64, and this engine runs linux/amd64');
    assert.ok(d.facts.some((f) => f.label === 'Image platform' && f.value === 'linux/arm64'));
  });

  it('blames the file when the platforms match', () => {
    assert.equal(diagnose(execFormatEvidence('amd64'), { notes: [] }).cause, 'exec-format');
    assert.equal(diagnose(execFormatEvidence('x86_64'), { notes: [] }).cause, 'exec-format');
  });

  it('says why there is no line for an image Dockside did not build', () => {
    const e = execFormatEvidence('amd64');
    e.logTail = ['sh: nodee: not found'];
    e.container.State!.ExitCode = 127;
    e.container.Config!.Cmd = ['/bin/sh', '-c', 'nodee app.js'];
    e.image!.Config!.Cmd = ['/bin/sh', '-c', 'nodee app.js'];
    const d = diagnose(e, { notes: [say`Its image ${code('x')} was not built by Dockside.`] });
    assert.equal(d.cause, 'command-not-found');
    assert.equal(plainText(d.title), 'Command not found: "nodee"');
    assert.equal(d.location, undefined);
    assert.match(plainText(d.noLine!), /^The CMD comes from the image\. Its image "x" was not built by Dockside\.$/);
  });

  it('keeps engine strings as code parts and masks secrets in quoted log lines', () => {
    const e = execFormatEvidence('amd64');
    e.container.State!.ExitCode = 3;
    e.container.Path = '<img src=x onerror=alert(1)>';
    e.logTail = ['connecting with password=hunter2', '<script>alert(1)</script>'];
    const d = diagnose(e, { notes: [] });
    assert.equal(d.cause, 'exit-error');
    assert.deepEqual(d.title[0], { code: '<img src=x onerror=alert(1)>' });
    assert.ok(!d.evidence[0]!.lines.join('\n').includes('hunter2'));
  });

  it('names an OOM kill with the limit, from the recorded state of a real one', () => {
    const e = execFormatEvidence('amd64');
    e.logTail = [];
    e.container.State = { ...e.container.State, ExitCode: 137, OOMKilled: true };
    e.container.HostConfig = { Memory: 16777216 };
    const d = diagnose(e, { notes: [] });
    assert.equal(d.cause, 'oom-killed');
    assert.equal(plainText(d.title), 'It ran out of memory and the kernel killed it (limit 16 MiB)');
  });

  it('explains every cause through a lesson', () => {
    const ids = new Set(allLessons().map((l) => l.id));
    for (const [cause, { lesson }] of Object.entries(CAUSES))
      assert.ok(ids.has(lesson) || lesson === 'container-doctor', `${cause} → ${lesson}`);
  });

  it('plain text drops control characters and quotes code', () => {
    assert.equal(plainText(['a', { code: 'b\u001b[31m' }, '\nc']), 'a"b[31m" c');
  });
});

describe('doctor: sources from the workspace', () => {
  it('finds the labelled Dockerfile inside the folders and never outside them', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-ws-'));
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-out-'));
    try {
      fs.mkdirSync(path.join(root, 'svc'));
      fs.writeFileSync(path.join(root, 'svc', 'Dockerfile'), 'FROM busybox\nCMD ["app"]\n');
      fs.writeFileSync(path.join(outside, 'compose.yaml'), 'services:\n  app:\n    image: x\n');
      fs.symlinkSync(path.join(outside, 'compose.yaml'), path.join(root, 'linked.yaml'));
      const files = folderFiles([root]);
      const sources = await findSources(
        {
          Config: {
            Labels: {
              'com.docker.compose.service': 'app',
              'com.docker.compose.project.config_files': path.join(outside, 'compose.yaml'),
            },
          },
        },
        { Config: { Cmd: ['app'], Labels: { 'com.dockside.dockerfile': 'Dockerfile' } } },
        files,
      );
      assert.equal(sources.dockerfile?.file, path.join(root, 'svc', 'Dockerfile').replace(/\\/g, '/'));
      assert.equal(sources.dockerfile?.contextDir, path.join(root, 'svc').replace(/\\/g, '/'));
      assert.equal(sources.compose, undefined);
      assert.match(plainText(sources.notes[0]!), /not in the open workspace/);
      assert.equal(await files.inside(path.join(root, 'linked.yaml')), undefined, 'a link out is outside');
      assert.equal(await files.read(path.join(outside, 'compose.yaml')), undefined);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('doctor: report and trouble watch', () => {
  it('writes the whole answer as plain text, with the line to open and no control characters', () => {
    const e = execFormatEvidence('amd64');
    e.logTail = ['\u001b[31mboom\u001b[0m'];
    e.container.State!.ExitCode = 2;
    const d = diagnose(e, { notes: [] });
    const lines = reportLines(
      'web\u0007',
      { ...d, location: { file: '/ws/Dockerfile', line: 4, kind: 'dockerfile', what: ['the CMD line'] } },
      (f) => f.slice(4),
    );
    assert.equal(lines[0], 'Why did "web" stop?');
    assert.equal(lines[2], '"/bin/app" stopped with exit code 2');
    assert.ok(lines.includes('The line: Dockerfile:5 (the CMD line)'));
    assert.ok(lines.includes('  [31mboom[0m'));
    assert.ok(lines.every((l) => [...l].every((c) => c >= ' ' && c !== '\u007f')));
  });

  const item = (id: string, state: ContainerItem['state'], extra: Partial<ContainerItem> = {}): ContainerItem => ({
    id,
    name: id,
    image: 'img',
    imageId: 'sha256:1',
    command: '',
    created: 0,
    state,
    status: '',
    ports: [],
    labels: {},
    mounts: [],
    networks: [],
    networkMode: 'default',
    ...extra,
  });

  it('reports a container that just got into trouble, once, and not the ones in trouble before it looked', () => {
    const watch = new TroubleWatch();
    assert.deepEqual(watch.update([item('old', 'exited', { exitCode: 1 }), item('web', 'running')]), []);
    const fresh = watch.update([
      item('old', 'exited', { exitCode: 1 }),
      item('web', 'exited', { exitCode: 137 }),
      item('new', 'restarting'),
      item('ok', 'exited', { exitCode: 0 }),
    ]);
    assert.deepEqual(
      fresh.map((c) => c.id),
      ['web', 'new'],
    );
    assert.deepEqual(watch.update([item('web', 'exited', { exitCode: 137 })]), []);
    assert.deepEqual(watch.update([item('web', 'running', { health: 'unhealthy' })]), []);
    assert.deepEqual(watch.update([item('web', 'running')]).length, 0);
    assert.deepEqual(
      watch.update([item('web', 'running', { health: 'unhealthy' })]).map((c) => c.id),
      ['web'],
    );
  });
});
