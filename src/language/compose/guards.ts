/**
 * What Dockside refuses to read, and why: a compose file is parsed on every keystroke, so inputs that make the
 * yaml package slow (megabytes, deep nesting, alias bombs) get one clear finding instead of a parse.
 */

/**
 * Compose files past this size are not checked: real ones are a few kilobytes, and parsing megabytes of YAML on
 * every keystroke would freeze the editor. The file gets one diagnostic that says so.
 */
export const MAX_COMPOSE_CHARS = 1024 * 1024;

/**
 * Nesting past this depth is not parsed: the yaml package nests a generator per level (so each token costs as
 * much as the depth), and near the stack limit it turns each overflow into an error and carries on, which takes
 * seconds. Real compose files nest fewer than 15 levels.
 */
export const MAX_COMPOSE_DEPTH = 64;

/** How many alias expansions a file may cause before it is treated as an alias bomb. */
export const MAX_ALIAS_COUNT = 1000;

/** How deeply the text nests, by flow brackets and by block indentation; one linear scan, stops past `limit`. */
export function nestingDepth(text: string, limit = MAX_COMPOSE_DEPTH): number {
  let flow = 0;
  let deepest = 0;
  const indents: number[] = [];
  let quote = '';
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
      else if (c === '\n' && flow === 0) quote = ''; // A broken quote ends with its line for this estimate.
      continue;
    }
    if (c === '\n') {
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart) {
      if (c === ' ' || c === '-') {
        indent++;
        continue;
      }
      lineStart = false;
      if (c !== '#' && c !== '\r' && flow === 0) {
        while (indents.length && indents[indents.length - 1]! >= indent) indents.pop();
        indents.push(indent);
        deepest = Math.max(deepest, indents.length);
      }
    }
    if (c === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t')) {
      const end = text.indexOf('\n', i);
      i = (end < 0 ? text.length : end) - 1;
    } else if (c === '"' || c === "'") {
      if (i === 0 || /[\s[{,:]/.test(text[i - 1]!)) quote = c;
    } else if (c === '[' || c === '{') {
      flow++;
      deepest = Math.max(deepest, indents.length + flow);
    } else if ((c === ']' || c === '}') && flow > 0) flow--;
    if (deepest > limit) return deepest;
  }
  return deepest;
}

/**
 * Whether the text could nest past `limit` at all, without the full scan: a level of block nesting takes one more
 * leading space or dash than the level above it, and a level of flow nesting takes one bracket, so the depth is
 * at most the deepest indentation + 1 + the number of opening brackets.
 */
export function mayNestPast(text: string, limit: number): boolean {
  let brackets = 0;
  for (let i = text.indexOf('['); i >= 0 && brackets <= limit; i = text.indexOf('[', i + 1)) brackets++;
  for (let i = text.indexOf('{'); i >= 0 && brackets <= limit; i = text.indexOf('{', i + 1)) brackets++;
  const indent = limit - brackets;
  return indent < 1 || new RegExp(`^[ -]{${indent},}`, 'm').test(text);
}

/** What CS025 says of a file of `size` characters (or bytes, when the CLI did not read it). */
export function composeTooLarge(size: number): string {
  return (
    `This file is ${(size / 1048576).toFixed(1)} MB; Dockside checks compose files up to ` +
    `${MAX_COMPOSE_CHARS / 1048576} MB, so it is not checked. ` +
    `Split it (Compose's "include:") or check it with "docker compose config".`
  );
}

/** Why a text is too big or too deep to read, or undefined when it can be read. */
export function tooComplex(text: string): string | undefined {
  if (text.length > MAX_COMPOSE_CHARS) return composeTooLarge(text.length);
  if (mayNestPast(text, MAX_COMPOSE_DEPTH) && nestingDepth(text) > MAX_COMPOSE_DEPTH)
    return (
      `This file nests more than ${MAX_COMPOSE_DEPTH} levels deep, so Dockside does not read it ` +
      '(real compose files nest a dozen levels at most). Flatten it, or check it with "docker compose config".'
    );
  return undefined;
}
