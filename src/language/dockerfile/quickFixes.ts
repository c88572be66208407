import type { From, Instruction } from 'dockerfile-ast';
import { own } from '../own';
import type { DocksideDiagnostic, Range } from '../diagnostic';
import type { DockerfileFacts, Stage } from './facts';
import { programName } from './shell';
import { aptCommands } from './rules/packageRules';
import { fromImage, officialName } from './rules/baseImageRules';

export interface TextEdit {
  range: Range;
  newText: string;
}

/** A code action's worth of change. `snippet` (VS Code snippet syntax) replaces `edits` where the editor can. */
export interface QuickFix {
  title: string;
  edits: TextEdit[];
  snippet?: { range: Range; text: string };
  createFile?: { path: string; content: string };
  /** Edits to other files that already exist (appending to a .gitignore, an env file). */
  otherEdits?: { path: string; edits: TextEdit[] }[];
  isPreferred?: boolean;
  /** Asked (modal) before the fix is applied: it changes a file the user already has, such as an env file. */
  confirm?: { message: string; detail: string; button: string };
}

/** Tags to suggest when pinning a well-known image (placeholders the user can change). */
export const SUGGESTED_TAGS: Readonly<Record<string, string>> = {
  node: '22-slim',
  python: '3.12-slim',
  alpine: '3.20',
  debian: '12-slim',
  ubuntu: '24.04',
  golang: '1.22',
  nginx: '1.27-alpine',
  postgres: '16-alpine',
  redis: '7-alpine',
  busybox: '1.36',
  ruby: '3.3-slim',
  rust: '1-slim',
  httpd: '2.4-alpine',
  'eclipse-temurin': '21-jre',
};

const at = (line: number, character: number): Range => ({ start: { line, character }, end: { line, character } });

function lineText(facts: DockerfileFacts, line: number): string {
  const start = facts.offsetAt({ line, character: 0 });
  const end = facts.text.indexOf('\n', start);
  return facts.text.slice(start, end < 0 ? undefined : end).replace(/\r$/, '');
}

function eol(facts: DockerfileFacts): string {
  return facts.text.includes('\r\n') ? '\r\n' : '\n';
}

/** The whole lines an instruction covers, with its line break, for moving or deleting it. */
function wholeLines(facts: DockerfileFacts, i: Instruction): { range: Range; text: string } {
  const r = i.getRange();
  const start = facts.offsetAt({ line: r.start.line, character: 0 });
  const nextLine = facts.offsetAt({ line: r.end.line + 1, character: 0 });
  const end = nextLine > facts.offsetAt(r.end) ? nextLine : facts.text.length;
  return { range: facts.rangeOf(start, end), text: facts.text.slice(start, end) };
}

function instructionAt(facts: DockerfileFacts, d: DocksideDiagnostic): Instruction | undefined {
  const line = d.range.start.line;
  return facts.instructions.find((i) => i.getRange().start.line <= line && i.getRange().end.line >= line);
}

function stageOf(facts: DockerfileFacts, i: Instruction): Stage | undefined {
  return facts.stages.find((s) => s.from === i || s.instructions.includes(i));
}

/** Indentation of the line an instruction starts on. */
function indentOf(facts: DockerfileFacts, i: Instruction): string {
  return /^\s*/.exec(lineText(facts, i.getRange().start.line))![0];
}

function insertAfterWord(d: DocksideDiagnostic, text: string, title: string): QuickFix {
  return { title, edits: [{ range: at(d.range.end.line, d.range.end.character), newText: text }], isPreferred: true };
}

/** Default contents of a .dockerignore for what the Dockerfile builds. */
export function dockerignoreFor(facts: DockerfileFacts): string {
  const text = facts.text;
  const common = [
    '# Keep the build context small and free of secrets.',
    '.git',
    '.gitignore',
    '.dockerignore',
    'Dockerfile*',
    '**/.env',
    '**/.env.*',
    '*.log',
    '.vscode',
    '.idea',
  ];
  const stacks: [RegExp, string[]][] = [
    [/\b(npm|yarn|pnpm|node)\b/, ['node_modules', 'npm-debug.log*', 'dist', 'build', 'coverage', '.next']],
    [/\b(pip|python|poetry)\b/, ['__pycache__', '*.pyc', '.venv', 'venv', '.pytest_cache', '*.egg-info']],
    [/\b(go build|go mod|golang)\b/, ['bin', '*.test', 'vendor']],
    [/\b(mvn|gradle|java|temurin)\b/, ['target', 'build', '.gradle']],
  ];
  const extra = stacks.filter(([re]) => re.test(text)).flatMap(([, lines]) => lines);
  return [...common, ...extra].join('\n') + '\n';
}

function userCreation(facts: DockerfileFacts, stage: Stage): { lines: string[]; user: string } {
  const image = officialName(fromImage(facts, stage.from) ?? '');
  if (image === 'node') return { lines: [], user: 'node' };
  const usesApk = [...facts.runs()].some(
    (r) => r.stage === stage && r.commands.some((c) => programName(c.words) === 'apk'),
  );
  const busyboxLike = usesApk || /alpine|busybox/.test(`${image}:${stage.from.getImageTag() ?? ''}`);
  return busyboxLike
    ? { lines: ['RUN addgroup -S app && adduser -S -G app app'], user: 'app' }
    : { lines: ['RUN groupadd --system app && useradd --system --gid app --create-home app'], user: 'app' };
}

function fixesFor(facts: DockerfileFacts, d: DocksideDiagnostic): QuickFix[] {
  const nl = eol(facts);
  const instruction = instructionAt(facts, d);
  switch (d.code) {
    case 'DS001': {
      const image = d.data?.image ?? '';
      const tag = own(SUGGESTED_TAGS, officialName(image)) ?? 'VERSION';
      const from = instruction as From;
      const tagRange = from.getImageTagRange();
      const range = tagRange
        ? { start: { line: tagRange.start.line, character: tagRange.start.character - 1 }, end: tagRange.end }
        : at(d.range.end.line, d.range.end.character);
      return [
        {
          title: `Pin "${image}" to a version tag`,
          edits: [{ range, newText: `:${tag}` }],
          snippet: { range, text: `:\${1:${tag}}` },
          isPreferred: true,
        },
      ];
    }
    case 'DS002':
      return d.data?.variant
        ? [{ title: `Use "${d.data.variant}"`, edits: [{ range: d.range, newText: d.data.variant }] }]
        : [];
    case 'DS003': {
      if (!instruction || !d.data?.installLine) return [];
      const installLine = Number(d.data.installLine);
      const run = facts.instructions.find((i) => i.getRange().start.line === installLine);
      if (!run) return [];
      const stage = stageOf(facts, instruction);
      const dest = instruction.getArguments().slice(-1)[0]?.getValue() ?? '.';
      const target = dest === '.' ? './' : dest;
      const manifests = d.data.manifests
        .split(' ')
        .map((m, k) => (k > 0 && !/requirements|\.txt$/.test(m) && m !== 'pom.xml' ? `${m}*` : m));
      const moved = wholeLines(facts, run);
      const indent = indentOf(facts, instruction);
      const copyLine = `${indent}COPY ${manifests.join(' ')} ${target}${nl}`;
      const runText = moved.text.endsWith('\n') ? moved.text : moved.text + nl;
      if (!stage) return [];
      return [
        {
          title: 'Copy the manifest files and install before copying the rest',
          edits: [
            { range: at(instruction.getRange().start.line, 0), newText: copyLine + runText },
            { range: moved.range, newText: '' },
          ],
          isPreferred: true,
        },
      ];
    }
    case 'DS004': {
      const folder = d.data?.folder;
      if (!folder) return [];
      return [
        {
          title: 'Create a .dockerignore with sensible defaults',
          edits: [],
          createFile: { path: `${folder}/.dockerignore`, content: dockerignoreFor(facts) },
          isPreferred: true,
        },
      ];
    }
    case 'DS005': {
      if (!instruction) return [];
      const stage = stageOf(facts, instruction);
      const next = stage?.instructions[stage.instructions.indexOf(instruction) + 1];
      const installs = next && next.getKeyword() === 'RUN' ? aptCommands(facts.shellCommands(next), 'install') : [];
      if (!next || installs.length === 0) return [];
      const firstArg = next.getArguments()[0];
      // One RUN that updates, installs without extras, and cleans up after itself.
      const edits: TextEdit[] = [
        { range: wholeLines(facts, instruction).range, newText: '' },
        {
          range: at(firstArg.getRange().start.line, firstArg.getRange().start.character),
          newText: 'apt-get update && ',
        },
      ];
      for (const { command, sub } of installs) {
        if (!command.words.some((w) => w.value === '--no-install-recommends')) {
          const end = facts.positionAt(sub.end);
          edits.push({ range: at(end.line, end.character), newText: ' --no-install-recommends' });
        }
      }
      const cleaned = facts
        .shellCommands(next)
        .some((c) => programName(c.words) === 'rm' && c.words.some((w) => w.value.startsWith('/var/lib/apt/lists')));
      if (!cleaned) {
        const end = next.getRange().end;
        edits.push({ range: at(end.line, end.character), newText: ` \\${nl}    && rm -rf /var/lib/apt/lists/*` });
      }
      return [
        {
          title: 'Join "apt-get update" with the install below (no recommends, lists removed)',
          edits,
          isPreferred: true,
        },
      ];
    }
    case 'DS006':
      return [insertAfterWord(d, ' -y', 'Add -y')];
    case 'DS007':
      return [insertAfterWord(d, ' --no-install-recommends', 'Add --no-install-recommends')];
    case 'DS008': {
      if (!instruction) return [];
      const end = instruction.getRange().end;
      return [
        {
          title: 'Remove the apt lists in the same RUN',
          edits: [{ range: at(end.line, end.character), newText: ` \\${nl}    && rm -rf /var/lib/apt/lists/*` }],
          isPreferred: true,
        },
      ];
    }
    case 'DS010':
      return [insertAfterWord(d, ' --no-cache', 'Add --no-cache')];
    case 'DS011':
      return [insertAfterWord(d, ' --no-cache-dir', 'Add --no-cache-dir')];
    case 'DS013': {
      const stage = facts.finalStage;
      if (!stage) return [];
      // Only the "no USER at all" finding carries the image; for an explicit "USER root" the author must choose.
      if (d.data?.image === undefined) return [];
      const { lines, user } = userCreation(facts, stage);
      const runtime = stage.instructions.find((i) => ['CMD', 'ENTRYPOINT', 'HEALTHCHECK'].includes(i.getKeyword()));
      const line = runtime
        ? runtime.getRange().start.line
        : (stage.instructions.slice(-1)[0] ?? stage.from).getRange().end.line + 1;
      const needsBreak =
        !runtime && facts.offsetAt(at(line, 0).start) === facts.text.length && !facts.text.endsWith('\n');
      const text = [...lines, `USER ${user}`].join(nl) + nl;
      return [
        {
          title: lines.length ? `Create user "${user}" and switch to it` : `Switch to the image's "${user}" user`,
          edits: [{ range: at(line, 0), newText: (needsBreak ? nl : '') + text }],
          isPreferred: true,
        },
      ];
    }
    case 'DS014':
      return instruction
        ? [
            {
              title: 'Use COPY',
              edits: [{ range: instruction.getInstructionRange(), newText: 'COPY' }],
              isPreferred: true,
            },
          ]
        : [];
    case 'DS016':
      return d.data?.exec
        ? [{ title: 'Use the exec form', edits: [{ range: d.range, newText: d.data.exec }], isPreferred: true }]
        : [];
    case 'DS017':
      return d.data?.fixed
        ? [{ title: 'Write valid JSON', edits: [{ range: d.range, newText: d.data.fixed }], isPreferred: true }]
        : [];
    case 'DS018':
      return instruction
        ? [
            {
              title: `Remove the ignored ${instruction.getKeyword()}`,
              edits: [{ range: wholeLines(facts, instruction).range, newText: '' }],
            },
          ]
        : [];
    case 'DS021': {
      const value = lineText(facts, d.range.start.line).slice(d.range.start.character, d.range.end.character);
      return [
        { title: 'Make the path absolute', edits: [{ range: d.range, newText: '/' + value.replace(/^\.\//, '') }] },
      ];
    }
    case 'DS026':
    case 'DS027':
    case 'DS031': {
      const replacement = d.data?.suggestion ?? d.data?.replacement;
      return replacement
        ? [
            {
              title: `Change to "${replacement}"`,
              edits: [{ range: d.range, newText: replacement }],
              isPreferred: true,
            },
          ]
        : [];
    }
    case 'DS028': {
      if (!instruction || d.severity !== 'warning' || !d.data?.name) return [];
      const stage = stageOf(facts, instruction);
      if (!stage) return [];
      const fromLine = stage.from.getRange().end.line + 1;
      return [
        {
          title: `Declare "ARG ${d.data.name}" in this stage`,
          edits: [{ range: at(fromLine, 0), newText: `ARG ${d.data.name}${nl}` }],
          isPreferred: true,
        },
      ];
    }
    case 'DS029': {
      if (!instruction) return [];
      const who = (instruction.getArgumentsContent() ?? '').trim();
      return [
        {
          title: 'Use LABEL maintainer=…',
          edits: [
            {
              range: { start: instruction.getInstructionRange().start, end: instruction.getRange().end },
              newText: `LABEL maintainer=${JSON.stringify(who)}`,
            },
          ],
          isPreferred: true,
        },
      ];
    }
    case 'DS030': {
      if (!instruction) return [];
      const [key, ...rest] = instruction.getArguments();
      const value = (instruction.getArgumentsContent() ?? '').trim().slice(key.getValue().length).trim();
      const quoted = /^[A-Za-z0-9_./:@%+,-]*$/.test(value) ? value : JSON.stringify(value);
      return rest.length || value === ''
        ? [
            {
              title: `Write ${key.getValue()}=…`,
              edits: [{ range: d.range, newText: `${key.getValue()}=${quoted}` }],
              isPreferred: true,
            },
          ]
        : [];
    }
    default:
      return [];
  }
}

/** Parser directives (`# syntax=`, `# escape=`) must stay first: file-wide ignores go after them. */
function afterDirectives(facts: DockerfileFacts): number {
  let line = 0;
  while (/^\s*#\s*[a-zA-Z]+\s*=/.test(lineText(facts, line)) && !/dockside-ignore/.test(lineText(facts, line))) line++;
  return line;
}

/** Quick fixes for one diagnostic, plus "ignore" actions for any Dockside code. */
export function dockerfileQuickFixes(facts: DockerfileFacts, d: DocksideDiagnostic): QuickFix[] {
  const fixes = fixesFor(facts, d);
  const instruction = instructionAt(facts, d);
  const nl = eol(facts);
  if (instruction) {
    fixes.push({
      title: `Ignore ${d.code} for this instruction`,
      edits: [
        {
          range: at(instruction.getRange().start.line, 0),
          newText: `${indentOf(facts, instruction)}# dockside-ignore ${d.code}${nl}`,
        },
      ],
    });
  }
  fixes.push({
    title: `Ignore ${d.code} in this file`,
    edits: [{ range: at(afterDirectives(facts), 0), newText: `# dockside-ignore-file ${d.code}${nl}` }],
  });
  return fixes;
}

/** Applies non-overlapping edits to a text (used by the CLI, tests and previews). */
export function applyEdits(text: string, edits: TextEdit[], offsetAt: (p: Range['start']) => number): string {
  const sorted = edits
    .map((e) => ({ start: offsetAt(e.range.start), end: offsetAt(e.range.end), text: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
