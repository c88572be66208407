import type { Node } from 'yaml';
import type { DiagnosticTag, DocksideDiagnostic, Severity } from '../diagnostic';
import type { QuickFix } from '../edits';
import type { ComposeFacts, ServiceFacts } from './composeFacts';
import type { ComposeFile } from './composeTypes';

/** Compose rule codes: stable, never renumbered. */
export type ComposeCode =
  | 'CS001'
  | 'CS002'
  | 'CS003'
  | 'CS004'
  | 'CS005'
  | 'CS006'
  | 'CS007'
  | 'CS008'
  | 'CS009'
  | 'CS010'
  | 'CS011'
  | 'CS012'
  | 'CS013'
  | 'CS014'
  | 'CS015'
  | 'CS016'
  | 'CS017'
  | 'CS018'
  | 'CS019'
  | 'CS020'
  | 'CS021'
  | 'CS022'
  | 'CS023'
  | 'CS024'
  | 'CS025'
  | 'CS026'
  | 'CS027'
  | 'CS028'
  | 'CS029'
  | 'CS030'
  | 'CS031'
  | 'CS032'
  | 'CS033';

export interface ComposeFinding {
  /** The node to point at; a finding without one (or whose node has no range) points at `span`. */
  node?: Pick<Node, 'range'> | null;
  /** Offsets in the text, for a finding inside a scalar or without a node. Default: the start of the file. */
  span?: [number, number];
  message: string;
  /** Facts the rule's quick fix needs. */
  data?: Record<string, string>;
}

export type ComposeReport = (finding: ComposeFinding) => void;

/**
 * A Compose rule: data, its checks and its quick fix. A rule looks at the whole file (`check`), at each service
 * (`service`, called from the one walk over `services:` that all rules share), or both. The parse itself reports
 * CS001, CS002, CS025 and a file that is not a mapping (CS015): no rule can run on such a file (see composeFacts.ts).
 */
export interface ComposeRule {
  code: ComposeCode;
  /** A short kebab-case name, used in docs and SARIF. */
  name: string;
  severity: Severity;
  lesson: string;
  tags?: DiagnosticTag[];
  check?(facts: ComposeFacts, report: ComposeReport): void;
  service?(service: ServiceFacts, facts: ComposeFacts, report: ComposeReport): void;
  /** The fix for one of this rule's findings (the "ignore" fixes are added for every rule), if there is one. */
  fix?(diagnostic: DocksideDiagnostic, source: { text: string; file?: ComposeFile }): QuickFix | undefined;
}
