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

const isNameStart = (c: string | undefined) =>
  c !== undefined && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c === '_');
const isNameChar = (c: string | undefined) => isNameStart(c) || (c !== undefined && c >= '0' && c <= '9');

/**
 * The `}` that closes each `${`, found in one pass with a stack (a `}` closes the innermost open `${`). Searching
 * for each one's brace separately, and scanning each default again, cost the square of the nesting depth.
 */
function matchBraces(value: string): Map<number, number> {
  const close = new Map<number, number>();
  const open: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '$' && value[i + 1] === '{') {
      open.push(i);
      i++;
    } else if (value[i] === '}' && open.length) close.set(open.pop()!, i);
  }
  return close;
}

/**
 * Every reference in `value` (nested defaults included) and the first syntax error, if any. One pass, with an
 * explicit stack for nested defaults (no recursion: 10,000 nested defaults must not overflow the call stack).
 */
export function scanInterpolation(value: string): { refs: VariableRef[]; error?: InterpolationError } {
  const refs: VariableRef[] = [];
  if (!value.includes('$')) return { refs };
  const close = matchBraces(value);
  const excerpt = (from: number, to: number) => clip(value.slice(from, Math.min(to, from + 41)));
  // Ranges still to scan; a nested default is scanned before the rest of the range that holds it.
  const ranges: { from: number; to: number }[] = [{ from: 0, to: value.length }];
  while (ranges.length) {
    const range = ranges.pop()!;
    for (let i = range.from; i < range.to; i++) {
      if (value[i] !== '$') continue;
      const next = value[i + 1];
      if (next === '$') {
        i++;
        continue;
      }
      if (isNameStart(next)) {
        let j = i + 2;
        while (j < range.to && isNameChar(value[j])) j++;
        refs.push({ name: value.slice(i + 1, j), start: i, length: j - i });
        i = j - 1;
        continue;
      }
      if (next !== '{') continue;
      const end = close.get(i);
      if (end === undefined || end >= range.to) {
        const message = `"${excerpt(i, range.to)}" opens "\${" but never closes it with "}"`;
        return { refs, error: { start: i, length: range.to - i, message } };
      }
      // ${NAME}, or ${NAME<op>default} with op one of :- - :? ? :+ +
      let n = i + 2;
      while (n < end && isNameChar(value[n])) n++;
      const name = value.slice(i + 2, n);
      let op = '';
      if (n < end) {
        const two = value.slice(n, n + 2);
        op = /^:[-?+]$/.test(two) ? two : '-?+'.includes(value[n]!) ? value[n]! : '';
      }
      if (name === '' || !isNameStart(name[0]) || (n < end && op === '')) {
        const why =
          end === i + 2
            ? 'names no variable'
            : !isNameStart(value[i + 2])
              ? 'needs a variable name that starts with a letter or "_"'
              : 'has an operator Compose does not know (use :-, -, :?, ?, :+ or +)';
        return { refs, error: { start: i, length: end + 1 - i, message: `"${excerpt(i, end + 1)}" ${why}` } };
      }
      refs.push({ name, start: i, length: end + 1 - i, ...(op ? { modifier: op as VariableRef['modifier'] } : {}) });
      if (op && n + op.length < end) {
        ranges.push({ from: end + 1, to: range.to });
        ranges.push({ from: n + op.length, to: end });
        break;
      }
      i = end;
    }
  }
  return { refs };
}

const clip = (s: string): string => (s.length > 40 ? `${s.slice(0, 37)}…` : s);

/** Whether an unset variable would be a problem for this reference (no default and not a "+" alternative). */
export const needsValue = (ref: VariableRef): boolean =>
  ref.modifier === undefined || ref.modifier === '?' || ref.modifier === ':?';
