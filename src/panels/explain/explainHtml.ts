import { DockerfileParser } from 'dockerfile-ast';
import { own } from '../../language/own';
import { INSTRUCTION_DOCS } from '../../language/dockerfile/instructionDocs';
import { escapeHtml } from '../html';

export interface ExplainedStep {
  line: number;
  keyword: string;
  text: string;
  stage: number;
  summary: string;
  time: 'build' | 'run' | 'both' | 'unknown';
  layer: boolean;
  cache: string;
  lesson: string;
}

/** What invalidates the build cache for a step, in a sentence. */
function cacheNote(keyword: string): string {
  switch (keyword) {
    case 'FROM':
      return (
        'Docker reuses the copy of the base image it already has: a new push under the same tag is only seen with ' +
        '`docker build --pull`. A different base rebuilds every step of this stage.'
      );
    case 'COPY':
    case 'ADD':
      return (
        'Rebuilt when any copied file changes (Docker compares their contents, not their dates), ' +
        'and then so is every step after it.'
      );
    case 'RUN':
      return (
        'Rebuilt when its command text changes or a step above it was rebuilt; ' +
        'Docker does not notice newer packages it would download.'
      );
    case 'ARG':
    case 'ENV':
      return (
        'Changing the value reruns every later `RUN` of the stage ' +
        '(the variable is in its environment, used or not) and any step that names it.'
      );
    case 'WORKDIR':
    case 'USER':
      return 'Changing it reruns every later `RUN`, which runs in this folder or as this user.';
    default:
      return (
        'With BuildKit, changing it reruns nothing: it only edits the image settings. ' +
        'The legacy builder reruns every step after it.'
      );
  }
}

/** The Dockerfile, instruction by instruction, with what each does and when. Pure. */
export function explainDockerfile(text: string): ExplainedStep[] {
  const dockerfile = DockerfileParser.parse(text);
  let stage = -1;
  return dockerfile.getInstructions().map((i) => {
    const keyword = i.getKeyword().toUpperCase();
    if (keyword === 'FROM') stage++;
    const doc = own(INSTRUCTION_DOCS, keyword);
    return {
      line: i.getRange().start.line,
      keyword,
      text: text
        .split(/\r?\n/)
        .slice(i.getRange().start.line, i.getRange().end.line + 1)
        .join('\n')
        .trim(),
      stage: Math.max(stage, 0),
      summary: doc?.summary ?? 'Not an instruction Docker knows: the build stops here.',
      time: doc?.time ?? 'unknown',
      // WORKDIR creates its folder, and both builders save that as a layer.
      layer: keyword === 'WORKDIR' || (doc?.layer ?? false),
      cache: cacheNote(keyword),
      lesson: doc?.lesson ?? 'dockerfile-syntax',
    };
  });
}

/** Escapes, then turns `code` spans of Dockside's own docs into <code>. */
const rich = (s: string) => escapeHtml(s).replace(/`([^`]+)`/g, '<code>$1</code>');

const TIME_WORDS = {
  build: 'build time',
  run: 'when the container runs',
  both: 'build time and run time',
  unknown: 'never',
} as const;

/**
 * The panel body. Each row is one tab stop (Enter shows its line; the line number inside is the same action, for the
 * mouse) and its lesson link another; the link's hidden words say which instruction's lesson it opens.
 */
const FILTER =
  '<label class="filter">Filter ' +
  '<input id="filter" type="search" placeholder="RUN, COPY, a word…" aria-label="Filter instructions"></label>';

const LEARN_MORE =
  '<p class="lessons">Learn more: <a href="#" data-lesson="dockerfile-instructions">the instructions</a> · ' +
  '<a href="#" data-lesson="layers-and-cache">layers and the cache</a> · ' +
  '<a href="#" data-lesson="best-practices">a Dockerfile checklist</a></p>';

export function explainBody(fileName: string, steps: ExplainedStep[]): string {
  const stages = new Set(steps.map((s) => s.stage)).size;
  const rows = steps
    .map(
      (s, n) =>
        `<tr tabindex="0" data-line="${s.line}" data-index="${n}" ` +
        `data-filter="${escapeHtml(`${s.keyword} ${s.text}`.toLowerCase())}">` +
        `<td class="num"><a href="#" tabindex="-1" data-line="${s.line}">${s.line + 1}</a></td>` +
        `<td><code>${escapeHtml(s.text.length > 200 ? `${s.text.slice(0, 197)}…` : s.text)}</code>` +
        `<div class="what">${rich(s.summary)}</div><div class="muted">${rich(s.cache)}</div></td>` +
        `<td>${TIME_WORDS[s.time]}</td>` +
        `<td>${s.layer ? '<span class="badge">layer</span>' : '<span class="muted">metadata</span>'}</td>` +
        `<td><a href="#" data-lesson="${escapeHtml(s.lesson)}">lesson` +
        `<span class="visually-hidden">: ${escapeHtml(s.keyword)} on line ${s.line + 1}</span></a></td>` +
        `</tr>`,
    )
    .join('\n');
  const summary =
    `${steps.length} instructions in ${stages} stage${stages === 1 ? '' : 's'} · ` +
    `${steps.filter((s) => s.layer).length} make layers · click a row or press Enter to see its line`;
  return `<header>
<h1>Explain: ${escapeHtml(fileName)}</h1>
<p class="summary" id="summary">${summary}</p>
${FILTER}
</header>
<table aria-label="Instructions of ${escapeHtml(fileName)}">
<thead><tr><th>Line</th><th>Instruction and what it does</th><th>Takes effect</th><th>Layer</th>
<th><span class="visually-hidden">Lesson</span></th></tr></thead>
<tbody id="rows">
${rows}
</tbody>
</table>
<section class="explain">${LEARN_MORE}</section>`;
}
