import { validate, ValidationCode, ValidationSeverity, type ValidatorSettings } from 'dockerfile-utils';
import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver-types';
import type { DiagnosticTag, DocksideDiagnostic, Severity } from '../diagnostic';

const LSP_SEVERITY: Record<number, Severity> = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };
const LSP_TAG: Record<number, DiagnosticTag> = { 1: 'unnecessary', 2: 'deprecated' };

/**
 * The stable Dockside code for a dockerfile-utils check: `DSX` and the library's ValidationCode number, padded.
 * The library's enum is append-only, so the codes stay stable across its releases.
 */
export function syntaxCode(code: number | string | undefined): string {
  const n = typeof code === 'number' ? code : Number(code);
  return Number.isInteger(n) && n >= 0 ? `DSX${String(n).padStart(3, '0')}` : 'DSX999';
}

/** The ValidationCode's name, for documentation (`DSX038` → `UNKNOWN_INSTRUCTION`). */
export function syntaxCodeName(code: string): string | undefined {
  const n = Number(code.replace(/^DSX/, ''));
  const name = (ValidationCode as unknown as Record<number, string>)[n];
  return typeof name === 'string' ? name : undefined;
}

/** Checks Dockside owns with its own rule (a code, a fix and a lesson of its own), so they are not reported twice. */
const VALIDATOR_SETTINGS: ValidatorSettings = {
  // The validator replaces (not merges) its defaults with what it is given, so the kept checks are listed too.
  directiveCasing: ValidationSeverity.WARNING,
  emptyContinuationLine: ValidationSeverity.IGNORE, // DS037, on the line BuildKit reports
  instructionCasing: ValidationSeverity.IGNORE, // DS038, by the file's majority as BuildKit decides
  deprecatedMaintainer: ValidationSeverity.IGNORE, // DS029
  instructionCmdMultiple: ValidationSeverity.IGNORE, // DS018
  instructionEntrypointMultiple: ValidationSeverity.IGNORE, // DS018
  instructionHealthcheckMultiple: ValidationSeverity.IGNORE, // DS018
  instructionJSONInSingleQuotes: ValidationSeverity.IGNORE, // DS017
  instructionWorkdirRelative: ValidationSeverity.IGNORE, // DS021
};

function fromLsp(d: LspDiagnostic): DocksideDiagnostic {
  const tags = (d.tags ?? []).map((t) => LSP_TAG[t]).filter((t): t is DiagnosticTag => t !== undefined);
  return {
    range: { start: { ...d.range.start }, end: { ...d.range.end } },
    severity: LSP_SEVERITY[d.severity ?? 1] ?? 'error',
    code: syntaxCode(d.code),
    message: d.message,
    lesson: 'dockerfile-syntax',
    ...(tags.length ? { tags } : {}),
  };
}

/**
 * dockerfile-utils checks that a Dockside rule reports instead, with BuildKit's lines and semantics: duplicate stage
 * names (DS039, on the later stage only), and EXPOSE with an address or host port (DS031 warns: the engine accepts
 * it).
 */
function ownedByRule(lineAt: (n: number) => string, d: DocksideDiagnostic): boolean {
  if (d.code === 'DSX010') return true;
  if (d.code !== 'DSX024') return false;
  const line = lineAt(d.range.start.line);
  return line.slice(d.range.start.character, d.range.end.character).includes(':');
}

/**
 * Where dockerfile-utils calls something an error that `docker build` accepts, Dockside says warning: an error
 * means the build fails (checked against the real engine by the differential test).
 */
function matchEngineSeverity(lineAt: (n: number) => string, d: DocksideDiagnostic): DocksideDiagnostic {
  if (d.severity !== 'error') return d;
  const line = lineAt(d.range.start.line);
  const keyword = /^\s*(\w+)/.exec(line)?.[1]?.toUpperCase();
  // `CMD` / `ENTRYPOINT` with nothing after them are accepted: they clear the inherited value.
  if (d.code === 'DSX002' && (keyword === 'CMD' || keyword === 'ENTRYPOINT')) {
    return {
      ...d,
      severity: 'warning',
      message:
        `${keyword} has no arguments, which clears the one inherited from the base image. ` +
        `Give it a command, or remove the line.`,
    };
  }
  // `COPY --from=` with an empty value is ignored by the builder.
  if (d.code === 'DSX047' && /--from=(\s|$)/.test(line)) {
    return {
      ...d,
      severity: 'warning',
      message:
        '--from= has no value, so it is ignored and the files come from the build context. ' +
        'Name a stage or image, or remove the flag.',
    };
  }
  return d;
}

const STAGE_NAME = /^[a-z][a-z0-9_.-]*$/;

/**
 * dockerfile-utils keeps stage names (lower-cased) as keys of a plain object, so a stage called `constructor` or
 * `__proto__` finds Object.prototype's member there and the whole check throws: every other syntax error of the
 * file was lost with it. Those names are shown to the library under a stand-in of the same length.
 */
const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype).map((n) => n.toLowerCase()));

/**
 * Stage names the library cannot be given as they are, replaced in the text it sees by names of the same length
 * (so positions stay right):
 * - long names that end in a bad character: its stage-name regular expression backtracks exponentially on them
 *   (26 characters took 0.7 s, 40 would take hours), so they are checked here with an equivalent linear one;
 * - names that are members of Object.prototype (see PROTOTYPE_NAMES).
 * `restore` puts the real names back into the library's messages.
 */
function guardStageNames(text: string): {
  text: string;
  found: DocksideDiagnostic[];
  restore: (message: string) => string;
} {
  const none = { text, found: [], restore: (m: string) => m };
  if (!/^\uFEFF?[ \t]*from[ \t]/im.test(text)) return none;
  const found: DocksideDiagnostic[] = [];
  const lines = text.split('\n');
  const standIns = new Map<string, string>();
  let changed = false;
  lines.forEach((line, n) => {
    // Arguments are split on blanks only (a BOM is not one). The library checks the third argument as a stage name
    // whether or not the second is AS.
    const m = /^(\uFEFF?[ \t]*from[ \t]+(?:--[^ \t]+[ \t]+)*[^ \t]+[ \t]+[^ \t]+[ \t]+)([^ \t]+)([ \t]*)$/i.exec(
      line.replace(/\r$/, ''),
    );
    if (!m?.[1] || m[2] === undefined) return;
    const start = m[1].length;
    const name = m[2];
    const lower = name.toLowerCase();
    const valid = STAGE_NAME.test(lower);
    if (!PROTOTYPE_NAMES.has(lower) && (name.length < 16 || valid)) return;
    if (!valid) {
      found.push({
        range: { start: { line: n, character: start }, end: { line: n, character: start + name.length } },
        severity: 'error',
        code: syntaxCode(ValidationCode.INVALID_BUILD_STAGE_NAME),
        message: `invalid name for build stage: "${lower}", name can't start with a number or contain symbols`,
        lesson: 'dockerfile-syntax',
      });
    }
    // Same name, same stand-in, so the library still sees duplicates as duplicates.
    let standIn = standIns.get(lower);
    if (!standIn) {
      standIn = `${'q'.repeat(Math.max(1, name.length - String(standIns.size).length))}${standIns.size}`.slice(
        -name.length,
      );
      standIns.set(lower, standIn);
    }
    lines[n] = line.slice(0, start) + standIn + line.slice(start + name.length);
    changed = true;
  });
  if (!changed) return none;
  const back = [...standIns].map(([original, standIn]) => [standIn, original] as const);
  return {
    text: lines.join('\n'),
    found,
    restore: (message) => back.reduce((msg, [standIn, original]) => msg.split(standIn).join(original), message),
  };
}

/**
 * Syntax and structure checks of dockerfile-utils (the checks behind dockerfile-language-service), in Dockside's
 * diagnostic model. Never throws: a failure of the checker itself becomes one diagnostic at the top of the file.
 */
export function syntaxDiagnostics(text: string): DocksideDiagnostic[] {
  try {
    const guarded = guardStageNames(text);
    // Split once: finding a line by splitting the text again for every error cost the square of the file.
    let lines: string[] | undefined;
    const lineAt = (n: number) => (lines ??= text.split('\n'))[n] ?? '';
    const found = validate(guarded.text, VALIDATOR_SETTINGS)
      .map(fromLsp)
      .filter((d) => !ownedByRule(lineAt, d))
      .map((d) => matchEngineSeverity(lineAt, { ...d, message: guarded.restore(d.message) }));
    return [...found, ...guarded.found];
  } catch (err) {
    return [
      {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: 'warning',
        code: 'DSX999',
        message:
          `Dockside could not check this Dockerfile (${err instanceof Error ? err.message : String(err)}). ` +
          `Please report it with the file attached.`,
        lesson: 'dockerfile-syntax',
      },
    ];
  }
}
