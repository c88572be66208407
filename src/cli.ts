#!/usr/bin/env node
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { version } from '../package.json';
import { formatJson, formatSarif, formatText, sarifUri, toFinding, type FileFinding } from './cli/report';
import { escapeControlCharacters } from './language/markdown';
import { findLintTargets, LintTargetError, readLimited } from './cli/lintFiles';
import { composeTooLarge, ComposeService } from './language/compose/composeService';
import { fsComposeHost } from './language/compose/fsHost';
import { DockerfileService, tooLargeToCheck } from './language/dockerfile/dockerfileService';
import { lessonFileName } from './language/lessons';
import { isRuleLevel, type RuleLevel } from './language/ruleSettings';

const USAGE =
  'Usage: dockside lint [paths...] [--format text|json|sarif] [--rule CODE=off|error|warning|information|hint]...\n' +
  `
Checks Dockerfiles and compose files. A folder is searched for Dockerfile, Dockerfile.*,
*.Dockerfile and compose files, skipping node_modules and .git. With no path, the current folder is checked.

Exit status: 1 when an error is reported, 0 otherwise, 2 for a usage error or an unreadable file.
`;

class UsageError extends Error {}

interface Options {
  paths: string[];
  format: 'text' | 'json' | 'sarif';
  rules: Record<string, RuleLevel>;
}

function parseOptions(argv: string[]): Options | 'help' | 'version' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string', short: 'f', default: 'text' },
      rule: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  if (values.version) return 'version';
  const [command, ...paths] = positionals;
  if (command !== 'lint') throw new UsageError(command ? `Unknown command "${command}".` : 'Missing command.');
  const format = values.format;
  if (format !== 'text' && format !== 'json' && format !== 'sarif') {
    throw new UsageError(`Unknown format "${format}": use text, json or sarif.`);
  }
  const rules: Record<string, RuleLevel> = {};
  for (const r of values.rule ?? []) {
    const [, code, level] = /^([A-Za-z0-9_-]+)=(\w+)$/.exec(r) ?? [];
    if (!code || !level || !isRuleLevel(level))
      throw new UsageError(`Bad --rule "${r}": write CODE=off|error|warning|information|hint.`);
    rules[code.toUpperCase()] = level;
  }
  return { paths: paths.length ? paths : ['.'], format, rules };
}

/** Files larger than this are not read: the services check up to 1 MB of text, a few more bytes when not ASCII. */
const READ_LIMIT = 4 * 1024 * 1024;

function lessonLocation(lesson: string): string {
  return path.resolve(__dirname, '..', 'media', 'lessons', lessonFileName(lesson));
}

export function runCli(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(argv);
  } catch (e) {
    err(`dockside: ${escapeControlCharacters(e instanceof Error ? e.message : String(e))}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    out(USAGE);
    return 0;
  }
  if (options === 'version') {
    out(`${version}\n`);
    return 0;
  }

  let targets: ReturnType<typeof findLintTargets>;
  try {
    targets = findLintTargets(options.paths);
  } catch (e) {
    const message =
      e instanceof LintTargetError
        ? `dockside: cannot lint ${e.message}`
        : `dockside: cannot read ${(e as NodeJS.ErrnoException).path ?? 'a path'}: ${(e as Error).message}`;
    err(escapeControlCharacters(message) + '\n');
    return 2;
  }

  const dockerfiles = new DockerfileService({ rules: options.rules, fileExists: (p) => fs.existsSync(p) });
  const compose = new ComposeService(options.rules, fsComposeHost());
  const findings: FileFinding[] = [];
  for (const { file, kind } of targets) {
    let read: ReturnType<typeof readLimited>;
    try {
      read = readLimited(file, READ_LIMIT);
    } catch (e) {
      err(escapeControlCharacters(`dockside: cannot read ${file}: ${(e as Error).message}`) + '\n');
      return 2;
    }
    if ('tooLarge' in read) {
      // Not read at all: the services would only say it is too large to check.
      const d =
        kind === 'compose'
          ? {
              range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
              severity: 'warning' as const,
              code: 'CS025',
              message: composeTooLarge(read.tooLarge),
              lesson: 'compose',
            }
          : tooLargeToCheck('', read.tooLarge)!;
      findings.push(toFinding(file, d));
      continue;
    }
    const { text } = read;
    const diagnostics =
      kind === 'compose'
        ? compose.diagnose({ uri: file, version: 0, text, path: path.resolve(file) })
        : dockerfiles.diagnose({ uri: file, version: 0, text, path: path.resolve(file) });
    for (const d of diagnostics) findings.push(toFinding(file, d));
  }

  if (options.format === 'json') out(formatJson(findings));
  else if (options.format === 'sarif') out(formatSarif(findings, version, (l) => sarifUri(lessonLocation(l))));
  else out(formatText(findings, lessonLocation));
  return findings.some((f) => f.severity === 'error') ? 1 : 0;
}

if (require.main === module) {
  process.exitCode = runCli(
    process.argv.slice(2),
    (s) => process.stdout.write(s),
    (s) => process.stderr.write(s),
  );
}
