import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { CommandTable } from '../../commands';
import type { Ctx } from '../../ctx';
import { composeInvocation, projectFromLabels } from '../../docker/composeCli';
import { commandWorks, findCompose, NO_DOCKER_CLI } from '../../docker/composeProcess';
import { engineAddressUrl, publishedHost } from '../../docker/engineAddress';
import { actionError } from '../../docker/actionError';
import { EngineError, unsupportedByEngine } from '../../docker/engineApi';
import { discoverEngines, pingEngine, type EngineChoice, type PingResult } from '../../docker/engineDiscovery';
import { cliProgram, hostPlatform } from '../../docker/hostPlatform';
import { followContainerLog } from './containerLogTerminal';
import { explainUnpublished } from './containerReachPrompt';
import { formatBytes, prunePreview, shortId, type PrunePreview } from '../../docker/present';
import type { ContainerItem } from '../../docker/types';
import { PING_TIMEOUT_MS, type DockerSession } from './dockerSession';
import type { DockerNode } from './trees';

type ContainerAction = 'start' | 'stop' | 'restart' | 'pause' | 'unpause';
const PAST: Record<ContainerAction, string> = {
  start: 'Started',
  stop: 'Stopped',
  restart: 'Restarted',
  pause: 'Paused',
  unpause: 'Resumed',
};

/** The containers a command applies to: the clicked node, or every selected one (multi-select). */
function containersOf(node: DockerNode | undefined, selected: DockerNode[] | undefined): ContainerItem[] {
  const nodes = selected?.length ? selected : node ? [node] : [];
  return nodes.flatMap((n) =>
    n.kind === 'container' ? [n.item] : n.kind === 'project' || n.kind === 'service' ? n.containers : [],
  );
}

/** The explorer's actions, as a command table (registered by src/commands.ts), plus the inspect documents. */
export function dockerActionCommands(ctx: Ctx, session: DockerSession): CommandTable {
  // The first action in a fresh window waits for the first connection instead of failing (dockerSession.ts).
  const api = async () => {
    await session.settle();
    const why = session.whyNotConnected();
    if (why) throw new Error(why);
    return session.api()!;
  };
  // An action the engine does not offer is not a failure of this object: said as a warning, with the reason.
  const report = (err: unknown, what: string) =>
    void (unsupportedByEngine(err) ? vscode.window.showWarningMessage : vscode.window.showErrorMessage)(
      actionError(err, what),
    );

  const containerAction = (action: ContainerAction) => async (node?: DockerNode, selected?: DockerNode[]) => {
    const targets = containersOf(node, selected);
    if (!targets.length) return;
    await vscode.window.withProgress(
      { location: { viewId: 'dockside.containers' }, title: `${action} ${targets.length} container(s)` },
      async () => {
        await Promise.all(
          targets.map(async (c) => {
            try {
              await (await api()).containerAction(c.id, action);
            } catch (err) {
              report(err, `Container "${c.name}"`);
            }
          }),
        );
      },
    );
    ctx.log.info(`${PAST[action]} ${targets.map((c) => c.name).join(', ')}`);
  };

  const removeContainers = async (node?: DockerNode, selected?: DockerNode[]) => {
    const targets = containersOf(node, selected);
    if (!targets.length) return;
    const running = targets.filter((c) => c.state === 'running' || c.state === 'paused' || c.state === 'restarting');
    const names = targets.map((c) => `"${c.name}"`).join(', ');
    const detail = running.length
      ? `${running.map((c) => c.name).join(', ')} ${running.length > 1 ? 'are' : 'is'} running: ` +
        `Force Remove stops ${running.length > 1 ? 'them' : 'it'} first. Named volumes are kept.`
      : 'Named volumes are kept.';
    const choice = await vscode.window.showWarningMessage(
      `Remove ${targets.length > 1 ? `${targets.length} containers` : 'container'} ${names}?`,
      { modal: true, detail },
      ...(running.length ? ['Force Remove'] : ['Remove']),
    );
    if (!choice) return;
    await vscode.window.withProgress({ location: { viewId: 'dockside.containers' } }, () =>
      Promise.all(
        targets.map(async (c) => {
          try {
            await (await api()).removeContainer(c.id, { force: choice === 'Force Remove' });
          } catch (err) {
            report(err, `Container "${c.name}"`);
          }
        }),
      ),
    );
  };

  /** Follows a container's log in a terminal, across restarts; closing the terminal stops following. */
  const showLogs = (timestamps: boolean) => async (node?: DockerNode) => {
    const c = containersOf(node, undefined)[0];
    if (!c) return;
    const write = new vscode.EventEmitter<string>();
    const close = new vscode.EventEmitter<number | void>();
    let subscription: { ready: Promise<void>; close(): void } | undefined;
    const pty: vscode.Pseudoterminal = {
      onDidWrite: write.event,
      onDidClose: close.event,
      open: () => {
        write.fire(
          `\x1b[2mFollowing the log of ${c.name}${timestamps ? ' (with timestamps)' : ''}. ` +
            'Close this terminal to stop.\x1b[0m\r\n',
        );
        // Closing the terminal before the engine answers still closes the streams when they arrive.
        subscription = followContainerLog(api, c.id, timestamps, write);
        subscription.ready.catch((err) =>
          write.fire(`\x1b[31m${actionError(err, `Container "${c.name}"`)}\x1b[0m\r\n`),
        );
      },
      close: () => subscription?.close(),
    };
    vscode.window.createTerminal({ name: `Logs: ${c.name}`, pty, iconPath: new vscode.ThemeIcon('output') }).show();
  };

  const openShell = async (node?: DockerNode) => {
    const c = containersOf(node, undefined)[0];
    if (!c) return;
    if (c.state !== 'running') {
      void vscode.window.showWarningMessage(`"${c.name}" is not running; start it to open a shell.`);
      return;
    }
    const cli = await commandWorks('docker', ['--version'], {});
    if (cli !== 'works') {
      void vscode.window.showErrorMessage(
        cli === 'missing'
          ? `Opening a shell needs the docker command-line client. ${NO_DOCKER_CLI}`
          : 'Opening a shell needs the docker command-line client, and "docker --version" fails: reinstall it.',
      );
      return;
    }
    // An argument vector: the id is one argument, nothing from the engine is parsed by a shell.
    const probe = 'if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi';
    vscode.window
      .createTerminal({
        name: `Shell: ${c.name}`,
        shellPath: cliProgram('docker'),
        shellArgs: ['exec', '-it', c.id, 'sh', '-c', probe],
        env: session.cliEnv(),
        iconPath: new vscode.ThemeIcon('terminal'),
      })
      .show();
  };

  const inspect = async (node?: DockerNode) => {
    if (!node) return;
    const [kind, id, name] =
      node.kind === 'container'
        ? (['container', node.item.id, node.item.name] as const)
        : node.kind === 'image'
          ? (['image', node.item.id, node.item.tags[0] ?? shortId(node.item.id)] as const)
          : node.kind === 'volume'
            ? (['volume', node.item.name, node.item.name] as const)
            : node.kind === 'network'
              ? (['network', node.item.id, node.item.name] as const)
              : [];
    if (!kind) return;
    const uri = vscode.Uri.from({
      scheme: INSPECT_SCHEME,
      path: `/${kind}/${encodeURIComponent(name)}.json`,
      query: id,
    });
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'json');
    await vscode.window.showTextDocument(doc, { preview: true });
  };

  const openPort = async (node?: DockerNode) => {
    const c = containersOf(node, undefined)[0];
    const published = c?.ports.filter((p) => p.hostPort) ?? [];
    if (!c || !published.length) {
      if (c) await explainUnpublished(session, await api(), c);
      return;
    }
    const unique = [...new Map(published.map((p) => [p.hostPort, p])).values()];
    const pick =
      unique.length === 1
        ? unique[0]
        : (
            await vscode.window.showQuickPick(
              unique.map((p) => ({ label: `${p.hostPort}`, description: `→ ${p.containerPort}/${p.protocol}`, p })),
              { placeHolder: 'Which published port?' },
            )
          )?.p;
    if (!pick) return;
    const engineHost = publishedHost(session.target()?.address);
    const host =
      pick.hostIp && !['0.0.0.0', '::', ''].includes(pick.hostIp)
        ? pick.hostIp.includes(':')
          ? `[${pick.hostIp}]`
          : pick.hostIp
        : engineHost;
    await vscode.env.openExternal(vscode.Uri.parse(`http://${host}:${pick.hostPort}/`));
  };

  const removeImage = async (node?: DockerNode, selected?: DockerNode[]) => {
    const images = (selected?.length ? selected : node ? [node] : []).flatMap((n) =>
      n.kind === 'image' ? [n.item] : [],
    );
    if (!images.length) return;
    const label = images.map((i) => `"${i.tags[0] ?? shortId(i.id)}"`).join(', ');
    if (
      (await vscode.window.showWarningMessage(
        `Remove image ${label}?`,
        { modal: true, detail: 'Layers shared with other images stay.' },
        'Remove',
      )) !== 'Remove'
    )
      return;
    for (const image of images) {
      const name = image.tags[0] ?? shortId(image.id);
      try {
        await (await api()).removeImage(image.tags.length > 1 ? name : image.id, {});
      } catch (err) {
        if (err instanceof EngineError && err.statusCode === 409) {
          const users =
            session
              .model()
              ?.containersUsingImage(image.id)
              .map((c) => c.name) ?? [];
          const force = await vscode.window.showWarningMessage(
            `Image "${name}" is in use${users.length ? ` by ${users.join(', ')}` : ''}` +
              `${/multiple repositories|referenced in multiple/.test(err.message) ? ' or has several tags' : ''}.`,
            {
              modal: true,
              detail:
                `${err.message}\n\nRemove those containers first, or force: ` +
                'forcing only removes the tag while a container still uses the image.',
            },
            'Force Remove',
          );
          if (force)
            await (await api()).removeImage(image.id, { force: true }).catch((e) => report(e, `Image "${name}"`));
        } else report(err, `Image "${name}"`);
      }
    }
  };

  const removeSimple = (kind: 'volume' | 'network') => async (node?: DockerNode) => {
    if (node?.kind !== kind) return;
    const name = node.item.name;
    const detail = kind === 'volume' ? 'The data in it is deleted for good.' : 'Containers can no longer join it.';
    if (
      (await vscode.window.showWarningMessage(`Remove ${kind} "${name}"?`, { modal: true, detail }, 'Remove')) !==
      'Remove'
    )
      return;
    try {
      if (node.kind === 'volume') await (await api()).removeVolume(node.item.name);
      else await (await api()).removeNetwork(node.item.id);
    } catch (err) {
      report(err, `The ${kind} "${name}"`);
    }
  };

  const prune = async (kind?: PrunePreview['kind']) => {
    const model = (await session.ready('prune'))?.model;
    if (!model) return;
    const chosen =
      kind ??
      (
        await vscode.window.showQuickPick(
          (['containers', 'images', 'volumes', 'networks'] as const).map((k) => {
            const p = prunePreview(k, model);
            return {
              label: `Prune ${k}`,
              description: `${p.items.length} to remove${p.bytes ? `, ${formatBytes(p.bytes)} back` : ''}`,
              k,
            };
          }),
          { placeHolder: 'What should go?' },
        )
      )?.k;
    if (!chosen) return;
    const preview = prunePreview(chosen, model);
    if (!preview.items.length)
      return void vscode.window.showInformationMessage(
        `Nothing to prune: no ${
          chosen === 'containers' ? 'stopped containers' : chosen === 'images' ? 'dangling images' : `unused ${chosen}`
        }.`,
      );
    const list =
      preview.items.slice(0, 15).join('\n') +
      (preview.items.length > 15 ? `\n…and ${preview.items.length - 15} more` : '');
    const what =
      chosen === 'containers' ? 'stopped containers' : chosen === 'images' ? 'dangling images' : `unused ${chosen}`;
    const ok = await vscode.window.showWarningMessage(
      `Remove ${preview.items.length} ${what}${preview.bytes ? ` (${formatBytes(preview.bytes)})` : ''}?`,
      {
        modal: true,
        detail: `${list}${chosen === 'volumes' ? '\n\nThe data in these volumes is deleted for good.' : ''}`,
      },
      'Prune',
    );
    if (ok !== 'Prune') return;
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Pruning ${what}…` },
      async () => {
        try {
          const result = await (await api()).prune(chosen);
          void vscode.window.showInformationMessage(
            `Removed ${result.deleted.length} ${what}` +
              `${result.spaceReclaimed ? `, ${formatBytes(result.spaceReclaimed)} reclaimed` : ''}.`,
          );
        } catch (err) {
          report(err, `Pruning ${what}`);
        }
      },
    );
  };

  const compose = (verb: 'up' | 'down' | 'restart') => async (node?: DockerNode) => {
    if (node?.kind !== 'project') return;
    const env = session.cliEnv();
    const program = await findCompose(env);
    if (typeof program === 'object') return void vscode.window.showErrorMessage(program.missing);
    const { files, workingDir } = projectFromLabels(node.containers[0]?.labels ?? {});
    // The folder Compose ran in, as the engine recorded it: on another machine (a remote engine, WSL) it is not here,
    // and a terminal asked to start in a missing folder does not start at all.
    const cwd = workingDir && fs.existsSync(workingDir) ? workingDir : undefined;
    if (
      verb === 'down' &&
      (await vscode.window.showWarningMessage(
        `Stop and remove the containers and networks of "${node.project}"?`,
        { modal: true, detail: 'Named volumes are kept.' },
        'Down',
      )) !== 'Down'
    )
      return;
    const run = composeInvocation(program, node.project, files, verb);
    const terminal = vscode.window.createTerminal({
      name: `Compose ${verb}: ${node.project}`,
      shellPath: cliProgram(run.command),
      shellArgs: run.args,
      env,
      ...(cwd ? { cwd } : {}),
      iconPath: new vscode.ThemeIcon('layers'),
    });
    terminal.show();
  };

  /**
   * Every engine Dockside can find (the CLI's contexts, Docker Desktop, Colima, OrbStack, Rancher Desktop, rootless
   * Docker), each labelled with its product and checked with a ping, which updates its line as it answers.
   */
  const chooseEngine = async () => {
    type Item = vscode.QuickPickItem & { choice?: EngineChoice; apply?: () => Thenable<void> | void };
    const platform = hostPlatform();
    const current = session.target();
    const choices = discoverEngines({ platform });
    const pings = new Map<EngineChoice, PingResult>();
    const state = (c: EngineChoice) => {
      const ping = pings.get(c);
      if (c.problem) return `$(error) ${c.problem}`;
      if (!ping) return '$(loading~spin) checking…';
      if (ping.ok) return `$(pass) answers${ping.server ? ` (${ping.server})` : ''}`;
      return `$(${ping.unchecked ? 'question' : 'warning'}) ${ping.reason}`;
    };
    const others: Item[] = [
      {
        label: '$(edit) Enter an address…',
        description: 'unix://, npipe://, tcp:// or ssh://',
        apply: async () => {
          const value = await vscode.window.showInputBox({
            prompt: 'Docker engine address',
            placeHolder: 'tcp://127.0.0.1:2375',
            value: current ? engineAddressUrl(current.address) : undefined,
          });
          if (value !== undefined) await setEngine(value.trim(), '');
        },
      },
      { label: '$(discard) Use DOCKER_HOST or the current Docker context', apply: () => setEngine('', '') },
    ];
    const picker = vscode.window.createQuickPick<Item>();
    picker.placeholder = `Now: ${current?.label ?? 'none'} (${current?.source ?? ''})`;
    picker.matchOnDescription = true;
    picker.matchOnDetail = true;
    let open = true;
    const render = () => {
      if (!open) return;
      const active = picker.activeItems[0];
      // A pipe that is not there is left out; contexts stay, with what is wrong with them.
      const shown = choices.filter((c) => c.context || !(pings.get(c) as { absent?: boolean } | undefined)?.absent);
      picker.items = [
        ...shown.map((c) => ({
          label: `$(server-environment) ${c.label}`,
          description: `${c.url}${c.current ? ' · current context' : ''}`,
          detail: [c.description, state(c)].filter(Boolean).join(' · '),
          choice: c,
        })),
        ...others,
      ];
      const again = picker.items.find((i) => (active?.choice ? i.choice === active.choice : i.label === active?.label));
      if (again) picker.activeItems = [again];
    };
    picker.busy = true;
    render();
    void Promise.all(
      choices.map(async (c) => {
        if (!c.address || c.problem) return;
        pings.set(c, await pingEngine(c.address, PING_TIMEOUT_MS, platform));
        render();
      }),
    ).then(() => {
      if (open) picker.busy = false;
    });
    const pick = await new Promise<Item | undefined>((resolve) => {
      picker.onDidAccept(() => resolve(picker.selectedItems[0]));
      picker.onDidHide(() => resolve(undefined));
      picker.show();
    });
    open = false;
    picker.dispose();
    if (!pick?.choice) return pick?.apply?.();
    const c = pick.choice;
    if (c.problem) return void vscode.window.showErrorMessage(`${c.label} cannot be used: ${c.problem}`);
    const ping = pings.get(c);
    if (ping && !ping.ok && !ping.unchecked) {
      const anyway = await vscode.window.showWarningMessage(
        `${c.label} does not answer.`,
        { modal: true, detail: `${ping.reason}\n\nUse it anyway? Dockside keeps trying until it answers.` },
        'Use Anyway',
      );
      if (anyway !== 'Use Anyway') return;
    }
    await setEngine(c.context ? '' : c.url, c.context ?? '');
  };
  const setEngine = (host: string, context: string) => session.useEngine(host, context);

  const copy = (what: 'id' | 'name') => async (node?: DockerNode) => {
    const text =
      node?.kind === 'container'
        ? what === 'id'
          ? node.item.id
          : node.item.name
        : node?.kind === 'image'
          ? what === 'id'
            ? node.item.id
            : (node.item.tags[0] ?? node.item.id)
          : node?.kind === 'volume'
            ? node.item.name
            : node?.kind === 'network'
              ? what === 'id'
                ? node.item.id
                : node.item.name
              : undefined;
    if (text) await vscode.env.clipboard.writeText(text);
  };

  ctx.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(INSPECT_SCHEME, {
      async provideTextDocumentContent(uri) {
        const kind = uri.path.split('/')[1] as 'container' | 'image' | 'volume' | 'network';
        try {
          return JSON.stringify(await (await api()).inspect(kind, uri.query), null, 2);
        } catch (err) {
          return JSON.stringify({ error: actionError(err, `This ${kind}`) }, null, 2);
        }
      },
    }),
  );
  return {
    'dockside.container.start': containerAction('start'),
    'dockside.container.stop': containerAction('stop'),
    'dockside.container.restart': containerAction('restart'),
    'dockside.container.pause': containerAction('pause'),
    'dockside.container.unpause': containerAction('unpause'),
    'dockside.container.remove': removeContainers,
    'dockside.container.logs': showLogs(false),
    'dockside.container.logsWithTimestamps': showLogs(true),
    'dockside.container.shell': openShell,
    'dockside.container.openPort': openPort,
    'dockside.container.openInBrowser': openPort,
    'dockside.inspect': inspect,
    'dockside.copyId': copy('id'),
    'dockside.copyName': copy('name'),
    'dockside.image.remove': removeImage,
    'dockside.volume.remove': removeSimple('volume'),
    'dockside.network.remove': removeSimple('network'),
    'dockside.prune': () => prune(),
    'dockside.compose.up': compose('up'),
    'dockside.compose.down': compose('down'),
    'dockside.compose.restart': compose('restart'),
    'dockside.engine.choose': chooseEngine,
    'dockside.engine.retry': () => session.model()?.retryNow(),
  };
}

/** Inspect output opens as a read-only document under this scheme. */
export const INSPECT_SCHEME = 'dockside-inspect';
