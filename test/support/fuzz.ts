/** Deterministic fuzzing helpers shared by the Dockerfile and compose fuzz tests. */

/** A small deterministic PRNG (mulberry32), so a failure can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPICE = [
  '\u0000',
  '\uFEFF',
  '\r\n',
  '\\',
  '`',
  '${',
  '}',
  '"',
  "'",
  '[',
  ']',
  ',',
  '--',
  '=',
  '<<EOF',
  '#',
  '\u202e',
  '😀',
  'ü',
  '\t',
  ' | ',
  ' && ',
];

export function mutate(text: string, rnd: () => number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const at = Math.floor(rnd() * (text.length + 1));
  switch (Math.floor(rnd() * 9)) {
    case 0: {
      const chars = [...text];
      const i = Math.floor(rnd() * Math.max(chars.length, 1));
      chars[i] = String.fromCharCode(Math.floor(rnd() * 0x3000));
      return chars.join('');
    }
    case 1:
      return text.slice(0, at);
    case 2:
      return text
        .split('\n')
        .sort(() => rnd() - 0.5)
        .join('\n');
    case 3:
      return (
        text.slice(0, at) +
        pick(['RUN ', 'ENV A=', 'COPY ', 'LABEL x=']) +
        'x'.repeat(8000 + Math.floor(rnd() * 24000)) +
        text.slice(at)
      );
    case 4:
      return text.slice(0, at) + pick(SPICE) + text.slice(at);
    case 5:
      return text.replace(/\n/g, '\r\n');
    case 6:
      return text.slice(0, at) + '\u0000'.repeat(1 + Math.floor(rnd() * 5)) + text.slice(at);
    case 7: {
      const lines = text.split('\n');
      const i = Math.floor(rnd() * lines.length);
      lines.splice(i, 0, ...lines.slice(0, Math.floor(rnd() * lines.length)));
      return lines.join('\n');
    }
    default:
      return text.slice(0, at) + text.slice(at + 1 + Math.floor(rnd() * 20));
  }
}

export const ALIAS_BOMB =
  [
    'a: &a [x,x,x,x,x,x,x,x,x]',
    'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
    'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
    'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    'f: [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  ].join('\n') + '\n';

/** Compose-shaped damage on top of the generic text mutations. */
export function mutateCompose(text: string, rnd: () => number): string {
  const at = Math.floor(rnd() * (text.length + 1));
  const r = rnd();
  if (r < 0.0015)
    return (
      text +
      '\nx-big: |\n' +
      '  0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n'.repeat((10 * 1024 * 1024) / 67)
    ); // ~10 MB
  if (r < 0.01) return text.slice(0, at) + '\n' + ALIAS_BOMB + text.slice(at);
  if (r < 0.02) {
    const nested = Array.from({ length: 1000 }, (_, i) => `${' '.repeat(6 + 2 * i)}l${i}:`).join('\n');
    return `services:\n  web:\n    image: nginx:1.27\n    labels:\n${nested} end\n`;
  }
  if (r < 0.03) return `services: ${'{a: '.repeat(1000)}1${'}'.repeat(1000)}\n`;
  if (r < 0.04) return `services: ${'['.repeat(1000)}${']'.repeat(1000)}\n`;
  if (r < 0.1)
    return (
      text.slice(0, at) +
      [
        '<<: *missing',
        '&x ',
        '*x',
        '${',
        '$$',
        '${A:?',
        '"',
        ': ',
        '- ',
        '? ',
        '!!binary ',
        '%YAML 1.1\n---\n',
        '\t',
        '{',
        '}',
      ][Math.floor(rnd() * 15)] +
      text.slice(at)
    );
  return mutate(text, rnd);
}
