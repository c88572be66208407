/**
 * `docker run …` ⇄ a compose service. Every flag is either converted or listed as not converted; nothing is
 * dropped silently. Pure.
 */
import { isMap, isScalar, isSeq, stringify } from 'yaml';
import { parseYamlDocument } from '../language/yamlParse';
import { shellQuote, splitWords } from './runSpec';

export interface RunToCompose {
  serviceName: string;
  service: Record<string, unknown>;
  /** Flags that have no compose equivalent, or that Dockside does not know, with the reason. */
  notConverted: string[];
  /** Top-level sections the service needs (named volumes, external networks). */
  volumes: string[];
  networks: string[];
}

type Flag = { names: string[]; value: boolean; apply: (v: string, out: RunToCompose) => void };

const push = (out: RunToCompose, key: string, value: unknown) => {
  const list = (out.service[key] as unknown[] | undefined) ?? [];
  list.push(value);
  out.service[key] = list;
};

const health = (out: RunToCompose) =>
  ((out.service.healthcheck as Record<string, unknown> | undefined) ?? (out.service.healthcheck = {})) as Record<
    string,
    unknown
  >;

const FLAGS: Flag[] = [
  { names: ['-d', '--detach'], value: false, apply: () => undefined },
  { names: ['-p', '--publish'], value: true, apply: (v, o) => push(o, 'ports', v) },
  { names: ['-e', '--env'], value: true, apply: (v, o) => push(o, 'environment', v) },
  { names: ['--env-file'], value: true, apply: (v, o) => push(o, 'env_file', v) },
  { names: ['--name'], value: true, apply: (v, o) => ((o.service.container_name = v), (o.serviceName = v)) },
  {
    names: ['-v', '--volume'],
    value: true,
    apply: (v, o) => {
      push(o, 'volumes', v);
      const source = v.split(':')[0];
      if (v.includes(':') && source && !/^[./~$]/.test(source) && !o.volumes.includes(source)) o.volumes.push(source);
    },
  },
  {
    names: ['--mount'],
    value: true,
    apply: (v, o) => o.notConverted.push(`--mount ${v} (write it as a long-form entry under volumes:)`),
  },
  {
    names: ['--network', '--net'],
    value: true,
    apply: (v, o) => {
      if (['host', 'none', 'bridge'].includes(v) || v.startsWith('container:'))
        o.service.network_mode = v.replace(/^container:/, 'container:');
      else {
        push(o, 'networks', v);
        if (!o.networks.includes(v)) o.networks.push(v);
      }
    },
  },
  { names: ['--restart'], value: true, apply: (v, o) => (o.service.restart = v) },
  { names: ['--health-cmd'], value: true, apply: (v, o) => (health(o).test = ['CMD-SHELL', v]) },
  { names: ['--health-interval'], value: true, apply: (v, o) => (health(o).interval = v) },
  { names: ['--health-timeout'], value: true, apply: (v, o) => (health(o).timeout = v) },
  { names: ['--health-retries'], value: true, apply: (v, o) => (health(o).retries = Number(v)) },
  { names: ['--health-start-period'], value: true, apply: (v, o) => (health(o).start_period = v) },
  { names: ['--no-healthcheck'], value: false, apply: (_v, o) => (health(o).disable = true) },
  { names: ['-w', '--workdir'], value: true, apply: (v, o) => (o.service.working_dir = v) },
  { names: ['-u', '--user'], value: true, apply: (v, o) => (o.service.user = v) },
  { names: ['--entrypoint'], value: true, apply: (v, o) => (o.service.entrypoint = splitWords(v)) },
  { names: ['-i', '--interactive'], value: false, apply: (_v, o) => (o.service.stdin_open = true) },
  { names: ['-t', '--tty'], value: false, apply: (_v, o) => (o.service.tty = true) },
  { names: ['-h', '--hostname'], value: true, apply: (v, o) => (o.service.hostname = v) },
  {
    names: ['-l', '--label'],
    value: true,
    apply: (v, o) => push(o, 'labels', v),
  },
  { names: ['--cap-add'], value: true, apply: (v, o) => push(o, 'cap_add', v) },
  { names: ['--cap-drop'], value: true, apply: (v, o) => push(o, 'cap_drop', v) },
  { names: ['--add-host'], value: true, apply: (v, o) => push(o, 'extra_hosts', v) },
  { names: ['--expose'], value: true, apply: (v, o) => push(o, 'expose', v) },
  { names: ['--platform'], value: true, apply: (v, o) => (o.service.platform = v) },
  { names: ['--privileged'], value: false, apply: (_v, o) => (o.service.privileged = true) },
  { names: ['--read-only'], value: false, apply: (_v, o) => (o.service.read_only = true) },
  { names: ['--init'], value: false, apply: (_v, o) => (o.service.init = true) },
  { names: ['-m', '--memory'], value: true, apply: (v, o) => (o.service.mem_limit = v) },
  { names: ['--cpus'], value: true, apply: (v, o) => (o.service.cpus = Number(v)) },
  {
    names: ['--rm'],
    value: false,
    apply: (_v, o) =>
      o.notConverted.push(
        '--rm (Compose keeps containers until "docker compose down"; there is no per-service equivalent)',
      ),
  },
  {
    names: ['-P', '--publish-all'],
    value: false,
    apply: (_v, o) =>
      o.notConverted.push('-P (Compose has no "publish every exposed port"; list the ports under ports:)'),
  },
];

const BY_NAME = new Map(FLAGS.flatMap((f) => f.names.map((n) => [n, f] as const)));

/** Parses a pasted `docker run` (or `docker container run`) command into a compose service. */
export function dockerRunToCompose(commandLine: string): RunToCompose {
  const words = splitWords(commandLine.replace(/\\\r?\n/g, ' ').replace(/^\s*\$\s*/, ''));
  let i = 0;
  if (words[i] === 'docker') i++;
  if (words[i] === 'container') i++;
  if (words[i] !== 'run') throw new Error('This is not a "docker run" command.');
  i++;
  const out: RunToCompose = { serviceName: 'app', service: {}, notConverted: [], volumes: [], networks: [] };
  for (; i < words.length; i++) {
    const word = words[i]!;
    if (word === '--') {
      i++;
      break;
    }
    if (!word.startsWith('-') || word === '-') break;
    const eq = word.indexOf('=');
    if (word.startsWith('--')) {
      const name = eq > 0 ? word.slice(0, eq) : word;
      const flag = BY_NAME.get(name);
      if (!flag) {
        // An unknown long flag: keep its value with it if it has one written with "=".
        out.notConverted.push(`${word} (not a flag Dockside converts)`);
        continue;
      }
      const value = flag.value ? (eq > 0 ? word.slice(eq + 1) : words[++i]) : '';
      if (flag.value && value === undefined) throw new Error(`${name} needs a value.`);
      flag.apply(value ?? '', out);
      continue;
    }
    // Short flags, possibly grouped (-it, -dp 80:80); only the last of a group may take a value.
    const letters = word.slice(1);
    for (let k = 0; k < letters.length; k++) {
      const flag = BY_NAME.get(`-${letters[k]}`);
      if (!flag) {
        out.notConverted.push(`-${letters[k]} (not a flag Dockside converts)`);
        continue;
      }
      if (flag.value) {
        const rest = letters.slice(k + 1).replace(/^=/, '');
        const value = rest || words[++i];
        if (value === undefined) throw new Error(`-${letters[k]} needs a value.`);
        flag.apply(value, out);
        break;
      }
      flag.apply('', out);
    }
  }
  const image = words[i];
  if (!image) throw new Error('The command names no image.');
  out.service = { image, ...out.service };
  const command = words.slice(i + 1);
  if (command.length) out.service.command = command;
  if (!out.service.container_name) {
    const [repository = ''] = image.slice(image.lastIndexOf('/') + 1).split(/[:@]/);
    out.serviceName = repository;
  }
  out.serviceName = out.serviceName.replace(/[^a-zA-Z0-9._-]/g, '-');
  return out;
}

/** The conversion as a compose document (with the not-converted flags as comments on top). */
export function composeText(result: RunToCompose): string {
  const doc: Record<string, unknown> = { services: { [result.serviceName]: result.service } };
  if (result.volumes.length) doc.volumes = Object.fromEntries(result.volumes.map((v) => [v, null]));
  if (result.networks.length) doc.networks = Object.fromEntries(result.networks.map((n) => [n, { external: true }]));
  const head = result.notConverted.map((n) => `# Not converted: ${n}\n`).join('');
  return head + stringify(doc, { lineWidth: 0 }).replace(/: null$/gm, ':');
}

/** The reverse: one service of a compose file as a `docker run` command, with the keys it cannot express. */
export function composeServiceToDockerRun(
  text: string,
  serviceName: string,
): { command: string; notConverted: string[] } {
  const services = parseYamlDocument(text).get('services');
  const service = isMap(services) ? services.get(serviceName) : undefined;
  if (!isMap(service)) throw new Error(`There is no service "${serviceName}" in this file.`);
  const args = ['docker', 'run', '-d'];
  const notConverted: string[] = [];
  const list = (v: unknown): string[] =>
    isSeq(v)
      ? v.items.map((x) => String(isScalar(x) ? x.value : x))
      : isMap(v)
        ? v.items.map((p) => {
            const key = String(isScalar(p.key) ? p.key.value : p.key);
            return `${key}=${isScalar(p.value) ? String(p.value.value ?? '') : ''}`;
          })
        : v === undefined || v === null
          ? []
          : [String(isScalar(v) ? v.value : v)];
  let image = '';
  let command: string[] = [];
  // docker run's --entrypoint takes the program only; the rest of a compose entrypoint goes before the command.
  let entrypointArgs: string[] = [];
  for (const pair of service.items) {
    const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
    const value = pair.value;
    const scalar = isScalar(value) ? String(value.value) : undefined;
    switch (key) {
      case 'image':
        image = scalar ?? '';
        break;
      case 'container_name':
        args.push('--name', scalar ?? '');
        break;
      case 'ports':
        for (const p of list(value)) args.push('-p', p);
        break;
      case 'environment':
        // `TOKEN:` with no value means "take TOKEN from the host": `-e TOKEN`, not `-e TOKEN=` (an empty value).
        if (isMap(value))
          for (const p of value.items)
            args.push(
              '-e',
              isScalar(p.value) && p.value.value !== null
                ? `${String(isScalar(p.key) ? p.key.value : p.key)}=${String(p.value.value)}`
                : String(isScalar(p.key) ? p.key.value : p.key),
            );
        else for (const e of list(value)) args.push('-e', e);
        break;
      case 'env_file':
        for (const e of list(value)) args.push('--env-file', e);
        break;
      case 'volumes':
        for (const v of list(value)) args.push('-v', v);
        break;
      case 'networks':
        for (const n of isMap(value)
          ? value.items.map((p) => String(isScalar(p.key) ? p.key.value : p.key))
          : list(value))
          args.push('--network', n);
        break;
      case 'network_mode':
        args.push('--network', scalar ?? '');
        break;
      case 'restart':
        args.push('--restart', scalar ?? '');
        break;
      case 'working_dir':
        args.push('-w', scalar ?? '');
        break;
      case 'user':
        args.push('-u', scalar ?? '');
        break;
      case 'hostname':
        args.push('-h', scalar ?? '');
        break;
      case 'entrypoint': {
        const [program = '', ...rest] = isSeq(value) ? list(value) : splitWords(scalar ?? '');
        args.push('--entrypoint', program);
        entrypointArgs = rest;
        break;
      }
      case 'command':
        command = isSeq(value) ? list(value) : splitWords(scalar ?? '');
        break;
      case 'labels':
        for (const l of list(value)) args.push('-l', l);
        break;
      case 'stdin_open':
        if (scalar === 'true') args.push('-i');
        break;
      case 'tty':
        if (scalar === 'true') args.push('-t');
        break;
      case 'healthcheck': {
        if (!isMap(value)) break;
        const test = value.get('test');
        const t = isSeq(test) ? list(test) : [String(test ?? '')];
        if (t.length)
          args.push(
            '--health-cmd',
            t[0] === 'CMD-SHELL' ? t.slice(1).join(' ') : t[0] === 'CMD' ? t.slice(1).join(' ') : t.join(' '),
          );
        for (const [k, flag] of [
          ['interval', '--health-interval'],
          ['timeout', '--health-timeout'],
          ['retries', '--health-retries'],
          ['start_period', '--health-start-period'],
        ] as const) {
          const v = value.get(k);
          if (v !== undefined) args.push(flag, String(v));
        }
        break;
      }
      default:
        notConverted.push(
          key === 'build'
            ? 'build (docker run needs an image: build it first with docker build)'
            : key === 'depends_on'
              ? 'depends_on (start the other containers first yourself)'
              : `${key} (no docker run flag here)`,
        );
    }
  }
  if (!image)
    throw new Error(
      `Service "${serviceName}" has no image to run` +
        `${service.get('build') ? ' (it is built: run docker build first)' : ''}.`,
    );
  return { command: [...args, image, ...entrypointArgs, ...command].map(shellQuote).join(' '), notConverted };
}
