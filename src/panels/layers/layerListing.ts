import { once } from 'node:events';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar-stream';
import { ImageArchiveError, MAX_NAME, type ArchiveBudget } from './archiveLimits';
import { ZstdBlocks } from './zstdBlocks';

/**
 * Lists one layer (a tar, plain or compressed with gzip or zstd) as its bytes stream in: names, sizes and
 * whiteouts only, file contents skipped. tar-stream parses the tar (pax headers, GNU long names, base-256
 * sizes); every stage waits for the next to take its bytes, so nothing piles up in between.
 */

export type BlobKind = 'tar' | 'gzip' | 'zstd' | 'json' | 'other';
export type Compression = 'none' | 'gzip' | 'zstd';

/** One entry of a layer: a file (or link or device), a whiteout deleting a path, or an opaque directory marker. */
export interface RawEntry {
  path: string;
  size: number;
  kind: 'file' | 'whiteout' | 'opaque';
}

/** What the first bytes of a blob say it is (a blob's name in an OCI layout says nothing). */
export function sniffBlob(head: Uint8Array): BlobKind {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  if (head.length >= 262 && Buffer.from(head.buffer, head.byteOffset + 257, 5).toString('latin1') === 'ustar')
    return 'tar';
  // A layer that changes nothing is just the two zero blocks that end a tar.
  if (head.length >= 512 && head.subarray(0, 512).every((b) => b === 0)) return 'tar';
  for (const b of head) {
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) continue;
    return b === 0x7b || b === 0x5b ? 'json' : 'other';
  }
  return 'other';
}

/**
 * A tar name as a path inside the image: no leading `./` or `/`, no `.` segments, `..` resolved. A `..` that would
 * climb above the root is what the engine refuses to unpack too ("breakout"), so it stops the reading.
 */
export function imagePath(name: string, layer: string): string {
  if (name.length > MAX_NAME) {
    throw new ImageArchiveError(
      `Layer ${layer} has an entry whose name is ${name.length} characters long, ` +
        'longer than any path Linux allows; reading stopped.',
    );
  }
  const parts: string[] = [];
  for (const segment of name.split('/')) {
    if (!segment || segment === '.') continue;
    if (segment !== '..') parts.push(segment);
    else if (!parts.length) {
      throw new ImageArchiveError(
        `Layer ${layer} has an entry named "${name.slice(0, 200)}", which points outside the image. ` +
          'The engine refuses such layers; reading stopped.',
      );
    } else parts.pop();
  }
  return parts.join('/');
}

/** Resolves when a writable wants more, or is gone (its error, if any, is reported elsewhere). */
export const drained = (stream: NodeJS.EventEmitter) =>
  new Promise<void>((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });

export class LayerListing {
  readonly entries: RawEntry[] = [];
  private readonly extract = tar.extract();
  private failure: Error | undefined;
  private readonly finished: Promise<void>;
  private readonly zstd: ZstdBlocks | undefined;
  private readonly gunzip: ReturnType<typeof createGunzip> | undefined;
  private readonly gunzipped: Promise<void> | undefined;

  constructor(
    readonly name: string,
    readonly compression: Compression,
    private readonly budget: ArchiveBudget,
  ) {
    this.extract.on('entry', (header, stream, next) => {
      // The entry's stream fails with the whole tar; that failure is handled once, on the extractor.
      stream.on('error', () => undefined);
      try {
        this.add(header);
      } catch (err) {
        this.fail(err as Error);
        return;
      }
      stream.on('end', () => next());
      stream.resume();
    });
    this.finished = new Promise<void>((resolve) => {
      this.extract.on('error', (err: Error) => this.fail(err));
      this.extract.on('finish', resolve);
      this.extract.on('close', resolve);
    });
    if (compression === 'zstd') this.zstd = new ZstdBlocks(budget.limits.zstdWindow, name);
    if (compression === 'gzip') {
      const gunzip = createGunzip();
      this.gunzip = gunzip;
      gunzip.on('error', (err: Error) => this.fail(err));
      this.gunzipped = (async () => {
        for await (const out of gunzip) await this.writeTar(out as Buffer);
      })();
      this.gunzipped.catch((err: Error) => this.fail(err));
    }
  }

  /** Takes the layer's next bytes; resolves when the stages behind are ready for more. */
  async write(chunk: Uint8Array): Promise<void> {
    this.check();
    if (this.zstd) {
      for (const out of this.zstd.push(chunk)) await this.writeTar(out);
    } else if (this.gunzip) {
      if (!this.gunzip.write(chunk))
        await Promise.race([once(this.gunzip, 'drain'), this.gunzipped]).catch(() => undefined);
    } else await this.writeTar(chunk);
    this.check();
  }

  /** The layer's entries, once its last bytes are through; fails if the layer was damaged or cut short. */
  async end(): Promise<RawEntry[]> {
    this.check();
    if (this.zstd) for (const out of this.zstd.end()) await this.writeTar(out);
    if (this.gunzip) {
      this.gunzip.end();
      await this.gunzipped!.catch(() => undefined);
    }
    this.check();
    this.extract.end(undefined);
    await this.finished;
    this.check();
    return this.entries;
  }

  /** Stops this layer's stages (when the whole reading stops). */
  destroy(): void {
    this.gunzip?.destroy();
    this.extract.destroy();
  }

  private async writeTar(chunk: Uint8Array): Promise<void> {
    this.check();
    this.budget.unpack(chunk.length, this.name);
    if (!this.extract.write(chunk)) await drained(this.extract);
    this.check();
  }

  private add(header: tar.Header): void {
    if (header.type === 'directory') return;
    const path = imagePath(header.name, this.name);
    if (!path) return;
    const slash = path.lastIndexOf('/');
    const dir = path.slice(0, slash + 1);
    const base = path.slice(slash + 1);
    let entry: RawEntry;
    if (base === '.wh..wh..opq') entry = { path: dir.slice(0, -1), size: 0, kind: 'opaque' };
    else if (base.startsWith('.wh..wh.'))
      return; // the old AUFS bookkeeping (hard-link folders), never files
    else if (base.startsWith('.wh.')) entry = { path: dir + base.slice(4), size: 0, kind: 'whiteout' };
    else
      entry = {
        path,
        size: header.type === 'file' || header.type === 'contiguous-file' ? (header.size ?? 0) : 0,
        kind: 'file',
      };
    this.budget.entry(entry.path, this.name);
    this.entries.push(entry);
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure =
      err instanceof ImageArchiveError
        ? err
        : new ImageArchiveError(`Layer ${this.name} is damaged: ${plainTarError(err)}`);
    this.destroy();
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}

/** tar-stream's and zlib's messages, in the words the panel uses. */
function plainTarError(err: Error): string {
  const m = err.message;
  if (/Unexpected end of data|unexpected end of file/i.test(m)) return 'it is cut short.';
  if (/Header exceeds max size/.test(m)) return 'a tar header declares more than 4 MB of extended names or attributes.';
  if (/Invalid tar header|Invalid header|unknown format/i.test(m)) return 'its tar headers are not valid.';
  if (/incorrect header check|invalid (block type|distance|code)|invalid stored block/i.test(m))
    return 'its gzip data does not decode.';
  return m;
}
