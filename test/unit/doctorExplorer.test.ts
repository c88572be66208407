/**
 * How the explorer marks containers in trouble, in its pure parts: what the model adds from a container's inspect
 * (a failed start, an OOM kill), the row's icon and words, the contextValue the menus read, and the `when` clauses
 * of package.json evaluated against it (viewItem with `==` and `=~`, as VS Code reads them).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diagnose } from '../../src/docker/doctor/diagnose';
import type { Evidence } from '../../src/docker/doctor/evidence';
import { inTrouble, troubleWords, TroubleWatch } from '../../src/docker/doctor/report';
import { needsState, toContainer, withState } from '../../src/docker/normalize';
import {
  containerAccessibilityLabel,
  containerContextValue,
  containerDescription,
  containerTooltip,
  startFailed,
  stateLook,
} from '../../src/docker/present';
import type { ContainerItem, RawContainer } from '../../src/docker/types';

const raw = (over: Partial<RawContainer>): RawContainer => ({
  Id: 'c0ffee0000000000000000000000000000000000000000000000000000000000',
  Names: ['/web'],
  Image: 'shop-web',
  State: 'running',
  Status: 'Up 1 minute',
  Ports: [],
  ...over,
});

// `docker inspect` State of `docker run busybox nosuchcmd` on dockerd 20.10 (the list says "created", "Created").
const FAILED_START = {
  Status: 'created',
  OOMKilled: false,
  ExitCode: 127,
  Error:
    'failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "nosuchcmd": executable file not found in $PATH: unknown',
};
// `docker create busybox true`, never started.
const NEVER_STARTED = { Status: 'created', OOMKilled: false, ExitCode: 0, Error: '' };

describe('doctor in the explorer: what the model adds from the inspect', () => {
  it('asks for the inspect only where the list cannot tell: created, and exit 137', () => {
    assert.equal(needsState(toContainer(raw({ State: 'created', Status: 'Created' }))), true);
    assert.equal(needsState(toContainer(raw({ State: 'exited', Status: 'Exited (137) 1 second ago' }))), true);
    assert.equal(needsState(toContainer(raw({ State: 'exited', Status: 'Exited (1) 1 second ago' }))), false);
    assert.equal(needsState(toContainer(raw({}))), false);
    assert.equal(needsState(toContainer(raw({ Status: 'Up 1 minute (unhealthy)' }))), false);
  });

  it('keeps the exit code and the error of a failed start, and nothing for a container never started', () => {
    const created = toContainer(raw({ State: 'created', Status: 'Created' }));
    const failed = withState(created, FAILED_START);
    assert.equal(failed.exitCode, 127);
    assert.match(failed.startError ?? '', /exec: "nosuchcmd": executable file not found/);
    assert.equal(failed.oomKilled, undefined);
    assert.equal(startFailed(failed), true);
    // Nothing to add: the very same item.
    assert.equal(withState(created, NEVER_STARTED), created);
    assert.equal(withState(created, undefined), created);
    assert.equal(startFailed(created), false);
  });

  it('tells an OOM kill from docker kill for exit 137, and reads nothing else of a running container', () => {
    const killed = toContainer(raw({ State: 'exited', Status: 'Exited (137) 1 second ago' }));
    assert.equal(withState(killed, { ExitCode: 137, OOMKilled: false, Error: '' }), killed);
    const oom = withState(killed, { ExitCode: 137, OOMKilled: true, Error: '' });
    assert.equal(oom.oomKilled, true);
    assert.equal(oom.exitCode, 137);
    const running = toContainer(raw({}));
    assert.equal(withState(running, FAILED_START), running, 'a stale inspect cannot mark a running container');
  });
});

describe('doctor in the explorer: the row', () => {
  const failed = withState(toContainer(raw({ State: 'created', Status: 'Created' })), FAILED_START);

  it('marks a failed start with the error icon, its theme colour and words', () => {
    assert.deepEqual(stateLook(failed), {
      icon: 'error',
      color: 'errorForeground',
      words: 'failed to start, exit code 127',
    });
    assert.equal(containerDescription(failed), 'failed to start, exit code 127 · shop-web');
    assert.match(containerAccessibilityLabel(failed), /^web, failed to start, exit code 127, image shop-web/);
    assert.deepEqual(stateLook(toContainer(raw({ State: 'created', Status: 'Created' }))), {
      icon: 'vm-outline',
      color: 'disabledForeground',
      words: 'created, not started',
    });
    assert.equal(stateLook({ ...failed, exitCode: undefined }).words, 'failed to start');
  });

  it('says out of memory for an OOM kill', () => {
    const oom = withState(toContainer(raw({ State: 'exited', Status: 'Exited (137) 1 second ago' })), {
      ExitCode: 137,
      OOMKilled: true,
    });
    assert.deepEqual(stateLook(oom), {
      icon: 'error',
      color: 'errorForeground',
      words: 'out of memory, exited with code 137',
    });
  });

  it("puts the engine's error in the tooltip as text, never as markup", () => {
    const hostile = { ...failed, startError: 'exec: "[x](command:evil)" <img src=x> *bold*' };
    const tooltip = containerTooltip(hostile);
    assert.match(tooltip, /Start failed: /);
    assert.ok(!tooltip.includes('](command:'), tooltip);
    assert.ok(!tooltip.includes('<img'), tooltip);
    assert.ok(containerTooltip({ ...failed, startError: 'x'.repeat(5000) }).length < 1500, 'a long error is cut');
  });

  it('counts a failed start as trouble, and the watch reports it once', () => {
    assert.equal(inTrouble(failed), true);
    assert.equal(inTrouble(toContainer(raw({ State: 'created', Status: 'Created' }))), false);
    const watch = new TroubleWatch();
    const created = toContainer(raw({ State: 'created', Status: 'Created' }));
    assert.deepEqual(watch.update([created]), []);
    assert.deepEqual(
      watch.update([failed]).map((c) => c.name),
      ['web'],
    );
    assert.deepEqual(watch.update([failed]), []);
  });
});

/** The `view/item/context` menus of package.json, with their `when` clauses evaluated as VS Code does. */
interface MenuEntry {
  command: string;
  when?: string;
  group?: string;
}
const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
  contributes: { menus: Record<string, MenuEntry[]> };
};
const itemMenus = manifest.contributes.menus['view/item/context'] ?? [];

/** Evaluates a `when` clause made of `&&`-joined terms: `key == value`, `key =~ /re/flags`, `key`, `true`, `false`. */
function holds(when: string | undefined, context: Record<string, string | boolean>): boolean {
  if (!when) return true;
  return when.split('&&').every((part) => {
    const term = part.trim();
    const regex = /^([\w.]+)\s*=~\s*\/(.*)\/([a-z]*)$/.exec(term);
    if (regex) return new RegExp(regex[2]!, regex[3]).test(String(context[regex[1]!] ?? ''));
    const equal = /^([\w.]+)\s*==\s*(\S+)$/.exec(term);
    if (equal) return String(context[equal[1]!] ?? '') === equal[2];
    const unequal = /^([\w.]+)\s*!=\s*(\S+)$/.exec(term);
    if (unequal) return String(context[unequal[1]!] ?? '') !== unequal[2];
    if (term === 'true' || term === 'false') return term === 'true';
    assert.match(term, /^!?[\w.]+$/, `a term this evaluator does not know: ${term}`);
    return term.startsWith('!') ? !context[term.slice(1)] : !!context[term];
  });
}

const menusFor = (viewItem: string) =>
  itemMenus
    .filter((m) => holds(m.when, { view: 'dockside.containers', viewItem, isWorkspaceTrusted: true }))
    .map((m) => `${m.command}@${m.group ?? ''}`)
    .sort();

describe('doctor in the explorer: contextValue and the menus', () => {
  const STATES = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'] as const;
  const item = (state: ContainerItem['state'], health?: ContainerItem['health'], published = false) =>
    ({
      ...toContainer(raw({ State: state })),
      ...(health ? { health } : { health: undefined }),
      ports: published ? [{ containerPort: 80, protocol: 'tcp', hostPort: 5050, hostIp: '0.0.0.0' }] : [],
    }) as ContainerItem;

  it('says the state first, then the health, then .published last', () => {
    assert.equal(containerContextValue(item('running')), 'container.running');
    assert.equal(containerContextValue(item('running', undefined, true)), 'container.running.published');
    assert.equal(containerContextValue(item('running', 'unhealthy')), 'container.running.unhealthy');
    assert.equal(containerContextValue(item('running', 'healthy', true)), 'container.running.healthy.published');
    assert.equal(containerContextValue(item('restarting', 'starting')), 'container.restarting.starting');
    assert.equal(containerContextValue(item('exited')), 'container.exited');
  });

  it('gives a container with a health check the menus it had without one, plus Why Did It Stop? when unhealthy', () => {
    // The contextValue before health was added: `container.<state>[.published]`; every when clause was written for it.
    for (const state of STATES)
      for (const published of [false, true]) {
        const before = menusFor(`container.${state}${published ? '.published' : ''}`);
        for (const health of ['healthy', 'starting', 'unhealthy'] as const) {
          const now = menusFor(containerContextValue(item(state, health, published)));
          const extra = state === 'running' && health === 'unhealthy' ? ['dockside.container.whyStopped@2_look@0'] : [];
          assert.deepEqual(now, [...before, ...extra].sort(), `${state} ${health}${published ? ' published' : ''}`);
        }
        assert.deepEqual(menusFor(containerContextValue(item(state, undefined, published))), before);
      }
  });

  it('offers Why Did It Stop? for a failed start, an exit, a restart loop and an unhealthy container only', () => {
    const why = (c: ContainerItem) =>
      menusFor(containerContextValue(c)).some((m) => m.startsWith('dockside.container.whyStopped@'));
    const failed = withState(toContainer(raw({ State: 'created', Status: 'Created' })), FAILED_START);
    assert.equal(why(failed), true);
    assert.equal(why(item('exited')), true);
    assert.equal(why(item('restarting')), true);
    assert.equal(why(item('running', 'unhealthy', true)), true);
    assert.equal(why(item('running')), false);
    assert.equal(why(item('running', 'healthy')), false);
    assert.equal(why(item('paused')), false);
  });

  it('offers Why Did It Stop? for a running container in a restart loop or with a silent port, menus otherwise kept', () => {
    const silent = [{ containerPort: 80, hostPort: 5050, why: 'loopback-only' as const }];
    for (const health of [undefined, 'healthy', 'starting'] as const)
      for (const published of [false, true])
        for (const trouble of [{ recentExits: 3 }, { silentPorts: silent }]) {
          const plain = item('running', health, published);
          const troubled = { ...plain, ...trouble };
          assert.match(containerContextValue(troubled), /\.trouble(\.published)?$/);
          assert.deepEqual(
            menusFor(containerContextValue(troubled)),
            [...menusFor(containerContextValue(plain)), 'dockside.container.whyStopped@2_look@0'].sort(),
            `${health} ${published} ${JSON.stringify(trouble)}`,
          );
        }
    // Two exits are not a loop yet; a silent port of a container that no longer runs is not shown.
    assert.doesNotMatch(containerContextValue({ ...item('running'), recentExits: 2 }), /trouble/);
    assert.doesNotMatch(containerContextValue({ ...item('exited'), silentPorts: silent }), /trouble/);
  });

  it('still opens a running container without a published port in the browser, health or not', () => {
    for (const health of [undefined, 'healthy', 'unhealthy', 'starting'] as const) {
      const menus = menusFor(containerContextValue(item('running', health)));
      assert.ok(
        menus.some((m) => m.startsWith('dockside.container.openInBrowser@')),
        String(health),
      );
      assert.ok(!menus.some((m) => m.startsWith('dockside.container.openPort@')), String(health));
      const published = menusFor(containerContextValue(item('running', health, true)));
      assert.ok(!published.some((m) => m.startsWith('dockside.container.openInBrowser@')), String(health));
      assert.ok(
        published.some((m) => m.startsWith('dockside.container.openPort@')),
        String(health),
      );
    }
  });
});

describe('doctor in the explorer: trouble a running container is in', () => {
  const running = { ...toContainer(raw({ State: 'running' })), health: 'starting' as const };
  const silent = (why: 'loopback-only' | 'other-ports' | 'nothing-listens') => [
    { containerPort: 80, hostPort: 5050, why },
    { containerPort: 443, hostPort: 5443, why },
  ];

  it('shows a restart loop before the health check that restarts with it', () => {
    const loop = { ...running, recentExits: 4 };
    assert.deepEqual(stateLook(loop), {
      icon: 'sync',
      color: 'charts.orange',
      words: 'running, but it stopped 4 times in 10 minutes',
    });
    assert.equal(inTrouble(loop), true);
    assert.equal(troubleWords(loop), 'keeps restarting (it stopped 4 times in 10 minutes)');
    assert.equal(inTrouble({ ...running, recentExits: 2 }), false);
    assert.equal(stateLook({ ...running, recentExits: 2 }).words, 'running, health check starting');
  });

  it('names the first silent port in the row and each one, with why, in the tooltip', () => {
    const c = { ...running, health: undefined, silentPorts: silent('other-ports') };
    assert.equal(stateLook(c).words, 'running, port 5050 does not answer (and 1 more)');
    assert.equal(troubleWords(c), 'runs, but its published port 5050 does not answer');
    assert.equal(inTrouble(c), true);
    const tip = containerTooltip(c).replace(/\\/g, '');
    assert.match(tip, /host port 5050 leads to container port 80, where nothing listens: the program listens on other/);
    assert.match(tip, /host port 5443 leads to container port 443/);
    assert.match(containerTooltip({ ...c, silentPorts: silent('nothing-listens') }), /no program listens on any TCP/);
    const stopped = { ...c, state: 'exited' as const, exitCode: 0 };
    assert.equal(stateLook(stopped).words, 'exited (code 0)');
    assert.equal(inTrouble(stopped), false);
    assert.doesNotMatch(containerTooltip(stopped), /Does not answer/);
  });
});

describe('doctor: a restart loop caught between two runs', () => {
  // A container with `restart: always` whose command exits 3, inspected while it runs again (dockerd 20.10).
  const evidence = (restarts: number, exitCode: string): Evidence => ({
    container: {
      Id: 'loop',
      Name: '/loop',
      RestartCount: restarts,
      State: { Status: 'running', Running: true, ExitCode: 0, Pid: 4242, StartedAt: '2026-12-01T06:50:03Z' },
      Config: { Cmd: ['sh', '-c', 'echo boom; exit 3'] },
      HostConfig: { RestartPolicy: { Name: 'always' } },
    },
    engine: { os: 'linux', arch: 'amd64' },
    logTail: ['boom', 'boom', 'boom', 'boom'],
    logCut: false,
    events: [
      { Type: 'container', Action: 'start', Actor: { ID: 'loop', Attributes: {} } },
      { Type: 'container', Action: 'die', Actor: { ID: 'loop', Attributes: { exitCode: exitCode } } },
      { Type: 'container', Action: 'start', Actor: { ID: 'loop', Attributes: {} } },
    ],
  });

  it('diagnoses the last exit the events remember, as a loop', () => {
    const d = diagnose(evidence(4, '3'), { notes: [] });
    assert.equal(d.cause, 'exit-error');
    assert.equal(d.trouble, true);
    assert.ok(d.facts.some((f) => f.label === 'Last exit code' && f.value === '3'));
    assert.ok(d.facts.some((f) => f.label === 'Restarts'));
  });

  it('leaves a container alone that restarted long ago after a clean exit, or only once or twice', () => {
    assert.equal(diagnose(evidence(4, '0'), { notes: [] }).cause, 'no-trouble');
    assert.equal(diagnose(evidence(1, '3'), { notes: [] }).cause, 'no-trouble');
  });
});
