import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { Position, Range } from '../diagnostic';
import { parsePortSpec } from './ports';

/** Dockside's own words for compose keys, from the notes and the Compose Specification. */
const SERVICE_KEYS: Readonly<Record<string, string>> = {
  image: 'The image to run, `name:tag`. Pin a tag: without one Compose pulls `latest`, which moves.',
  build: 'Builds the image from a Dockerfile: a folder (the build context), or `context:` and `dockerfile:`.',
  container_name: 'A fixed container name instead of `<project>-<service>-1`. It stops you from scaling the service to more than one replica.',
  ports: 'Publishes container ports on the host: `"HOST:CONTAINER"`, optionally `IP:` first and `/udp` after. Quote them.',
  expose: 'Documents container ports for other services; publishes nothing on the host.',
  environment: 'Environment variables for the container, as a map or a `KEY=value` list. Keep secrets out: use `env_file` or `secrets`.',
  env_file: 'Reads environment variables from files (`KEY=value` lines). Keep those files out of version control when they hold secrets.',
  volumes: 'Mounts into the container: `name:/path` is a named volume (declare it at the top level), `./dir:/path` a bind mount of a host folder; add `:ro` for read-only.',
  networks: 'The networks this service joins; on a shared network, services reach each other by service name.',
  depends_on: 'Start order: the listed services start first. It does not wait until they are ready unless you write `condition: service_healthy` and they have a health check.',
  restart: 'What Docker does when the container stops: `no` (default), `always`, `on-failure[:N]`, or `unless-stopped` (always, unless you stopped it).',
  healthcheck: 'How Docker tests that the container works: `test`, `interval`, `timeout`, `retries`, `start_period` (durations such as `10s`).',
  command: 'Replaces the image\'s CMD.',
  entrypoint: 'Replaces the image\'s ENTRYPOINT.',
  working_dir: 'Replaces the image\'s WORKDIR.',
  user: 'The user (name or UID[:GID]) the process runs as.',
  links: 'Legacy: services on a shared network already reach each other by name.',
  secrets: 'Secrets (declared at the top level) mounted as files under `/run/secrets/`.',
  configs: 'Configuration files (declared at the top level) mounted into the container.',
  deploy: 'Replicas, resources and update settings.',
  extends: 'Reuses another service\'s settings, from this file or another.',
  profiles: 'The service starts only when one of these profiles is enabled (`docker compose --profile`).',
};

const TOP_KEYS: Readonly<Record<string, string>> = {
  services: 'The containers of the application, one entry per service.',
  networks: 'Networks the services use. Compose also makes a `default` network that every service joins.',
  volumes: 'Named volumes: data that outlives containers, managed by Docker.',
  secrets: 'Secrets services can mount, from a file or the environment.',
  configs: 'Configuration files services can mount.',
  version: 'Obsolete: Compose ignores it and follows the Compose Specification. Remove it.',
  name: 'The project name (the prefix of container, network and volume names).',
};

const DRIVERS: Readonly<Record<string, string>> = {
  bridge: '`bridge`: a private network on this host; containers on it reach each other by name, and reach the outside through NAT.',
  host: '`host`: no network isolation; the container uses the host\'s network directly (ports are not mapped).',
  none: '`none`: no networking at all.',
  overlay: '`overlay`: a network spanning several Docker hosts (Swarm).',
  macvlan: '`macvlan`: gives containers their own MAC address on the physical network.',
  ipvlan: '`ipvlan`: containers share the host\'s MAC address but get their own IP addresses.',
};

function portMarkdown(spec: string): string {
  const parsed = parsePortSpec(spec);
  if (!parsed.ok) return `**Port \`${spec}\`**: ${parsed.error}.`;
  const { target, published, hostIp, protocol } = parsed.mapping;
  const t = target[0] === target[1] ? `${target[0]}` : target.join('-');
  if (!published) return `**Port \`${spec}\`**: container port ${t}/${protocol}, published on a host port Docker picks (see \`docker compose port\`).`;
  const p = published[0] === published[1] ? `${published[0]}` : published.join('-');
  const where = hostIp && hostIp !== '0.0.0.0' ? `${hostIp.includes(':') ? `[${hostIp}]` : hostIp}:${published[0]}` : `localhost:${published[0]}`;
  const exposure = hostIp === '127.0.0.1' || hostIp === '::1' ? 'only from this machine' : 'from every network interface of the host (other machines too)';
  return `**Port \`${spec}\`**: host ${p} → container ${t}/${protocol}.\n\nReachable at \`${where}\`, ${exposure}. The app inside must listen on port ${t}.`;
}

function volumeMarkdown(spec: string): string {
  const [source, target, mode] = spec.split(':');
  const readOnly = mode === 'ro' ? ' Read-only (`:ro`).' : '';
  if (!target) return `**Volume \`${spec}\`**: an anonymous volume at \`${source}\`, new for each container.`;
  if (/^[./~$]/.test(source)) return `**Bind mount \`${spec}\`**: the host folder \`${source}\` appears at \`${target}\` in the container; changes show on both sides.${readOnly}`;
  return `**Named volume \`${spec}\`**: Docker-managed storage \`${source}\` at \`${target}\`; it outlives the container. Declare \`${source}\` under the top-level \`volumes:\`.${readOnly}`;
}

/** Hover for a compose file: keys, port strings, volume strings, network drivers, restart policies. */
export function composeHover(text: string, pos: Position): { markdown: string; range: Range } | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const lineStart = lines.lineStarts[pos.line];
  if (lineStart === undefined) return undefined;
  const offset = lineStart + pos.character;
  const toRange = (n: Node): Range => {
    const a = lines.linePos(n.range![0]);
    const b = lines.linePos(n.range![1]);
    return { start: { line: a.line - 1, character: a.col - 1 }, end: { line: b.line - 1, character: b.col - 1 } };
  };
  const inside = (n: unknown): n is Node => !!n && typeof n === 'object' && 'range' in n && !!(n as Node).range && (n as Node).range![0] <= offset && offset <= (n as Node).range![1];

  const walk = (node: unknown, path: string[]): { markdown: string; range: Range } | undefined => {
    if (isMap(node)) {
      for (const p of node.items) {
        if (!isPair(p)) continue;
        const key = isScalar(p.key) ? String(p.key.value) : '';
        if (inside(p.key)) {
          const docs = path.length === 0 ? TOP_KEYS[key] : path.length === 2 && path[0] === 'services' ? SERVICE_KEYS[key] : undefined;
          if (docs) return { markdown: `**${key}**: ${docs}`, range: toRange(p.key as Node) };
          if (path.length === 1 && path[0] === 'services') return { markdown: `**Service \`${key}\`**: one container (or several replicas) of the application; other services reach it at the host name \`${key}\`.`, range: toRange(p.key as Node) };
          return undefined;
        }
        if (inside(p.value)) {
          if (isScalar(p.value)) {
            const value = String(p.value.value);
            if (key === 'driver' && path[0] === 'networks' && DRIVERS[value]) return { markdown: DRIVERS[value], range: toRange(p.value) };
            if (key === 'restart') return { markdown: `**restart: ${value}**: ${SERVICE_KEYS.restart}`, range: toRange(p.value) };
            if (key === 'image') return { markdown: `**image: ${value}**: ${SERVICE_KEYS.image}`, range: toRange(p.value) };
          }
          return walk(p.value, [...path, key]);
        }
      }
    }
    if (isSeq(node)) {
      const field = path[path.length - 1];
      for (const item of node.items) {
        if (!inside(item)) continue;
        if (isScalar(item)) {
          const value = String(item.value);
          if (field === 'ports') return { markdown: portMarkdown(value), range: toRange(item) };
          if (field === 'volumes' && path[0] === 'services') return { markdown: volumeMarkdown(value), range: toRange(item) };
        }
        return walk(item, [...path, '[]']);
      }
    }
    return undefined;
  };
  try {
    return walk(doc.contents, []);
  } catch {
    return undefined;
  }
}
