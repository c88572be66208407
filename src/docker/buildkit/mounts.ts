import { DockerfileParser, type Instruction } from 'dockerfile-ast';

/** One `--mount=…` of a RUN instruction, as BuildKit reads it. */
export interface RunMount {
  type: string;
  /** The secret or ssh id (defaults applied), the cache id when given; '' otherwise. */
  id: string;
  /** Whether BuildKit fails the step when the session cannot provide it. */
  required: boolean;
  /** 0-based line of the RUN instruction. */
  line: number;
  target?: string;
}

/** What a Dockerfile asks of a secret, across all the RUN instructions that mount it. */
export interface SecretMount {
  id: string;
  required: boolean;
  /** 0-based lines of the RUN instructions that mount it. */
  lines: number[];
}

/**
 * Splits a mount's comma-separated options; a value may be quoted ("a,b") as in a CSV field. Keys are lower case;
 * a key without `=` (`required`, `ro`) stands for true.
 */
export function parseMountOptions(value: string): Map<string, string> {
  const options = new Map<string, string>();
  const fields: string[] = [];
  let field = '';
  let quote = false;
  for (const ch of value) {
    if (ch === '"') quote = !quote;
    else if (ch === ',' && !quote) {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  for (const f of fields) {
    const eq = f.indexOf('=');
    const key = (eq < 0 ? f : f.slice(0, eq)).trim().toLowerCase();
    if (key) options.set(key, eq < 0 ? 'true' : f.slice(eq + 1).trim());
  }
  return options;
}

const truthy = (v: string | undefined) => v !== undefined && /^(true|1|t|yes)$/i.test(v);

/** Every `RUN --mount` of the file, in order. */
export function runMounts(text: string): RunMount[] {
  const mounts: RunMount[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    if (instruction.getKeyword() !== 'RUN') continue;
    for (const value of mountFlagValues(instruction)) {
      const o = parseMountOptions(value);
      const type = (o.get('type') ?? 'bind').toLowerCase();
      const target = o.get('target') ?? o.get('dst') ?? o.get('destination');
      // BuildKit names a secret after its target file when no id is given, and calls an ssh agent "default".
      const id =
        o.get('id') ??
        (type === 'secret' && target ? (target.split('/').pop() ?? '') : type === 'ssh' ? 'default' : '');
      mounts.push({
        type,
        id,
        required: truthy(o.get('required')),
        line: instruction.getRange().start.line,
        ...(target ? { target } : {}),
      });
    }
  }
  return mounts;
}

function mountFlagValues(instruction: Instruction): string[] {
  const flags =
    (
      instruction as Instruction & { getFlags?: () => { getName(): string; getValue(): string | null }[] }
    ).getFlags?.() ?? [];
  return flags.filter((f) => f.getName().toLowerCase() === 'mount').map((f) => f.getValue() ?? '');
}

/** The secrets a Dockerfile mounts, one entry per id, in the order they first appear. */
export function secretMounts(text: string): SecretMount[] {
  const byId = new Map<string, SecretMount>();
  for (const m of runMounts(text)) {
    if (m.type !== 'secret' || !m.id) continue;
    const seen = byId.get(m.id);
    if (seen) {
      seen.required ||= m.required;
      if (!seen.lines.includes(m.line)) seen.lines.push(m.line);
    } else byId.set(m.id, { id: m.id, required: m.required, lines: [m.line] });
  }
  return [...byId.values()];
}

/** The 0-based lines of `RUN --mount=type=ssh`, where an ssh agent is asked for. */
export function sshMountLines(text: string): number[] {
  return [
    ...new Set(
      runMounts(text)
        .filter((m) => m.type === 'ssh')
        .map((m) => m.line),
    ),
  ];
}

/**
 * What in this Dockerfile only BuildKit can build, in words ("RUN --mount on line 3"), or undefined when the
 * classic builder can build it too.
 */
export function buildkitOnlyFeature(text: string): string | undefined {
  const mount = runMounts(text)[0];
  if (mount) return `RUN --mount on line ${mount.line + 1}`;
  const heredoc = DockerfileParser.parse(text)
    .getInstructions()
    .find((i) => /<<-?["']?[A-Za-z_]/.test(i.getRawArgumentsContent() ?? ''));
  return heredoc ? `a here-document (<<) on line ${heredoc.getRange().start.line + 1}` : undefined;
}
