import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENGINE_COMMANDS } from '../../src/vscode/engineCommands';

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  capabilities: { untrustedWorkspaces: { supported: string | boolean } };
  contributes: {
    commands: { command: string; title: string }[];
    menus: Record<string, { command?: string; when?: string }[]>;
  };
};

/**
 * Commands that neither reach the engine nor open a terminal, so they work in an untrusted workspace. A new
 * command must be put in ENGINE_COMMANDS or here, with the reason: the test below fails until it is.
 */
const SAFE: Readonly<Record<string, string>> = {
  'dockside.showLog': "shows Dockside's own log",
  'dockside.openLesson': 'opens a lesson shipped with the extension',
  'dockside.copyId': 'copies what the explorer already shows',
  'dockside.copyName': 'copies what the explorer already shows',
  'dockside.engine.retry': 'reconnects the read-only explorer, which connects by itself anyway',
  'dockside.walkthrough.newDockerfile': 'writes an example file; runs nothing',
  'dockside.walkthrough.composeExample': 'writes an example file; runs nothing',
  'dockside.newProject': 'writes template files into the folder, asking before it replaces any; runs nothing',
  'dockside.explainDockerfile': 'reads the Dockerfile text',
  'dockside.convertRunToCompose': 'converts text',
  'dockside.convertComposeToRun': 'converts text',
  'dockside.registry.add': 'talks to a registry the user types, not to the engine',
  'dockside.registry.refresh': 'lists a registry, not the engine',
  'dockside.registry.login': 'checks credentials with a registry',
  'dockside.registry.logout': 'forgets stored credentials',
  'dockside.registry.remove': 'forgets a registry',
  'dockside.registry.deleteTag': 'talks to a registry, asks first',
};

describe('workspace trust: engine commands are refused and hidden in untrusted workspaces', () => {
  const contributed = new Map(manifest.contributes.commands.map((c) => [c.command, c.title]));

  it('knows, for every command, whether it reaches the engine', () => {
    const undecided = [...contributed.keys()].filter((id) => !(id in ENGINE_COMMANDS) && !(id in SAFE));
    assert.deepEqual(undecided, [], 'put each new command in src/vscode/engineCommands.ts or in SAFE here');
    for (const id of Object.keys(ENGINE_COMMANDS)) assert.ok(contributed.has(id), `${id} is contributed`);
  });

  it('names each engine command by its title in the refusal', () => {
    for (const [id, title] of Object.entries(ENGINE_COMMANDS))
      assert.equal(title, contributed.get(id)!.replace(/…$/, ''), id);
  });

  it('hides engine commands from every menu of an untrusted workspace', () => {
    const missing: string[] = [];
    for (const [menu, entries] of Object.entries(manifest.contributes.menus)) {
      for (const e of entries) {
        if (!e.command || !(e.command in ENGINE_COMMANDS) || e.when === 'false') continue;
        if (!/(^|&&\s*)isWorkspaceTrusted(\s*&&|$)/.test(e.when ?? ''))
          missing.push(`${menu}: ${e.command} (${e.when ?? 'no when'})`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('declares limited support for untrusted workspaces', () => {
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  });
});
