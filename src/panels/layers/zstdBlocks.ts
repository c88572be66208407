import { Decompress } from 'fzstd';
import { ImageArchiveError } from './archiveLimits';

/**
 * Zstandard decompression for layers, with fzstd (pure JS: Node 20's zlib has no zstd). fzstd trusts the frame
 * header: it allocates whatever window the header declares (up to 2 GB) and decodes every whole block it is
 * given in one synchronous call, and a 4-byte RLE block can declare 2 MB of output. So this class reads the
 * framing itself (RFC 8878, section 3.1) and hands fzstd one block at a time, after checking the window and the
 * block size. Each call to fzstd then yields at most one block (128 KiB), which the caller can write out, and
 * wait on, before the next.
 */

const ZSTD_MAGIC = 0xfd2fb528;
const BLOCK_MAX = 128 * 1024;

/** The size of the dictionary id a frame header descriptor declares: 0, 1, 2 or 4 bytes. */
const dictionaryIdBytes = (fhd: number): number => ((fhd & 3) === 3 ? 4 : fhd & 3);

type State = 'magic' | 'header' | 'block' | 'checksum' | 'skip';

export class ZstdBlocks {
  private readonly decoder: Decompress;
  private out: Uint8Array[] = [];
  private rest: Buffer = Buffer.alloc(0);
  private state: State = 'magic';
  private headerLength = 0;
  private blockMax = BLOCK_MAX;
  private checksum = false;
  private skipping = 0;
  private started = false;
  private held: Buffer | undefined;

  constructor(
    private readonly maxWindow: number,
    private readonly layer: string,
  ) {
    this.decoder = new Decompress((data) => {
      if (data.length) this.out.push(data);
    });
  }

  /** Decompresses what this chunk completes; yields the output block by block. */
  *push(chunk: Uint8Array): Generator<Uint8Array> {
    const buf = this.rest.length
      ? Buffer.concat([this.rest, chunk])
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    let at = 0;
    for (;;) {
      if (this.state === 'skip') {
        const skip = Math.min(this.skipping, buf.length - at);
        this.skipping -= skip;
        at += skip;
        if (this.skipping > 0) break;
        this.state = 'magic';
        continue;
      }
      const unit = this.nextUnit(buf, at);
      if (unit < 0) break;
      const piece = buf.subarray(at, at + unit);
      at += unit;
      // A skippable frame's 8-byte head is not for the decoder; its body is skipped above.
      if ((this.state as State) !== 'skip') yield* this.decode(piece);
    }
    // Keep only the unfinished unit (at most one block), copied so the chunk it came from can be freed.
    this.rest = Buffer.from(buf.subarray(at));
  }

  /** Flushes the last block; fails when the stream stopped inside a frame. */
  *end(): Generator<Uint8Array> {
    if (this.state !== 'magic' || this.rest.length) {
      throw new ImageArchiveError(`Layer ${this.layer} is cut short: its zstd stream ends inside a frame.`);
    }
    if (!this.started) throw new ImageArchiveError(`Layer ${this.layer} is empty: it holds no zstd frame.`);
    yield* this.decode(new Uint8Array(0), true);
  }

  /**
   * fzstd keeps what is left of each pushed chunk for the next push, and when nothing is left it still keeps an
   * empty view of the chunk, which it never lets go: pushing whole blocks would pin every one of them. So the last
   * byte of each piece is held back and goes first in the next push; something is always left over, and each push
   * completes the block before it.
   */
  private *decode(piece: Uint8Array, final = false): Generator<Uint8Array> {
    const held = this.held;
    const shifted = final ? piece : piece.subarray(0, piece.length - 1);
    const data = held ? Buffer.concat([held, shifted]) : shifted;
    this.held = final ? undefined : Buffer.from(piece.subarray(piece.length - 1));
    try {
      this.decoder.push(data, final);
    } catch (err) {
      throw new ImageArchiveError(
        `Layer ${this.layer} is damaged: its zstd data does not decode (${(err as Error).message}).`,
      );
    }
    const out = this.out;
    this.out = [];
    yield* out;
  }

  /** The length of the next whole unit (frame header, block or checksum) at `at`, or -1 when more bytes are needed. */
  private nextUnit(buf: Buffer, at: number): number {
    const left = buf.length - at;
    switch (this.state) {
      case 'magic': {
        if (left < 4) return -1;
        const magic = buf.readUInt32LE(at);
        if (magic === ZSTD_MAGIC) {
          if (left < 5) return -1;
          const fhd = buf.readUInt8(at + 4);
          const single = (fhd >> 5) & 1;
          const fcsFlag = fhd >> 6;
          const dictBytes = dictionaryIdBytes(fhd);
          const fcsBytes = fcsFlag ? 1 << fcsFlag : single;
          this.headerLength = 5 + (single ? 0 : 1) + dictBytes + fcsBytes;
          this.checksum = ((fhd >> 2) & 1) === 1;
          this.state = 'header';
          return this.nextUnit(buf, at);
        }
        if ((magic & 0xfffffff0) === 0x184d2a50) {
          if (left < 8) return -1;
          this.skipping = buf.readUInt32LE(at + 4);
          this.state = 'skip';
          return 8;
        }
        throw new ImageArchiveError(`Layer ${this.layer} is damaged: a zstd frame does not start where one should.`);
      }
      case 'header': {
        if (left < this.headerLength) return -1;
        const fhd = buf.readUInt8(at + 4);
        if (fhd & 8)
          throw new ImageArchiveError(`Layer ${this.layer} is damaged: a zstd frame header sets a reserved bit.`);
        const single = (fhd >> 5) & 1;
        let window: number;
        if (single) {
          // A single-segment frame's window is its content size, stored after the dictionary id.
          const fcsFlag = fhd >> 6;
          const offset = 5 + dictionaryIdBytes(fhd);
          const o = at + offset;
          if (fcsFlag === 0) window = buf.readUInt8(o);
          else if (fcsFlag === 1) window = buf.readUInt16LE(o) + 256;
          else if (fcsFlag === 2) window = buf.readUInt32LE(o);
          else window = Number(buf.readBigUInt64LE(o));
        } else {
          const descriptor = buf.readUInt8(at + 5);
          const base = 2 ** (10 + (descriptor >> 3));
          window = base + (base / 8) * (descriptor & 7);
        }
        if (window > this.maxWindow) {
          throw new ImageArchiveError(
            `Layer ${this.layer} asks for a ${Math.round(window / 2 ** 20)} MB zstd window; the most zstd ` +
              `itself accepts by default is ${Math.round(this.maxWindow / 2 ** 20)} MB, so it was not decompressed.`,
          );
        }
        this.blockMax = Math.min(BLOCK_MAX, Math.max(window, 1));
        this.started = true;
        this.state = 'block';
        return this.headerLength;
      }
      case 'block': {
        if (left < 3) return -1;
        const b = buf.readUIntLE(at, 3);
        const last = b & 1;
        const type = (b >> 1) & 3;
        const size = b >>> 3;
        if (type === 3)
          throw new ImageArchiveError(`Layer ${this.layer} is damaged: a zstd block has the reserved type.`);
        if (size > this.blockMax) {
          throw new ImageArchiveError(
            `Layer ${this.layer} is damaged: a zstd block declares ${size} bytes, ` +
              `more than the ${this.blockMax} a block may hold.`,
          );
        }
        const length = 3 + (type === 1 ? 1 : size);
        if (left < length) return -1;
        if (last) this.state = this.checksum ? 'checksum' : 'magic';
        return length;
      }
      case 'checksum':
        if (left < 4) return -1;
        this.state = 'magic';
        return 4;
      default:
        return -1;
    }
  }
}
