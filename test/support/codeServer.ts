/**
 * A REAL VS Code for the end-to-end tests: code-server (VS Code 1.100 in the browser) driven through headless
 * Chromium by playwright-core, set up offline as shared/recipes/code-server.md shows. The slow parts (Debian
 * packages, code-server's npm install) are cached, so a second run starts in seconds. The cache folder is
 * $DOCKSIDE_TEST_CACHE or .cache/ in the repository (git-ignored).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ensureDebianPackages, run, which } from './system';
import { onRunEnd, onSuiteEnd } from './teardown';

export const CODE_SERVER_VERSION = '4.100.3';
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');
const CACHE_DIR = process.env.DOCKSIDE_TEST_CACHE ?? path.join(REPO_ROOT, '.cache');
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Editor {
  page: Page;
  browser: Browser;
  workspace: string;
  userDataDir: string;
  url: string;
  /** The extension host's log, for failure reports. */
  extensionHostLog(): string;
}

function codeServerBin(): string {
  return path.join(CACHE_DIR, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', '.bin', 'code-server');
}

/** Installs code-server into the cache when missing; returns a reason string when it cannot. */
async function ensureCodeServer(): Promise<string | undefined> {
  // Chromium to drive it; ripgrep for its search; headers its native modules compile against.
  const reason = await ensureDebianPackages([
    { pkg: 'chromium', provides: 'chromium' },
    { pkg: 'ripgrep', provides: 'rg' },
    { pkg: 'pkg-config', provides: 'pkg-config' },
    { pkg: 'libkrb5-dev' },
    { pkg: 'libx11-dev' },
    { pkg: 'libxkbfile-dev' },
    { pkg: 'libsecret-1-dev' },
  ]);
  if (reason) return reason;
  if (fs.existsSync(codeServerBin())) return undefined;

  const dir = path.dirname(path.dirname(path.dirname(codeServerBin())));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'dockside-code-server', private: true }));
  // @vscode/ripgrep's postinstall would download rg; it looks in this cache first, so give it Debian's rg.
  const rgCache = path.join(os.tmpdir(), 'vscode-ripgrep-cache-1.15.11');
  fs.mkdirSync(rgCache, { recursive: true });
  await run('tar', [
    '-C',
    path.dirname(which('rg')!),
    '-czf',
    path.join(rgCache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz'),
    'rg',
  ]);
  console.log(`  [e2e] installing code-server ${CODE_SERVER_VERSION} into ${dir} (once; about 2 minutes)`);
  try {
    await run('npm', ['install', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], {
      cwd: dir,
      env: { ...process.env, npm_config_yes: 'true', npm_config_unsafe_perm: 'true' },
    });
  } catch (err) {
    return `npm install code-server failed: ${(err as Error).message.slice(-1500)}`;
  }
  return fs.existsSync(codeServerBin()) ? undefined : 'code-server was installed but its binary is missing';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, timeoutMs: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${log()}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer at ${url} within ${timeoutMs} ms:\n${log()}`);
}

/** The packaged extension (`npm run package`), built once per run. */
let vsix: Promise<string> | undefined;
export function packagedExtension(): Promise<string> {
  vsix ??= run('npm', ['run', '--silent', 'package'], { cwd: REPO_ROOT }).then(() =>
    path.join(REPO_ROOT, 'dist-vsix', 'dockside.vsix'),
  );
  return vsix;
}

export interface LaunchOptions {
  /** Folder opened as the workspace (copied by the caller when the test edits it). */
  workspace: string;
  /** Environment for the extension host, e.g. DOCKER_HOST of the test engine. */
  env?: NodeJS.ProcessEnv;
  /** VS Code user settings. */
  settings?: Record<string, unknown>;
  colorTheme?: string;
  /** A fixed port (npm start); a free one by default. */
  port?: number;
  /** false: Workspace Trust is on and the folder opens in Restricted Mode, as an unknown download would. */
  trusted?: boolean;
}

export interface RunningCodeServer {
  url: string;
  userDataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts code-server on a free loopback port with the packaged extension installed in a private extensions folder.
 * Throws with a reason when code-server cannot be set up.
 */
export async function startCodeServer(options: LaunchOptions): Promise<RunningCodeServer> {
  const reason = await ensureCodeServer();
  if (reason) throw new CodeServerUnavailable(reason);
  const extensionFile = await packagedExtension();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-e2e-'));
  const userDataDir = path.join(root, 'user-data');
  const extensionsDir = path.join(root, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.colorTheme': options.colorTheme ?? 'Default Light Modern',
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'security.workspace.trust.enabled': options.trusted === false,
      ...(options.trusted === false
        ? { 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'always' }
        : {}),
      'telemetry.telemetryLevel': 'off',
      'extensions.autoUpdate': false,
      'extensions.autoCheckUpdates': false,
      'update.mode': 'none',
      'editor.hover.delay': 200,
      ...options.settings,
    }),
  );
  await run(codeServerBin(), [
    '--extensions-dir',
    extensionsDir,
    '--user-data-dir',
    userDataDir,
    '--install-extension',
    extensionFile,
  ]);

  const port = options.port ?? (await freePort());
  const logFile = path.join(root, 'code-server.log');
  const logFd = fs.openSync(logFile, 'a');
  const child = spawn(
    codeServerBin(),
    [
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.trusted === false ? [] : ['--disable-workspace-trust']),
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
      options.workspace,
    ],
    { stdio: ['ignore', logFd, logFd], env: { ...process.env, ...options.env } },
  );
  fs.closeSync(logFd);
  const readLog = () => fs.readFileSync(logFile, 'utf8').slice(-4000);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      child.kill('SIGKILL');
    }
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60000, child, readLog);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(options.workspace)}`, userDataDir, stop };
}

export class CodeServerUnavailable extends Error {}

/** Starts code-server with the packaged extension installed, and a headless Chromium on it. */
export async function launchEditor(ctx: Mocha.Context, options: LaunchOptions): Promise<Editor> {
  ctx.timeout(600000);
  let server: RunningCodeServer;
  try {
    server = await startCodeServer(options);
  } catch (err) {
    if (!(err instanceof CodeServerUnavailable) || process.env.CI) throw err;
    console.warn(`\n  SKIPPED: no code-server: ${err.message}\n`);
    ctx.skip();
  }
  const { url, userDataDir } = server;

  const { chromium } = await import('playwright-core');
  const browser = await chromium
    .launch({
      executablePath: which('chromium') ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    })
    .catch(async (err: unknown) => {
      await server.stop();
      throw err;
    });
  // Left running until the end of the run, every window's extension host went on answering every engine event of
  // the suites after it: ten of them on two cores.
  onSuiteEnd(ctx, 'close the editor', async () => {
    await browser.close().catch(() => undefined);
    await server.stop();
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 60000 });

  return {
    page,
    browser,
    workspace: options.workspace,
    userDataDir,
    url,
    extensionHostLog() {
      const logs = path.join(userDataDir, 'logs');
      const found: string[] = [];
      const walk = (dir: string) => {
        for (const e of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
          const full = path.join(dir, e.name);
          if (e.isDirectory()) walk(full);
          else if (/exthost/i.test(full) && e.name.endsWith('.log')) found.push(full);
        }
      };
      walk(logs);
      return found.map((f) => `== ${f}\n${fs.readFileSync(f, 'utf8').slice(-6000)}`).join('\n');
    },
  };
}

/** Saves a screenshot and, for failures, the extension host log under test-results/. */
export async function saveEvidence(editor: Editor | undefined, name: string, withLog = false): Promise<void> {
  if (!editor) return;
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const safe = name
    .replace(/[^a-z0-9-]+/gi, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 100);
  await editor.page.screenshot({ path: path.join(RESULTS_DIR, `${safe}.png`) }).catch(() => undefined);
  if (withLog) fs.writeFileSync(path.join(RESULTS_DIR, `${safe}.exthost.log`), editor.extensionHostLog());
}

/**
 * The afterEach hook every e2e suite uses: a screenshot named after the test (`<prefix>-<title>`), with `-FAILED`
 * and the extension host log when it failed.
 */
export function saveEvidenceAfterEach(prefix: string, editor: () => Editor | undefined): Mocha.AsyncFunc {
  return async function (this: Mocha.Context) {
    const failed = this.currentTest?.state === 'failed';
    await saveEvidence(editor(), `${prefix}-${this.currentTest?.title ?? 'test'}${failed ? '-FAILED' : ''}`, failed);
  };
}

/** Copies a folder to a fresh temporary one, so that a test may edit it. */
export function copyWorkspace(source: string): string {
  const target = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-ws-'));
  fs.cpSync(source, target, { recursive: true });
  onRunEnd(() => fs.rmSync(target, { recursive: true, force: true }));
  return target;
}
