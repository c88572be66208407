// Bundles the extension and the CLI. `--production` minifies without source maps (for packaging);
// `--watch` rebuilds incrementally with source maps.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/**
 * dockerode's own BuildKit modules (lib/session.js, lib/buildkit.js) are bundled into docker.js and read .proto
 * files next to themselves when used; their __dirname is dist/ in the bundle, so the files go to dist/proto.
 * Dockside's own session (src/docker/buildkit/) carries its protocol definitions in the bundle and reads no file.
 */
const DOCKERODE_PROTOS = ['auth.proto', 'buildkit_status.proto'];
function copyDockerodeProtos() {
  fs.mkdirSync('dist/proto', { recursive: true });
  for (const name of DOCKERODE_PROTOS)
    fs.copyFileSync(path.join('node_modules', 'dockerode', 'lib', 'proto', name), path.join('dist', 'proto', name));
}

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
};

/**
 * Compose validation (ajv, fast-uri and the Compose Specification schema, about 160 KB) is needed only when a
 * compose file is first checked, so the extension bundle leaves it out: `require('ajv')` and the schema's JSON
 * resolve to dist/ajv.js and dist/compose.schema.json, next to extension.js, and load on that first use.
 */
const SCHEMA_JSON = 'node_modules/dclint/schemas/compose.schema.json';
const lazyComposeValidation = {
  name: 'lazy-compose-validation',
  setup(build) {
    build.onResolve({ filter: /^ajv$/ }, () => ({ path: './ajv.js', external: true }));
    build.onResolve({ filter: /dclint\/schemas\/compose\.schema\.json$/ }, () => ({
      path: './compose.schema.json',
      external: true,
    }));
  },
};

const builds = [
  { ...common, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist', plugins: [lazyComposeValidation] },
  { ...common, entryPoints: { ajv: 'node_modules/ajv/dist/ajv.js' }, outdir: 'dist' },
  { ...common, entryPoints: { cli: 'src/cli.ts' }, outdir: 'dist' },
  // The Docker side (dockerode and its dependencies), loaded by the extension on first use of a Docker view or command.
  { ...common, entryPoints: { docker: 'src/docker/dockerodeApi.ts' }, outdir: 'dist' },
];

copyDockerodeProtos();
fs.copyFileSync(SCHEMA_JSON, path.join('dist', 'compose.schema.json'));
if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[watch] watching src/ for changes');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
