import type {
  ContainerItem,
  ContainerState,
  ImageItem,
  NetworkItem,
  PortBinding,
  RawContainer,
  RawContainerState,
  RawImage,
  RawEvent,
  RawNetwork,
  RawVolume,
  VolumeItem,
} from './types';

/**
 * An engine event's kind, what happened and to which object, and when (milliseconds since the epoch, when the
 * engine says). Older engines name the object and the action in `id` and `status` only.
 */
export function readEvent(e: RawEvent): { type: string; action: string; id: string; atMs: number | undefined } {
  return {
    type: e.Type ?? 'container',
    action: e.Action ?? e.status ?? '',
    id: e.Actor?.ID ?? e.id ?? '',
    atMs: e.timeNano ? e.timeNano / 1e6 : e.time !== undefined ? e.time * 1000 : undefined,
  };
}

const STATES: ContainerState[] = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];

/** A container as the model keeps it, from one entry of `GET /containers/json`. */
export function toContainer(raw: RawContainer): ContainerItem {
  const status = raw.Status ?? '';
  const state = (STATES as string[]).includes(raw.State ?? '') ? (raw.State as ContainerState) : 'created';
  const health = /\(healthy\)/.test(status)
    ? 'healthy'
    : /\(unhealthy\)/.test(status)
      ? 'unhealthy'
      : /\(health: starting\)/.test(status)
        ? 'starting'
        : undefined;
  const exit = /^Exited \((-?\d+)\)/.exec(status);
  const labels = raw.Labels ?? {};
  const seen = new Set<string>();
  const ports: PortBinding[] = [];
  for (const p of raw.Ports ?? []) {
    const key = `${p.IP ?? ''}|${p.PublicPort ?? ''}|${p.PrivatePort}|${p.Type}`;
    if (seen.has(key)) continue;
    seen.add(key);
    ports.push({
      containerPort: p.PrivatePort,
      protocol: p.Type,
      ...(p.PublicPort ? { hostPort: p.PublicPort, hostIp: p.IP ?? '0.0.0.0' } : {}),
    });
  }
  ports.sort(
    (a, b) =>
      a.containerPort - b.containerPort ||
      (a.hostPort ?? 0) - (b.hostPort ?? 0) ||
      ((a.hostIp ?? '') < (b.hostIp ?? '') ? -1 : (a.hostIp ?? '') > (b.hostIp ?? '') ? 1 : 0),
  );
  return {
    id: raw.Id,
    name: (raw.Names?.[0] ?? raw.Id.slice(0, 12)).replace(/^\//, ''),
    image: raw.Image ?? '',
    imageId: raw.ImageID ?? '',
    command: raw.Command ?? '',
    created: raw.Created ?? 0,
    state,
    status,
    ...(health ? { health } : {}),
    ...(exit ? { exitCode: Number(exit[1]) } : {}),
    ports,
    labels,
    mounts: (raw.Mounts ?? []).map((m) => ({
      type: m.Type ?? 'volume',
      ...(m.Name ? { name: m.Name } : {}),
      source: m.Source ?? '',
      destination: m.Destination ?? '',
      readOnly: m.RW === false,
    })),
    networks: Object.keys(raw.NetworkSettings?.Networks ?? {}).sort(),
    networkMode: raw.HostConfig?.NetworkMode ?? 'default',
    ...(labels['com.docker.compose.project'] ? { composeProject: labels['com.docker.compose.project'] } : {}),
    ...(labels['com.docker.compose.service'] ? { composeService: labels['com.docker.compose.service'] } : {}),
  };
}

/**
 * Whether the list leaves out what the explorer must show, so the model reads the container's inspect: a "created"
 * container may be one whose start failed (the list has no exit code or error for it), and an exit with code 137
 * may be the kernel's out-of-memory kill (the list cannot tell it from `docker kill`).
 */
export function needsState(c: ContainerItem): boolean {
  return c.state === 'created' || (c.state === 'exited' && c.exitCode === 137);
}

/** The container with what its inspect's State adds: a failed start's exit code and error, an OOM kill. */
export function withState(c: ContainerItem, state: RawContainerState | undefined): ContainerItem {
  if (!state || !needsState(c)) return c;
  const error = (state.Error ?? '').trim();
  // A container that was never started has code 0 and no error; one whose start failed has either.
  const failed = c.state === 'created' && (!!state.ExitCode || !!error);
  if (!failed && !state.OOMKilled) return c;
  return {
    ...c,
    ...(failed && state.ExitCode ? { exitCode: state.ExitCode } : {}),
    ...(failed && error ? { startError: error } : {}),
    ...(state.OOMKilled ? { oomKilled: true } : {}),
  };
}

/** An image from either `GET /images/json` (Created in seconds) or `GET /images/{id}/json` (Created as a date). */
export function toImage(raw: RawImage): ImageItem {
  const created =
    typeof raw.Created === 'number' ? raw.Created : raw.Created ? Math.floor(Date.parse(raw.Created) / 1000) : 0;
  return {
    id: raw.Id,
    tags: (raw.RepoTags ?? []).filter((t) => t !== '<none>:<none>').sort(),
    digests: (raw.RepoDigests ?? []).filter((d) => !d.startsWith('<none>')).sort(),
    size: raw.Size ?? 0,
    created,
    labels: raw.Labels ?? raw.Config?.Labels ?? {},
  };
}

export function toVolume(raw: RawVolume): VolumeItem {
  return {
    name: raw.Name,
    driver: raw.Driver ?? 'local',
    mountpoint: raw.Mountpoint ?? '',
    scope: raw.Scope ?? 'local',
    labels: raw.Labels ?? {},
  };
}

export function toNetwork(raw: RawNetwork): NetworkItem {
  return {
    id: raw.Id,
    name: raw.Name,
    driver: raw.Driver ?? '',
    scope: raw.Scope ?? 'local',
    internal: !!raw.Internal,
    labels: raw.Labels ?? {},
  };
}
