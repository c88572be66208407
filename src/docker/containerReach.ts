import { shellQuote } from './runSpec';

/**
 * "Open in Browser" for a container that publishes no port: why the host cannot reach it, whether its own IP
 * address works from here, and how to publish the port (the run flag and the compose `ports:` line). Pure.
 */

export interface ReachInput {
  name: string;
  image: string;
  /** The container ports it exposes or listens on (from the image's EXPOSE or the engine's port list). */
  ports: { containerPort: number; protocol: string }[];
  /** `bridge`, `host`, `none`, `container:…`, or a network's name. */
  networkMode: string;
  /** Its networks, with their driver and the container's address on each (from inspect). */
  networks: { name: string; driver?: string; ip?: string }[];
  composeService?: string;
  /** This machine's platform, and whether the engine runs on it directly (a local socket, not a VM or remote). */
  platform: NodeJS.Platform;
  engineLocal: boolean;
}

export interface ReachAdvice {
  /** Why the browser on this machine cannot open it as it is, in words. */
  why: string;
  /** Addresses that do reach it from here, each with what it is. */
  urls: { url: string; label: string }[];
  /** `docker run -p 8080:80 IMAGE`: the same container with the port published. */
  runCommand: string;
  /** The compose lines that publish it. */
  composePorts: string;
}

const isIPv4 = (ip: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(ip);

export function reachAdvice(input: ReachInput): ReachAdvice {
  const tcp = input.ports.filter((p) => p.protocol === 'tcp');
  const port = tcp[0]?.containerPort;
  const hostPort = port === undefined ? 8080 : port < 1024 ? 8000 + port : port;
  const target = port ?? 80;
  const publish = `${hostPort}:${target}`;
  const runCommand = `docker run -p ${publish} ${shellQuote(input.image)}`;
  const composePorts = `${input.composeService ? `  ${input.composeService}:\n` : ''}    ports:\n      - "${publish}"`;
  const base = { runCommand, composePorts };

  if (input.networkMode === 'host')
    return {
      ...base,
      why: `"${input.name}" uses the host's network: it needs no published port, it listens on the host's own ports.`,
      urls:
        port !== undefined && input.engineLocal ? [{ url: `http://localhost:${port}/`, label: 'the host itself' }] : [],
    };
  if (input.networkMode === 'none')
    return {
      ...base,
      why:
        `"${input.name}" has no network at all (--network none): ` +
        `nothing outside it can reach it. Run it on a network with the port published.`,
      urls: [],
    };

  const why =
    `"${input.name}" publishes no port. A container's ports are reachable from other containers on its network, ` +
    `but the host reaches only ports published with -p HOST:CONTAINER (or "ports:" in compose); ` +
    `EXPOSE alone publishes nothing.`;
  // The container's own address is routed from the host only on Linux, with the engine on this machine (not in
  // Docker Desktop's VM or on another machine), on a bridge network.
  const direct = input.platform === 'linux' && input.engineLocal;
  const urls = direct
    ? input.networks
        .filter((n) => (n.driver ?? (n.name === 'bridge' ? 'bridge' : undefined)) === 'bridge' && n.ip && isIPv4(n.ip))
        .flatMap((n) =>
          (tcp.length ? tcp : [{ containerPort: 80, protocol: 'tcp' }]).map((p) => ({
            url: `http://${n.ip}:${p.containerPort}/`,
            label: `its address on the ${n.name} network (works from this Linux machine only)`,
          })),
        )
    : [];
  return {
    ...base,
    why: direct
      ? urls.length
        ? `${why} From this Linux machine its bridge address works too.`
        : why
      : `${why} Its own address is not reachable from here: ` +
        (input.platform === 'linux'
          ? 'the engine is not on this machine'
          : 'Docker runs in a virtual machine on this system') +
        '.',
    urls,
  };
}
