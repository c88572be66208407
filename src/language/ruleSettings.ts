import { SEVERITIES, type DocksideDiagnostic, type Severity } from './diagnostic';

/** A code → level map, as in the `dockside.rules` setting and the CLI's `--rule CODE=level`. */
export type RuleLevel = Severity | 'off';
export type RuleSettings = Readonly<Record<string, RuleLevel>>;

export function isRuleLevel(value: string): value is RuleLevel {
  return value === 'off' || (SEVERITIES as readonly string[]).includes(value);
}

/** Applies the user's rule levels: `off` drops a diagnostic, any other level replaces its severity. */
export function applyRuleSettings(diagnostics: DocksideDiagnostic[], rules: RuleSettings): DocksideDiagnostic[] {
  if (Object.keys(rules).length === 0) return diagnostics;
  const out: DocksideDiagnostic[] = [];
  for (const d of diagnostics) {
    const level = rules[d.code];
    if (level === 'off') continue;
    out.push(level ? { ...d, severity: level } : d);
  }
  return out;
}
