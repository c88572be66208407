import * as path from 'node:path';
import { isMap, isSeq, LineCounter, type Node } from 'yaml';
import { caret, lineEnding, type QuickFix, type TextEdit } from '../edits';
import { plainTextSecrets } from './composeSecrets';
import type { ComposeFile, ComposeHost } from './composeTypes';
import { dotEnvValue } from './dotEnv';
import { dirOf, pair, str } from './yamlNodes';
import { parseYamlDocument } from '../yamlParse';

/**
 * Moves every plain-text secret of a service into an env file beside the compose file (the one its `env_file`
 * already names, or `<service>.env`), points `env_file` at it, and keeps it out of git when a .gitignore exists.
 * It writes only inside the compose file's folder or its workspace folder: an `env_file` that leads anywhere else
 * (`../../../root/.bashrc`, an absolute path, a symbolic link pointing out) gets no fix. Appending to a file that
 * exists is asked first.
 */
export function moveSecretsToEnvFile(text: string, service: string, file: ComposeFile): QuickFix | undefined {
  const lineCounter = new LineCounter();
  const doc = parseYamlDocument(text, { lineCounter, uniqueKeys: false });
  const serviceNode = pair(pair(doc.contents, 'services')?.value, service)?.value;
  if (!isMap(serviceNode)) return undefined;
  const secrets = plainTextSecrets(serviceNode);
  // Values that do not fit on one KEY=value line are left to the author.
  const movable = secrets.filter(
    (e) => !/[\r\n]/.test(e.value) && lineOf(lineCounter, e.range[0]) === lineOf(lineCounter, e.range[1]),
  );
  if (!movable.length) return undefined;
  const eol = lineEnding(text);
  const lines = text.split('\n');
  const dir = dirOf(file.path);
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
  const indent = /^\s*/.exec(lines[envKeyLine] ?? '')![0];
  if (allGone) {
    // The whole "environment:" block goes; env_file takes its place.
    const last = Math.max(...movable.map((e) => lineOf(lineCounter, e.range[1])));
    edits.push({
      range: { start: { line: envKeyLine, character: 0 }, end: { line: last + 1, character: 0 } },
      newText: existingName ? '' : `${indent}env_file:${eol}${indent}  - ${envName}${eol}`,
    });
  } else {
    for (const e of movable) {
      const l = lineOf(lineCounter, e.range[0]);
      edits.push({ range: { start: { line: l, character: 0 }, end: { line: l + 1, character: 0 } }, newText: '' });
    }
    if (!existingName)
      edits.push({ range: caret(envKeyLine, 0), newText: `${indent}env_file:${eol}${indent}  - ${envName}${eol}` });
  }

  const what = movable.length === 1 ? `"${movable[0]!.key}"` : `${movable.length} secrets`;
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
      detail:
        `${envName} already exists (${envPath}). The ${movable.length === 1 ? 'line' : 'lines'} for ` +
        `${movable.map((e) => e.key).join(', ')} will be added at its end.`,
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
  const end = { line: lines.length - 1, character: lines[lines.length - 1]!.length };
  return { range: { start: end, end }, newText: (existing === '' || existing.endsWith('\n') ? '' : '\n') + addition };
}
