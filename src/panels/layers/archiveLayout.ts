import { ImageArchiveError } from './archiveLimits';

/**
 * Which layers make the image, in which order, once the whole archive has streamed past. `docker save` writes
 * one of two layouts: the classic one (`manifest.json` naming `<id>/layer.tar` files) or, from the containerd
 * image store (and Docker 25+), an OCI image layout (`index.json` → manifest or index → manifest → config and
 * layer blobs, all named by digest). An index may list several platforms; the engine's own platform is picked
 * when its content is in the archive, and the notes say which was shown and why. Pure.
 */

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface ArchiveJson {
  /** Small JSON files and blobs, by their path in the archive. */
  json: ReadonlyMap<string, string>;
  /** JSON-looking entries left unread because they were over the size limit. */
  oversized: ReadonlySet<string>;
  /** Links in the archive (Docker links a layer that appears twice): path → the path it points at. */
  links: ReadonlyMap<string, string>;
}

export interface Layout {
  format: 'docker' | 'oci';
  /** Archive paths of the layers, bottom first. */
  layers: string[];
  /** The image config's history (oldest first), when the config was found. */
  history?: { empty_layer?: boolean; created_by?: string }[];
  platform?: string;
  notes: string[];
}

interface Descriptor {
  mediaType?: string;
  digest?: string;
  platform?: Platform;
  annotations?: Record<string, string>;
}

const DIGEST = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;

export const platformName = (p?: Platform): string =>
  p ? [p.os, p.architecture, p.variant].filter(Boolean).join('/') : 'unknown';

/** Where a blob with this digest sits in an OCI layout; undefined for a malformed digest. */
export function blobPath(digest: unknown): string | undefined {
  const m = typeof digest === 'string' ? DIGEST.exec(digest) : null;
  return m ? `blobs/${m[1]}/${m[2]}` : undefined;
}

/** `blobs/sha256/4f9a…` → `sha256:4f9a12c0de56`, `4f9a…/layer.tar` → `4f9a12c0de56/layer.tar`, for messages. */
export function shortBlob(path: string): string {
  const blob = /^blobs\/([^/]+)\/([^/]+)$/.exec(path);
  if (blob) {
    const [, algorithm, hex = ''] = blob;
    return `${algorithm}:${hex.slice(0, 12)}`;
  }
  const classic = /^([0-9a-f]{64})\/(.*)$/.exec(path);
  if (!classic) return path.slice(0, 200);
  const [, id = '', rest] = classic;
  return `${id.slice(0, 12)}/${rest}`;
}

/** Follows links (at most a few hops: a loop is not followed forever). */
export function resolveLink(path: string, links: ReadonlyMap<string, string>): string {
  let at = path;
  for (let i = 0; i < 8 && links.has(at); i++) at = links.get(at)!;
  return at;
}

function readJson<T>(archive: ArchiveJson, path: string, what: string): T | undefined {
  const real = resolveLink(path, archive.links);
  if (archive.oversized.has(real)) {
    throw new ImageArchiveError(
      `The image's ${what} (${shortBlob(real)}) is too large to read: Dockside keeps at most 4 MB of JSON per file.`,
    );
  }
  const text = archive.json.get(real);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ImageArchiveError(`The image's ${what} (${shortBlob(real)}) is not valid JSON.`);
  }
}

const isIndex = (d: Descriptor, doc: unknown) =>
  /index|manifest\.list/.test(d.mediaType ?? '') ||
  Array.isArray((doc as { manifests?: unknown } | undefined)?.manifests);
const isAttestation = (d: Descriptor) =>
  d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' || d.platform?.os === 'unknown';

function sameImageShape(p: Platform | undefined, want: Platform | undefined, variant: boolean): boolean {
  if (!p || !want) return false;
  return (
    p.os === want.os && p.architecture === want.architecture && (!variant || (p.variant ?? '') === (want.variant ?? ''))
  );
}

function historyOf(archive: ArchiveJson, configPath: string | undefined, notes: string[]): Layout['history'] {
  if (!configPath) {
    notes.push('The archive names no image config, so its layers cannot be matched to the steps of the history.');
    return undefined;
  }
  const config = readJson<{ history?: Layout['history'] }>(archive, configPath, 'config');
  if (!config) {
    notes.push(
      `The image config (${shortBlob(configPath)}) is not in the archive, ` +
        'so its layers cannot be matched to the steps of the history.',
    );
    return undefined;
  }
  return Array.isArray(config.history) ? config.history : [];
}

function ociLayout(archive: ArchiveJson, want: Platform | undefined): Layout | undefined {
  const index = readJson<{ manifests?: Descriptor[] }>(archive, 'index.json', 'index.json');
  if (!index) return undefined;
  const notes: string[] = [];
  const top = (Array.isArray(index.manifests) ? index.manifests : []).filter((d) => d && !isAttestation(d));
  const [first] = top;
  if (!first) throw new ImageArchiveError("The archive's index.json lists no image.");
  const distinct = new Set(top.map((d) => d.digest));
  if (distinct.size > 1)
    notes.push(`The archive holds ${distinct.size} images; the files shown are those of the first.`);

  // Image manifests reachable from the first entry, with the platform each is for.
  const candidates: { d: Descriptor; path: string; present: boolean }[] = [];
  const visit = (d: Descriptor, depth: number) => {
    const path = blobPath(d.digest);
    if (!path)
      throw new ImageArchiveError(
        `The archive names a blob with a malformed digest (${String(d.digest).slice(0, 80)}).`,
      );
    const doc = readJson<{ manifests?: Descriptor[] }>(archive, path, 'index');
    if (isIndex(d, doc)) {
      if (depth > 3) throw new ImageArchiveError('The image index nests deeper than Dockside follows.');
      if (!doc) throw new ImageArchiveError(`The image index (${shortBlob(path)}) is not in the archive.`);
      for (const child of Array.isArray(doc.manifests) ? doc.manifests : [])
        if (child && !isAttestation(child)) visit(child, depth + 1);
      return;
    }
    candidates.push({ d, path, present: doc !== undefined });
  };
  visit(first, 0);
  const present = candidates.filter((c) => c.present);
  const [firstPresent] = present;
  if (!firstPresent) {
    throw new ImageArchiveError(
      `The archive lists ${candidates.length} image manifest(s) but holds none of them, ` +
        'so there are no layers to read.',
    );
  }
  const chosen =
    present.find((c) => sameImageShape(c.d.platform, want, true)) ??
    present.find((c) => sameImageShape(c.d.platform, want, false)) ??
    firstPresent;
  const platform = chosen.d.platform ? platformName(chosen.d.platform) : undefined;
  if (candidates.length > 1) {
    const all = candidates.map((c) => platformName(c.d.platform)).join(', ');
    const why = sameImageShape(chosen.d.platform, want, false)
      ? "this engine's platform"
      : want
        ? `the first whose content is stored here: this engine's platform, ${platformName(want)}, is not`
        : 'the first whose content is stored here';
    notes.push(
      `This is a multi-platform image (${all}). The files shown are those of ${platform ?? 'one of them'}, ${why}.`,
    );
    const missing = candidates.filter((c) => !c.present).map((c) => platformName(c.d.platform));
    if (missing.length)
      notes.push(`The content of ${missing.join(', ')} is not stored on this engine, so those files cannot be listed.`);
  }
  const manifest = readJson<{ config?: Descriptor; layers?: Descriptor[] }>(archive, chosen.path, 'manifest')!;
  const layers = (Array.isArray(manifest.layers) ? manifest.layers : []).map((d) => {
    const path = blobPath(d?.digest);
    if (!path)
      throw new ImageArchiveError(
        `The manifest names a layer with a malformed digest (${String(d?.digest).slice(0, 80)}).`,
      );
    return path;
  });
  const history = historyOf(archive, blobPath(manifest.config?.digest), notes);
  return { format: 'oci', layers, history, platform, notes };
}

function dockerLayout(archive: ArchiveJson): Layout | undefined {
  const manifest = readJson<{ Config?: string; Layers?: string[] }[]>(archive, 'manifest.json', 'manifest.json');
  if (!manifest) return undefined;
  const entry = Array.isArray(manifest) ? manifest[0] : undefined;
  if (!entry || !Array.isArray(entry.Layers))
    throw new ImageArchiveError("The archive's manifest.json lists no image.");
  const notes: string[] = [];
  if (manifest.length > 1)
    notes.push(`The archive holds ${manifest.length} images; the files shown are those of the first.`);
  const history = historyOf(archive, typeof entry.Config === 'string' ? entry.Config : undefined, notes);
  return { format: 'docker', layers: entry.Layers.filter((l) => typeof l === 'string'), history, notes };
}

/** The layout of the image in the archive; throws when the archive does not say which layers make the image. */
export function resolveLayout(archive: ArchiveJson, want?: Platform): Layout {
  // index.json knows platforms; manifest.json (also written next to it since Docker 25) is the fallback.
  let oci: Layout | undefined;
  try {
    oci = ociLayout(archive, want);
  } catch (err) {
    if (!archive.json.has('manifest.json')) throw err;
  }
  const layout = oci ?? dockerLayout(archive);
  if (!layout)
    throw new ImageArchiveError(
      'The archive has neither manifest.json nor index.json, so which layers make the image is unknown.',
    );
  return layout;
}
