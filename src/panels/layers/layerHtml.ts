import { escapeHtml, formatSize } from '../html';
import type { LayerFile, LayerFiles } from './imageTar';
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
    return (
      `This step ${what}. If the files it copies change, the cache stops here: this step and every step after it ` +
      `(line ${step.line + 1} to ${(last?.line ?? step.line) + 1}) are rebuilt.`
    );
  }
  return `This step ${what}.`;
}

/**
 * The rows of the layer table (also sent on refresh), newest step first as `docker history` shows them. A step
 * linked to a Dockerfile line is one tab stop (Enter shows the line); the others have no action, so no tab stop.
 * What a step does is written under it, where keyboard users see it too.
 */
export function layerRows(view: LayerView): string {
  const largest = Math.max(1, ...view.steps.map((s) => s.size));
  const rows: string[] = [];
  const baseName = view.baseName ? ` <code>${escapeHtml(view.baseName)}</code>` : '';
  for (const step of [...view.steps].reverse()) {
    const width = step.size ? Math.max(1, Math.round((step.size / largest) * 100)) : 0;
    const classes = [
      'step',
      step.base ? 'base' : 'own',
      step.metadataOnly ? 'meta' : 'fs',
      step.line !== undefined ? 'linked' : '',
    ]
      .filter(Boolean)
      .join(' ');
    const shortened = step.instruction.length > 300 ? `${step.instruction.slice(0, 297)}…` : step.instruction;
    const linked = step.line !== undefined;
    const lineAttr = linked ? ` tabindex="0" data-line="${step.line}"` : '';
    // The row is the tab stop; the link inside is for the mouse and would be a second stop for the same action.
    const lineLink = linked
      ? ` <a class="line" href="#" tabindex="-1" data-line="${step.line}">line ${step.line! + 1}</a>`
      : '';
    rows.push(
      `<tr class="${classes}" data-index="${step.index}"${lineAttr}>` +
        `<td class="num">${step.index + 1}</td>` +
        `<td class="instruction"><code>${escapeHtml(shortened)}</code>` +
        `${step.metadataOnly ? ' <span class="badge">no layer</span>' : ''}${lineLink}` +
        `<div class="muted note">${escapeHtml(stepTitle(step, view))}</div></td>` +
        `<td class="size">${step.metadataOnly ? '—' : escapeHtml(formatSize(step.size))}</td>` +
        `<td class="bar" aria-hidden="true"><span class="fill w${Math.ceil(width / 5) * 5}"></span></td>` +
        `<td class="size total">${escapeHtml(formatSize(step.total))}</td>` +
        `</tr>`,
    );
    if (step.index === view.baseTop)
      rows.push(
        `<tr class="boundary"><td colspan="5"><span aria-hidden="true">▲</span> this build · ` +
          `<span aria-hidden="true">▼</span> base image${baseName}</td></tr>`,
      );
  }
  return rows.join('\n');
}

const BASE_UNKNOWN =
  'Where the base image ends cannot be known for this image: the engine lists every step below the newest as ' +
  '&lt;missing&gt; and names no base image, as it does for images that were pulled, loaded or built with ' +
  'BuildKit, and for every image in the containerd image store. So no step is marked as the base, and every ' +
  'step counts as part of this build.';

/** The panel body for one image. */
const READING_THIS = [
  '<p>Each RUN, COPY and ADD adds a read-only layer with the files it changed; other instructions only change ' +
    'settings. Layers stack: a file deleted in a later step still takes space in the layer that added it, so ' +
    'clean up in the same RUN that made the mess.</p>',
  '<p>Docker reuses a step from its cache until one step changes; from there on everything is rebuilt. Put what ' +
    'changes least (the base, system packages, dependency manifests) at the top and your source code near the ' +
    'end.</p>',
  '<p class="lessons">Learn more: <a href="#" data-lesson="layers-and-cache">layers and the build cache</a> · ' +
    '<a href="#" data-lesson="multi-stage">multi-stage builds</a> · ' +
    '<a href="#" data-lesson="dockerignore">.dockerignore</a></p>',
].join('\n');

export function layerBody(view: LayerView): string {
  const own = view.steps.filter((s) => !s.base);
  const ownSize = own.reduce((sum, s) => sum + s.size, 0);
  const metadata = view.steps.filter((s) => s.metadataOnly).length;
  // With the base unknown every step counts as this build's, so "this build adds" would only repeat the total.
  const adds = view.baseUnknown ? '' : ` · this build adds ${escapeHtml(formatSize(ownSize))}`;
  const dockerfile = view.dockerfile
    ? '<p class="dockerfile">Steps are linked to ' +
      `<a href="#" class="open-dockerfile">${escapeHtml(view.dockerfile.path)}</a> ` +
      `(${view.dockerfile.matched} of ${own.length} matched). Click a step or press Enter on it to see its line.</p>`
    : '<p class="dockerfile muted">No Dockerfile in this workspace matches this image\'s steps, ' +
      'so steps are not linked to lines.</p>';
  const total = escapeHtml(formatSize(view.totalSize));
  const steps = `${view.steps.length} steps (${view.steps.length - metadata} with files, ${metadata} metadata only)`;
  const created = escapeHtml(new Date(view.created * 1000).toISOString().replace('T', ' ').slice(0, 16));
  return `<header>
<h1>${escapeHtml(view.image)}</h1>
<p class="summary"><strong>${total}</strong> in ${steps}${adds} · created ${created} UTC</p>
${view.baseUnknown ? `<p class="muted">${BASE_UNKNOWN}</p>` : ''}
${dockerfile}
</header>
<table class="layers" aria-label="Layers of ${escapeHtml(view.image)}, newest first">
<thead><tr><th>#</th><th>Step (newest first)</th><th>Size</th>
<th><span class="visually-hidden">Size as a bar</span></th><th>Total</th></tr></thead>
<tbody id="rows">
${layerRows(view)}
</tbody>
</table>
<section class="files-section" aria-labelledby="files-title">
<h2 id="files-title">Files and wasted space</h2>
<div id="files"><p>
<button id="show-files" type="button" aria-describedby="show-files-what">Read the files of each layer</button>
<span class="muted" id="show-files-what">Streams the image (like <code>docker save</code>) and lists what each layer
adds, changes and deletes.</span></p></div>
</section>
<section class="explain">
<h2>Reading this</h2>
${READING_THIS}
</section>`;
}

const KIND_MARK: Record<string, string> = { added: '+', changed: '~', deleted: '−' };

function fileItem(f: LayerFile): string {
  // The sign is for the eye; a screen reader reads the word instead (a plain span may not carry an aria-label).
  const mark = (label: string) =>
    `<span class="mark" aria-hidden="true">${KIND_MARK[f.kind]}</span><span class="visually-hidden">${label}</span>`;
  if (f.opaque) {
    const what = 'emptied: what earlier layers put here is hidden';
    const path = `<code>/${escapeHtml(f.path)}/</code>`;
    return `<li class="deleted">${mark('emptied')} ${path} <span class="muted">${what}</span></li>`;
  }
  const size = f.kind === 'deleted' ? 'deleted' : escapeHtml(formatSize(f.size));
  const path = `<code>/${escapeHtml(f.path)}</code>`;
  return `<li class="${f.kind}">${mark(f.kind)} ${path} <span class="muted">${size}</span></li>`;
}

/** Where the files came from: the archive's layout, the layers' compression and the platform shown. */
function sourceLine(files: LayerFiles): string {
  const kinds = [...new Set(files.layers.flatMap((l) => (l.compression ? [l.compression] : [])))];
  const words = kinds.map((c) => (c === 'none' ? 'uncompressed' : c)).join(' and ');
  const layout =
    files.format === 'oci'
      ? 'an OCI image layout (the containerd image store writes these)'
      : 'a classic <code>docker save</code> archive';
  const platform = files.platform ? `, platform <code>${escapeHtml(files.platform)}</code>` : '';
  return `<p class="muted">Read from ${layout}${words ? ` with ${words} layers` : ''}${platform}.</p>`;
}

const shortInstruction = (text: string) => (text.length > 80 ? `${text.slice(0, 77)}…` : text);

/** The deeper view: files each layer adds, changes or deletes, and the space wasted by later deletes/overwrites. */
export function layerFilesHtml(files: LayerFiles, view: LayerView, limit = 200): string {
  const notes = [...files.notes];
  // The panel's history comes from the engine; the layers from the archive. If their step counts differ, the
  // archive's history indexes do not point into the panel's steps.
  const sameHistory = files.historySteps === view.steps.length;
  if (!sameHistory && files.historySteps && files.layers.some((l) => l.historyIndex >= 0)) {
    notes.push(
      `The archive's history has ${files.historySteps} steps and the engine's ${view.steps.length}, ` +
        'so the layers are not named after the steps above.',
    );
  }
  const layerName = (n: number) => {
    const step = sameHistory ? view.steps[files.layers[n]?.historyIndex ?? -1] : undefined;
    if (!step) return `Layer ${n + 1} of ${files.layers.length} (bottom first)`;
    return `${step.index + 1}. ${shortInstruction(step.instruction)}`;
  };
  const parts: string[] = [];
  parts.push(
    `<p class="summary">${
      files.wasted
        ? `<strong class="bad">${escapeHtml(formatSize(files.wasted))} wasted</strong>: bytes stored in one layer ` +
          'for files that a later layer overwrote or deleted. They still ship with the image.'
        : 'No wasted space: no layer stores files that a later layer overwrites or deletes.'
    }</p>`,
  );
  parts.push(sourceLine(files));
  for (const note of notes) parts.push(`<p>${escapeHtml(note)}</p>`);
  if (files.wasters.length) {
    parts.push(
      '<table class="wasters" aria-label="Largest wasted files"><thead><tr>' +
        '<th>File</th><th>Size</th><th>Added by</th><th>Replaced or deleted by</th></tr></thead><tbody>',
    );
    for (const w of files.wasters.slice(0, 20))
      parts.push(
        `<tr><td><code>/${escapeHtml(w.path)}</code></td><td class="size">${escapeHtml(formatSize(w.size))}</td>` +
          `<td>${escapeHtml(layerName(w.addedIn))}</td><td>${escapeHtml(layerName(w.removedIn))}</td></tr>`,
      );
    parts.push(
      '</tbody></table><p class="muted">Delete temporary files in the same RUN that creates them ' +
        '(or build in a separate stage and copy only the result).</p>',
    );
  }
  files.layers.forEach((layer, n) => {
    const counts = { added: 0, changed: 0, deleted: 0 };
    for (const f of layer.files) counts[f.kind]++;
    const shown = [...layer.files].sort((a, b) => b.size - a.size).slice(0, limit);
    const what = layer.unread
      ? `files unknown: ${layer.unread}`
      : `${counts.added} added, ${counts.changed} changed, ${counts.deleted} deleted`;
    const size = escapeHtml(formatSize(layer.size));
    const later = escapeHtml(formatSize(layer.wasted));
    const wasted = layer.wasted ? ` · <span class="bad">${later} later wasted</span>` : '';
    const summary = `${escapeHtml(layerName(n))} · ${size} · ${escapeHtml(what)}${wasted}`;
    parts.push(
      `<details><summary>${summary}</summary><ul class="files">` +
        shown.map(fileItem).join('') +
        (layer.files.length > shown.length
          ? `<li class="muted">…and ${layer.files.length - shown.length} more (smallest not shown)</li>`
          : '') +
        `</ul></details>`,
    );
  });
  return parts.join('\n');
}
