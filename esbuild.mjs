// Bundles the extension and the CLI. `--production` minifies without source maps (for packaging);
// `--watch` rebuilds incrementally with source maps.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/**
 * dockerode requires its BuildKit session module (gRPC + protobufjs) when it loads, though only BuildKit builds use
 * it; Dockside swaps it for a stub that reports the feature missing. dockerode's followProgress (which needs
 * protobufjs for BuildKit streams) is not used either: Dockside reads progress streams itself.
 */
const withoutBuildkitSession = {
  name: 'without-buildkit-session',
  setup(build) {
    build.onResolve({ filter: /^\.\/(session|buildkit)$/ }, (args) =>
      /[\\/]dockerode[\\/]lib$/.test(args.resolveDir)
        ? { path: new URL('./src/docker/noBuildkitSession.cjs', import.meta.url).pathname }
        : undefined,
    );
  },
};

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'info',
  // dockerode's ssh2 and cpu-features try to load native addons; both are optional and wrapped in try/catch.
  external: ['vscode', 'cpu-features', '*.node'],
  metafile: true,
  plugins: [withoutBuildkitSession],
};

const builds = [
  { ...common, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist' },
  { ...common, entryPoints: { cli: 'src/cli.ts' }, outdir: 'dist' },
  // The Docker side (dockerode and its dependencies), loaded by the extension on first use of a Docker view or command.
  { ...common, entryPoints: { docker: 'src/docker/dockerodeApi.ts' }, outdir: 'dist' },
];

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[watch] watching src/ for changes');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
