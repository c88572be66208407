/**
 * A table lookup for keys that come from users' files or the engine. `table[key]` on a plain object finds
 * Object.prototype's members too (`constructor`, `__proto__`, `toString`…): a service or image with such a name
 * would get a function back where text was expected.
 */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}
