import * as vscode from 'vscode';
import { isRuleLevel, type RuleLevel } from './language/ruleSettings';

/**
 * The one owner of Dockside's long-lived state in the editor: the log, the settings reader and the language
 * services. Everything that needs cleaning up is pushed to the extension context's subscriptions.
 */
export class Ctx {
  readonly log: vscode.LogOutputChannel;

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

  /** The `dockside.rules` setting, with unknown levels dropped (and reported in the log). */
  rules(): Record<string, RuleLevel> {
    const raw = this.setting<Record<string, unknown>>('rules', {});
    const out: Record<string, RuleLevel> = {};
    for (const [code, level] of Object.entries(raw ?? {})) {
      if (typeof level === 'string' && isRuleLevel(level)) out[code.toUpperCase()] = level;
      else
        this.log.warn(
          `dockside.rules: "${code}" has an unknown level ${JSON.stringify(level)}; use off, error, warning, information or hint.`,
        );
    }
    return out;
  }

  /** A file shipped with the extension, e.g. `media/lessons/layers.md`. */
  asset(...segments: string[]): vscode.Uri {
    return vscode.Uri.joinPath(this.extension.extensionUri, ...segments);
  }
}
