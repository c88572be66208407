import * as vscode from 'vscode';
import { DockerfileService } from './language/dockerfile/dockerfileService';

/**
 * The one owner of Dockside's long-lived state in the editor: the log, the settings reader and the language
 * services. Everything that needs cleaning up is pushed to the extension context's subscriptions.
 */
export class Ctx {
  readonly log: vscode.LogOutputChannel;
  readonly dockerfiles = new DockerfileService();

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('Dockside', { log: true });
    extension.subscriptions.push(this.log);
  }

  get subscriptions(): vscode.Disposable[] {
    return this.extension.subscriptions;
  }

  setting<T>(key: string, fallback: T): T {
    return vscode.workspace.getConfiguration('dockside').get<T>(key, fallback);
  }

  /** A file shipped with the extension, e.g. `media/lessons/layers.md`. */
  asset(...segments: string[]): vscode.Uri {
    return vscode.Uri.joinPath(this.extension.extensionUri, ...segments);
  }
}
