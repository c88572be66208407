import type { DocksideDiagnostic } from './diagnostic';

/**
 * Other extensions that already check Dockerfiles with dockerfile-utils (or BuildKit) and show its syntax errors.
 * When one is installed, Dockside's copies of those errors (the DSX codes) would only say the same thing twice.
 */
export const PEER_LINTERS: readonly { id: string; name: string }[] = [
  { id: 'ms-azuretools.vscode-docker', name: 'Docker' },
  { id: 'ms-azuretools.vscode-containers', name: 'Container Tools' },
  { id: 'docker.docker', name: 'Docker DX' },
];

/** The setting `dockside.dockerfile.syntaxErrors`. */
export type SyntaxErrorsSetting = 'auto' | 'show' | 'hide';

export function asSyntaxErrorsSetting(value: unknown): SyntaxErrorsSetting {
  return value === 'show' || value === 'hide' ? value : 'auto';
}

/** Whether Dockside shows its own syntax errors, given the setting and which peer extensions are installed. */
export function showsSyntaxErrors(setting: SyntaxErrorsSetting, installedPeers: readonly string[]): boolean {
  if (setting === 'show') return true;
  if (setting === 'hide') return false;
  return installedPeers.length === 0;
}

/** Syntax errors are the DSX codes: dockerfile-utils' checks, which the peers run too. */
export function isSyntaxCheck(d: DocksideDiagnostic): boolean {
  return d.code.startsWith('DSX');
}
