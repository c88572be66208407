import * as vscode from 'vscode';
import { reachAdvice } from '../../docker/containerReach';
import { isLocalEngine } from '../../docker/engineAddress';
import type { EngineApi } from '../../docker/engineApi';
import type { ContainerItem } from '../../docker/types';
import type { DockerSession } from './dockerSession';

interface Inspected {
  Config?: { ExposedPorts?: Record<string, unknown> | null };
  NetworkSettings?: { Networks?: Record<string, { IPAddress?: string }> | null };
}

/**
 * "Open in Browser" for a container that publishes no port: says why the host cannot reach it, offers its own
 * address where that works (Linux, engine on this machine, bridge network), and the run flag and compose lines
 * that publish the port, to copy.
 */
export async function explainUnpublished(session: DockerSession, api: EngineApi, c: ContainerItem): Promise<void> {
  const info = (await api.inspect('container', c.id)) as Inspected;
  const exposed = Object.keys(info.Config?.ExposedPorts ?? {}).map((k) => {
    const [port, protocol] = k.split('/');
    return { containerPort: Number(port), protocol: protocol ?? 'tcp' };
  });
  const ports = [...c.ports.map((p) => ({ containerPort: p.containerPort, protocol: p.protocol })), ...exposed].filter(
    (p, i, all) =>
      Number.isInteger(p.containerPort) &&
      all.findIndex((q) => q.containerPort === p.containerPort && q.protocol === p.protocol) === i,
  );
  const model = session.model();
  const address = session.target()?.address;
  const desktopVm = address?.kind === 'unix' && /[\\/]\.docker[\\/]desktop[\\/]/.test(address.socketPath);
  const advice = reachAdvice({
    name: c.name,
    image: c.image,
    ports,
    networkMode: c.networkMode,
    networks: Object.entries(info.NetworkSettings?.Networks ?? {}).map(([name, n]) => ({
      name,
      ...(model ? { driver: [...model.networks.values()].find((x) => x.name === name)?.driver } : {}),
      ...(n.IPAddress ? { ip: n.IPAddress } : {}),
    })),
    ...(c.composeService ? { composeService: c.composeService } : {}),
    platform: process.platform,
    engineLocal: isLocalEngine(address) && !desktopVm,
  });
  const copyRun = 'Copy Run Command';
  const copyCompose = 'Copy Compose Lines';
  const choice = await vscode.window.showInformationMessage(
    advice.why,
    {
      modal: true,
      detail: `To publish the port, run it again with:\n${advice.runCommand}\n\nor in compose:\n${advice.composePorts}`,
    },
    ...advice.urls.map((u) => `Open ${u.url}`),
    copyRun,
    copyCompose,
  );
  if (!choice) return;
  if (choice === copyRun) return vscode.env.clipboard.writeText(advice.runCommand);
  if (choice === copyCompose) return vscode.env.clipboard.writeText(advice.composePorts);
  const url = advice.urls.find((u) => choice === `Open ${u.url}`)?.url;
  if (url) await vscode.env.openExternal(vscode.Uri.parse(url));
}
