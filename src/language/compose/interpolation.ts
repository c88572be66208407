/**
 * Compose variable interpolation as the Compose Specification defines it: `$$` is a literal dollar, `$NAME` and
 * `${NAME}` substitute, `${NAME:-default}` / `${NAME-default}` fall back, `${NAME:?message}` / `${NAME?message}`
 * require a value, `${NAME:+alt}` / `${NAME+alt}` substitute when set. Defaults may nest further references.
 * A `$` that is followed by neither `$`, a name nor `{` stays literal (as in Compose v2).
 */

export interface VariableRef {
  name: string;
  /** Offset of the `$` in the scanned string, and the length of the whole reference. */
  start: number;
  length: number;
  /** `-`/`:-` supply a default and `+`/`:+` only apply when set, so an unset variable is fine for those. */
  modifier?: '-' | ':-' | '?' | ':?' | '+' | ':+';
}

export interface InterpolationError {
  start: number;
  length: number;
  message: string;
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const BRACED = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/;

/** Every reference in `value` (nested defaults included) and the first syntax error, if any. Linear in the length. */
export function scanInterpolation(value: string): { refs: VariableRef[]; error?: InterpolationError } {
  const refs: VariableRef[] = [];
  const scan = (from: number, to: number): InterpolationError | undefined => {
    for (let i = from; i < to; i++) {
      if (value[i] !== '$') continue;
      const next = value[i + 1];
      if (next === '$') {
        i++;
        continue;
      }
      if (next !== undefined && NAME_START.test(next)) {
        let j = i + 2;
        while (j < to && NAME_CHAR.test(value[j])) j++;
        refs.push({ name: value.slice(i + 1, j), start: i, length: j - i });
        i = j - 1;
        continue;
      }
      if (next !== '{') continue;
      // Find the matching brace, counting nested "${".
      let depth = 1;
      let j = i + 2;
      for (; j < to && depth > 0; j++) {
        if (value[j] === '$' && value[j + 1] === '{') {
          depth++;
          j++;
        } else if (value[j] === '}') depth--;
      }
      if (depth > 0)
        return {
          start: i,
          length: to - i,
          message: `"${clip(value.slice(i, to))}" opens "\${" but never closes it with "}"`,
        };
      const inner = value.slice(i + 2, j - 1);
      const m = BRACED.exec(inner);
      if (!m) {
        const why =
          inner === ''
            ? 'names no variable'
            : !NAME_START.test(inner[0])
              ? 'needs a variable name that starts with a letter or "_"'
              : 'has an operator Compose does not know (use :-, -, :?, ?, :+ or +)';
        return { start: i, length: j - i, message: `"${clip(value.slice(i, j))}" ${why}` };
      }
      refs.push({
        name: m[1],
        start: i,
        length: j - i,
        ...(m[2] ? { modifier: m[2] as VariableRef['modifier'] } : {}),
      });
      if (m[3]) {
        const innerStart = i + 2 + m[1].length + m[2].length;
        const nested = scan(innerStart, j - 1);
        if (nested) return nested;
      }
      i = j - 1;
    }
    return undefined;
  };
  const error = scan(0, value.length);
  return error ? { refs, error } : { refs };
}

const clip = (s: string): string => (s.length > 40 ? `${s.slice(0, 37)}…` : s);

/** Whether an unset variable would be a problem for this reference (no default and not a "+" alternative). */
export const needsValue = (ref: VariableRef): boolean =>
  ref.modifier === undefined || ref.modifier === '?' || ref.modifier === ':?';
