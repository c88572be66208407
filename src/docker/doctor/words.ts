/**
 * The failure doctor's sentences as data: plain text and code parts kept apart, so that every renderer (the panel's
 * HTML, a notification's plain text, a Markdown tooltip) escapes each part its own way. Engine strings (commands,
 * log lines, variable names) only ever travel as parts, never spliced into markup.
 */

/** A piece of code (a command, a path, a variable name), shown in a code font. */
export interface Code {
  code: string;
}

export type Part = string | Code;

/** One sentence or short paragraph. */
export type Words = Part[];

export const code = (text: string | number): Code => ({ code: String(text) });

/** Longer values are cut, so one huge command line cannot fill the screen. */
const MAX_CODE = 200;

const clip = (text: string) => (text.length > MAX_CODE ? `${text.slice(0, MAX_CODE - 1)}…` : text);

/**
 * A tagged template that keeps values apart: `say\`The command ${code(cmd)} was not found\``. Numbers and plain
 * strings become text; `Code` values stay code.
 */
export function say(strings: TemplateStringsArray, ...values: (string | number | Code)[]): Words {
  const out: Words = [];
  strings.forEach((s, i) => {
    if (s) out.push(s);
    if (i < values.length) {
      const v = values[i]!;
      out.push(typeof v === 'object' ? { code: clip(v.code) } : String(v));
    }
  });
  return out;
}

/** The words as plain text: code in quotes, control characters dropped (for notifications and logs). */
export function plainText(words: Words): string {
  return (
    words
      .map((p) => (typeof p === 'string' ? p : `"${p.code}"`))
      .join('')
      // eslint-disable-next-line no-control-regex -- engine text may hold escape sequences; none may reach the UI
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length > 0)
      .join(' ')
  );
}
