import type { BuildRecord } from './forecast';

/** What the lookup needs of an image in the engine model (`ImageItem`). */
export interface LocalImage {
  id: string;
  /** name:tag, as the engine lists them (RepoTags). */
  tags: readonly string[];
  /** name@sha256:…, as the engine lists them (RepoDigests). */
  digests: readonly string[];
}

/**
 * One spelling per image reference: `busybox`, `busybox:latest`, `library/busybox` and `docker.io/library/busybox`
 * are one image; `name:tag@digest` is the digest (the engine resolves it by digest alone).
 */
export function normalizeImageRef(ref: string): string {
  let r = ref.trim();
  const at = r.indexOf('@');
  if (at >= 0) r = r.slice(0, at).replace(/:\w[\w.-]*$/, '') + r.slice(at);
  else if (!/:\w[\w.-]*$/.test(r.slice(r.lastIndexOf('/') + 1))) r += ':latest';
  r = r.replace(/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '');
  return r.replace(/^library\/(?=[^/]+$)/, '');
}

/** The id of the local image a FROM reference names, from the engine model's tags and digests. */
export function imageIdLookup(images: Iterable<LocalImage>): (ref: string) => string | undefined {
  const ids = new Map<string, string>();
  for (const image of images)
    for (const name of [...image.tags, ...image.digests]) ids.set(normalizeImageRef(name), image.id);
  return (ref) => ids.get(normalizeImageRef(ref));
}

/**
 * The lookup a forecast uses against a remembered build. A step's key holds its base image's id, so both sides must
 * have looked it up alike: a FROM the last build remembered without an id (the engine was not connected, or the
 * image came in with that build) is looked up as unknown again; when the engine cannot say now, the remembered id
 * stands (nothing is known to have changed). Otherwise the engine's id now, so that a re-pulled or rebuilt base
 * image shows "the base image changed since the last build".
 */
export function imageIdsSince(
  record: BuildRecord | undefined,
  now: ((ref: string) => string | undefined) | undefined,
): (ref: string) => string | undefined {
  const remembered = new Map<string, string | undefined>();
  for (const s of record?.steps ?? [])
    if (s.kind === 'base' && s.image) remembered.set(normalizeImageRef(s.image.ref), s.image.id);
  return (ref) => {
    const key = normalizeImageRef(ref);
    if (remembered.has(key) && remembered.get(key) === undefined) return undefined;
    return now?.(ref) ?? remembered.get(key);
  };
}
