import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { projectForFiles } from '../docker/composeCli';
import { publishedHost } from '../docker/engineAddress';
import { httpAttempts, waitForHttp, webPorts, type WebPort } from '../docker/httpProbe';
import type { DockerModel } from '../docker/model';
import type { ContainerItem } from '../docker/types';
import type { Explorer } from './explorer';

/** How often a published port is asked whether it answers HTTP yet. */
const PROBE_INTERVAL_MS = 500;
/** How long Up waits for the model to show the project's containers (their events arrive within milliseconds). */
const SHOW_WAIT_MS = 5000;
/** How long the notification waits for health checks to pass before it reports what it sees. */
const HEALTH_WAIT_MS = 60000;

/**
 * After a successful Up: the explorer reveals the project, the notification waits for health checks, and each
 * published HTTP port gets an "Open in Browser" offer once it answers (asked until the health check's start
 * period is over, or 60 s without one).
 */
export async function afterComposeUp(ctx: Ctx, explorer: Explorer, files: string[], title: string): Promise<void> {
  const model = explorer.session.model();
  if (!model) return;
  const project = await explorer.session.until(() => projectForFiles(model.containers.values(), files), SHOW_WAIT_MS);
  if (!project) return void vscode.window.showInformationMessage(`${title}: done.`);
  const members = () => [...model.containers.values()].filter((c) => c.composeProject === project);
  void explorer.revealProject(project);
  const engineHost = publishedHost(explorer.session.target()?.address);
  // The model may show the project before all its containers: ports are looked for again as the rest arrive.
  const asked = new Set<number>();
  const askNewPorts = () => {
    for (const port of webPorts(
      members().filter((c) => c.state === 'running'),
      engineHost,
    )) {
      if (asked.has(port.hostPort)) continue;
      asked.add(port.hostPort);
      void offerBrowser(ctx, model, members, port);
    }
  };
  askNewPorts();
  const arriving = explorer.session.onDidChange(askNewPorts);
  setTimeout(() => arriving.dispose(), SHOW_WAIT_MS);

  const starting = () => members().filter((c) => c.health === 'starting');
  if (starting().length) {
    const waitingFor = (left: ContainerItem[]) => `Waiting for ${left.map(serviceName).join(', ')} to be healthy…`;
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, async (progress) => {
      progress.report({ message: waitingFor(starting()) });
      await explorer.session.until(() => {
        const left = starting();
        if (left.length) progress.report({ message: waitingFor(left) });
        return left.length === 0;
      }, HEALTH_WAIT_MS);
    });
  }
  const all = members();
  const running = all.filter((c) => c.state === 'running');
  const unhealthy = all.filter((c) => c.health === 'unhealthy' || c.health === 'starting');
  const stopped = all.filter((c) => c.state !== 'running');
  const summary = `${title}: ${running.length} of ${all.length} containers running.`;
  if (!unhealthy.length && !stopped.length) return void vscode.window.showInformationMessage(summary);
  const problems = [
    ...stopped.map(
      (c) => `${serviceName(c)} is ${c.state}${c.exitCode !== undefined ? ` (exit code ${c.exitCode})` : ''}`,
    ),
    ...unhealthy.map((c) => `${serviceName(c)} is ${c.health === 'starting' ? 'not healthy yet' : 'unhealthy'}`),
  ];
  const choice = await vscode.window.showWarningMessage(
    `${summary} ${problems.join('; ')}: its log says why.`,
    'Show Logs',
  );
  const first = stopped[0] ?? unhealthy[0];
  const [file] = files;
  if (choice && first?.composeService && file)
    await vscode.commands.executeCommand('dockside.compose.logsService', vscode.Uri.file(file), first.composeService);
}

const serviceName = (c: ContainerItem) => c.composeService ?? c.name;

/** Asks the port until it answers HTTP (bounded), then offers to open it; a port that is not HTTP is let go. */
async function offerBrowser(
  ctx: Ctx,
  model: DockerModel,
  members: () => ContainerItem[],
  port: WebPort,
): Promise<void> {
  const owner = members().find((c) => c.ports.some((p) => p.hostPort === port.hostPort));
  let startPeriodNs: number | undefined;
  try {
    const info = (owner ? await model.api.inspect('container', owner.id) : undefined) as
      { Config?: { Healthcheck?: { StartPeriod?: number } } } | undefined;
    startPeriodNs = info?.Config?.Healthcheck?.StartPeriod;
  } catch {
    // Gone already: the polling below stops at once.
  }
  const stillRunning = () => !!owner && model.containers.get(owner.id)?.state === 'running';
  const answer = await waitForHttp(port.host, port.hostPort, {
    attempts: httpAttempts(startPeriodNs, PROBE_INTERVAL_MS),
    intervalMs: PROBE_INTERVAL_MS,
    cancelled: () => !stillRunning(),
  });
  const url = `http://${port.host}:${port.hostPort}/`;
  ctx.log.info(`${port.service} on ${url}: ${answer}`);
  if (answer !== 'http') return;
  const choice = await vscode.window.showInformationMessage(`${port.service} answers at ${url}`, 'Open in Browser');
  if (choice) await vscode.env.openExternal(vscode.Uri.parse(url));
}
