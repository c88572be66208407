// `npm start`: build the extension and open it on examples/. With VS Code's `code` CLI it starts VS Code with
// --extensionDevelopmentPath; otherwise it starts a local browser VS Code (code-server, set up offline and
// cached under .cache/) with the packaged extension installed, and prints the address to open.
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT, startCodeServer } from '../test/support/codeServer';
import { which } from '../test/support/system';

async function main(): Promise<void> {
  const examples = path.join(REPO_ROOT, 'examples');
  const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);

  const code = which('code');
  if (code && !process.env.DOCKSIDE_USE_CODE_SERVER) {
    console.log(`Opening VS Code on ${examples} with Dockside from ${REPO_ROOT}`);
    spawn(code, [`--extensionDevelopmentPath=${REPO_ROOT}`, examples], { stdio: 'inherit', detached: true }).unref();
    return;
  }

  console.log(
    'No `code` command found: starting a local browser VS Code (code-server). ' +
      'The first start installs it (a few minutes).',
  );
  const port = Number(process.env.PORT ?? 8080);
  const server = await startCodeServer({ workspace: examples, port });
  console.log(
    `\nDockside is running in code-server. Open this address in your browser:\n\n  ${server.url}\n\n` +
      'Press Ctrl+C to stop.',
  );
  const stop = () => void server.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: Error) => {
  console.error(`npm start failed: ${err.message}`);
  process.exit(1);
});
