import * as vscode from 'vscode';
import { ENGINE_COMMANDS } from './engineCommands';

/**
 * Workspace Trust for Dockside: what is refused in an untrusted workspace (the engine commands listed in
 * engineCommands.ts), and how the refusal is said.
 */

/** What the user is told; the action is named so the refusal is not a mystery. */
export function untrustedMessage(action: string): string {
  return (
    `Dockside runs nothing in a workspace you have not trusted, so "${action}" is turned off here: ` +
    'it would reach the Docker engine. Diagnostics, hovers and lessons keep working. Trust this folder to use it.'
  );
}

/** True in a trusted workspace; otherwise tells the user why the action is refused, with a way to trust. */
export function requireTrust(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(untrustedMessage(action), 'Manage Workspace Trust').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}

/** The handler of an engine command, refusing in an untrusted workspace; other commands are returned as they are. */
export function guardEngineCommand<A extends unknown[], R>(
  id: string,
  handler: (...args: A) => R,
): (...args: A) => R | undefined {
  const title = ENGINE_COMMANDS[id];
  return title === undefined ? handler : (...args: A) => (requireTrust(title) ? handler(...args) : undefined);
}
