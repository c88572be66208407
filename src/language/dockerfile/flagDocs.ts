/**
 * Hover text for instruction flags, in Dockside's own words. Keyed by `INSTRUCTION --flag`.
 */
export const FLAG_DOCS: Readonly<Record<string, string>> = {
  'FROM --platform':
    'Picks the platform (`linux/amd64`, `linux/arm64`, …) of the base image. ' +
    'Often `--platform=$BUILDPLATFORM` for a build stage that cross-compiles, so the compiler runs natively.',
  'COPY --from':
    'Copies from an earlier build stage (by name or number) or from another image instead of the build context. ' +
    'This is how a multi-stage build keeps compilers out of the final image.',
  'COPY --chown':
    'Sets the owner (`user:group`, names or numeric ids) of the copied files. ' +
    'Without it they belong to root, even after `USER`.',
  'COPY --chmod':
    'Sets the permissions of the copied files (`755`, or symbolic with BuildKit), saving a separate `RUN chmod` layer.',
  'COPY --link':
    'Copies into an independent layer that does not depend on the layers below it, ' +
    'so changing the base image does not invalidate this step (BuildKit).',
  'COPY --parents':
    'Keeps the source paths’ parent folders under the destination (BuildKit; ' +
    'stable from Dockerfile syntax 1.20, earlier only in the `1.7-labs` syntax).',
  'COPY --exclude':
    'Leaves out paths matching a pattern from this copy (BuildKit; ' +
    'stable from Dockerfile syntax 1.19, earlier only in the `1.7-labs` syntax).',
  'ADD --checksum': 'The expected `sha256:…` of a downloaded file; the build fails if what arrives differs.',
  'ADD --keep-git-dir': 'When adding a Git repository, keeps its `.git` folder.',
  'ADD --chown': 'Sets the owner (`user:group`) of the added files.',
  'ADD --chmod': 'Sets the permissions of the added files.',
  'ADD --link': 'Adds into an independent layer that survives base image changes (BuildKit).',
  'ADD --exclude':
    'Leaves out paths matching a pattern (BuildKit; ' +
    'stable from Dockerfile syntax 1.19, earlier only in the `1.7-labs` syntax).',
  'RUN --mount':
    'Mounts something for this step only; nothing of it is saved in the layer. ' +
    '`type=cache,target=/root/.cache` keeps a package cache between builds; ' +
    '`type=secret,id=x` exposes a secret at `/run/secrets/x`; ' +
    '`type=bind` mounts files from the context or a stage; ' +
    '`type=ssh` forwards your SSH agent; `type=tmpfs` gives scratch space.',
  'RUN --network': 'The network for this step: `default`, `none` (no network, for reproducible steps) or `host`.',
  'RUN --security':
    '`insecure` runs the step with extra privileges (needs the builder to allow it); `sandbox` is the default.',
  'HEALTHCHECK --interval': 'How long to wait between checks (default `30s`). Durations take a unit: `10s`, `1m`.',
  'HEALTHCHECK --timeout': 'How long one check may take before it counts as failed (default `30s`).',
  'HEALTHCHECK --start-period':
    'A grace period after start; ' +
    'failures then do not count toward `--retries` (default `0s`). Give slow-starting apps time.',
  'HEALTHCHECK --start-interval': 'The time between checks during the start period (newer engines).',
  'HEALTHCHECK --retries': 'How many consecutive failures make the container `unhealthy` (default `3`).',
};

export function flagHoverMarkdown(keyword: string, flag: string): string | undefined {
  const text = FLAG_DOCS[`${keyword.toUpperCase()} --${flag}`];
  return text ? `**${keyword.toUpperCase()} --${flag}**: ${text}` : undefined;
}
