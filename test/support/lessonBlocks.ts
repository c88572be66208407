/**
 * The fenced code blocks of the lessons (`media/lessons/*.md`), with the heading each sits under, for the tests
 * that lint the examples and run the commands.
 *
 * The info string of a block says what it is. Its first word is the language (`dockerfile`, `yaml` for a compose
 * file, `sh` for commands); a second word `fragment` marks a few lines out of a larger file, which a reader is
 * not meant to build or start as they stand: ```dockerfile fragment. Anything else is a whole file, and
 * `test/unit/lessonExamples.test.ts` holds it to that.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** `DOCKSIDE_LESSON_DIR` points the tests at another copy of the lessons, to check proposed edits before they land. */
export const LESSON_DIR = process.env.DOCKSIDE_LESSON_DIR
  ? path.resolve(process.env.DOCKSIDE_LESSON_DIR)
  : path.resolve(__dirname, '..', '..', 'media', 'lessons');

export interface LessonBlock {
  /** The lesson id (its file name without `.md`). */
  lesson: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The language word of the info string, lower case. */
  language: string;
  fragment: boolean;
  /** The nearest `##` heading above the block ('' when there is none). */
  heading: string;
  text: string;
}

/** Every fenced block of one lesson's Markdown. */
export function blocksOf(lesson: string, markdown: string): LessonBlock[] {
  const lines = markdown.split('\n');
  const blocks: LessonBlock[] = [];
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const h = /^##+\s+(.*)$/.exec(line);
    if (h) heading = (h[1] ?? '').trim();
    const fence = /^```(.*)$/.exec(line);
    if (!fence) continue;
    const words = (fence[1] ?? '').trim().split(/\s+/).filter(Boolean);
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i++) body.push(lines[i] ?? '');
    blocks.push({
      lesson,
      line: start + 1,
      language: (words[0] ?? '').toLowerCase(),
      fragment: words.slice(1).includes('fragment'),
      heading,
      text: `${body.join('\n')}\n`,
    });
  }
  return blocks;
}

/** The blocks of every lesson file, in file-name order. */
export function lessonBlocks(): LessonBlock[] {
  return fs
    .readdirSync(LESSON_DIR)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .flatMap((f) => blocksOf(f.slice(0, -3), fs.readFileSync(path.join(LESSON_DIR, f), 'utf8')));
}

/** A "Bad" example shows a problem on purpose; every other example is meant to be copied. */
export const isBadExample = (b: LessonBlock): boolean => /^bad\b/i.test(b.heading);

/**
 * The commands of a shell block: one per line, lines ending in `\` joined to the next, a trailing `# comment`
 * (after a space) dropped. A `#` inside quotes is kept.
 */
export function commandsOf(block: LessonBlock): string[] {
  const out: string[] = [];
  let pending = '';
  for (const raw of block.text.split('\n')) {
    const line = withoutComment(raw).trimEnd();
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const whole = (pending + line).trim().replace(/^\$\s+/, '');
    pending = '';
    if (whole) out.push(whole.replace(/\s+/g, ' '));
  }
  return out;
}

function withoutComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) return line.slice(0, i);
  }
  return line;
}
