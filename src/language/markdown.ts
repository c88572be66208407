/**
 * Text from files and from the engine shown inside Markdown (hovers, tooltips) and in terminals: escaped, so that
 * a name like `![x](https://tracker.example/p.png)` shows as text and loads nothing, and no escape sequence from a
 * file reaches the user's terminal.
 */

/** Escapes text for Markdown (and any HTML in it), so names and labels show as plain text. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_{}[\]()#+\-.!|~>]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/\r?\n/g, ' ');
}

/**
 * Code spans cannot be escaped with backslashes: use a fence longer than any backtick run inside. Text with `<` or
 * `&` is escaped as plain text instead, so that no markup reaches the renderer in any form.
 */
export function codeSpan(text: string): string {
  if (/[<&]/.test(text)) return escapeMarkdown(text);
  const clean = text.replace(/\r?\n/g, ' ');
  let longest = 0;
  for (let run = 0, i = 0; i <= clean.length; i++) {
    if (clean[i] === '`') run++;
    else {
      longest = Math.max(longest, run);
      run = 0;
    }
  }
  const fence = '`'.repeat(longest + 1);
  return `${fence}${clean.startsWith('`') || clean.endsWith('`') ? ` ${clean} ` : clean}${fence}`;
}

/**
 * Control characters (C0 but tab, DEL, C1) as visible `\x1b`-style escapes: a file's `ESC[2J` must not clear the
 * screen of whoever runs `dockside lint` on it.
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}
