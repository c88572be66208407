import type { DockerModel } from './model';

/** Context keys the walkthrough's steps complete on; each is set once, from what the engine's events show. */
export const WALKTHROUGH_KEYS = {
  built: 'dockside.walkthrough.built',
  multiStageBuilt: 'dockside.walkthrough.multiStageBuilt',
  publishedRunning: 'dockside.walkthrough.publishedRunning',
  volumeUsed: 'dockside.walkthrough.volumeUsed',
  networkShared: 'dockside.walkthrough.networkShared',
  composeRunning: 'dockside.walkthrough.composeRunning',
} as const;

const BUILT_IN_NETWORKS = new Set(['bridge', 'host', 'none']);

/** Which walkthrough steps the engine's current state completes. Pure. */
export function completedWalkthroughSteps(model: Pick<DockerModel, 'containers'>): (keyof typeof WALKTHROUGH_KEYS)[] {
  const running = [...model.containers.values()].filter((c) => c.state === 'running');
  const out: (keyof typeof WALKTHROUGH_KEYS)[] = [];
  if (running.some((c) => c.ports.some((p) => p.hostPort))) out.push('publishedRunning');
  if (running.some((c) => c.mounts.some((m) => m.type === 'volume' && m.name && !/^[0-9a-f]{64}$/.test(m.name))))
    out.push('volumeUsed');
  const perNetwork = new Map<string, number>();
  for (const c of running)
    for (const n of c.networks) if (!BUILT_IN_NETWORKS.has(n)) perNetwork.set(n, (perNetwork.get(n) ?? 0) + 1);
  if ([...perNetwork.values()].some((n) => n >= 2)) out.push('networkShared');
  const perProject = new Map<string, number>();
  for (const c of running)
    if (c.composeProject) perProject.set(c.composeProject, (perProject.get(c.composeProject) ?? 0) + 1);
  if ([...perProject.values()].some((n) => n >= 2)) out.push('composeRunning');
  return out;
}
