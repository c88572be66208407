import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { requireEngine, type TestEngine } from '../support/dockerEngine';
import { commandsOf, isBadExample, lessonBlocks, type LessonBlock } from '../support/lessonBlocks';

/*
 * Every command in a lesson's shell example (```sh) runs as written against the test engine, block by block, in
 * an empty folder, and what it prints is shown. No registry is reachable, so each image a lesson names is a local
 * stand-in: a busybox folder brought in with `docker import` under the lesson's name, doing what the lesson needs of
 * the real image. A `docker run -d` container must still be running a moment later: a server that exits at once
 * (postgres without a password, say) is a command that does not work as written.
 */

const STAND_IN_LABEL = 'com.dockside.lesson-stand-in';

/** What a stand-in does when it starts. Every one stops at once on SIGTERM, as a well-behaved server does. */
const BEHAVIOUR = {
  // The official postgres image refuses to set up a database with neither POSTGRES_PASSWORD nor
  // POSTGRES_HOST_AUTH_METHOD=trust (docker-library's docker-entrypoint.sh, docker_verify_minimum_env).
  postgres: [
    'if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then',
    '  echo "Error: Database is uninitialized and superuser password is not specified." >&2',
    '  exit 1',
    'fi',
    "trap 'exit 0' TERM",
    'echo "database system is ready to accept connections"',
    'sleep 3600 & wait',
  ],
  web: ["trap 'exit 0' TERM", 'httpd -f -p 80 -h /www & wait'],
  app: ["trap 'exit 0' TERM", 'echo "app started"', 'sleep 3600 & wait'],
} as const;

/** The images the lessons name, and which stand-in answers for each. */
const STAND_INS: Record<string, keyof typeof BEHAVIOUR> = {
  'postgres:16': 'postgres',
  'nginx:latest': 'web',
  'nginx:1.27': 'web',
  'my-app:latest': 'app',
  'my-app:1.4': 'app',
};

/** Where the real image keeps data the lesson mounts a volume on. */
const IMAGE_CHANGES: Partial<Record<keyof typeof BEHAVIOUR, string[]>> = {
  postgres: ['VOLUME /var/lib/postgresql/data', 'EXPOSE 5432'],
  web: ['EXPOSE 80'],
};

/**
 * Commands that are not run, each with the reason. Each must still be in a lesson (a stale entry fails), so the
 * list cannot hide a command that changed.
 */
const NOT_RUN: Record<string, string> = {
  'docker rm -f $(docker ps -aq)':
    'removes every container of the engine, which other suites share; the lesson shows it as what not to do',
  'docker container prune':
    'asks before it removes every stopped container of the engine, which other suites share (no one answers here)',
  'docker run nginx':
    'stays in the foreground until it is stopped, which is the point of that Bad example; the Good one next to it runs detached',
  'docker push my-app': 'needs Docker Hub; no registry is reachable from the tests',
  'docker login ghcr.io': 'asks for a user name and an access token, and needs ghcr.io',
  'docker push ghcr.io/acme/my-app:1.4': 'needs ghcr.io and an account that may write to acme',
  ...Object.fromEntries(
    [
      'docker build -t app:dev .',
      'docker build --pull --no-cache -t app:release .',
      'docker build -f docker/api.Dockerfile -t api:dev .',
    ].map((c) => [
      c,
      'needs a project to build and the buildx plugin for BuildKit, which the test machine’s CLI lacks; ' +
        'test/docker/buildkit.test.ts builds through Dockside’s own BuildKit session instead',
    ]),
  ),
};

const BUSYBOX_APPLETS = ['sh', 'sleep', 'httpd', 'echo', 'cat', 'env', 'ls', 'true', 'kill', 'wget', 'date'];

function docker(engine: TestEngine, args: string[], input?: Buffer): { code: number; out: string } {
  const r = spawnSync('docker', args, { env: engine.env, input, encoding: 'buffer', timeout: 60000 });
  return { code: r.status ?? -1, out: `${r.stdout?.toString() ?? ''}${r.stderr?.toString() ?? ''}`.trim() };
}

/** Imports a stand-in under `name` unless one of ours is already there. */
function ensureStandIn(engine: TestEngine, name: string, kind: keyof typeof BEHAVIOUR): void {
  const label = docker(engine, ['image', 'inspect', '-f', `{{index .Config.Labels "${STAND_IN_LABEL}"}}`, name]);
  if (label.code === 0 && label.out === kind) return;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-lesson-rootfs-'));
  try {
    for (const dir of ['bin', 'tmp', 'www', 'var/lib/postgresql/data'])
      fs.mkdirSync(path.join(root, dir), { recursive: true });
    fs.copyFileSync('/bin/busybox', path.join(root, 'bin', 'busybox'));
    fs.chmodSync(path.join(root, 'bin', 'busybox'), 0o755);
    for (const applet of BUSYBOX_APPLETS) fs.symlinkSync('busybox', path.join(root, 'bin', applet));
    fs.writeFileSync(path.join(root, 'www', 'index.html'), `stand-in for ${name}\n`);
    fs.writeFileSync(path.join(root, 'start'), `#!/bin/sh\n${BEHAVIOUR[kind].join('\n')}\n`, { mode: 0o755 });
    const tar = spawnSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 64 * 1024 * 1024 });
    const changes = [
      'ENV PATH=/bin',
      `LABEL ${STAND_IN_LABEL}=${kind}`,
      'CMD ["/start"]',
      ...(IMAGE_CHANGES[kind] ?? []),
    ];
    const r = docker(engine, ['import', ...changes.flatMap((c) => ['--change', c]), '-', name], tar.stdout);
    assert.equal(r.code, 0, `importing the stand-in ${name}: ${r.out}`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** Runs one line with sh, as a reader would paste it into a terminal. */
function runLine(engine: TestEngine, line: string, cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', line], { cwd, env: engine.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out: out.trim() });
    });
  });
}

/** The networks, volumes and image tags a block's commands create, to remove before and after it. */
function createdBy(commands: string[]): { networks: string[]; volumes: string[]; images: string[] } {
  const all = (re: RegExp) => commands.flatMap((c) => [...c.matchAll(re)].map((m) => m[1] ?? ''));
  return {
    networks: all(/docker network create (?:--driver \S+ )?([\w.-]+)/g),
    volumes: [...new Set([...all(/docker volume create ([\w.-]+)/g), ...all(/\s-v ([\w][\w.-]*):/g)])],
    images: all(/docker (?:tag \S+|build(?: \S+)* -t) (\S+)/g),
  };
}

function cleanUp(engine: TestEngine, made: ReturnType<typeof createdBy>): void {
  const ours = docker(engine, ['ps', '-aq', '--filter', `label=${STAND_IN_LABEL}`])
    .out.split(/\s+/)
    .filter(Boolean);
  if (ours.length) docker(engine, ['rm', '-f', '-v', ...ours]);
  for (const n of made.networks) docker(engine, ['network', 'rm', n]);
  for (const v of made.volumes) docker(engine, ['volume', 'rm', '-f', v]);
  for (const i of made.images) if (!STAND_INS[i] && !STAND_INS[`${i}:latest`]) docker(engine, ['rmi', i]);
}

const isDetachedRun = (c: string) => /^docker run\b/.test(c) && /\s(-d|--detach|-\w*d\w*)\s/.test(` ${c} `);

describe('the commands in the lessons run as written', function () {
  let engine: TestEngine;
  const blocks = lessonBlocks().filter((b) => b.language === 'sh' && /(^|\n)\s*docker\s/.test(b.text));
  const lessons = [...new Set(blocks.map((b) => b.lesson))];

  before(async function () {
    engine = await requireEngine(this);
    for (const [name, kind] of Object.entries(STAND_INS)) ensureStandIn(engine, name, kind);
  });

  // The stand-ins carry registry names (nginx, postgres:16, …): other suites on the same engine list images, so
  // they go again, but only those with our label (a real image of that name stays).
  after(function () {
    if (!engine) return;
    for (const [name, kind] of Object.entries(STAND_INS)) {
      const label = docker(engine, ['image', 'inspect', '-f', `{{index .Config.Labels "${STAND_IN_LABEL}"}}`, name]);
      if (label.code === 0 && label.out === kind) docker(engine, ['rmi', name]);
    }
  });

  it('lists only commands a lesson still has', () => {
    const commands = new Set(blocks.flatMap(commandsOf));
    assert.deepEqual(
      Object.keys(NOT_RUN).filter((c) => !commands.has(c)),
      [],
    );
  });

  for (const lesson of lessons) {
    it(`${lesson}.md`, async function () {
      this.timeout(120000);
      await runLesson(
        engine,
        blocks.filter((b) => b.lesson === lesson),
      );
    });
  }
});

/**
 * A lesson's blocks run in order in one session, the way a reader types them one after the other. A "Bad" block
 * runs in a session of its own: it shows what not to do, and the block after it starts again from nothing.
 */
async function runLesson(engine: TestEngine, blocks: LessonBlock[]): Promise<void> {
  const made = createdBy(blocks.flatMap(commandsOf));
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-lesson-'));
  cleanUp(engine, made);
  try {
    for (const block of blocks) {
      console.log(`      [line ${block.line}, ${block.heading || 'top'}]`);
      await runBlock(engine, block, cwd);
      if (isBadExample(block)) cleanUp(engine, made);
    }
  } finally {
    cleanUp(engine, made);
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

async function runBlock(engine: TestEngine, block: LessonBlock, cwd: string): Promise<void> {
  for (const command of commandsOf(block)) {
    const why = NOT_RUN[command];
    if (why) {
      console.log(`      $ ${command}\n        (not run: ${why})`);
      continue;
    }
    const { code, out } = await runLine(engine, command, cwd);
    console.log(`      $ ${command}${out ? `\n${out.replace(/^/gm, '        ')}` : ''}`);
    assert.equal(code, 0, `line ${block.line}: "${command}" exited with ${code}:\n${out}`);
    if (!isDetachedRun(command)) continue;
    const id = out.split('\n').pop() ?? '';
    await new Promise((r) => setTimeout(r, 1500));
    const state = docker(engine, ['inspect', '-f', '{{.State.Running}} {{.State.ExitCode}}', id]).out;
    if (!state.startsWith('true')) {
      const logs = docker(engine, ['logs', id]).out;
      assert.fail(`line ${block.line}: "${command}" started a container that stopped at once (${state}):\n${logs}`);
    }
  }
}
