/**
 * Reads the tar stream of `docker save` as it arrives, never holding more than one 512-byte header and the small
 * JSON files (manifest, image config) in memory: each layer (a tar inside the tar) is parsed on the fly for its
 * file names and sizes, its contents skipped. Then works out, layer by layer, which files are added, changed or
 * deleted, and the wasted space: bytes a layer stores for files that a later layer overwrites or deletes. Pure.
 */

export interface LayerFile {
  path: string;
  size: number;
  kind: 'added' | 'changed' | 'deleted';
}

export interface LayerFiles {
  /** In image order, bottom first; `historyIndex` is the history step (0 = oldest) that made the layer. */
  layers: { historyIndex: number; files: LayerFile[]; size: number; wasted: number }[];
  /** Bytes stored in layers for files a later layer replaced or removed. */
  wasted: number;
  /** The largest wasters: a path, the layer that added it and the layer that replaced or deleted it. */
  wasters: { path: string; size: number; addedIn: number; removedIn: number }[];
}

interface Header {
  name: string;
  size: number;
  type: string;
  linkName: string;
}

const JSON_LIMIT = 4 << 20;

function readString(block: Buffer, start: number, length: number): string {
  const slice = block.subarray(start, start + length);
  const end = slice.indexOf(0);
  return slice.subarray(0, end < 0 ? slice.length : end).toString('utf8');
}

function readSize(block: Buffer): number {
  // Sizes are octal text, or base-256 binary when the high bit of the first byte is set.
  if (block[124] & 0x80) {
    let value = 0;
    for (let i = 125; i < 136; i++) value = value * 256 + block[i];
    return value;
  }
  return parseInt(readString(block, 124, 12).trim() || '0', 8) || 0;
}

function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < 512; i++) if (block[i] !== 0) return false;
  return true;
}

/** A push parser for one tar stream; `onEntry` decides, per entry, what to do with its content bytes. */
class TarParser {
  private buffer: Buffer = Buffer.alloc(0);
  private remaining = 0;
  private padding = 0;
  private consume: ((chunk: Buffer) => void) | undefined;
  private onEnd: (() => void) | undefined;
  private longName: string | undefined;
  private paxPath: string | undefined;
  private meta: Buffer[] | undefined;
  private metaType = '';
  ended = false;

  constructor(private readonly onEntry: (h: Header) => { content?: (chunk: Buffer) => void; end?: () => void }) {}

  feed(chunk: Buffer): void {
    let data = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    this.buffer = Buffer.alloc(0);
    while (data.length && !this.ended) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, data.length);
        const part = data.subarray(0, take);
        if (this.meta) this.meta.push(part);
        else this.consume?.(part);
        this.remaining -= take;
        data = data.subarray(take);
        if (this.remaining === 0) this.finishEntry();
        continue;
      }
      if (this.padding > 0) {
        const skip = Math.min(this.padding, data.length);
        this.padding -= skip;
        data = data.subarray(skip);
        continue;
      }
      if (data.length < 512) {
        this.buffer = Buffer.from(data);
        return;
      }
      const block = data.subarray(0, 512);
      data = data.subarray(512);
      if (isZeroBlock(block)) {
        this.ended = true;
        return;
      }
      this.startEntry(block);
    }
  }

  private startEntry(block: Buffer): void {
    const type = String.fromCharCode(block[156] || 48);
    const size = readSize(block);
    const prefix = block.subarray(257, 262).toString() === 'ustar' ? readString(block, 345, 155) : '';
    let name = readString(block, 0, 100);
    if (prefix) name = `${prefix}/${name}`;
    if (this.longName !== undefined) name = this.longName;
    if (this.paxPath !== undefined) name = this.paxPath;
    this.remaining = size;
    this.padding = (512 - (size % 512)) % 512;
    if (type === 'L' || type === 'x' || type === 'g') {
      // GNU long name, or a PAX header: read it (small) to name the next entry.
      this.meta = [];
      this.metaType = type;
    } else {
      this.longName = undefined;
      this.paxPath = undefined;
      const handler = this.onEntry({ name, size, type, linkName: readString(block, 157, 100) });
      this.consume = handler.content;
      this.onEnd = handler.end;
    }
    if (size === 0) this.finishEntry();
  }

  private finishEntry(): void {
    if (this.meta) {
      const text = Buffer.concat(this.meta).toString('utf8');
      if (this.metaType === 'L') this.longName = text.replace(/\0+$/, '');
      else if (this.metaType === 'x') {
        const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(text);
        if (m) this.paxPath = m[1];
      }
      this.meta = undefined;
      return;
    }
    this.onEnd?.();
    this.consume = undefined;
    this.onEnd = undefined;
  }
}

interface RawLayer {
  /** The entry name in the outer tar (`abc/layer.tar` or `blobs/sha256/abc`). */
  name: string;
  files: { path: string; size: number; whiteout?: 'file' | 'opaque' }[];
}

/** Parses `docker save` output as it streams in; call `result()` after the last chunk. */
export class ImageTarReader {
  private readonly outer: TarParser;
  private readonly layers = new Map<string, RawLayer>();
  private readonly jsons = new Map<string, string>();
  bytes = 0;

  constructor() {
    this.outer = new TarParser((entry) => {
      const h = { ...entry, name: entry.name.replace(/^\.\//, '') };
      if (h.type !== '0' && h.type !== '\0') return {};
      if (h.name.endsWith('.json') || h.name === 'repositories' || h.name === 'oci-layout') {
        if (h.size > JSON_LIMIT) return {};
        const parts: Buffer[] = [];
        return { content: (c) => parts.push(c), end: () => this.jsons.set(h.name, Buffer.concat(parts).toString('utf8')) };
      }
      // Anything else may be a layer (a tar): sniff the first block for the "ustar" magic, then parse it.
      let inner: TarParser | undefined;
      let sniff: Buffer | undefined = Buffer.alloc(0);
      let isJson: Buffer[] | undefined;
      const layer: RawLayer = { name: h.name, files: [] };
      return {
        content: (chunk) => {
          if (sniff) {
            sniff = Buffer.concat([sniff, chunk]);
            if (sniff.length < 512) return;
            const head = sniff;
            sniff = undefined;
            if (head.subarray(257, 262).toString() === 'ustar') {
              inner = new TarParser((f) => {
                const base = f.name.replace(/^\.\//, '').replace(/\/$/, '');
                const slash = base.lastIndexOf('/');
                const dir = slash >= 0 ? base.slice(0, slash + 1) : '';
                const file = base.slice(slash + 1);
                if (file === '.wh..wh..opq') layer.files.push({ path: dir.replace(/\/$/, ''), size: 0, whiteout: 'opaque' });
                else if (file.startsWith('.wh.')) layer.files.push({ path: dir + file.slice(4), size: 0, whiteout: 'file' });
                else if (f.type === '0' || f.type === '\0' || f.type === '1' || f.type === '2') layer.files.push({ path: base, size: f.type === '0' || f.type === '\0' ? f.size : 0 });
                return {};
              });
              inner.feed(head);
            } else if (head[0] === 0x7b && h.size <= JSON_LIMIT) {
              isJson = [head];
            }
            return;
          }
          if (inner) inner.feed(chunk);
          else if (isJson) isJson.push(chunk);
        },
        end: () => {
          if (sniff && sniff.length && sniff[0] === 0x7b) isJson = [sniff];
          if (inner) this.layers.set(h.name, layer);
          else if (isJson) this.jsons.set(h.name, Buffer.concat(isJson).toString('utf8'));
        },
      };
    });
  }

  feed(chunk: Buffer): void {
    this.bytes += chunk.length;
    this.outer.feed(chunk);
  }

  /** Layers in image order, matched to the history steps that made them, with added/changed/deleted and waste. */
  result(): LayerFiles {
    let manifest: { Config?: string; Layers?: string[] }[] = [];
    try {
      manifest = JSON.parse(this.jsons.get('manifest.json') ?? '[]');
    } catch {
      manifest = [];
    }
    const entry = manifest[0] ?? {};
    let history: { empty_layer?: boolean }[] = [];
    try {
      history = (JSON.parse(this.jsons.get(entry.Config ?? '') ?? '{}') as { history?: { empty_layer?: boolean }[] }).history ?? [];
    } catch {
      history = [];
    }
    // Layer n was made by the n-th history entry that is not an empty layer.
    const layerSteps = history.map((h, i) => ({ h, i })).filter(({ h }) => !h.empty_layer).map(({ i }) => i);
    const order = (entry.Layers ?? [...this.layers.keys()]).map((name) => this.layers.get(name) ?? { name, files: [] });
    const current = new Map<string, { size: number; layer: number }>();
    const wasters: LayerFiles['wasters'] = [];
    const layers: LayerFiles['layers'] = [];
    order.forEach((raw, n) => {
      const files: LayerFile[] = [];
      layers.push({ historyIndex: layerSteps[n] ?? -1, files, size: 0, wasted: 0 });
      const drop = (path: string, by: number) => {
        const old = current.get(path);
        if (!old) return;
        current.delete(path);
        if (old.size) {
          layers[old.layer].wasted += old.size;
          wasters.push({ path, size: old.size, addedIn: old.layer, removedIn: by });
        }
      };
      for (const f of raw.files) {
        if (f.whiteout === 'opaque') {
          for (const p of [...current.keys()]) if (p.startsWith(`${f.path}/`)) drop(p, n);
          continue;
        }
        if (f.whiteout === 'file') {
          for (const p of [...current.keys()]) if (p === f.path || p.startsWith(`${f.path}/`)) drop(p, n);
          files.push({ path: f.path, size: 0, kind: 'deleted' });
          continue;
        }
        const existed = current.has(f.path);
        if (existed) drop(f.path, n);
        current.set(f.path, { size: f.size, layer: n });
        files.push({ path: f.path, size: f.size, kind: existed ? 'changed' : 'added' });
      }
      layers[n].size = files.reduce((sum, f) => sum + f.size, 0);
    });
    wasters.sort((a, b) => b.size - a.size);
    return { layers, wasted: layers.reduce((s, l) => s + l.wasted, 0), wasters: wasters.slice(0, 50) };
  }
}
