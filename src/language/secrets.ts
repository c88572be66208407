/**
 * Secret-looking names and values, shared by the Dockerfile and Compose rules, and the one masking function that
 * every place showing or logging text from users or the engine goes through (tooltips, logs, run lines, errors).
 * Every scan here is a plain loop over the text: no backtracking regular expression, so huge input costs linear time.
 */
const SECRET_NAME =
  /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CLIENT_?SECRET|CREDENTIALS?|AUTH_?KEY)/i;
/**
 * Short forms that only count as a word of their own: `MYSQL_PWD`, `DB_PASS`, `ADMIN_PW` (but not `PWD`, the
 * folder).
 */
const SHORT_SECRET_WORD = /(^|_)(PASS|PWD|PW)(_|$)/i;
/** Names that point at a secret instead of holding one (`POSTGRES_PASSWORD_FILE`, `TOKEN_PATH`). */
const REFERENCE_SUFFIX = /(_FILE|_PATH|_DIR|_URL_FILE|_LENGTH|_MIN_LENGTH|_POLICY|_REQUIRED)$/i;
/** Shell variables that merely look like one. */
const NOT_SECRETS = new Set(['PWD', 'OLDPWD']);

/** What a hidden value is shown as. */
export const MASK = '••••••';

export function looksLikeSecretName(name: string): boolean {
  if (name.length > 256 || NOT_SECRETS.has(name.toUpperCase())) return false;
  return (SECRET_NAME.test(name) || SHORT_SECRET_WORD.test(name)) && !REFERENCE_SUFFIX.test(name);
}

/** Userinfo longer than this is not taken for credentials (and bounds the work per `://`). */
const MAX_USERINFO = 256;

const isSpace = (c: string | undefined) =>
  c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
const isQuote = (c: string | undefined) => c === '"' || c === "'" || c === '`';
const isSchemeChar = (c: string) => /[a-z0-9+.-]/i.test(c);

/**
 * Where the password of `scheme://user:password@host` sits (also `redis://:password@host`, and passwords with a
 * `/` in them, which libpq and redis clients accept), given the `://` at `at`. A `host:port/path@x` is not taken
 * for credentials: a run of digits after the colon, followed by `/`, is a port.
 */
function passwordAfter(value: string, at: number): { user: number; start: number; end: number } | undefined {
  const start = at + 3;
  let end = start;
  while (
    end < value.length &&
    end - start <= MAX_USERINFO &&
    value[end] !== '@' &&
    !isSpace(value[end]) &&
    !isQuote(value[end])
  )
    end++;
  if (value[end] !== '@' || end === start) return undefined;
  // Both searches stay inside the (bounded) userinfo, so many `://` in one text cost linear time.
  const window = value.slice(start, end);
  const colon = window.indexOf(':');
  if (colon < 0 || colon + 1 === window.length || window[colon + 1] === '/') return undefined;
  const slash = window.indexOf('/');
  if (slash >= 0 && slash < colon) return undefined;
  if (slash > colon && /^\d+$/.test(window.slice(colon + 1, slash))) return undefined;
  return { user: start, start: start + colon + 1, end };
}

/** Each `scheme://…:password@` in the text, in order. */
function* urlPasswords(value: string): Generator<{ user: number; start: number; end: number }> {
  for (let at = value.indexOf('://'); at >= 0; at = value.indexOf('://', at + 3)) {
    if (at === 0 || !isSchemeChar(value[at - 1]!)) continue;
    const found = passwordAfter(value, at);
    if (found) yield found;
  }
}

/**
 * `scheme://user:password@host` → the `user:password` part's offsets, when the password is not a variable
 * (`${DB_PASSWORD}` is how it should be written). For the rules that warn about credentials in files.
 */
export function credentialsInUrl(value: string): { start: number; end: number } | undefined {
  for (const p of urlPasswords(value)) {
    if (value[p.start] === '$') continue;
    return { start: p.user, end: p.end };
  }
  return undefined;
}

const isNameStart = (c: string) => (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c === '_';
const isNameChar = (c: string) => isNameStart(c) || (c >= '0' && c <= '9');

/** The `NAME=value` assignments in a text whose name looks secret: where each value starts and ends. */
function secretAssignments(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let nameStart = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (isNameChar(c)) {
      if (nameStart < 0 && isNameStart(c) && (i === 0 || !isNameChar(text[i - 1]!))) nameStart = i;
      continue;
    }
    if (c === '=' && nameStart >= 0 && looksLikeSecretName(text.slice(nameStart, i))) {
      const before = nameStart > 0 ? text[nameStart - 1] : '';
      let end = i + 1;
      if (nameStart === 0) {
        // `KEY=value` on its own (an environment entry): the value is the rest of the line, spaces and all.
        while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
      } else if (isQuote(before)) {
        // `-e 'KEY=a b'`: up to the closing quote.
        while (end < text.length && text[end] !== before && text[end] !== '\n') end++;
      } else {
        while (end < text.length && !isSpace(text[end]) && !isQuote(text[end])) end++;
      }
      if (end > i + 1) out.push({ start: i + 1, end });
      i = end - 1;
    }
    nameStart = -1;
  }
  return out;
}

/**
 * Hides secrets in any text before it is shown or logged: the values of secret-looking `NAME=value` assignments
 * (`-e API_TOKEN=x`, `DB_PASS=x`, an environment entry) and the passwords of URLs (`postgres://u:pw@db`,
 * `redis://:pw@cache`). The rest of the text is kept, so the user still sees what it is about.
 */
export function maskSecrets(text: string): string {
  const spans = [...secretAssignments(text), ...urlPasswords(text)].sort((a, b) => a.start - b.start);
  if (!spans.length) return text;
  let out = '';
  let at = 0;
  for (const s of spans) {
    if (s.end <= at) continue;
    out += text.slice(at, Math.max(at, s.start)) + MASK;
    at = s.end;
  }
  return out + text.slice(at);
}
