/**
 * Secret-looking names and values, shared by the Dockerfile and Compose rules and by the explorer's masking.
 */
const SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CLIENT_?SECRET|CREDENTIALS?|AUTH_?KEY)/i;
/** Names that point at a secret instead of holding one (`POSTGRES_PASSWORD_FILE`, `TOKEN_PATH`). */
const REFERENCE_SUFFIX = /(_FILE|_PATH|_DIR|_URL_FILE|_LENGTH|_MIN_LENGTH|_POLICY|_REQUIRED)$/i;

export function looksLikeSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !REFERENCE_SUFFIX.test(name);
}

/**
 * `scheme://user:password@host` → the `user:password` part's offsets, when the password is not a variable.
 * A plain scan (no backtracking regex), so a huge value costs linear time.
 */
export function credentialsInUrl(value: string): { start: number; end: number } | undefined {
  for (let at = value.indexOf('://'); at >= 0; at = value.indexOf('://', at + 3)) {
    if (at === 0 || !/[a-z0-9+.-]/i.test(value[at - 1])) continue;
    const start = at + 3;
    let end = start;
    while (end < value.length && !/[\s/]/.test(value[end])) end++;
    const authority = value.slice(start, end);
    const atSign = authority.lastIndexOf('@');
    if (atSign <= 0) continue;
    const userinfo = authority.slice(0, atSign);
    const colon = userinfo.indexOf(':');
    if (colon <= 0 || colon === userinfo.length - 1 || userinfo[colon + 1] === '$') continue;
    return { start, end: start + userinfo.length };
  }
  return undefined;
}
