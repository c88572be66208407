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
  emptyContinuationLine: ValidationSeverity.WARNING,
  instructionCasing: ValidationSeverity.WARNING,
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
 * Where dockerfile-utils calls something an error that `docker build` accepts, Dockside says warning: an error
 * means the build fails (checked against the real engine by the differential test).
 */
function matchEngineSeverity(text: string, d: DocksideDiagnostic): DocksideDiagnostic {
  if (d.severity !== 'error') return d;
  const line = text.split('\n', d.range.start.line + 1)[d.range.start.line] ?? '';
  const keyword = /^\s*(\w+)/.exec(line)?.[1]?.toUpperCase();
  // `CMD` / `ENTRYPOINT` with nothing after them are accepted: they clear the inherited value.
  if (d.code === 'DSX002' && (keyword === 'CMD' || keyword === 'ENTRYPOINT')) {
    return { ...d, severity: 'warning', message: `${keyword} has no arguments, which clears the one inherited from the base image. Give it a command, or remove the line.` };
  }
  // `COPY --from=` with an empty value is ignored by the builder.
  if (d.code === 'DSX047' && /--from=(\s|$)/.test(line)) {
    return { ...d, severity: 'warning', message: '--from= has no value, so it is ignored and the files come from the build context. Name a stage or image, or remove the flag.' };
  }
  return d;
}

/**
 * Syntax and structure checks of dockerfile-utils (the checks behind dockerfile-language-service), in Dockside's
 * diagnostic model. Never throws: a failure of the checker itself becomes one diagnostic at the top of the file.
 */
export function syntaxDiagnostics(text: string): DocksideDiagnostic[] {
  try {
    return validate(text, VALIDATOR_SETTINGS).map(fromLsp).map((d) => matchEngineSeverity(text, d));
  } catch (err) {
    return [
      {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: 'warning',
        code: 'DSX999',
        message: `Dockside could not check this Dockerfile (${err instanceof Error ? err.message : String(err)}). Please report it with the file attached.`,
        lesson: 'dockerfile-syntax',
      },
    ];
  }
}
