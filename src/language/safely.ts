/** Editor features must never throw into the editor: a failure gives the fallback, an empty result. */
export function safely<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
