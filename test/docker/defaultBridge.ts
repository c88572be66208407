import * as fs from 'node:fs';
import type { TestEngine } from '../support/dockerEngine';
import { isRoot, run } from '../support/system';

/**
 * A build's RUN steps join the engine's default bridge. A suite that starts a second engine with --bridge=none makes
 * that dockerd delete the host's bridge interface, which the first engine still uses; without it every RUN fails.
 * When that happened (and as root), the interface is made again with the address the engine gave it.
 */
export async function ensureDefaultBridge(engine: TestEngine): Promise<void> {
  // An engine started without a default bridge has no such network: nothing to make again.
  const network = (await engine.docker
    .getNetwork('bridge')
    .inspect()
    .catch(() => undefined)) as
    { Options?: Record<string, string>; IPAM?: { Config?: { Subnet?: string; Gateway?: string }[] } } | undefined;
  if (!network) return;
  const name = network.Options?.['com.docker.network.bridge.name'] ?? 'docker0';
  const subnet = network.IPAM?.Config?.[0]?.Subnet;
  if (fs.existsSync(`/sys/class/net/${name}`) || !subnet || !isRoot) return;
  const [base = '', bits] = subnet.split('/');
  const gateway = network.IPAM?.Config?.[0]?.Gateway ?? base.replace(/\.0$/, '.1');
  console.warn(
    `    note: the engine's bridge ${name} is gone (an engine with --bridge=none removed it); making it again`,
  );
  await run('ip', ['link', 'add', 'name', name, 'type', 'bridge']);
  await run('ip', ['addr', 'add', `${gateway}/${bits}`, 'dev', name]);
  await run('ip', ['link', 'set', name, 'up']);
}
