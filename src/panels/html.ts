import { randomBytes } from 'node:crypto';

/** Escapes text for HTML content and attribute values. Every engine or file string goes through this. */
export function escapeHtml(text: unknown): string {
  return String(text ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A fresh nonce for each page load. */
export function makeNonce(): string {
  return randomBytes(18)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '');
}

/** Nothing by default; scripts only with the nonce; styles, images and fonts only from the extension. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource}`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export interface PageParts {
  title: string;
  cspSource: string;
  nonce: string;
  /** URIs (as webview URIs) of the stylesheet and script, from media/panels/. */
  styleUri: string;
  scriptUri: string;
  body: string;
  /** Initial state for the script, serialized into a data attribute (escaped), never into a script block. */
  state?: unknown;
}

/**
 * The page shell shared by the panels: CSP, one stylesheet, one script, no inline handlers or styles. Everything sits
 * in one `<main>` landmark, with a status region the script fills with what changed (filter results, files loaded),
 * which screen readers read out without moving focus.
 */
export function page(parts: PageParts): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(parts.cspSource, parts.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(parts.styleUri)}">
<title>${escapeHtml(parts.title)}</title>
</head>
<body data-state="${escapeHtml(JSON.stringify(parts.state ?? null))}">
<main>
${parts.body}
<div id="announce" class="visually-hidden" role="status"></div>
</main>
<script nonce="${escapeHtml(parts.nonce)}" src="${escapeHtml(parts.scriptUri)}"></script>
</body>
</html>`;
}

/** Sizes as the explorer shows them (decimal units, like the docker CLI). */
export { formatBytes as formatSize } from '../docker/present';
