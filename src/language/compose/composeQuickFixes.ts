import * as path from 'node:path';
import { own } from '../own';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { DocksideDiagnostic, Range } from '../diagnostic';
import { SUGGESTED_TAGS, type QuickFix, type TextEdit } from '../dockerfile/quickFixes';
import { dotEnvValue } from './dotEnv';
import { plainTextSecrets, type ComposeHost } from './composeService';
import { pair, str } from './yamlNodes';

const at = (line: number, character: number): Range => ({ start: { line, character }, end: { line, character } });

/** Quick fixes for a compose diagnostic, plus "ignore" actions. Edits are computed from the text alone. */
/** The compose file on disk, what may be read there, and the workspace folder that holds it. */
export interface ComposeFile {
  path: string;
  host: ComposeHost;
  root?: string;
}

export function composeQuickFixes(text: string, d: DocksideDiagnostic, file?: ComposeFile): QuickFix[] {
  const lines = text.split('\n');
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  const fixes: QuickFix[] = [];
  const line = d.range.start.line;
  switch (d.code) {
    case 'CS003':
      fixes.push({
        title: 'Remove the obsolete "version"',
        edits: [{ range: { start: at(line, 0).start, end: at(line + 1, 0).start }, newText: '' }],
        isPreferred: true,
      });
      break;
    case 'CS013':
      if (d.data?.quoted)
        fixes.push({
          title: `Quote it: ${d.data.quoted}`,
          edits: [{ range: d.range, newText: d.data.quoted }],
          isPreferred: true,
        });
      break;
    case 'CS006':
    case 'CS007': {
      const section = d.data?.section;
      const name = d.data?.name;
      if (!section || !name) break;
      const header = lines.findIndex((l) => new RegExp(`^${section}:\\s*(#.*)?\\r?$`).test(l));
      const edit =
        header >= 0
          ? { range: at(header + 1, 0), newText: `  ${name}:${nl}` }
          : {
              range: at(lines.length - (text.endsWith('\n') ? 1 : 0), 0),
              newText: `${text.endsWith('\n') || text === '' ? '' : nl}${section}:${nl}  ${name}:${nl}`,
            };
      fixes.push({
        title: `Declare ${section === 'networks' ? 'network' : 'volume'} "${name}" at the top level`,
        edits: [edit],
        isPreferred: true,
      });
      break;
    }
    case 'CS016':
      if (d.data?.replacement)
        fixes.push({
          title: `Change to "${d.data.replacement}"`,
          edits: [{ range: d.range, newText: d.data.replacement }],
          isPreferred: true,
        });
      break;
    case 'CS004': {
      const fix = pinTag(text, d);
      if (fix) fixes.push(fix);
      break;
    }
    case 'CS011': {
      const fix = file && d.data?.service ? moveSecretsToEnvFile(text, d.data.service, file) : undefined;
      if (fix) fixes.push(fix);
      break;
    }
    default:
      break;
  }
  const indent = /^\s*/.exec(lines[line] ?? '')![0];
  fixes.push({
    title: `Ignore ${d.code} here`,
    edits: [{ range: at(line, 0), newText: `${indent}# dockside-ignore ${d.code}${nl}` }],
  });
  fixes.push({
    title: `Ignore ${d.code} in this file`,
    edits: [{ range: at(0, 0), newText: `# dockside-ignore-file ${d.code}${nl}` }],
  });
  return fixes;
}

/** Pins `image: nginx` / `nginx:latest` to a version, offered as a snippet so the tag can be typed over. */
function pinTag(text: string, d: DocksideDiagnostic): QuickFix | undefined {
  const lines = text.split('\n');
  const line = lines[d.range.start.line] ?? '';
  let source = line.slice(d.range.start.character, d.range.end.character);
  const quote = /^["']/.test(source) ? source[0] : '';
  if (quote) source = source.slice(1, -1);
  const name = source.replace(/:latest$/, '');
  const official = name.replace(/^(docker\.io\/)?(library\/)?/, '');
  const tag = own(SUGGESTED_TAGS, official) ?? 'VERSION';
  const start = d.range.start.character + quote.length + name.length;
  const range: Range = {
    start: { line: d.range.start.line, character: start },
    end: { line: d.range.start.line, character: start + source.length - name.length },
  };
  return {
    title: `Pin "${name}" to a version tag`,
    edits: [{ range, newText: `:${tag}` }],
    snippet: { range, text: `:\${1:${tag}}` },
    isPreferred: true,
  };
}

/**
 * Moves every plain-text secret of a service into an env file beside the compose file (the one its `env_file`
 * already names, or `<service>.env`), points `env_file` at it, and keeps it out of git when a .gitignore exists.
 * It writes only inside the compose file's folder or its workspace folder: an `env_file` that leads anywhere else
 * (`../../../root/.bashrc`, an absolute path, a symbolic link pointing out) gets no fix. Appending to a file that
 * exists is asked first.
 */
function moveSecretsToEnvFile(text: string, service: string, file: ComposeFile): QuickFix | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const serviceNode = pair(pair(doc.contents, 'services')?.value, service)?.value;
  if (!isMap(serviceNode)) return undefined;
  const secrets = plainTextSecrets(serviceNode);
  // Values that do not fit on one KEY=value line are left to the author.
  const movable = secrets.filter(
    (e) => !/[\r\n]/.test(e.value) && lineOf(lineCounter, e.range[0]) === lineOf(lineCounter, e.range[1]),
  );
  if (!movable.length) return undefined;
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split('\n');
  const dir = path.dirname(file.path);
  const envFileNode = pair(serviceNode, 'env_file');
  const existingName =
    str(envFileNode?.value) ??
    (isSeq(envFileNode?.value)
      ? (str(envFileNode.value.items[0]) ?? str(pair(envFileNode.value.items[0], 'path')?.value))
      : undefined);
  const envName = existingName ?? `${service}.env`;
  const envPath = path.resolve(dir, envName);
  const roots = [dir, ...(file.root ? [file.root] : [])];
  if (!insideRoots(envPath, roots, file.host)) return undefined;
  const content = movable.map((e) => `${e.key}=${dotEnvValue(e.value)}\n`).join('');

  const edits: TextEdit[] = [];
  const environment = pair(serviceNode, 'environment')!;
  const allGone =
    (isMap(environment.value) || isSeq(environment.value)) && environment.value.items.length === movable.length;
  const envKeyLine = lineOf(lineCounter, (environment.key as Node).range![0]);
  const indent = /^\s*/.exec(lines[envKeyLine])![0];
  if (allGone) {
    // The whole "environment:" block goes; env_file takes its place.
    const last = Math.max(...movable.map((e) => lineOf(lineCounter, e.range[1])));
    edits.push({
      range: { start: { line: envKeyLine, character: 0 }, end: { line: last + 1, character: 0 } },
      newText: existingName ? '' : `${indent}env_file:${nl}${indent}  - ${envName}${nl}`,
    });
  } else {
    for (const e of movable) {
      const l = lineOf(lineCounter, e.range[0]);
      edits.push({ range: { start: { line: l, character: 0 }, end: { line: l + 1, character: 0 } }, newText: '' });
    }
    if (!existingName)
      edits.push({ range: at(envKeyLine, 0), newText: `${indent}env_file:${nl}${indent}  - ${envName}${nl}` });
  }

  const what = movable.length === 1 ? `"${movable[0].key}"` : `${movable.length} secrets`;
  const fix: QuickFix = {
    title: `Move ${what} of "${service}" to ${envName} (env_file)`,
    edits,
    isPreferred: true,
    otherEdits: [],
  };
  const existing = file.host.readFile(envPath);
  if (existing === undefined) fix.createFile = { path: envPath, content };
  else {
    fix.otherEdits!.push({ path: envPath, edits: [appendEdit(existing, content)] });
    fix.confirm = {
      message: `Append ${what} to ${envName}?`,
      detail: `${envName} already exists (${envPath}). The ${movable.length === 1 ? 'line' : 'lines'} for ${movable.map((e) => e.key).join(', ')} will be added at its end.`,
      button: 'Append',
    };
  }
  const gitignorePath = path.join(dir, '.gitignore');
  const gitignore = insideRoots(gitignorePath, roots, file.host) ? file.host.readFile(gitignorePath) : undefined;
  const ignoredName = path.relative(dir, envPath).split(path.sep).join('/');
  if (
    gitignore !== undefined &&
    !ignoredName.startsWith('../') &&
    !gitignore.split(/\r?\n/).some((l) => l.trim() === ignoredName || l.trim() === `/${ignoredName}`)
  ) {
    fix.otherEdits!.push({ path: gitignorePath, edits: [appendEdit(gitignore, `${ignoredName}\n`)] });
  }
  return fix;
}

/** Whether `target` (and, symbolic links followed, where it really leads) stays inside one of the folders. */
function insideRoots(target: string, roots: string[], host: ComposeHost): boolean {
  const within = (p: string, root: string) => {
    const rel = path.relative(root, p);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  };
  if (!roots.some((r) => within(target, path.resolve(r)))) return false;
  if (!host.realPath) return true;
  // The file, or (when it does not exist yet) the nearest folder above it that does.
  let probe = target;
  let real = host.realPath(probe);
  while (real === undefined && path.dirname(probe) !== probe) {
    probe = path.dirname(probe);
    real = host.realPath(probe);
  }
  if (real === undefined) return false;
  const realTarget = path.join(real, path.relative(probe, target));
  return roots.some((r) => within(realTarget, host.realPath!(r) ?? path.resolve(r)));
}

const lineOf = (lines: LineCounter, offset: number): number => lines.linePos(offset).line - 1;

/** An edit that adds `addition` at the end of `existing`, on a line of its own. */
function appendEdit(existing: string, addition: string): TextEdit {
  const lines = existing.split('\n');
  const end = { line: lines.length - 1, character: lines[lines.length - 1].length };
  return { range: { start: end, end }, newText: (existing === '' || existing.endsWith('\n') ? '' : '\n') + addition };
}
