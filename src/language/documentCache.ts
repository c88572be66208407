/**
 * A small cache of per-document results keyed by document version: a result is computed once per version, and
 * only the newest version of each document is kept. The number of documents is bounded (least recently used go).
 */
export class VersionedCache<T> {
  private readonly entries = new Map<string, { version: number; value: T }>();

  constructor(private readonly maxDocuments = 64) {}

  get(uri: string, version: number, compute: () => T): T {
    const hit = this.entries.get(uri);
    if (hit && hit.version === version) {
      // Re-insert so that Map order tracks recency.
      this.entries.delete(uri);
      this.entries.set(uri, hit);
      return hit.value;
    }
    const value = compute();
    this.entries.delete(uri);
    this.entries.set(uri, { version, value });
    while (this.entries.size > this.maxDocuments) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return value;
  }

  clear(): void {
    this.entries.clear();
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }

  get size(): number {
    return this.entries.size;
  }
}
