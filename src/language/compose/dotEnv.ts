/**
 * Compose's `.env` and `env_file` syntax, read and written as Compose v2 (compose-go's `dotenv` package) does:
 * - `KEY=value` or `KEY: value`, an optional `export ` before the key, `#` lines and blank lines skipped; a key on
 *   its own takes its value from the environment;
 * - bare values end at the line's end or at ` #`, trailing space trimmed, variables substituted;
 * - single-quoted values are literal (only `\'` loses its backslash) and may span lines;
 * - double-quoted values take the escapes `\n \t \\ \" \$ …`, then variables are substituted.
 * One pass over the text: a hostile file costs linear time.
 */
import { scanInterpolation } from './interpolation';
import { own } from '../own';

type Lookup = (name: string) => string | undefined;

const isBlank = (c: string | undefined) =>
  c === ' ' || c === '\t' || c === '\v' || c === '\f' || c === '\r' || c === '\u0085' || c === '\u00a0';
const isKeyChar = (c: string) => /[\p{L}\p{N}_.[\]-]/u.test(c);
const ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '"': '"',
  '\\': '\\',
};

/** `$$` → `$`, `$NAME` / `${NAME}` and their `:-` `-` `:+` `+` `:?` `?` forms, from earlier keys or the environment. */
export function substituteVariables(value: string, lookup: Lookup): string {
  if (!value.includes('$')) return value;
  const { refs, error } = scanInterpolation(value);
  if (error) return value;
  let out = '';
  let at = 0;
  for (const ref of refs) {
    if (ref.start < at) continue; // a reference nested in a default, handled with it
    out += value.slice(at, ref.start).replace(/\$\$/g, '$');
    const current = lookup(ref.name);
    const operator = ref.modifier ?? '';
    const rest = value.slice(ref.start + 2 + ref.name.length + operator.length, ref.start + ref.length - 1);
    const unset = operator.startsWith(':') ? !current : current === undefined;
    if (operator.endsWith('-')) out += unset ? substituteVariables(rest, lookup) : current!;
    else if (operator.endsWith('+')) out += unset ? '' : substituteVariables(rest, lookup);
    else out += current ?? '';
    at = ref.start + ref.length;
  }
  return out + value.slice(at).replace(/\$\$/g, '$');
}

/** The variables a `.env` (or `env_file`) file sets, in order; later keys may refer to earlier ones. */
export function parseDotEnv(text: string, env: Lookup = () => undefined): Map<string, string> {
  const vars = new Map<string, string>();
  const lookup: Lookup = (name) => env(name) ?? vars.get(name);
  const src = text.startsWith('\ufeff') ? text.slice(1) : text;
  const lineEnd = (from: number) => {
    const nl = src.indexOf('\n', from);
    return nl < 0 ? src.length : nl;
  };
  let i = 0;
  while (i < src.length) {
    // The statement's start: no blank, no newline, no comment.
    while (i < src.length && (isBlank(src[i]) || src[i] === '\n')) i++;
    if (i >= src.length) break;
    if (src[i] === '#') {
      i = lineEnd(i) + 1;
      continue;
    }
    if (src.startsWith('export', i) && isBlank(src[i + 6])) {
      i += 6;
      while (isBlank(src[i])) i++;
    }
    const keyStart = i;
    let stop = '';
    for (; i < src.length; i++) {
      const c = src[i];
      if (c === '=' || c === ':' || c === '\n') {
        stop = c;
        break;
      }
      if (!isBlank(c) && !isKeyChar(c!)) break;
    }
    const key = src.slice(keyStart, i).trim();
    if ((stop === '' && i < src.length) || key === '' || /\s/.test(key)) {
      // Compose refuses the file here; Dockside skips the line and reads on.
      i = lineEnd(i) + 1;
      continue;
    }
    i++;
    if (stop !== '=' && stop !== ':') {
      const inherited = env(key);
      if (inherited !== undefined) vars.set(key, inherited);
      continue;
    }
    while (isBlank(src[i])) i++;
    const quote = src[i];
    if (quote === '"' || quote === "'") {
      // Find the closing quote first (a backslash escapes the next character), then take the slice in one go.
      let j = i + 1;
      while (j < src.length && src[j] !== quote) j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length) break; // an unterminated quote ends what Compose can read
      // Only an escaped quote loses its backslash here; other escapes are for the double-quote rules below.
      const raw = src.slice(i + 1, j).replace(/\\([\s\S])/g, (m, c: string) => (c === quote ? quote : m));
      vars.set(key, quote === "'" ? raw : substituteVariables(unescape(raw), lookup));
      i = j + 1;
      // Whatever follows the closing quote on its line is not part of the value.
      i = lineEnd(i) + 1;
      continue;
    }
    const end = lineEnd(i);
    let value = src.slice(i, end);
    const comment = value.indexOf(' #');
    if (comment >= 0) value = value.slice(0, comment);
    vars.set(key, substituteVariables(value.trimEnd(), lookup));
    i = end + 1;
  }
  return vars;
}

/** Double-quote escapes; `\$` becomes `$$`, which substitution turns into a literal `$`. */
function unescape(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c !== '\\' || i + 1 >= raw.length) {
      out += c;
      continue;
    }
    const next = raw[i + 1];
    if (next === '$') out += '$$';
    else if (next !== undefined && own(ESCAPES, next) !== undefined) out += ESCAPES[next];
    else out += c + next;
    i++;
  }
  return out;
}

/**
 * A value written so that Compose reads it back unchanged: bare when it is plain, in single quotes (literal) when
 * it has no `'`, otherwise in double quotes with `\`, `"` and `$` escaped. Bare values would lose a ` #…` tail and
 * have `$` substituted.
 */
export function dotEnvValue(value: string): string {
  if (/^[A-Za-z0-9_./:@%+,=-]+$/.test(value)) return value;
  if (!value.includes("'") && !value.endsWith('\\')) return `'${value}'`;
  return `"${value.replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}
