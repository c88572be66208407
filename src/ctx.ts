import * as vscode from 'vscode';
import { isRuleLevel, type RuleLevel } from './language/ruleSettings';

/**
 * What every feature is handed at activation: the log, the settings reader, paths to shipped assets, and the
 * extension context, whose subscriptions dispose everything a feature registers. Features own their own state
 * (the Docker session, the language services); Ctx only carries what they share.
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
          `dockside.rules: "${code}" has an unknown level ${JSON.stringify(level)}; ` +
            'use off, error, warning, information or hint.',
        );
    }
    return out;
  }

  /** A file shipped with the extension, e.g. `media/lessons/layers.md`. */
  asset(...segments: string[]): vscode.Uri {
    return vscode.Uri.joinPath(this.extension.extensionUri, ...segments);
  }
}
