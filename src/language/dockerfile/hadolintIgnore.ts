/**
 * hadolint's inline ignores, honoured for the Dockside codes that find the same problems:
 *   `# hadolint ignore=DL3008,DL3015`   on the line right above an instruction, for that instruction;
 *   `# hadolint global ignore=DL3059`   anywhere, for the whole file.
 * As in hadolint, the codes are upper case, separated by commas, and a trailing `# reason` is allowed; a comment
 * that does not have exactly this shape is not a pragma.
 */

export interface HadolintIgnores {
  global: Set<string>;
  /** 0-based line of an instruction's first line → the codes ignored for it. */
  byLine: Map<number, Set<string>>;
}

const CODE_CHARS = /^[DLSC0-9]+$/;

/** The codes of a pragma's body (after `#`), with whether it is the global form; undefined if it is not one. */
export function parseHadolintPragma(comment: string): { global: boolean; codes: string[] } | undefined {
  let rest = comment.trimStart();
  if (!rest.startsWith('hadolint')) return undefined;
  rest = rest.slice('hadolint'.length);
  if (!/^[ \t]/.test(rest)) return undefined;
  rest = rest.trimStart();
  let global = false;
  if (rest.startsWith('global') && /^[ \t]/.test(rest.slice(6))) {
    global = true;
    rest = rest.slice(6).trimStart();
  }
  if (!rest.startsWith('ignore')) return undefined;
  rest = rest.slice(6).trimStart();
  if (!rest.startsWith('=')) return undefined;
  rest = rest.slice(1);
  const hash = rest.indexOf('#');
  const list = hash < 0 ? rest : rest.slice(0, hash);
  const codes = list.split(',').map((c) => c.trim());
  if (codes.length === 0 || codes.some((c) => !CODE_CHARS.test(c))) return undefined;
  return { global, codes };
}

export function hadolintIgnores(text: string): HadolintIgnores {
  const result: HadolintIgnores = { global: new Set(), byLine: new Map() };
  if (!text.includes('hadolint')) return result;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = (lines[n] ?? '').trim();
    if (!line.startsWith('#') || !line.includes('hadolint')) continue;
    const pragma = parseHadolintPragma(line.slice(1));
    if (!pragma) continue;
    if (pragma.global) pragma.codes.forEach((c) => result.global.add(c));
    else result.byLine.set(n + 1, new Set(pragma.codes));
  }
  return result;
}
