/**
 * One description of "run this image", turned into the three forms a learner meets: the `docker run` command,
 * a compose service, and the Engine API's create request. Pure.
 */
import { stringify } from 'yaml';
import { parsePortSpec } from '../language/compose/ports';

export interface RunSpec {
  image: string;
  name?: string;
  /** `HOST:CONTAINER[/proto]`, optionally `IP:` first. */
  ports: string[];
  env: string[];
  envFile?: string;
  /** `name:/path[:ro]` (named volume) or `/abs/or/./rel:/path[:ro]` (bind mount). */
  volumes: string[];
  network?: string;
  restart?: 'no' | 'always' | 'unless-stopped' | 'on-failure';
  /** Overrides the image's CMD; words as the shell would split them. */
  command?: string[];
  workdir?: string;
  user?: string;
  detach: boolean;
}

const SAFE = /^[A-Za-z0-9_./:=@%+,-]+$/;

/** Quotes a word for a POSIX shell, only when it needs it (zsh expands a word that starts with `=`). */
export function shellQuote(word: string): string {
  return word !== '' && SAFE.test(word) && !word.startsWith('=') ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The argument vector of the equivalent `docker run` (without the leading "docker"). */
export function runArgs(spec: RunSpec): string[] {
  const args = ['run'];
  if (spec.detach) args.push('-d');
  if (spec.name) args.push('--name', spec.name);
  for (const p of spec.ports) args.push('-p', p);
  for (const e of spec.env) args.push('-e', e);
  if (spec.envFile) args.push('--env-file', spec.envFile);
  for (const v of spec.volumes) args.push('-v', v);
  if (spec.network) args.push('--network', spec.network);
  if (spec.restart && spec.restart !== 'no') args.push('--restart', spec.restart);
  if (spec.workdir) args.push('-w', spec.workdir);
  if (spec.user) args.push('-u', spec.user);
  args.push(spec.image, ...(spec.command ?? []));
  return args;
}

export function runCommandLine(spec: RunSpec): string {
  return ['docker', ...runArgs(spec)].map(shellQuote).join(' ');
}

/** The same container as a compose service (a `services:` document with one entry). */
export function composeService(spec: RunSpec): string {
  const service: Record<string, unknown> = { image: spec.image };
  if (spec.name) service.container_name = spec.name;
  if (spec.ports.length) service.ports = spec.ports;
  if (spec.env.length) service.environment = spec.env;
  if (spec.envFile) service.env_file = [spec.envFile];
  if (spec.volumes.length) service.volumes = spec.volumes;
  if (spec.network) service.networks = [spec.network];
  if (spec.restart && spec.restart !== 'no') service.restart = spec.restart;
  if (spec.workdir) service.working_dir = spec.workdir;
  if (spec.user) service.user = spec.user;
  if (spec.command?.length) service.command = spec.command;
  const [repository = ''] = spec.image.slice(spec.image.lastIndexOf('/') + 1).split(':');
  const serviceName = (spec.name ?? repository).replace(/[^a-zA-Z0-9._-]/g, '-');
  const named = spec.volumes.map((v) => v.split(':')[0]).filter((s) => s && !/^[./~]/.test(s));
  const doc: Record<string, unknown> = { services: { [serviceName]: service } };
  if (named.length) doc.volumes = Object.fromEntries(named.map((n) => [n, null]));
  if (spec.network && !['bridge', 'host', 'none'].includes(spec.network))
    doc.networks = { [spec.network]: { external: true } };
  return stringify(doc, { lineWidth: 0 }).replace(/: null$/gm, ':');
}

export interface CreateBody {
  Image: string;
  Cmd?: string[];
  Env?: string[];
  WorkingDir?: string;
  User?: string;
  ExposedPorts?: Record<string, object>;
  HostConfig: {
    PortBindings?: Record<string, { HostIp: string; HostPort: string }[]>;
    Binds?: string[];
    NetworkMode?: string;
    RestartPolicy?: { Name: string };
  };
}

/** The Engine API create request; throws with a plain message for a port it cannot read. */
export function createBody(spec: RunSpec, envFromFile: string[] = []): CreateBody {
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  const exposed: Record<string, object> = {};
  for (const p of spec.ports) {
    const parsed = parsePortSpec(p);
    if (!parsed.ok) throw new Error(`Port "${p}": ${parsed.error}.`);
    const { target, published, hostIp, protocol } = parsed.mapping;
    for (let i = 0; i <= target[1] - target[0]; i++) {
      const key = `${target[0] + i}/${protocol}`;
      exposed[key] = {};
      (bindings[key] ??= []).push({ HostIp: hostIp ?? '', HostPort: published ? String(published[0] + i) : '' });
    }
  }
  return {
    Image: spec.image,
    ...(spec.command?.length ? { Cmd: spec.command } : {}),
    ...(spec.env.length || envFromFile.length ? { Env: [...envFromFile, ...spec.env] } : {}),
    ...(spec.workdir ? { WorkingDir: spec.workdir } : {}),
    ...(spec.user ? { User: spec.user } : {}),
    ...(Object.keys(exposed).length ? { ExposedPorts: exposed } : {}),
    HostConfig: {
      ...(Object.keys(bindings).length ? { PortBindings: bindings } : {}),
      ...(spec.volumes.length ? { Binds: spec.volumes } : {}),
      ...(spec.network ? { NetworkMode: spec.network } : {}),
      ...(spec.restart && spec.restart !== 'no' ? { RestartPolicy: { Name: spec.restart } } : {}),
    },
  };
}

/** Splits a command line the way a simple shell would (quotes, backslashes), for the command override. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote = '';
  let has = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"' && i + 1 < text.length) current += text[++i];
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < text.length) {
      current += text.charAt(++i);
      has = true;
    } else if (/\s/.test(c)) {
      if (current || has) words.push(current);
      current = '';
      has = false;
    } else current += c;
  }
  if (current || has) words.push(current);
  return words;
}
