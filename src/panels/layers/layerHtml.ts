import { escapeHtml, formatSize } from '../html';
import type { LayerStep, LayerView } from './layerData';

const KEYWORD_WORDS: Record<string, string> = {
  RUN: 'ran a command; its file changes are this layer',
  COPY: 'copied files from the build context',
  ADD: 'added files (ADD can also fetch URLs and unpack archives)',
  WORKDIR: 'set the working folder (creating it if needed)',
};

function stepTitle(step: LayerStep, view: LayerView): string {
  if (step.metadataOnly) return 'Metadata only: changes the image settings, makes no filesystem layer.';
  const what = KEYWORD_WORDS[step.keyword] ?? 'changed the filesystem';
  if ((step.keyword === 'COPY' || step.keyword === 'ADD') && step.line !== undefined) {
    const last = [...view.steps].reverse().find((s) => s.line !== undefined);
    return `This step ${what}. If the files it copies change, the cache stops here: this step and every step after it (line ${step.line + 1} to ${(last?.line ?? step.line) + 1}) are rebuilt.`;
  }
  return `This step ${what}.`;
}

/** The rows of the layer table (also sent on refresh), newest step first as `docker history` shows them. */
export function layerRows(view: LayerView): string {
  const largest = Math.max(1, ...view.steps.map((s) => s.size));
  const rows: string[] = [];
  for (const step of [...view.steps].reverse()) {
    const width = step.size ? Math.max(1, Math.round((step.size / largest) * 100)) : 0;
    const classes = ['step', step.base ? 'base' : 'own', step.metadataOnly ? 'meta' : 'fs', step.line !== undefined ? 'linked' : ''].filter(Boolean).join(' ');
    const lineAttr = step.line !== undefined ? ` data-line="${step.line}"` : '';
    rows.push(
      `<tr class="${classes}" tabindex="0" data-index="${step.index}"${lineAttr} title="${escapeHtml(stepTitle(step, view))}">` +
        `<td class="num">${step.index + 1}</td>` +
        `<td class="instruction"><code>${escapeHtml(step.instruction.length > 300 ? `${step.instruction.slice(0, 297)}…` : step.instruction)}</code>${step.metadataOnly ? ' <span class="badge">no layer</span>' : ''}${step.line !== undefined ? ` <a class="line" href="#" data-line="${step.line}">line ${step.line + 1}</a>` : ''}</td>` +
        `<td class="size">${step.metadataOnly ? '—' : escapeHtml(formatSize(step.size))}</td>` +
        `<td class="bar"><span class="fill w${Math.ceil(width / 5) * 5}"></span></td>` +
        `<td class="size total">${escapeHtml(formatSize(step.total))}</td>` +
        `</tr>`,
    );
    if (step.index === view.baseTop) rows.push(`<tr class="boundary"><td colspan="5">▲ this build · ▼ base image${view.baseName ? ` <code>${escapeHtml(view.baseName)}</code>` : ''}</td></tr>`);
  }
  return rows.join('\n');
}

/** The panel body for one image. */
export function layerBody(view: LayerView): string {
  const own = view.steps.filter((s) => !s.base);
  const ownSize = own.reduce((sum, s) => sum + s.size, 0);
  const metadata = view.steps.filter((s) => s.metadataOnly).length;
  const dockerfile = view.dockerfile ? `<p class="dockerfile">Steps are linked to <a href="#" class="open-dockerfile">${escapeHtml(view.dockerfile.path)}</a> (${view.dockerfile.matched} of ${own.length} matched). Click a step or press Enter on it to see its line.</p>` : `<p class="dockerfile muted">No Dockerfile in this workspace matches this image's steps, so steps are not linked to lines.</p>`;
  return `<header>
<h1>${escapeHtml(view.image)}</h1>
<p class="summary"><strong>${escapeHtml(formatSize(view.totalSize))}</strong> in ${view.steps.length} steps (${view.steps.length - metadata} with files, ${metadata} metadata only) · this build adds ${escapeHtml(formatSize(ownSize))} · created ${escapeHtml(new Date(view.created * 1000).toISOString().replace('T', ' ').slice(0, 16))} UTC</p>
${dockerfile}
</header>
<table class="layers" aria-label="Layers of ${escapeHtml(view.image)}, newest first">
<thead><tr><th>#</th><th>Step (newest first)</th><th>Size</th><th></th><th>Total</th></tr></thead>
<tbody id="rows">
${layerRows(view)}
</tbody>
</table>
<section class="explain">
<h2>Reading this</h2>
<p>Each RUN, COPY and ADD adds a read-only layer with the files it changed; other instructions only change settings. Layers stack: a file deleted in a later step still takes space in the layer that added it, so clean up in the same RUN that made the mess.</p>
<p>Docker reuses a step from its cache until one step changes; from there on everything is rebuilt. Put what changes least (the base, system packages, dependency manifests) at the top and your source code near the end.</p>
<p class="lessons">Learn more: <a href="#" data-lesson="layers-and-cache">layers and the build cache</a> · <a href="#" data-lesson="multi-stage">multi-stage builds</a> · <a href="#" data-lesson="dockerignore">.dockerignore</a></p>
</section>`;
}
