import type { DiagnosticTag, Range, Severity } from '../diagnostic';
import type { DockerfileFacts } from './facts';

export interface RuleFinding {
  range: Range;
  message: string;
  data?: Record<string, string>;
  /** Overrides the rule's default severity for this finding (e.g. a stricter case). */
  severity?: Severity;
}

/**
 * A Dockerfile rule: data plus one check. Codes are stable and never renumbered; severity is `error` only where
 * `docker build` itself would fail.
 */
export interface DockerfileRule {
  code: string;
  /** A short kebab-case name, used in docs and SARIF. */
  name: string;
  severity: Severity;
  lesson: string;
  tags?: DiagnosticTag[];
  check(facts: DockerfileFacts, report: (finding: RuleFinding) => void): void;
}
