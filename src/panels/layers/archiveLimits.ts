/**
 * What reading an image archive may cost, and the one error it stops with. The archive comes from the engine, but
 * the layers inside it were made by whoever built the image, so every count that could grow with hostile input
 * has a ceiling here: once one is passed the reader stops and says why, instead of growing memory or spinning.
 */

/** A problem with the archive, in words fit to show the user as they are. */
export class ImageArchiveError extends Error {}

export interface ArchiveLimits {
  /** Tar bytes after decompression, all layers together: the ceiling for a decompression bomb. */
  unpackedBytes: number;
  /** Layer entries kept (names and sizes), all layers together. */
  entries: number;
  /** Characters of the entry names kept, all layers together. */
  nameChars: number;
  /** One small JSON file (manifest, index, config). */
  jsonBytes: number;
  /** All small JSON files together. */
  jsonTotal: number;
  /** The largest zstd window accepted: the reference decoder's own default ceiling (window log 27). */
  zstdWindow: number;
}

export const DEFAULT_LIMITS: ArchiveLimits = {
  unpackedBytes: 32 * 2 ** 30,
  entries: 1_000_000,
  nameChars: 64 * 2 ** 20,
  jsonBytes: 4 * 2 ** 20,
  jsonTotal: 16 * 2 ** 20,
  zstdWindow: 2 ** 27,
};

/** Linux refuses longer paths, so a longer name cannot come from a real filesystem. */
export const MAX_NAME = 4096;

const mb = (n: number) => `${Math.round(n / 2 ** 20)} MB`;

/** Running totals checked against the limits as the archive streams. */
export class ArchiveBudget {
  unpacked = 0;
  entries = 0;
  nameChars = 0;
  jsonBytes = 0;

  constructor(readonly limits: ArchiveLimits) {}

  unpack(bytes: number, layer: string): void {
    this.unpacked += bytes;
    if (this.unpacked > this.limits.unpackedBytes) {
      throw new ImageArchiveError(
        `Layer ${layer} unpacks to more than ${mb(this.limits.unpackedBytes)} (the layers together), far more than ` +
          'this image should hold. It looks like a decompression bomb, so reading stopped.',
      );
    }
  }

  entry(name: string, layer: string): void {
    this.entries++;
    this.nameChars += name.length;
    if (this.entries > this.limits.entries || this.nameChars > this.limits.nameChars) {
      throw new ImageArchiveError(
        `The layers hold more than ${this.limits.entries.toLocaleString('en')} files (or their names more than ` +
          `${mb(this.limits.nameChars)}), reached in layer ${layer}. Reading stopped before the list outgrew memory.`,
      );
    }
  }

  /**
   * Whether one more JSON file of this size may be kept. Most JSON blobs (attestations, SBOMs) are never needed,
   * so one that does not fit is left out, and only reported if it turns out to be needed.
   */
  keepJson(bytes: number): boolean {
    if (bytes > this.limits.jsonBytes || this.jsonBytes + bytes > this.limits.jsonTotal) return false;
    this.jsonBytes += bytes;
    return true;
  }
}
