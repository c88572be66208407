import { codeSpan, escapeMarkdown } from '../language/markdown';
import { maskSecrets } from '../language/secrets';
import { RESTART_LOOP_EXITS } from './model';
import type {
  ContainerItem,
  EngineVersion,
  ImageItem,
  NetworkItem,
  PortBinding,
  SilentPort,
  VolumeItem,
} from './types';

/** The 12 hex digits Docker shows for an id, with or without its `sha256:` prefix. */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

/** "3 minutes ago" for a time in seconds since the epoch. */
export function age(seconds: number, now = Date.now()): string {
  const s = Math.max(0, Math.floor(now / 1000 - seconds));
  const steps: [number, string][] = [
    [60 * 60 * 24 * 365, 'year'],
    [60 * 60 * 24 * 30, 'month'],
    [60 * 60 * 24 * 7, 'week'],
    [60 * 60 * 24, 'day'],
    [60 * 60, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of steps)
    if (s >= size) return `${Math.floor(s / size)} ${name}${Math.floor(s / size) > 1 ? 's' : ''} ago`;
  return 'just now';
}

/** `0.0.0.0:5050 → 80/tcp`, or `80/tcp (not published)`. */
export function formatPort(p: PortBinding): string {
  if (p.hostPort === undefined) return `${p.containerPort}/${p.protocol} (not published)`;
  const ip = p.hostIp?.includes(':') ? `[${p.hostIp}]` : (p.hostIp ?? '0.0.0.0');
  return `${ip}:${p.hostPort} → ${p.containerPort}/${p.protocol}`;
}

/** Published ports, shortest form, for a one-line description: `5050→80, 8443→443/udp`. */
export function shortPorts(ports: PortBinding[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const p of ports) {
    if (p.hostPort === undefined) continue;
    const text = `${p.hostPort}→${p.containerPort}${p.protocol === 'tcp' ? '' : `/${p.protocol}`}`;
    if (!seen.has(text)) out.push(text);
    seen.add(text);
  }
  return out.join(', ');
}

const shorten = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export type StateLook = { icon: string; color: string; words: string };

/** Icon (a codicon id), theme colour id and words for a container's state. */
export function stateLook(c: ContainerItem): StateLook {
  if (restartLoop(c))
    return {
      icon: 'sync',
      color: 'charts.orange',
      words: `running, but it stopped ${c.recentExits} times in 10 minutes`,
    };
  if (c.state === 'running' && c.health === 'unhealthy')
    return { icon: 'warning', color: 'list.warningForeground', words: 'running, unhealthy' };
  const silent = silentPortsOf(c);
  if (silent[0]) {
    const more = silent.length > 1 ? ` (and ${silent.length - 1} more)` : '';
    return {
      icon: 'warning',
      color: 'list.warningForeground',
      words: `running, port ${silent[0].hostPort} does not answer${more}`,
    };
  }
  if (c.state === 'running' && c.health === 'starting')
    return { icon: 'pulse', color: 'charts.yellow', words: 'running, health check starting' };
  switch (c.state) {
    case 'running':
      return {
        icon: 'vm-running',
        color: 'charts.green',
        words: c.health === 'healthy' ? 'running, healthy' : 'running',
      };
    case 'paused':
      return { icon: 'debug-pause', color: 'charts.yellow', words: 'paused' };
    case 'restarting':
      return { icon: 'sync', color: 'charts.orange', words: 'restarting' };
    case 'exited':
      if (c.oomKilled)
        return {
          icon: 'error',
          color: 'errorForeground',
          words: `out of memory, exited with code ${c.exitCode ?? 137}`,
        };
      return c.exitCode
        ? { icon: 'error', color: 'errorForeground', words: `exited with code ${c.exitCode}` }
        : { icon: 'vm-outline', color: 'disabledForeground', words: 'exited (code 0)' };
    case 'dead':
      return { icon: 'error', color: 'errorForeground', words: 'dead' };
    case 'removing':
      return { icon: 'trash', color: 'disabledForeground', words: 'being removed' };
    default:
      // The list says "created" for a container whose start failed too; the model adds what its inspect says.
      if (startFailed(c))
        return {
          icon: 'error',
          color: 'errorForeground',
          words: c.exitCode ? `failed to start, exit code ${c.exitCode}` : 'failed to start',
        };
      return { icon: 'vm-outline', color: 'disabledForeground', words: 'created, not started' };
  }
}

/** A running container that keeps stopping on its own and being started again (by its restart policy). */
export function restartLoop(c: ContainerItem): boolean {
  return c.state === 'running' && (c.recentExits ?? 0) >= RESTART_LOOP_EXITS;
}

/** The published ports nothing answers on, while the container runs (a stopped one's are not news). */
export function silentPortsOf(c: ContainerItem): SilentPort[] {
  return c.state === 'running' ? (c.silentPorts ?? []) : [];
}

/** Trouble a running container's state does not show: a restart loop, or a published port nothing answers on. */
export function troubleWhileRunning(c: ContainerItem): boolean {
  return restartLoop(c) || silentPortsOf(c).length > 0;
}

/** Why a published port does not answer, in a few words for a tooltip. */
export function silentPortWords(p: SilentPort): string {
  const start = `host port ${p.hostPort} leads to container port ${p.containerPort}, where`;
  if (p.why === 'loopback-only') return `${start} the program listens on the loopback (127.0.0.1) only`;
  if (p.why === 'other-ports') return `${start} nothing listens: the program listens on other ports`;
  return `${start} nothing listens (no program listens on any TCP port)`;
}

/** A "created" container whose start failed (its inspect has an exit code or an error). */
export function startFailed(c: ContainerItem): boolean {
  return c.state === 'created' && (!!c.exitCode || !!c.startError);
}

/**
 * The tree item's contextValue, read by the `when` clauses in package.json: `container.<state>`, then `.<health>`
 * when it has a health check (`healthy`, `unhealthy` or `starting`), then `.trouble` for a running container in
 * trouble its state does not show (a restart loop, a silent port), then `.published` when it publishes a port.
 * The state stays first (`=~ /^container\.running/`) and `.published` last (`=~ /\.published$/`).
 */
export function containerContextValue(c: ContainerItem): string {
  const health = c.health ? `.${c.health}` : '';
  const trouble = troubleWhileRunning(c) ? '.trouble' : '';
  return `container.${c.state}${health}${trouble}${c.ports.some((p) => p.hostPort) ? '.published' : ''}`;
}

/** The container's line after its name: its state in words first (the icon says it only to those who see it). */
export function containerDescription(c: ContainerItem): string {
  return [stateLook(c).words, c.image, shortPorts(c.ports)].filter(Boolean).join(' · ');
}

/** Published ports as a screen reader should say them: "host port 5050 to container port 80", no arrows. */
function spokenPorts(ports: PortBinding[]): string[] {
  const said = new Set<string>();
  for (const p of ports) {
    if (p.hostPort === undefined) continue;
    said.add(
      `host port ${p.hostPort} to container port ${p.containerPort}${p.protocol === 'tcp' ? '' : ` ${p.protocol}`}`,
    );
  }
  return [...said];
}

/** What a screen reader says for a container's row: name, state, image, published ports and compose project. */
export function containerAccessibilityLabel(c: ContainerItem): string {
  const ports = spokenPorts(c.ports);
  return [
    c.name,
    stateLook(c).words,
    `image ${c.image}`,
    ports.length ? `publishes ${ports.join(', ')}` : '',
    c.composeProject
      ? `compose project ${c.composeProject}${c.composeService ? `, service ${c.composeService}` : ''}`
      : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/** The connection view's line for a reachable engine: "connected" in words, as well as its check mark. */
export function connectedEngine(v: EngineVersion | undefined): { label: string; description: string } {
  if (!v) return { label: 'Connected', description: 'asking the engine for its version…' };
  return {
    label: `Connected: ${engineName(v)}`,
    description: `API ${v.apiVersion} · ${v.os}/${v.arch}`,
  };
}

/** "Docker 27.3.1", "Podman 4.3.1"; "Engine" while its version is still being asked for. */
export function engineName(v: EngineVersion | undefined): string {
  return v ? `${v.product ?? 'Docker'} ${v.version}` : 'Engine';
}

/** A compose project's tooltip: its name (as text, whatever it holds) and how many of its containers run. */
export function projectTooltip(project: string, running: number, total: number): string {
  return `**Compose project ${escapeMarkdown(project)}**: ${running} of ${total} containers running`;
}

/** The container's tooltip: state, image, ports, mounts, networks, uptime and (masked) environment. */
export function containerTooltip(c: ContainerItem, env?: string[]): string {
  const look = stateLook(c);
  const lines = [
    `**${escapeMarkdown(c.name)}**: ${look.words}`,
    '',
    `Image: ${codeSpan(c.image)}`,
    `Id: ${codeSpan(shortId(c.id))}`,
    `Status: ${escapeMarkdown(c.status)}`,
  ];
  if (c.startError) lines.push(`Start failed: ${escapeMarkdown(shorten(c.startError, 400))}`);
  for (const p of silentPortsOf(c)) lines.push(`Does not answer: ${escapeMarkdown(silentPortWords(p))}`);
  if (c.composeProject) {
    const service = c.composeService ? `, service ${codeSpan(c.composeService)}` : '';
    lines.push(`Compose: project ${codeSpan(c.composeProject)}${service}`);
  }
  if (c.ports.length) lines.push('', '**Ports**', ...c.ports.map((p) => `- ${codeSpan(formatPort(p))}`));
  if (c.mounts.length)
    lines.push(
      '',
      '**Mounts**',
      ...c.mounts.map((m) => {
        const source =
          m.type === 'volume'
            ? `volume ${codeSpan(m.name ?? m.source)}`
            : `${escapeMarkdown(m.type)} ${codeSpan(m.source)}`;
        return `- ${source} → ${codeSpan(m.destination)}${m.readOnly ? ' (read-only)' : ''}`;
      }),
    );
  lines.push('', `**Network**: ${c.networks.length ? c.networks.map(codeSpan).join(', ') : codeSpan(c.networkMode)}`);
  if (env?.length) lines.push('', '**Environment**', ...env.map((e) => `- ${codeSpan(maskSecrets(e))}`));
  return lines.join('\n');
}

export function imageLabel(i: ImageItem): string {
  return i.tags[0] ?? `<none> ${shortId(i.id)}`;
}

export function imageDescription(i: ImageItem, users: number, now = Date.now()): string {
  return [formatBytes(i.size), age(i.created, now), users ? `in use by ${users} container${users > 1 ? 's' : ''}` : '']
    .filter(Boolean)
    .join(' · ');
}

export function imageTooltip(i: ImageItem, users: ContainerItem[]): string {
  const lines = [
    `**${escapeMarkdown(imageLabel(i))}**`,
    '',
    `Id: ${codeSpan(shortId(i.id))}`,
    `Size: ${formatBytes(i.size)}`,
  ];
  if (i.tags.length > 1) lines.push(`Also tagged: ${i.tags.slice(1).map(codeSpan).join(', ')}`);
  if (!i.tags.length)
    lines.push('', 'Dangling: no tag points at it any more (usually an older build). Pruning images removes it.');
  if (users.length) lines.push('', `**Used by**: ${users.map((c) => codeSpan(c.name)).join(', ')}`);
  return lines.join('\n');
}

export function volumeTooltip(v: VolumeItem, users: ContainerItem[]): string {
  return [
    `**${escapeMarkdown(v.name)}**`,
    '',
    `Driver: ${codeSpan(v.driver)}`,
    `Mountpoint: ${codeSpan(v.mountpoint)}`,
    '',
    users.length
      ? `**Used by**: ${users.map((c) => codeSpan(c.name)).join(', ')}`
      : 'Not used by any container: pruning volumes deletes it, and its data.',
  ].join('\n');
}

export function networkTooltip(n: NetworkItem, members: ContainerItem[]): string {
  return [
    `**${escapeMarkdown(n.name)}**`,
    '',
    `Driver: ${codeSpan(n.driver)}, scope ${codeSpan(n.scope)}${n.internal ? ', internal (no outside access)' : ''}`,
    '',
    members.length ? `**Containers**: ${members.map((c) => codeSpan(c.name)).join(', ')}` : 'No containers attached.',
  ].join('\n');
}

export interface ContainerGroup {
  /** Compose project name, or undefined for standalone containers. */
  project?: string;
  services: { service: string; containers: ContainerItem[] }[];
  containers: ContainerItem[];
}

/** Containers grouped by Compose project (then service), projects by name, standalone containers last. */
export function groupContainers(containers: Iterable<ContainerItem>): ContainerGroup[] {
  const projects = new Map<string, Map<string, ContainerItem[]>>();
  const standalone: ContainerItem[] = [];
  for (const c of containers) {
    if (!c.composeProject) {
      standalone.push(c);
      continue;
    }
    const services = projects.get(c.composeProject) ?? new Map<string, ContainerItem[]>();
    projects.set(c.composeProject, services);
    const service = c.composeService ?? '(no service)';
    services.set(service, [...(services.get(service) ?? []), c]);
  }
  const byName = (a: ContainerItem, b: ContainerItem) => a.name.localeCompare(b.name);
  const groups: ContainerGroup[] = [...projects.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([project, services]) => ({
      project,
      services: [...services.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([service, list]) => ({ service, containers: list.sort(byName) })),
      containers: [...services.values()].flat().sort(byName),
    }));
  if (standalone.length) groups.push({ services: [], containers: standalone.sort(byName) });
  return groups;
}

export interface PrunePreview {
  kind: 'containers' | 'images' | 'volumes' | 'networks';
  items: string[];
  /** Bytes that come back, when the model knows (images); undefined otherwise. */
  bytes?: number;
}

const BUILT_IN_NETWORKS = new Set(['bridge', 'host', 'none']);

/** What a prune would remove, from the model: stopped containers, dangling images, unused volumes and networks. */
export function prunePreview(
  kind: PrunePreview['kind'],
  model: {
    containers: Map<string, ContainerItem>;
    images: Map<string, ImageItem>;
    volumes: Map<string, VolumeItem>;
    networks: Map<string, NetworkItem>;
  },
): PrunePreview {
  const containers = [...model.containers.values()];
  switch (kind) {
    case 'containers':
      return {
        kind,
        items: containers
          .filter((c) => c.state === 'exited' || c.state === 'created' || c.state === 'dead')
          .map((c) => c.name),
      };
    case 'images': {
      const used = new Set(containers.map((c) => c.imageId));
      const dangling = [...model.images.values()].filter((i) => !i.tags.length && !used.has(i.id));
      return {
        kind,
        items: dangling.map((i) => shortId(i.id)),
        bytes: dangling.reduce((sum, i) => sum + i.size, 0),
      };
    }
    case 'volumes': {
      const used = new Set(
        containers.flatMap((c) => c.mounts.filter((m) => m.type === 'volume' && m.name).map((m) => m.name!)),
      );
      // Like `docker volume prune` on current engines, only anonymous volumes are candidates unless asked; the
      // Engine decides. The preview lists every unused one so nothing is a surprise.
      return { kind, items: [...model.volumes.values()].filter((v) => !used.has(v.name)).map((v) => v.name) };
    }
    case 'networks': {
      const used = new Set(containers.flatMap((c) => c.networks));
      return {
        kind,
        items: [...model.networks.values()]
          .filter((n) => !BUILT_IN_NETWORKS.has(n.name) && !used.has(n.name))
          .map((n) => n.name),
      };
    }
  }
}
