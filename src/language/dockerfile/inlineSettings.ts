import type { DocksideDiagnostic } from '../diagnostic';
import type { RuleSettings } from '../ruleSettings';
import { checkRuns, instructionCheckOptions, type CheckOptions } from './checkDirective';
import type { DockerfileFacts } from './facts';
import { hadolintIgnores } from './hadolintIgnore';
import { DOCKERFILE_RULES, DOCKERFILE_RULES_BY_CODE } from './rules';

/** BuildKit reads these checks with the file's settings only, never an instruction's own `# check=` comment. */
const FILE_LEVEL_ONLY = new Set([
  'NoEmptyContinuation',
  'ConsistentInstructionCasing',
  'DuplicateStageName',
  'ReservedStageName',
]);

/** hadolint codes for problems that dockerfile-utils' syntax checks (DSX codes) report. */
const HADOLINT_SYNTAX: Readonly<Record<string, readonly string[]>> = {
  DL3011: ['DSX024'],
  DL3021: ['DSX023'],
  DL3043: ['DSX029', 'DSX030'],
  DL3024: ['DSX010'],
};

/** hadolint code → the Dockside codes it silences (from the rules' own `hadolint` lists). */
const HADOLINT_TO_DOCKSIDE: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, string[]>();
  const add = (dl: string, code: string) => map.set(dl, [...(map.get(dl) ?? []), code]);
  for (const rule of DOCKERFILE_RULES) for (const dl of rule.hadolint ?? []) add(dl, rule.code);
  for (const [dl, codes] of Object.entries(HADOLINT_SYNTAX)) for (const code of codes) add(dl, code);
  return map;
})();

export function docksideCodesFor(hadolintCode: string): readonly string[] {
  return HADOLINT_TO_DOCKSIDE.get(hadolintCode) ?? [];
}

/**
 * Applies what the Dockerfile itself says about its findings and what is off unless turned on:
 * - rules that are opt-in run only when the settings turn them on (or `# check=experimental=` does, for BuildKit's
 *   experimental checks);
 * - BuildKit's `# check=` directive and per-instruction `# check=` comments silence the findings of the checks they
 *   skip, and `error=true` makes the remaining ones errors (BuildKit fails the build on any of them);
 * - `# hadolint ignore=` silences the Dockside codes that find what the named hadolint rules find.
 */
export function applyInlineSettings(
  facts: DockerfileFacts,
  found: DocksideDiagnostic[],
  rules: RuleSettings,
): DocksideDiagnostic[] {
  const file = facts.checkDirective.options;
  const hadolint = hadolintIgnores(facts.text);
  const localOptions = new Map<unknown, CheckOptions | undefined>();
  const local = (line: number): CheckOptions | undefined => {
    const instruction = facts.instructionAtLine(line);
    if (!instruction) return undefined;
    if (!localOptions.has(instruction))
      localOptions.set(instruction, instructionCheckOptions(facts.commentsAbove(instruction)));
    return localOptions.get(instruction);
  };
  const silencedByHadolint = (d: DocksideDiagnostic): boolean => {
    if (hadolint.global.size === 0 && hadolint.byLine.size === 0) return false;
    const first = facts.instructionAtLine(d.range.start.line)?.getRange().start.line ?? d.range.start.line;
    for (const codes of [hadolint.global, hadolint.byLine.get(first)])
      for (const dl of codes ?? []) if (docksideCodesFor(dl).includes(d.code)) return true;
    return false;
  };
  const out: DocksideDiagnostic[] = [];
  for (const d of found) {
    const rule = DOCKERFILE_RULES_BY_CODE.get(d.code);
    // A finding may name its own check (`data.check`, empty for none); otherwise the rule's applies.
    const check =
      d.data?.check !== undefined
        ? d.data.check || undefined
        : rule?.buildkit?.length === 1
          ? rule.buildkit[0]
          : undefined;
    const own = check && !FILE_LEVEL_ONLY.has(check) ? local(d.range.start.line) : undefined;
    if (rule?.optIn) {
      const level = rules[d.code];
      const turnedOn = (level !== undefined && level !== 'off') || (!!check && checkRuns(check, file, own));
      if (!turnedOn) continue;
    } else if (check && !checkRuns(check, file, own)) {
      continue;
    }
    if (silencedByHadolint(d)) continue;
    out.push(check && file.error && d.severity !== 'error' ? { ...d, severity: 'error' } : d);
  }
  return out;
}
