import type { Dockerfile } from 'dockerfile-ast';
import { compareDiagnostics, type DocksideDiagnostic, type Position, type Range } from '../diagnostic';
import { VersionedCache } from '../documentCache';
import type { QuickFix, TextEdit } from '../edits';
import { applyRuleSettings, type RuleSettings } from '../ruleSettings';
import { safely } from '../safely';
import { dropSuppressed } from '../suppressions';
import { DockerfileFacts, type DockerfileEnvironment } from './facts';
import { dockerfileHover, type HoverResult } from './hover';
import { applyInlineSettings } from './inlineSettings';
import { sharedRcjsuenService } from './rcjsuenService';
import {
  contextualCompletions,
  definitionAt,
  outline,
  type CompletionSuggestion,
  type OutlineSymbol,
} from './navigation';
import { dockerfileQuickFixes } from './quickFixes';
import { DOCKERFILE_RULES, DOCKERFILE_RULES_BY_CODE } from './rules';
import type { DockerfileRule } from './ruleTypes';
import { parseShared } from './sharedParse';
import { syntaxDiagnostics } from './syntaxDiagnostics';

/** What the editor and the CLI need to know about one Dockerfile text. */
export interface DockerfileDocument {
  uri: string;
  version: number;
  text: string;
  /** Where the file is on disk (for checks such as a missing .dockerignore). */
  path?: string;
}

export interface DockerfileServiceOptions {
  rules?: RuleSettings;
  fileExists?: (path: string) => boolean;
  readFile?: DockerfileEnvironment['readFile'];
  imageConfig?: DockerfileEnvironment['imageConfig'];
  targetPlatform?: string;
  /** Told when a rule throws (the rule is skipped); the fuzz test treats it as a failure. */
  onRuleError?: (code: string, err: unknown) => void;
}

/**
 * Dockerfiles past this size are not checked: real ones are a few kilobytes, and parsing megabytes on every
 * keystroke would freeze the editor. The file gets one DS035 warning instead.
 */
export const MAX_DOCKERFILE_CHARS = 1024 * 1024;

/** The one finding for a file too large to check, or undefined when it can be checked. */
export function tooLargeToCheck(text: string, size = text.length): DocksideDiagnostic | undefined {
  if (size <= MAX_DOCKERFILE_CHARS) return undefined;
  const rule = DOCKERFILE_RULES_BY_CODE.get('DS035')!;
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: rule.severity,
    code: rule.code,
    message:
      `This file is ${(size / 1048576).toFixed(1)} MB; ` +
      `Dockside checks Dockerfiles up to ${MAX_DOCKERFILE_CHARS / 1048576} MB, so it is not checked. ` +
      `A Dockerfile this large is usually generated: check what generates it.`,
    lesson: rule.lesson,
  };
}

interface Analysis {
  dockerfile: Dockerfile;
  facts: DockerfileFacts;
}

/**
 * The Dockerfile language service: diagnostics (dockerfile-utils' checks plus Dockside's rules), hover, and the
 * parsed facts other features use, each computed once per document version. Pure: no `vscode` import.
 */
export class DockerfileService {
  private readonly analyses = new VersionedCache<Analysis | undefined>();
  private readonly diagnostics = new VersionedCache<DocksideDiagnostic[]>();

  constructor(private options: DockerfileServiceOptions = {}) {}

  /** New settings (rule levels, what the engine knows): cached results are dropped. */
  configure(options: DockerfileServiceOptions): void {
    this.options = options;
    this.analyses.clear();
    this.diagnostics.clear();
  }

  analyse(doc: DockerfileDocument): Analysis | undefined {
    return this.analyses.get(doc.uri, doc.version, () => {
      if (tooLargeToCheck(doc.text)) return undefined;
      try {
        const dockerfile = parseShared(doc.text);
        const { fileExists, readFile, imageConfig, targetPlatform } = this.options;
        const env: DockerfileEnvironment = {
          ...(doc.path ? { path: doc.path } : {}),
          ...(fileExists ? { fileExists } : {}),
          ...(readFile ? { readFile } : {}),
          ...(imageConfig ? { imageConfig } : {}),
          ...(targetPlatform ? { targetPlatform } : {}),
        };
        return { dockerfile, facts: new DockerfileFacts(doc.text, dockerfile, env) };
      } catch {
        return undefined;
      }
    });
  }

  diagnose(doc: DockerfileDocument): DocksideDiagnostic[] {
    return this.diagnostics.get(doc.uri, doc.version, () => {
      const tooLarge = tooLargeToCheck(doc.text);
      if (tooLarge) return applyRuleSettings([tooLarge], this.options.rules ?? {});
      const analysis = this.analyse(doc);
      const rules = this.options.rules ?? {};
      let found = syntaxDiagnostics(doc.text);
      if (analysis) {
        // Rules that are off unless turned on are not run at all when nothing can turn them on.
        const mayOptIn = analysis.facts.text.includes('experimental');
        const runs = (rule: DockerfileRule) => !rule.optIn || mayOptIn || (rules[rule.code] ?? 'off') !== 'off';
        for (const d of runRules(analysis.facts, this.options.onRuleError, runs)) found.push(d);
        found = applyInlineSettings(analysis.facts, found, rules);
      } else {
        found = found.filter((d) => !DOCKERFILE_RULES_BY_CODE.get(d.code)?.optIn);
      }
      return applyRuleSettings(dropSuppressed(doc.text, found, instructionStart), rules).sort(compareDiagnostics);
    });
  }

  hover(doc: DockerfileDocument, pos: Position): HoverResult | undefined {
    const analysis = this.analyse(doc);
    return analysis ? safely(() => dockerfileHover(analysis.facts, pos), undefined) : undefined;
  }

  /** Code actions for one of this document's diagnostics. */
  quickFixes(doc: DockerfileDocument, diagnostic: DocksideDiagnostic): QuickFix[] {
    const analysis = this.analyse(doc);
    return analysis ? safely(() => dockerfileQuickFixes(analysis.facts, diagnostic), []) : [];
  }

  definition(doc: DockerfileDocument, pos: Position): Range[] {
    const analysis = this.analyse(doc);
    return analysis ? safely(() => definitionAt(analysis.facts, pos), []) : [];
  }

  outline(doc: DockerfileDocument): OutlineSymbol[] {
    const analysis = this.analyse(doc);
    return analysis ? safely(() => outline(analysis.facts), []) : [];
  }

  /**
   * Completions: stage names after `--from=` and variables after `$`, otherwise dockerfile-language-service's
   * (instructions, flags, directives).
   */
  async completions(doc: DockerfileDocument, pos: Position): Promise<(CompletionSuggestion | LibraryCompletion)[]> {
    if (tooLargeToCheck(doc.text)) return [];
    const analysis = this.analyse(doc);
    const ours = analysis ? safely(() => contextualCompletions(analysis.facts, pos), undefined) : undefined;
    if (ours) return ours;
    try {
      const items = await sharedRcjsuenService().computeCompletionItems(doc.text, pos);
      return items.map((item) => ({
        label: item.label,
        kind: 'library',
        detail: item.detail ?? '',
        ...(item.textEdit && 'range' in item.textEdit
          ? { edit: { range: item.textEdit.range, newText: item.textEdit.newText } }
          : {}),
        snippet: item.insertTextFormat === 2,
        ...(typeof item.documentation === 'string'
          ? { documentation: item.documentation }
          : item.documentation
            ? { documentation: item.documentation.value }
            : {}),
      }));
    } catch {
      return [];
    }
  }

  /** Formatting from dockerfile-language-service (indentation of continuation lines, instruction spacing). */
  format(doc: DockerfileDocument, options: { tabSize: number; insertSpaces: boolean }): TextEdit[] {
    if (tooLargeToCheck(doc.text)) return [];
    return safely(
      () =>
        sharedRcjsuenService()
          .format(doc.text, options)
          .map((e) => ({ range: e.range, newText: e.newText })),
      [],
    );
  }

  forget(uri: string): void {
    this.analyses.delete(uri);
    this.diagnostics.delete(uri);
  }
}

export interface LibraryCompletion {
  label: string;
  kind: 'library';
  detail: string;
  edit?: TextEdit;
  snippet: boolean;
  documentation?: string;
}

/**
 * Runs every rule; a rule that throws on strange input is skipped, never the whole file. `onRuleError` lets the
 * fuzz test see such failures, which are bugs.
 */
export function runRules(
  facts: DockerfileFacts,
  onRuleError?: (code: string, err: unknown) => void,
  runs: (rule: DockerfileRule) => boolean = () => true,
): DocksideDiagnostic[] {
  const out: DocksideDiagnostic[] = [];
  for (const rule of DOCKERFILE_RULES) {
    if (!runs(rule)) continue;
    try {
      rule.check(facts, (f) =>
        out.push({
          range: f.range,
          severity: f.severity ?? rule.severity,
          code: rule.code,
          message: f.message,
          lesson: rule.lesson,
          ...(rule.tags ? { tags: [...rule.tags] } : {}),
          ...(f.data || f.buildkit !== undefined
            ? { data: { ...f.data, ...(f.buildkit !== undefined ? { check: f.buildkit ?? '' } : {}) } }
            : {}),
        }),
      );
    } catch (err) {
      // A bug in one rule must not hide the others' findings.
      onRuleError?.(rule.code, err);
    }
  }
  return out;
}

/** An instruction may span lines: its first line is above any line that the one before continues. */
function instructionStart(lines: string[], line: number): number {
  let start = line;
  for (let above = lines[start - 1]; above !== undefined; above = lines[start - 1]) {
    if (!/[\\`]\s*\r?$/.test(above) || above.trim().startsWith('#')) break;
    start--;
  }
  return start;
}
