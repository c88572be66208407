import { imageIdLookup, type LocalImage } from './forecast/baseImages';

/** What Dockerfile checks learn from a local base image: its platform and its environment. */
export interface BaseImageConfig {
  /** os/architecture[/variant], as a FROM --platform value writes it. */
  platform?: string;
  /** `NAME=value` entries of the image's config. */
  env?: readonly string[];
}

/** The fields of an image inspect this reads (the Engine API's ImageInspect). */
export interface InspectedImage {
  Os?: string;
  Architecture?: string;
  Variant?: string;
  Config?: { Env?: string[] | null } | null;
}

export interface BaseImageSource {
  /** The engine's images now, or undefined when no engine is connected (nothing is looked up then). */
  images(): Iterable<LocalImage> | undefined;
  /** One image's inspect data; undefined when the image is gone. */
  inspect(id: string): Promise<InspectedImage | undefined>;
}

/** Image configs kept (by id, which names the content, so an entry never goes stale) and inspects in flight. */
const MAX_KEPT = 256;
const MAX_IN_FLIGHT = 8;

export function configOf(image: InspectedImage): BaseImageConfig {
  const platform = image.Os && image.Architecture ? [image.Os, image.Architecture, image.Variant] : undefined;
  const env = image.Config?.Env;
  return {
    ...(platform ? { platform: platform.filter(Boolean).join('/') } : {}),
    ...(Array.isArray(env) ? { env: env.filter((e): e is string => typeof e === 'string') } : {}),
  };
}

/**
 * The configs of local base images for the Dockerfile checks, which are synchronous: a lookup answers from what is
 * known, and an image not inspected yet is inspected in the background; `learned` is called when an answer arrives,
 * so that the caller can check its Dockerfiles again. It never connects to an engine by itself.
 */
export class BaseImageConfigs {
  private readonly byId = new Map<string, BaseImageConfig>();
  private readonly inFlight = new Set<string>();
  /** Ids whose inspect failed or found nothing: not asked again until the image list changes. */
  private readonly missing = new Set<string>();
  private ids: ((ref: string) => string | undefined) | undefined;

  constructor(
    private readonly source: BaseImageSource,
    private readonly learned: () => void,
  ) {}

  /** The engine's image list changed (a pull, a tag, a build, another engine): references are looked up again. */
  imagesChanged(): void {
    this.ids = undefined;
    this.missing.clear();
  }

  /** The config of the local image a FROM reference names, when the engine has it and it has been inspected. */
  lookup(ref: string): BaseImageConfig | undefined {
    if (!this.ids) {
      const images = this.source.images();
      if (!images) return undefined;
      this.ids = imageIdLookup(images);
    }
    const id = this.ids(ref);
    if (!id) return undefined;
    const known = this.byId.get(id);
    if (known) return known;
    if (!this.inFlight.has(id) && !this.missing.has(id) && this.inFlight.size < MAX_IN_FLIGHT) this.fetch(id);
    return undefined;
  }

  private fetch(id: string): void {
    this.inFlight.add(id);
    this.source.inspect(id).then(
      (image) => {
        this.inFlight.delete(id);
        if (!image) {
          this.missing.add(id);
          return;
        }
        this.byId.set(id, configOf(image));
        for (const old of this.byId.keys()) {
          if (this.byId.size <= MAX_KEPT) break;
          this.byId.delete(old);
        }
        this.learned();
      },
      () => {
        this.inFlight.delete(id);
        this.missing.add(id);
      },
    );
  }
}
