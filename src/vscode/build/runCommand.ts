import * as fs from 'node:fs';
import { isLocalEngine } from '../../docker/engineAddress';
import { shortId } from '../../docker/present';
import * as net from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CommandTable } from '../../commands';
import type { Ctx } from '../../ctx';
import { parseDotEnv } from '../../language/compose/dotEnv';
import { maskSecrets } from '../../language/secrets';
import { composeService, createBody, runCommandLine, splitWords, type RunSpec } from '../../docker/runSpec';
import type { DockerSession } from '../explorer/dockerSession';
import type { DockerNode } from '../explorer/trees';
import { actionError } from '../../docker/actionError';

/** Whether nothing on this machine listens on the port yet (only meaningful for a local engine). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

const list = (text: string | undefined) =>
  (text ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * "Dockside: Run Image": a short guided flow (name, ports suggested from EXPOSE and checked to be free, environment,
 * volumes, network, restart policy, command), then the equivalent `docker run` and compose service are shown
 * before anything starts.
 */
export function registerRun(ctx: Ctx, session: DockerSession): CommandTable {
  const run = async (arg?: DockerNode | string) => {
    const docker = await session.ready('run');
    if (!docker) return;
    const { model, api } = docker;
    let image = typeof arg === 'string' ? arg : arg?.kind === 'image' ? (arg.item.tags[0] ?? arg.item.id) : undefined;
    if (!image) {
      const pick = await vscode.window.showQuickPick(
        [...model.images.values()]
          .sort((a, b) => b.created - a.created)
          // Every tag: one image can carry several names (app:1.4 and app:latest), and people look for theirs.
          .flatMap(({ tags }) => tags.map((label) => ({ label }))),
        { title: 'Run Image', placeHolder: 'Which image?' },
      );
      image = pick?.label;
    }
    if (!image) return;
    const step = (n: number, what: string) => `Run ${image} (${n}/6): ${what}`;
    const inspect = (await api.inspect('image', image).catch(() => undefined)) as
      { Config?: { ExposedPorts?: Record<string, unknown> | null } } | undefined;
    const exposed = Object.keys(inspect?.Config?.ExposedPorts ?? {});
    const local = isLocalEngine(session.target()?.address);
    const suggestions: string[] = [];
    for (const e of exposed) {
      const [port, proto] = e.split('/');
      let host = Number(port) < 1024 ? 8000 + Number(port) : Number(port);
      while (local && !(await portFree(host)) && host < 65535) host++;
      suggestions.push(`${host}:${port}${proto && proto !== 'tcp' ? `/${proto}` : ''}`);
    }

    const name = await vscode.window.showInputBox({
      title: step(1, 'container name'),
      prompt: 'Leave empty for a generated name',
      validateInput: (v) =>
        v === '' || /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(v)
          ? undefined
          : 'Letters, digits, _ . - (starting with a letter or digit).',
    });
    if (name === undefined) return;
    const ports = await vscode.window.showInputBox({
      title: step(2, 'published ports'),
      prompt: exposed.length
        ? `HOST:CONTAINER pairs. The image EXPOSEs ${exposed.join(', ')}; EXPOSE alone publishes nothing.`
        : 'HOST:CONTAINER pairs, e.g. 8080:80 (the image EXPOSEs nothing)',
      value: suggestions.join(' '),
      validateInput: async (v) => {
        for (const p of list(v)) {
          const hostPort = /^(?:\[?[^\]]*\]?:)?(\d+):\d+/.exec(
            p.includes('.') || p.startsWith('[') ? p.replace(/^[^:]+:|^\[[^\]]+\]:/, '') : p,
          )?.[1];
          if (!/^(\[[0-9a-f:]+\]:|\d+\.\d+\.\d+\.\d+:)?\d+(-\d+)?(:\d+(-\d+)?)?(\/(tcp|udp|sctp))?$/.test(p))
            return `"${p}" is not HOST:CONTAINER.`;
          if (local && hostPort && !(await portFree(Number(hostPort))))
            return `Host port ${hostPort} is already in use on this machine.`;
        }
        return undefined;
      },
    });
    if (ports === undefined) return;
    const env = await vscode.window.showInputBox({
      title: step(3, 'environment'),
      prompt: 'KEY=value pairs, or @path/to/file.env to read an env file',
      placeHolder: 'MODE=production  or  @.env',
    });
    if (env === undefined) return;
    const volumes = await vscode.window.showInputBox({
      title: step(4, 'volumes'),
      prompt: 'name:/path for a named volume, ./folder:/path for a bind mount; add :ro for read-only',
      placeHolder: 'data:/var/lib/app',
    });
    if (volumes === undefined) return;
    const networks = [...model.networks.values()].map((n) => n.name).sort();
    const network = await vscode.window.showQuickPick(
      [
        { label: 'bridge', description: 'the default' },
        ...networks
          .filter((n) => n !== 'bridge')
          .map((n) => ({
            label: n,
            description:
              n === 'host'
                ? 'no isolation, no port mapping'
                : n === 'none'
                  ? 'no network'
                  : 'user-defined: containers reach each other by name',
          })),
      ],
      { title: step(5, 'network') },
    );
    if (!network) return;
    const restart = await vscode.window.showQuickPick(
      [
        { label: 'no', description: 'the default: stays stopped' },
        { label: 'unless-stopped', description: 'restarts unless you stopped it' },
        { label: 'always', description: 'always restarts' },
        { label: 'on-failure', description: 'restarts after a non-zero exit' },
      ],
      { title: step(6, 'restart policy') },
    );
    if (!restart) return;
    const command = await vscode.window.showInputBox({
      title: `Run ${image}: command`,
      prompt: "Replace the image's CMD (leave empty to keep it)",
    });
    if (command === undefined) return;

    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
    const envWords = list(env);
    const envFile = envWords.find((w) => w.startsWith('@'))?.slice(1);
    const spec: RunSpec = {
      image,
      ...(name ? { name } : {}),
      ports: list(ports),
      env: envWords.filter((w) => !w.startsWith('@')),
      ...(envFile ? { envFile } : {}),
      volumes: list(volumes),
      ...(network.label !== 'bridge' ? { network: network.label } : {}),
      restart: restart.label as RunSpec['restart'],
      ...(command.trim() ? { command: splitWords(command) } : {}),
      detach: true,
    };
    const cli = runCommandLine(spec);
    // Secret values typed above are the user's own, but a modal can be screen-shared and a log is kept: mask both.
    const go = await vscode.window.showInformationMessage(
      `Run ${image}?`,
      {
        modal: true,
        detail: maskSecrets(`The same as:\n\n${cli}\n\nOr in a compose file:\n\n${composeService(spec)}`),
      },
      'Run',
      'Copy Command',
    );
    if (go === 'Copy Command') return void vscode.env.clipboard.writeText(cli);
    if (go !== 'Run') return;
    let envFromFile: string[] = [];
    if (envFile) {
      try {
        envFromFile = [...parseDotEnv(fs.readFileSync(path.resolve(folder, envFile), 'utf8'))].map(
          ([k, v]) => `${k}=${v}`,
        );
      } catch {
        return void vscode.window.showErrorMessage(`The env file "${envFile}" could not be read.`);
      }
    }
    // The engine needs absolute paths for bind mounts.
    const resolved = {
      ...spec,
      volumes: spec.volumes.map((v) => {
        if (!/^\.{1,2}\//.test(v)) return v;
        const [hostPath = ''] = v.split(':');
        return path.resolve(folder, hostPath) + v.slice(v.indexOf(':'));
      }),
    };
    try {
      const id = await api.runContainer(createBody(resolved, envFromFile), spec.name);
      ctx.log.info(`Started ${spec.name ?? shortId(id)}: ${maskSecrets(cli)}`);
      const published = spec.ports.map((p) => /^(?:.*:)?(\d+):\d+/.exec(p)?.[1]).filter(Boolean);
      const open = await vscode.window.showInformationMessage(
        `Started ${spec.name ?? shortId(id)}.`,
        ...(published.length ? [`Open localhost:${published[0]}`] : []),
      );
      if (open) await vscode.env.openExternal(vscode.Uri.parse(`http://localhost:${published[0]}/`));
    } catch (err) {
      void vscode.window.showErrorMessage(actionError(err, `Running ${image}`));
    }
  };
  return { 'dockside.runImage': run };
}
