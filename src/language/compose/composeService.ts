import { compareDiagnostics, type DocksideDiagnostic, type Position, type Range } from '../diagnostic';
import { VersionedCache } from '../documentCache';
import type { QuickFix } from '../edits';
import { applyRuleSettings, type RuleSettings } from '../ruleSettings';
import { safely } from '../safely';
import { dropSuppressed } from '../suppressions';
import { readCompose, toRange, type ComposeFacts } from './composeFacts';
import { composeHover } from './composeHover';
import {
  composeCompletions,
  composeDefinition,
  composeOutline,
  type ComposeCompletion,
  type ComposeSymbol,
} from './composeNavigation';
import { composeQuickFixes } from './composeQuickFixes';
import type { ComposeDocument, ComposeHost } from './composeTypes';
import { parseForEditor, roots, type EditorParse } from './editorParse';
import { tooComplex } from './guards';
import { COMPOSE_RULES, COMPOSE_RULES_BY_CODE } from './rules';
import type { ComposeFinding, ComposeRule } from './ruleTypes';
import { withDocument } from './yamlNodes';

export type { ComposeDocument, ComposeFile, ComposeHost } from './composeTypes';
export type { EnvEntry } from './composeSecrets';
export { plainTextSecrets } from './composeSecrets';
export { composeTooLarge, MAX_COMPOSE_CHARS, MAX_COMPOSE_DEPTH, mayNestPast, nestingDepth } from './guards';
export { COMPOSE_CODES } from './rules';

const SERVICE_RULES = COMPOSE_RULES.filter((r) => r.service);
const FILE_RULES = COMPOSE_RULES.filter((r) => r.check);

/** A rule's finding as a diagnostic. */
function diagnostic(rule: ComposeRule, facts: Pick<ComposeFacts, 'range'>, f: ComposeFinding): DocksideDiagnostic {
  const [start, end] = f.node?.range ? [f.node.range[0], f.node.range[1]] : (f.span ?? [0, 0]);
  return {
    range: facts.range(start, end),
    severity: rule.severity,
    code: rule.code,
    message: f.message,
    lesson: rule.lesson,
    ...(rule.tags ? { tags: [...rule.tags] } : {}),
    ...(f.data ? { data: f.data } : {}),
  };
}

/** Every rule over the facts: the per-service checks in one walk over the services, then the whole-file checks. */
function runRules(facts: ComposeFacts): DocksideDiagnostic[] {
  const found: DocksideDiagnostic[] = [];
  const reporter = (rule: ComposeRule) => (f: ComposeFinding) => found.push(diagnostic(rule, facts, f));
  const serviceReports = SERVICE_RULES.map(reporter);
  for (const service of facts.services)
    for (let i = 0; i < SERVICE_RULES.length; i++) SERVICE_RULES[i]!.service!(service, facts, serviceReports[i]!);
  for (const rule of FILE_RULES) rule.check!(facts, reporter(rule));
  return found;
}

/** Compose diagnostics: YAML errors with exact ranges, references, ports, secrets, images. Pure; never throws. */
export function composeDiagnostics(
  text: string,
  file?: { path: string; host: ComposeHost; root?: string },
): DocksideDiagnostic[] {
  const read = readCompose(text, file);
  if ('stops' in read)
    return read.stops.map((s) =>
      diagnostic(COMPOSE_RULES_BY_CODE.get(s.code)!, { range: (a, b) => toRange(read.lines, a, b) }, s),
    );
  // Each document of the file is checked on its own, against the names all of them (and their includes) declare.
  const found: DocksideDiagnostic[] = [];
  for (const facts of read.documents) for (const d of withDocument(facts.doc, () => runRules(facts))) found.push(d);
  return found.sort(compareDiagnostics);
}

export class ComposeService {
  private readonly cache = new VersionedCache<DocksideDiagnostic[]>();
  private readonly complexity = new VersionedCache<boolean>();
  // Parse trees are large: only those of the few files being looked at.
  private readonly parses = new VersionedCache<EditorParse & { text: string }>(8);

  constructor(
    private rules: RuleSettings = {},
    private readonly host?: ComposeHost,
  ) {}

  configure(rules: RuleSettings): void {
    this.rules = rules;
    this.cache.clear();
  }

  diagnose(doc: ComposeDocument): DocksideDiagnostic[] {
    return this.cache.get(doc.uri, doc.version, () =>
      applyRuleSettings(
        dropSuppressed(
          doc.text,
          composeDiagnostics(
            doc.text,
            doc.path && this.host
              ? { path: doc.path, host: this.host, ...(doc.root ? { root: doc.root } : {}) }
              : undefined,
          ),
        ),
        this.rules,
      ),
    );
  }

  quickFixes(doc: ComposeDocument, diagnostic: DocksideDiagnostic): QuickFix[] {
    const file =
      doc.path && this.host ? { path: doc.path, host: this.host, ...(doc.root ? { root: doc.root } : {}) } : undefined;
    return safely(() => composeQuickFixes(doc.text, diagnostic, file), []);
  }

  hover(doc: ComposeDocument, pos: Position): { markdown: string; range: Range } | undefined {
    return this.unreadable(doc) ? undefined : safely(() => composeHover(doc.text, pos, this.parsed(doc)), undefined);
  }

  outline(doc: ComposeDocument): ComposeSymbol[] {
    return this.unreadable(doc) ? [] : safely(() => composeOutline(doc.text, this.parsed(doc)), []);
  }

  definition(doc: ComposeDocument, pos: Position): Range[] {
    return this.unreadable(doc) ? [] : safely(() => composeDefinition(doc.text, pos, this.parsed(doc)), []);
  }

  completions(doc: ComposeDocument, pos: Position): ComposeCompletion[] {
    const documentRoots = () => roots(this.parsed(doc));
    return this.unreadable(doc) ? [] : safely(() => composeCompletions(doc.text, pos, documentRoots), []);
  }

  /** Editor features skip what diagnostics refuse to read; the verdict is cached per document version. */
  private unreadable(doc: ComposeDocument): boolean {
    return this.complexity.get(doc.uri, doc.version, () => tooComplex(doc.text) !== undefined);
  }

  /** The editor features' parse, once per document version (a version whose text changed is parsed again). */
  private parsed(doc: ComposeDocument): EditorParse {
    const compute = () => ({ text: doc.text, ...parseForEditor(doc.text) });
    const hit = this.parses.get(doc.uri, doc.version, compute);
    if (hit.text === doc.text) return hit;
    this.parses.delete(doc.uri);
    return this.parses.get(doc.uri, doc.version, compute);
  }

  forget(uri: string): void {
    this.cache.delete(uri);
    this.complexity.delete(uri);
    this.parses.delete(uri);
  }
}
