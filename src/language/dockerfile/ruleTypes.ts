import type { DiagnosticTag, DocksideDiagnostic, Range, Severity } from '../diagnostic';
import type { QuickFix } from '../edits';
import type { DockerfileFacts } from './facts';

export interface RuleFinding {
  range: Range;
  message: string;
  data?: Record<string, string>;
  /** Overrides the rule's default severity for this finding (e.g. a stricter case). */
  severity?: Severity;
  /**
   * The BuildKit check this finding is, when it differs from the rule's (one Dockside rule may cover parts of two
   * checks, or have findings BuildKit has no check for: then `null`).
   */
  buildkit?: string | null;
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
  /**
   * The BuildKit build checks this rule reports (`# check=skip=<name>` silences them, `error=true` makes them
   * errors). With one, every finding is that check unless it says otherwise; with several, each finding says which.
   */
  buildkit?: readonly string[];
  /** hadolint's codes for the same problem: `# hadolint ignore=<code>` above an instruction silences this rule. */
  hadolint?: readonly string[];
  /**
   * Off unless turned on: in the `dockside.rules` setting, with `--rule`, or (for BuildKit's experimental checks)
   * `# check=experimental=`.
   */
  optIn?: boolean;
  check(facts: DockerfileFacts, report: (finding: RuleFinding) => void): void;
  /** The fix for one of this rule's findings (the "ignore" fixes are added for every rule), if there is one. */
  fix?(facts: DockerfileFacts, diagnostic: DocksideDiagnostic): QuickFix | undefined;
}
