import * as tar from 'tar-stream';
import { ArchiveBudget, DEFAULT_LIMITS, ImageArchiveError, type ArchiveLimits } from './archiveLimits';
import { resolveLayout, resolveLink, shortBlob, type Platform } from './archiveLayout';
import { stackLayers, type StackedLayer, type StackedLayers } from './layerDiff';
import { drained, LayerListing, sniffBlob, type Compression, type RawEntry } from './layerListing';

/**
 * Reads `docker save` output in one pass as it streams in, in either layout it comes in (classic or OCI, see
 * archiveLayout.ts), holding no more than a few blocks of it at a time. In an OCI layout a blob's name is its
 * digest and index.json may come last, so nothing says what a blob is until the end: each blob is sniffed by its
 * first bytes instead, layer-looking ones are listed as they pass (names and sizes only), and small JSON ones are
 * kept. When the archive has ended, the layout says which listings make the image and in which order. Pure: it
 * reads the stream it is given and never touches the disk.
 */

export type { LayerFile } from './layerDiff';
export { DEFAULT_LIMITS, ImageArchiveError } from './archiveLimits';

export interface LayerFiles extends StackedLayers {
  /** Bottom first. `historyIndex` is the history step (0 = oldest) that made the layer, or -1 when unknown. */
  layers: (StackedLayer & { historyIndex: number; compression?: Compression; unread?: string })[];
  format: 'docker' | 'oci';
  /** The platform shown, when the archive names one. */
  platform?: string;
  /** How many steps the image config's history has: the panel's history should have as many. */
  historySteps: number;
  /** What was chosen or cannot be known, in plain words. */
  notes: string[];
  /** Archive bytes read, and tar bytes after decompression. */
  bytes: number;
  unpacked: number;
}

export interface ReadOptions {
  limits?: Partial<ArchiveLimits>;
  /** The engine's platform, to pick from a multi-platform image. */
  platform?: Platform;
  onProgress?: (bytes: number, unpacked: number) => void;
}

interface Sink {
  write(chunk: Uint8Array): Promise<void>;
  end(): Promise<void>;
}

/** A path in the archive, as manifests name it. */
function archivePath(name: string, base = ''): string {
  const parts = base ? base.split('/') : [];
  for (const segment of name.split('/')) {
    if (segment === '..') parts.pop();
    else if (segment && segment !== '.') parts.push(segment);
  }
  return parts.join('/');
}

const closed = (stream: { destroyed: boolean; destroying: boolean }) => stream.destroying || stream.destroyed;

export async function readImageArchive(
  source: AsyncIterable<Uint8Array>,
  options: ReadOptions = {},
): Promise<LayerFiles> {
  const budget = new ArchiveBudget({ ...DEFAULT_LIMITS, ...options.limits });
  const json = new Map<string, string>();
  const oversized = new Set<string>();
  const links = new Map<string, string>();
  const listings = new Map<string, { entries: RawEntry[]; compression: Compression }>();
  const unreadable = new Set<string>();
  let bytes = 0;
  let open: LayerListing | undefined;

  const outer = tar.extract();
  let sourceError: unknown;
  const pumping = (async () => {
    for await (const chunk of source) {
      bytes += chunk.length;
      options.onProgress?.(bytes, budget.unpacked);
      if (closed(outer)) return;
      if (!outer.write(chunk)) await drained(outer);
    }
    if (!closed(outer)) outer.end(undefined);
  })();
  pumping.catch((err) => {
    sourceError = err;
    outer.destroy(err);
  });

  const sinkFor = (path: string, declared: number, head: Buffer): Sink => {
    const kind = sniffBlob(head);
    if (kind === 'tar' || kind === 'gzip' || kind === 'zstd') {
      const listing = new LayerListing(shortBlob(path), kind === 'tar' ? 'none' : kind, budget);
      open = listing;
      return {
        write: (chunk) => listing.write(chunk),
        end: async () => {
          listings.set(path, { entries: await listing.end(), compression: listing.compression });
          open = undefined;
        },
      };
    }
    // Manifests, configs and indexes sit at the top (classic) or among the blobs (OCI); per-layer `json` files of
    // the classic layout are old metadata that nothing here needs.
    const wanted = kind === 'json' && (!path.includes('/') || path.startsWith('blobs/'));
    if (wanted && budget.keepJson(declared)) {
      const parts: Uint8Array[] = [];
      let length = 0;
      return {
        write: async (chunk) => {
          length += chunk.length;
          if (length > declared) {
            const words = `${shortBlob(path)} is longer than its tar header says: the archive is damaged.`;
            throw new ImageArchiveError(words);
          }
          parts.push(chunk);
        },
        end: async () => void json.set(path, Buffer.concat(parts).toString('utf8')),
      };
    }
    if (wanted) oversized.add(path);
    else unreadable.add(path);
    return { write: async () => undefined, end: async () => undefined };
  };

  const readEntry = async (entry: tar.Extract extends AsyncIterable<infer S> ? S : never) => {
    const header = entry.header;
    const path = archivePath(header.name);
    if ((header.type === 'symlink' || header.type === 'link') && header.linkname) {
      // A symlink's target is relative to its folder; a hard link's to the archive's root.
      links.set(
        path,
        archivePath(header.linkname, header.type === 'symlink' ? path.split('/').slice(0, -1).join('/') : ''),
      );
    }
    if (header.type !== 'file' && header.type !== 'contiguous-file') {
      for await (const _ of entry);
      return;
    }
    let sink: Sink | undefined;
    const head: Buffer[] = [];
    let headLength = 0;
    for await (const chunk of entry as AsyncIterable<Buffer>) {
      if (sink) {
        await sink.write(chunk);
        continue;
      }
      head.push(chunk);
      headLength += chunk.length;
      if (headLength < 512) continue;
      const first = Buffer.concat(head);
      sink = sinkFor(path, header.size ?? 0, first);
      await sink.write(first);
    }
    if (!sink && headLength) {
      const first = Buffer.concat(head);
      sink = sinkFor(path, header.size ?? 0, first);
      await sink.write(first);
    }
    await sink?.end();
  };

  try {
    for await (const entry of outer) await readEntry(entry);
    await pumping;
  } catch (err) {
    open?.destroy();
    outer.destroy();
    // Stop reading the engine's stream too, rather than waiting for it to end.
    (source as { destroy?: () => void }).destroy?.();
    if (err === sourceError || err instanceof ImageArchiveError) throw err;
    const words = /Unexpected end of data/.test((err as Error).message) ? 'it is cut short' : (err as Error).message;
    throw new ImageArchiveError(`The image archive is damaged: ${words}.`);
  }
  options.onProgress?.(bytes, budget.unpacked);

  const layout = resolveLayout({ json, oversized, links }, options.platform);
  const notes = [...layout.notes];
  const raw: RawEntry[][] = [];
  const found = layout.layers.map((path, n) => {
    const real = resolveLink(path, links);
    const listing = listings.get(real);
    raw.push(listing?.entries ?? []);
    if (listing) return { compression: listing.compression };
    const unread = unreadable.has(real)
      ? 'it is in a format Dockside does not read (neither tar, gzip nor zstd)'
      : 'it is not in the archive (the engine does not store it, or does not export it)';
    notes.push(`The files of layer ${n + 1} (${shortBlob(real)}) cannot be listed: ${unread}.`);
    return { unread };
  });
  const stacked = stackLayers(raw);

  // Layer n was made by the n-th history step that is not marked empty, when the counts agree.
  const history = layout.history;
  const steps = (history ?? []).flatMap((h, i) => (h && h.empty_layer ? [] : [i]));
  const matched = history !== undefined && steps.length === layout.layers.length;
  if (history && !matched) {
    notes.push(
      `The image has ${layout.layers.length} layers, but its history records ${steps.length} steps that made one, so ` +
        'which step made which layer cannot be known. The layers are shown bottom first, by number.',
    );
  }
  return {
    ...stacked,
    layers: stacked.layers.map((l, n) => ({ ...l, ...found[n], historyIndex: matched ? (steps[n] ?? -1) : -1 })),
    format: layout.format,
    ...(layout.platform ? { platform: layout.platform } : {}),
    historySteps: history?.length ?? 0,
    notes,
    bytes,
    unpacked: budget.unpacked,
  };
}
