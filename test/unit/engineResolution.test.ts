import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { listContexts, resolveEngine } from '../../src/docker/connection';
import { EngineAddressError } from '../../src/docker/engineAddress';
import { discoverEngines, pingFailure } from '../../src/docker/engineDiscovery';
import type { HostPlatform } from '../../src/docker/hostPlatform';

/** Marks a path as a unix socket in a machine's files. */
const SOCKET = Symbol('socket');
type Files = Record<string, string | typeof SOCKET>;

/**
 * A machine of the given platform, home folder, environment and files (path → text, or SOCKET), with that
 * platform's path rules: what engine resolution sees on a Windows PC or a Mac, played on Linux.
 */
function machine(os: NodeJS.Platform, home: string, files: Files, env: Record<string, string> = {}): HostPlatform {
  const paths = os === 'win32' ? path.win32 : path.posix;
  const isFolder = (dir: string) => Object.keys(files).some((f) => f.startsWith(dir + paths.sep));
  return {
    os,
    env,
    home,
    uid: 1000,
    kindOf: (file) => (files[file] === SOCKET ? 'socket' : file in files || isFolder(file) ? 'other' : 'none'),
    readFile: (file) => (typeof files[file] === 'string' ? Buffer.from(files[file] as string) : undefined),
    readDir: (dir) => [
      ...new Set(
        Object.keys(files)
          .filter((f) => f.startsWith(dir + paths.sep))
          .map((f) => f.slice(dir.length + 1).split(paths.sep)[0] ?? ''),
      ),
    ],
  };
}

/** A Docker CLI context as `docker context create` writes it, under a config folder. */
function context(configDir: string, name: string, host: string, paths = path.posix): Files {
  const id = createHash('sha256').update(name).digest('hex');
  return {
    [paths.join(configDir, 'contexts', 'meta', id, 'meta.json')]: JSON.stringify({
      Name: name,
      Metadata: { Description: `${name} engine` },
      Endpoints: { docker: { Host: host, SkipTLSVerify: false } },
    }),
  };
}

const WIN_HOME = 'C:\\Users\\ann';
const WIN_CONFIG = 'C:\\Users\\ann\\.docker';
const MAC_HOME = '/Users/ann';
const MAC_CONFIG = '/Users/ann/.docker';
const DESKTOP_MAC_SOCKET = '/Users/ann/.docker/run/docker.sock';

const summary = (input: Parameters<typeof resolveEngine>[0]) => {
  const t = resolveEngine(input);
  return { source: t.source, label: t.label, cliEnv: t.cliEnv, ...(t.missing ? { missing: t.missing } : {}) };
};

describe('engine resolution on each platform, as the Docker CLI resolves it', () => {
  describe('Windows', () => {
    it("uses the engine's named pipe for the default context", () => {
      const platform = machine('win32', WIN_HOME, {});
      const t = resolveEngine({ platform });
      assert.deepEqual(summary({ platform }), {
        source: 'default pipe',
        label: 'npipe:////./pipe/docker_engine',
        cliEnv: {},
      });
      assert.deepEqual(t.options, { socketPath: '\\\\.\\pipe\\docker_engine' });
      assert.deepEqual(
        listContexts({ platform }).map((c) => [c.name, c.host, c.current]),
        [['default', 'npipe:////./pipe/docker_engine', true]],
      );
    });

    it("follows Docker Desktop's desktop-linux context, read from C:\\Users\\<name>\\.docker", () => {
      const platform = machine('win32', WIN_HOME, {
        [`${WIN_CONFIG}\\config.json`]: JSON.stringify({ currentContext: 'desktop-linux' }),
        ...context(WIN_CONFIG, 'desktop-linux', 'npipe:////./pipe/dockerDesktopLinuxEngine', path.win32),
      });
      const t = resolveEngine({ platform });
      assert.deepEqual(summary({ platform }), {
        source: 'context "desktop-linux"',
        label: 'npipe:////./pipe/dockerDesktopLinuxEngine',
        cliEnv: { DOCKER_HOST: '', DOCKER_CONTEXT: 'desktop-linux' },
      });
      assert.deepEqual(t.options, { socketPath: '\\\\.\\pipe\\dockerDesktopLinuxEngine' });
      assert.deepEqual(
        discoverEngines({ platform }).map((c) => [c.label, c.url, c.context ?? '']),
        [
          ['context "default"', 'npipe:////./pipe/docker_engine', 'default'],
          ['Docker Desktop · context "desktop-linux"', 'npipe:////./pipe/dockerDesktopLinuxEngine', 'desktop-linux'],
        ],
      );
    });

    it('offers the pipes of Docker Desktop when no context names them (a ping then says which exist)', () => {
      assert.deepEqual(
        discoverEngines({ platform: machine('win32', WIN_HOME, {}) }).map((c) => [c.label, c.url]),
        [
          ['context "default"', 'npipe:////./pipe/docker_engine'],
          ['Docker Desktop', 'npipe:////./pipe/dockerDesktopLinuxEngine'],
        ],
      );
    });
  });

  describe('macOS', () => {
    it('uses /var/run/docker.sock for the default context when it is there', () => {
      const platform = machine('darwin', MAC_HOME, { '/var/run/docker.sock': SOCKET });
      assert.deepEqual(summary({ platform }), {
        source: 'default socket',
        label: 'unix:///var/run/docker.sock',
        cliEnv: {},
      });
    });

    it('says that /var/run/docker.sock is missing, and does not switch to another engine by itself', () => {
      const platform = machine('darwin', MAC_HOME, {
        [DESKTOP_MAC_SOCKET]: SOCKET,
        '/Users/ann/.colima/default/docker.sock': SOCKET,
        '/Users/ann/.colima/work/docker.sock': SOCKET,
        '/Users/ann/.colima/_lima/colima/ha.sock': SOCKET,
        '/Users/ann/.orbstack/run/docker.sock': SOCKET,
        '/Users/ann/.rd/docker.sock': 'a file where the socket should be',
      });
      const t = summary({ platform });
      assert.equal(t.label, 'unix:///var/run/docker.sock', 'still the default socket');
      assert.match(
        t.missing ?? '',
        new RegExp(
          '^There is no /var/run/docker\\.sock on this Mac\\. ' +
            'Docker Desktop makes it only when its "Allow the default Docker socket" setting is on',
        ),
      );
      assert.deepEqual(
        discoverEngines({ platform }).map((c) => [c.label, c.url, c.problem ?? '']),
        [
          ['context "default"', 'unix:///var/run/docker.sock', ''],
          ['Docker Desktop', `unix://${DESKTOP_MAC_SOCKET}`, ''],
          ['Colima', 'unix:///Users/ann/.colima/default/docker.sock', ''],
          ['Colima (work)', 'unix:///Users/ann/.colima/work/docker.sock', ''],
          ['OrbStack', 'unix:///Users/ann/.orbstack/run/docker.sock', ''],
          [
            'Rancher Desktop',
            'unix:///Users/ann/.rd/docker.sock',
            '/Users/ann/.rd/docker.sock is there, but it is not a socket.',
          ],
        ],
      );
    });

    it("follows Docker Desktop's desktop-linux context to ~/.docker/run/docker.sock", () => {
      const platform = machine('darwin', MAC_HOME, {
        [DESKTOP_MAC_SOCKET]: SOCKET,
        [`${MAC_CONFIG}/config.json`]: JSON.stringify({ currentContext: 'desktop-linux' }),
        ...context(MAC_CONFIG, 'desktop-linux', `unix://${DESKTOP_MAC_SOCKET}`),
        ...context(MAC_CONFIG, 'colima', 'unix:///Users/ann/.colima/default/docker.sock'),
        '/Users/ann/.colima/default/docker.sock': SOCKET,
      });
      assert.deepEqual(summary({ platform }), {
        source: 'context "desktop-linux"',
        label: `unix://${DESKTOP_MAC_SOCKET}`,
        cliEnv: { DOCKER_HOST: '', DOCKER_CONTEXT: 'desktop-linux' },
      });
      assert.deepEqual(
        discoverEngines({ platform })
          .map((c) => [c.label, c.current ?? false])
          .sort(),
        [
          ['Colima · context "colima"', false],
          ['Docker Desktop · context "desktop-linux"', true],
          ['context "default"', false],
        ],
      );
    });

    it('says so when /var/run/docker.sock is there but is not a socket', () => {
      const platform = machine('darwin', MAC_HOME, { '/var/run/docker.sock': 'left behind' });
      assert.equal(
        summary({ platform }).missing,
        '/var/run/docker.sock exists but is not a socket, so no Docker engine can answer there.',
      );
    });
  });

  describe('Linux', () => {
    it('uses /var/run/docker.sock as today, even when a rootless socket is there too', () => {
      const platform = machine(
        'linux',
        '/home/ann',
        { '/var/run/docker.sock': SOCKET, '/run/user/1000/docker.sock': SOCKET },
        { XDG_RUNTIME_DIR: '/run/user/1000' },
      );
      assert.deepEqual(summary({ platform }), {
        source: 'default socket',
        label: 'unix:///var/run/docker.sock',
        cliEnv: {},
      });
    });

    it("uses rootless Docker's socket in $XDG_RUNTIME_DIR when the system socket is absent", () => {
      const platform = machine(
        'linux',
        '/home/ann',
        { '/run/user/1000/docker.sock': SOCKET },
        { XDG_RUNTIME_DIR: '/run/user/1000' },
      );
      assert.deepEqual(summary({ platform }), {
        source: 'rootless socket',
        label: 'unix:///run/user/1000/docker.sock',
        cliEnv: { DOCKER_HOST: 'unix:///run/user/1000/docker.sock' },
      });
      // Without XDG_RUNTIME_DIR (VS Code started outside a login session), the folder rootless Docker uses for it.
      assert.equal(resolveEngine({ platform: { ...platform, env: {} } }).label, 'unix:///run/user/1000/docker.sock');
    });

    it('says that neither the system socket nor the rootless one is there', () => {
      const platform = machine('linux', '/home/ann', {}, { XDG_RUNTIME_DIR: '/run/user/1000' });
      assert.equal(
        summary({ platform }).missing,
        'There is no /var/run/docker.sock and no rootless Docker socket at /run/user/1000/docker.sock: ' +
          'the Docker engine is not installed, or not running.',
      );
    });
  });

  describe('overrides, in the order the CLI gives them', () => {
    const files: Files = {
      '/var/run/docker.sock': SOCKET,
      [`${MAC_CONFIG}/config.json`]: JSON.stringify({ currentContext: 'desktop-linux' }),
      ...context(MAC_CONFIG, 'desktop-linux', `unix://${DESKTOP_MAC_SOCKET}`),
      ...context(MAC_CONFIG, 'remote', 'tcp://10.0.0.5:2375'),
    };

    it('DOCKER_HOST comes before DOCKER_CONTEXT and the current context', () => {
      const platform = machine('darwin', MAC_HOME, files, {
        DOCKER_HOST: 'tcp://127.0.0.1:2375',
        DOCKER_CONTEXT: 'remote',
      });
      assert.deepEqual(summary({ platform }), {
        source: 'DOCKER_HOST',
        label: 'tcp://127.0.0.1:2375',
        cliEnv: { DOCKER_HOST: 'tcp://127.0.0.1:2375' },
      });
    });

    it('DOCKER_CONTEXT comes before the current context, and DOCKER_CONTEXT=default is the default engine', () => {
      const platform = machine('darwin', MAC_HOME, files, { DOCKER_CONTEXT: 'remote' });
      assert.equal(summary({ platform }).label, 'tcp://10.0.0.5:2375');
      const back = machine('darwin', MAC_HOME, files, { DOCKER_CONTEXT: 'default' });
      assert.deepEqual(summary({ platform: back }), {
        source: 'default socket',
        label: 'unix:///var/run/docker.sock',
        cliEnv: {},
      });
    });

    it('the dockside.context setting comes before DOCKER_HOST, as the CLI --context flag does', () => {
      const platform = machine('darwin', MAC_HOME, files, { DOCKER_HOST: 'tcp://127.0.0.1:2375' });
      assert.equal(summary({ platform, context: 'remote' }).label, 'tcp://10.0.0.5:2375');
      assert.equal(summary({ platform, context: 'default' }).label, 'unix:///var/run/docker.sock');
      assert.equal(summary({ platform, setting: 'unix:///tmp/x.sock', context: 'remote' }).label, 'unix:///tmp/x.sock');
    });
  });

  describe('contexts that cannot be used, said in plain words', () => {
    it('a context file that is not valid JSON', () => {
      const id = createHash('sha256').update('broken').digest('hex');
      const platform = machine('darwin', MAC_HOME, {
        [`${MAC_CONFIG}/config.json`]: JSON.stringify({ currentContext: 'broken' }),
        [`${MAC_CONFIG}/contexts/meta/${id}/meta.json`]: '{"Name": "broken", "Endpoints": ',
      });
      assert.throws(
        () => resolveEngine({ platform }),
        (err: Error) =>
          err instanceof EngineAddressError &&
          err.message.startsWith(
            `the Docker context "broken" (the current context in ${MAC_CONFIG}/config.json) cannot be read: ` +
              `${MAC_CONFIG}/contexts/meta/${id}/meta.json is not valid JSON`,
          ),
      );
      assert.deepEqual(
        listContexts({ platform }).map((c) => c.name),
        ['default'],
        'the list leaves it out',
      );
    });

    it('a context that does not exist, and a settings file that is not valid JSON', () => {
      assert.throws(
        () => resolveEngine({ platform: machine('darwin', MAC_HOME, {}, { DOCKER_CONTEXT: 'gone' }) }),
        /the Docker context "gone" \(DOCKER_CONTEXT\) does not exist; `docker context ls` lists the ones there are\./,
      );
      assert.throws(
        () => resolveEngine({ platform: machine('darwin', MAC_HOME, { [`${MAC_CONFIG}/config.json`]: '{,' }) }),
        new RegExp(
          "the Docker CLI's settings file /Users/ann/\\.docker/config\\.json is not valid JSON .*, " +
            'so its current context is unknown\\.',
        ),
      );
    });

    it('a context with no Docker endpoint', () => {
      const id = createHash('sha256').update('k8s').digest('hex');
      const platform = machine('linux', '/home/ann', {
        '/home/ann/.docker/config.json': JSON.stringify({ currentContext: 'k8s' }),
        [`/home/ann/.docker/contexts/meta/${id}/meta.json`]: JSON.stringify({ Name: 'k8s', Endpoints: {} }),
      });
      assert.throws(() => resolveEngine({ platform }), /the Docker context "k8s" .* names no Docker engine/);
    });
  });

  it('words a busy named pipe (Windows) plainly', () => {
    const busy = Object.assign(new Error('connect EBUSY \\\\.\\pipe\\docker_engine'), { code: 'EBUSY' });
    assert.deepEqual(pingFailure(busy, 'npipe:////./pipe/docker_engine', true), {
      ok: false,
      reason: 'The named pipe npipe:////./pipe/docker_engine is busy: every connection it offers is in use.',
    });
  });
});
