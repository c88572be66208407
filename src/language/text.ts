/**
 * Small text operations written as loops: their regular-expression versions (`/\/+$/`, `/^[^a-z]+|[^a-z]+$/g`)
 * backtrack quadratically on long runs of the characters they trim, and test/unit/redos.test.ts keeps src/ free
 * of such expressions.
 */

/** `text` without the characters at both ends for which `drop` is true. */
export function trimWhere(text: string, drop: (c: string) => boolean, ends: 'both' | 'end' = 'both'): string {
  let start = 0;
  let end = text.length;
  if (ends === 'both') while (start < end && drop(text[start]!)) start++;
  while (end > start && drop(text[end - 1]!)) end--;
  return text.slice(start, end);
}

/** `text` without trailing `/` characters. */
export const trimTrailingSlashes = (text: string): string => trimWhere(text, (c) => c === '/', 'end');
