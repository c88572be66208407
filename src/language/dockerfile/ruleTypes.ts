import type { DiagnosticTag, DocksideDiagnostic, Range, Severity } from '../diagnostic';
import type { QuickFix } from '../edits';
import type { DockerfileFacts } from './facts';

export interface RuleFinding {
  range: Range;
  message: string;
  data?: Record<string, string>;
  /** Overrides the rule's default severity for this finding (e.g. a stricter case). */
  severity?: Severity;
}

/**
 * A Dockerfile rule: data, one check and its quick fix. Codes are stable and never renumbered; severity is `error`
 * only where `docker build` itself would fail.
 */
export interface DockerfileRule {
  code: string;
  /** A short kebab-case name, used in docs and SARIF. */
  name: string;
  severity: Severity;
  lesson: string;
  tags?: DiagnosticTag[];
  check(facts: DockerfileFacts, report: (finding: RuleFinding) => void): void;
  /** The fix for one of this rule's findings (the "ignore" fixes are added for every rule), if there is one. */
  fix?(facts: DockerfileFacts, diagnostic: DocksideDiagnostic): QuickFix | undefined;
}
