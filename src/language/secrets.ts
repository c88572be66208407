/**
 * Secret-looking names and values, shared by the Dockerfile and Compose rules and by the explorer's masking.
 */
const SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CLIENT_?SECRET|CREDENTIALS?|AUTH_?KEY)/i;
/** Names that point at a secret instead of holding one (`POSTGRES_PASSWORD_FILE`, `TOKEN_PATH`). */
const REFERENCE_SUFFIX = /(_FILE|_PATH|_DIR|_URL_FILE|_LENGTH|_MIN_LENGTH|_POLICY|_REQUIRED)$/i;

export function looksLikeSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !REFERENCE_SUFFIX.test(name);
}

/** `scheme://user:password@host` → the `user:password` part's offsets, when the password is not a variable. */
export function credentialsInUrl(value: string): { start: number; end: number } | undefined {
  const m = /[a-z][a-z0-9+.-]*:\/\/([^\s/@:]+):([^\s/@]+)@/i.exec(value);
  if (!m || m[2].startsWith('$')) return undefined;
  const start = m.index + m[0].indexOf(m[1]);
  return { start, end: start + m[1].length + 1 + m[2].length };
}
