/**
 * Keys the Compose Specification gained after the schema Dockside bundles (dclint 3.1.0's). Each entry says where
 * the key goes, the schema of its value, which Compose reads it (no exact release: none could be checked here),
 * and Dockside's words for its hover. When dclint's schema gains one of these keys, `composeSchema.test` fails:
 * drop the entry then.
 */

export interface OverlayKey {
  /** The schema definition the key belongs to: a service, or the long form of `build:`. */
  where: 'service' | 'build';
  key: string;
  schema: Record<string, unknown>;
  /** Which Compose reads it: these keys are newer than the schema Dockside bundles. */
  since: string;
  doc: string;
}

export const SCHEMA_OVERLAY: readonly OverlayKey[] = [
  {
    where: 'service',
    key: 'pre_start',
    schema: { type: 'array', items: { $ref: '#/definitions/service_hook' } },
    since: 'recent Docker Compose v2 releases',
    doc:
      'Commands run in a short-lived container before the service container starts (for example to fix the ' +
      'owner of a volume); the service starts only when they succeed.',
  },
  {
    where: 'build',
    key: 'provenance',
    // Not `type: [string, boolean]`: Dockside reads that as a boolean that may be written as a string.
    schema: { anyOf: [{ type: 'boolean' }, { type: 'string' }] },
    since: 'recent Docker Compose v2 releases',
    doc: 'Attaches a provenance attestation (how the image was built) to the image: `true`, or `mode=max`.',
  },
  {
    where: 'build',
    key: 'sbom',
    schema: { anyOf: [{ type: 'boolean' }, { type: 'string' }] },
    since: 'recent Docker Compose v2 releases',
    doc: 'Attaches an SBOM attestation (the software the image holds) to the image: `true` or generator options.',
  },
  {
    where: 'build',
    key: 'no_cache_filter',
    schema: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    since: 'recent Docker Compose v2 releases',
    doc: 'Build stages that are rebuilt without the build cache, while the others may still use it.',
  },
];

type SchemaNode = Record<string, unknown>;

/** The `properties` the overlay adds to, in a schema shaped like the Compose Specification's. */
function propertiesOf(schema: SchemaNode, where: OverlayKey['where']): SchemaNode | undefined {
  const definitions = schema.definitions as Record<string, SchemaNode> | undefined;
  const service = definitions?.service;
  if (where === 'service') return service?.properties as SchemaNode | undefined;
  const build = (service?.properties as Record<string, SchemaNode> | undefined)?.build;
  const branches = (build?.oneOf ?? build?.anyOf) as SchemaNode[] | undefined;
  return branches?.find((b) => b.type === 'object')?.properties as SchemaNode | undefined;
}

/** The overlay keys a schema already defines (the bundled one should define none). */
export function overlayKeysIn(schema: SchemaNode): string[] {
  return SCHEMA_OVERLAY.filter((o) => propertiesOf(schema, o.where)?.[o.key] !== undefined).map(
    (o) => `${o.where}.${o.key}`,
  );
}

/** Adds the overlay's keys to a schema (in place); a key the schema has already is left as the schema says. */
export function withOverlay(schema: SchemaNode): SchemaNode {
  for (const o of SCHEMA_OVERLAY) {
    const properties = propertiesOf(schema, o.where);
    if (properties && properties[o.key] === undefined) properties[o.key] = structuredClone(o.schema);
  }
  return schema;
}

/** Dockside's words for an overlay key at a path (`['services', 'web', 'build']`), with the release that added it. */
export function overlayDoc(path: string[], key: string): string | undefined {
  const where =
    path.length === 2 && path[0] === 'services'
      ? 'service'
      : path.length === 3 && path[0] === 'services' && path[2] === 'build'
        ? 'build'
        : undefined;
  const entry = SCHEMA_OVERLAY.find((o) => o.where === where && o.key === key);
  return entry && `${entry.doc} (Read by ${entry.since} only; older ones reject the key.)`;
}
