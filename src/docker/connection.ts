import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DEFAULT_SOCKET,
  describeEngineAddress,
  parseEngineAddress,
  toDockerodeOptions,
  type DockerodeOptions,
  type EngineAddress,
} from './engineAddress';

/** Which engine to talk to, where that choice came from, and the options dockerode needs for it. */
export interface EngineTarget {
  address: EngineAddress;
  /** `setting dockside.host`, `DOCKER_HOST`, `context "name"`, or `default socket`. */
  source: string;
  /** The address in words. */
  label: string;
  options: DockerodeOptions;
}

export interface ContextInfo {
  name: string;
  host: string;
  description?: string;
  current: boolean;
}

export interface ResolveInput {
  /** `dockside.host`, already ignored by the caller in an untrusted workspace. */
  setting?: string;
  env: Record<string, string | undefined>;
  /** The Docker CLI's config folder (`DOCKER_CONFIG`, default ~/.docker). */
  configDir?: string;
}

const configDirOf = (input: ResolveInput): string =>
  input.configDir ?? input.env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker');

/** The Docker CLI stores a context's files under the SHA-256 of its name. */
const contextId = (name: string): string => createHash('sha256').update(name).digest('hex');

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The contexts the Docker CLI knows (`docker context ls`), from its contexts folder; `default` first. */
export function listContexts(input: ResolveInput): ContextInfo[] {
  const dir = configDirOf(input);
  const current = currentContextName(input);
  const out: ContextInfo[] = [
    {
      name: 'default',
      host: `unix://${DEFAULT_SOCKET}`,
      description: 'The engine on this machine',
      current: current === 'default',
    },
  ];
  const metaDir = path.join(dir, 'contexts', 'meta');
  let entries: string[];
  try {
    entries = fs.readdirSync(metaDir);
  } catch {
    return out;
  }
  for (const id of entries) {
    const meta = readJson(path.join(metaDir, id, 'meta.json')) as
      { Name?: string; Metadata?: { Description?: string }; Endpoints?: { docker?: { Host?: string } } } | undefined;
    const host = meta?.Endpoints?.docker?.Host;
    if (!meta?.Name || !host) continue;
    out.push({
      name: meta.Name,
      host,
      ...(meta.Metadata?.Description ? { description: meta.Metadata.Description } : {}),
      current: current === meta.Name,
    });
  }
  return out;
}

function currentContextName(input: ResolveInput): string {
  if (input.env.DOCKER_CONTEXT) return input.env.DOCKER_CONTEXT;
  const config = readJson(path.join(configDirOf(input), 'config.json'));
  return typeof config?.currentContext === 'string' && config.currentContext ? config.currentContext : 'default';
}

function tlsFiles(dir: string): Pick<DockerodeOptions, 'ca' | 'cert' | 'key'> {
  const read = (name: string) => {
    try {
      return fs.readFileSync(path.join(dir, name));
    } catch {
      return undefined;
    }
  };
  const ca = read('ca.pem');
  const cert = read('cert.pem');
  const key = read('key.pem');
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}

/**
 * Resolves the engine the way the Docker CLI does, with Dockside's setting first: `dockside.host`, then
 * `DOCKER_HOST` (with `DOCKER_TLS_VERIFY` / `DOCKER_CERT_PATH`), then `DOCKER_CONTEXT` or the CLI's current
 * context, then the default socket. Throws EngineAddressError for an address it cannot read.
 */
export function resolveEngine(input: ResolveInput): EngineTarget {
  const target = (address: EngineAddress, source: string, tlsDir?: string): EngineTarget => {
    const options = toDockerodeOptions(address);
    return {
      address,
      source,
      label: describeEngineAddress(address),
      options: address.kind === 'tcp' && address.tls && tlsDir ? { ...options, ...tlsFiles(tlsDir) } : options,
    };
  };
  const tlsVerify = !!input.env.DOCKER_TLS_VERIFY && input.env.DOCKER_TLS_VERIFY !== '0';
  const certDir = input.env.DOCKER_CERT_PATH ?? configDirOf(input);
  if (input.setting?.trim())
    return target(parseEngineAddress(input.setting, tlsVerify), 'setting dockside.host', certDir);
  if (input.env.DOCKER_HOST?.trim())
    return target(parseEngineAddress(input.env.DOCKER_HOST, tlsVerify), 'DOCKER_HOST', certDir);
  const name = currentContextName(input);
  if (name !== 'default') {
    const context = listContexts(input).find((c) => c.name === name);
    if (context) {
      const tlsDir = path.join(configDirOf(input), 'contexts', 'tls', contextId(name), 'docker');
      const hasTls = fs.existsSync(path.join(tlsDir, 'cert.pem')) || fs.existsSync(path.join(tlsDir, 'ca.pem'));
      return target(parseEngineAddress(context.host, hasTls), `context "${name}"`, tlsDir);
    }
  }
  return target(parseEngineAddress(`unix://${DEFAULT_SOCKET}`), 'default socket');
}
