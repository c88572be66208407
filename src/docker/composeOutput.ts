/**
 * Reading what Compose prints: which phase a line belongs to (for a progress notification), and a failure in plain
 * words with what it is about (a host port, an image, a place in the file), so the editor can put it on the right
 * line. Both Compose v2 (`docker compose`) and docker-compose 1.29 are understood. Pure.
 */

export type ComposePhase = 'pulling' | 'building' | 'creating' | 'starting' | 'waiting' | 'stopping' | 'removing';

export interface ComposeProgressLine {
  phase: ComposePhase;
  /** The service, container, network or volume the line is about, when it names one. */
  subject?: string;
}

const PHASES: [RegExp, ComposePhase][] = [
  [/\bPull(ing|ed)?\b/i, 'pulling'],
  [/\bBuild(ing|ed)?\b/i, 'building'],
  [/\b(Re)?[Cc]reat(e|ing|ed)\b/, 'creating'],
  [/\bStart(ing|ed)?\b/, 'starting'],
  [/\bWait(ing)?\b|\bHealthy\b/, 'waiting'],
  [/\bStop(ping|ped)?\b/, 'stopping'],
  [/\bRemov(e|ing|ed)\b/, 'removing'],
];

/**
 * The phase of one output line. v2 prints ` Container shop-web-1  Starting`; 1.29 prints `Starting shop_web_1 ...`
 * and `Pulling web (nginx:1.27)...`.
 */
export function composeProgress(line: string): ComposeProgressLine | undefined {
  const text = line.trim();
  if (!text || /^(ERROR|Error)\b/.test(text)) return undefined;
  for (const [pattern, phase] of PHASES) {
    if (!pattern.test(text)) continue;
    const v2 = /^(?:Container|Network|Volume|Image)\s+(\S+)\s/.exec(text) ?? /^(\S+)\s+(?:Pull|Build)/.exec(text);
    const verb = /^(?:Pulling|Building|Creating|Recreating|Starting|Stopping|Removing)\s+/.exec(text);
    const v1 = verb ? /^(?:network\s+|volume\s+)?"?([^\s".]+)/.exec(text.slice(verb[0].length)) : null;
    const subject = v2?.[1] ?? v1?.[1];
    return subject ? { phase, subject } : { phase };
  }
  return undefined;
}

export type ComposeFailureKind = 'port-in-use' | 'image-not-found' | 'registry-unreachable' | 'invalid-file' | 'other';

export interface ComposeFailure {
  kind: ComposeFailureKind;
  /** What went wrong and what to do, in plain words. */
  message: string;
  /** Compose's own line that says it, for the log and for anything not understood. */
  detail: string;
  hostPort?: number;
  image?: string;
  /** The service the failure is about, when Compose names it (or its container). */
  service?: string;
  /** A place in the file, as Compose names it: `services.web.ports`, or a line (1-based) and column. */
  keyPath?: string[];
  line?: number;
  column?: number;
}

/** The service behind a container name: `shop-web-1` (v2) or `shop_web_1` (1.29), given the services in the file. */
export function serviceOfContainer(container: string, services: readonly string[]): string | undefined {
  // The longest name first: "web" must not win over "web-api" for "shop-web-api-1".
  for (const s of [...services].sort((a, b) => b.length - a.length))
    if (new RegExp(`[-_]${escapeRegExp(s)}[-_]\\d+$`).test(container)) return s;
  return undefined;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What went wrong in a failed run, from its whole output. `services` (the names in the file) lets a container or
 * endpoint name be traced back to its service.
 */
export function explainComposeFailure(output: string, services: readonly string[] = []): ComposeFailure {
  const lines = output.split(/\r?\n/).map((l) => l.trim());
  const find = (pattern: RegExp) => lines.find((l) => pattern.test(l));
  const containerService = (text: string) => {
    const container = /endpoint\s+(\S+)/.exec(text)?.[1] ?? /Container\s+(\S+)/.exec(text)?.[1];
    return (
      (container && serviceOfContainer(container, services)) ?? /\bfor\s+(\S+)\s+Cannot start service\b/.exec(text)?.[1]
    );
  };

  const port = find(/port is already allocated|address already in use|Only one usage of each socket address/i);
  if (port) {
    const hostPort = Number(
      /Bind for \S*:(\d+) failed/.exec(port)?.[1] ??
        /listen (?:tcp|udp)\d?\s+\S*:(\d+):/.exec(port)?.[1] ??
        /:(\d+)\D*$/.exec(port)?.[1],
    );
    const service = containerService(port) ?? /Cannot start service (\S+?):/.exec(port)?.[1];
    return {
      kind: 'port-in-use',
      message:
        `Host port ${hostPort || '(unknown)'} is already in use${service ? ` (needed by "${service}")` : ''}: ` +
        'another container or program listens on it. Stop that one, or publish this service on another host port.',
      detail: port,
      ...(hostPort ? { hostPort } : {}),
      ...(service ? { service } : {}),
    };
  }

  const denied = find(/pull access denied|manifest unknown|manifest for \S+ not found|repository does not exist/i);
  const noSuch = find(/No such image:|not found: manifest unknown|failed to resolve reference/i);
  const notFound = denied ?? noSuch;
  if (notFound) {
    const image =
      /pull access denied for ([^\s,]+)/.exec(notFound)?.[1] ??
      /manifest for (\S+) not found/.exec(notFound)?.[1] ??
      /No such image: (\S+)/.exec(notFound)?.[1] ??
      /reference "?([^\s"]+?)"?:/.exec(notFound)?.[1];
    const service = containerService(notFound) ?? pulledService(lines, image);
    return {
      kind: 'image-not-found',
      message:
        `The image ${image ? `"${image}" ` : ''}was not found: check its name and tag (a typo, or a tag that was ` +
        'never pushed). A private image needs a registry login first.',
      detail: notFound,
      ...(image ? { image } : {}),
      ...(service ? { service } : {}),
    };
  }

  const offline = find(/dial tcp|no such host|i\/o timeout|TLS handshake timeout/i);
  if (offline) {
    // 1.29 names the image in the line before ("Pulling web (nginx:1.27)..."), v2 in " web Error".
    const pulling = [...lines].reverse().find((l) => /^Pulling \S+ \(/.test(l) || /^\S+ Pulling$/.test(l));
    const service = pulling ? /^(?:Pulling )?(\S+)/.exec(pulling)?.[1] : undefined;
    const image = pulling ? /\(([^\s()]+)\)/.exec(pulling)?.[1] : undefined;
    return {
      kind: 'registry-unreachable',
      message:
        `${image ? `The image "${image}" is` : 'An image is'} not on this machine, and its registry could not be ` +
        'reached. Check the network (or a proxy), or build or load the image locally first.',
      detail: offline,
      ...(image ? { image } : {}),
      ...(service ? { service } : {}),
    };
  }

  const invalid = invalidFile(lines);
  if (invalid) return invalid;

  const last = [...lines].reverse().find((l) => /^(ERROR|Error)\b/.test(l)) ?? lines.filter(Boolean).pop() ?? '';
  return { kind: 'other', message: `Compose failed: ${last.replace(/^(ERROR|Error):?\s*/, '')}`, detail: last };
}

function pulledService(lines: string[], image: string | undefined): string | undefined {
  if (!image) return undefined;
  const line = lines.find((l) => l.includes(`(${image})`) && /^Pulling /.test(l));
  return line ? /^Pulling (\S+)/.exec(line)?.[1] : undefined;
}

/** A file Compose refused to read: YAML that does not parse, or keys and values the format does not allow. */
function invalidFile(lines: string[]): ComposeFailure | undefined {
  // 1.29: `yaml.scanner.ScannerError: …` then `  in "./compose.yaml", line 4, column 10`.
  const at = lines.find((l) => /^in ".*", line \d+, column \d+/.test(l));
  const yamlError = lines.find((l) => /^yaml\.\w+\.\w+Error:/.test(l));
  if (yamlError || at) {
    const [, line, column] = /line (\d+), column (\d+)/.exec(at ?? '') ?? [];
    const what = (yamlError ?? '').replace(/^yaml\.\w+\.\w+Error:\s*/, '');
    return {
      kind: 'invalid-file',
      message: `The compose file is not valid YAML${what ? `: ${what}` : ''}${line ? ` (line ${line})` : ''}.`,
      detail: yamlError ?? at ?? '',
      ...(line ? { line: Number(line), column: Number(column) } : {}),
    };
  }
  // v2: `yaml: line 4: mapping values are not allowed in this context`.
  const v2Yaml = lines.find((l) => /^(?:.*: )?yaml: line \d+:/.test(l));
  if (v2Yaml) {
    const [, line, what] = /^yaml: line (\d+): (.*)$/.exec(v2Yaml.slice(v2Yaml.indexOf('yaml: line '))) ?? [];
    return {
      kind: 'invalid-file',
      message: `The compose file is not valid YAML: ${what} (line ${line}).`,
      detail: v2Yaml,
      line: Number(line),
    };
  }
  // 1.29: `The Compose file './compose.yaml' is invalid because:` then one line per problem.
  const because = lines.findIndex((l) => /is invalid because:$/.test(l));
  const v2Schema = lines.find((l) => /^validating .*: /.test(l));
  const unsupported = lines.find((l) => /Unsupported config option for /.test(l));
  const problem = because >= 0 ? lines[because + 1] : (v2Schema?.replace(/^validating [^:]+: /, '') ?? unsupported);
  if (!problem) return undefined;
  const keyPath =
    /^(services(?:\.[\w-]+)*)/.exec(problem)?.[1] ?? /Unsupported config option for ([\w.-]+)/.exec(problem)?.[1];
  return {
    kind: 'invalid-file',
    message: `Compose refuses the file: ${problem}`,
    detail: problem,
    ...(keyPath ? { keyPath: keyPath.split('.') } : {}),
  };
}
