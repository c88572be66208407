import { Transform, type TransformCallback } from 'node:stream';
import { DockerfileParser } from 'dockerfile-ast';

/** A `# syntax=<image>` parser directive: BuildKit builds the file with the frontend in that image. */
export interface SyntaxDirective {
  ref: string;
  /** 0-based. */
  line: number;
}

export function syntaxDirective(text: string): SyntaxDirective | undefined {
  const d = DockerfileParser.parse(text)
    .getDirectives()
    .find((x) => x.getName().toLowerCase() === 'syntax');
  const ref = d?.getValue()?.trim();
  return d && ref ? { ref, line: d.getRange().start.line } : undefined;
}

/**
 * Whether a failed build failed because BuildKit could not get the frontend image the directive names (no
 * registry reachable, a name that does not exist, no permission), rather than inside the build itself.
 */
export function isFrontendUnavailable(
  directive: SyntaxDirective | undefined,
  message: string,
  failedVertex?: string,
): boolean {
  if (!directive) return false;
  if (failedVertex && /^resolve image config for /.test(failedVertex)) return true;
  const name = directive.ref.replace(/^docker\.io\//, '');
  const end = name.search(/[:@]/);
  const repo = end < 0 ? name : name.slice(0, end);
  return (
    message.includes(repo) &&
    /resolve|request|pull|dial|lookup|host|timeout|refused|manifest|unauthorized|denied|not found/i.test(message)
  );
}

/** The frontend failure in plain words, with what can be done about it. */
export function frontendUnavailableMessage(directive: SyntaxDirective, message: string): string {
  const cause =
    message
      .split(/failed to solve with frontend [\w.]+: /)
      .pop()
      ?.trim() ?? message;
  return (
    `Line ${directive.line + 1} (# syntax=${directive.ref}) asks BuildKit to fetch that Dockerfile frontend from ` +
    `a registry, and the engine could not get it (${cause}). The engine has a Dockerfile frontend of its own, ` +
    'which can build this file without the directive; features that only the named frontend knows will then fail.'
  );
}

/**
 * The Dockerfile text with its syntax directive turned into a plain comment, the same length in bytes and with
 * every instruction on the same line, so that a failing step still points at the right line. The directive moves
 * below the other directives (a comment ends the directive block) and its `=` becomes `:`.
 */
export function withoutSyntaxDirective(text: string): string {
  const lines = text.split('\n');
  const directives = DockerfileParser.parse(text)
    .getDirectives()
    .map((d) => d.getRange().start.line);
  const block = lines.slice(0, directives.length);
  const isSyntax = (l: string) => /^\s*#\s*syntax\s*=/i.test(l);
  const others = block.filter((l) => !isSyntax(l));
  const neutral = block.filter(isSyntax).map((l) => l.replace('=', ':'));
  return [...others, ...neutral, ...lines.slice(directives.length)].join('\n');
}

const BLOCK = 512;

/**
 * Passes a tar stream through, replacing the content of the regular file `name` with `content`, which must have
 * the same size (so that no header changes). Reads ustar names with their prefix, GNU long names and pax paths.
 * Nothing is held but one header and the small records that name the next entry.
 */
export function replaceTarFile(name: string, content: Buffer): Transform {
  const wanted = name.replace(/^\.\//, '');
  let pending: Buffer = Buffer.alloc(0);
  // What the next bytes are: a header, entry data to pass or replace, or a record naming the next entry.
  let mode: 'header' | 'pass' | 'replace' | 'longname' | 'pax' = 'header';
  let left = 0;
  let size = 0;
  let replaceAt = 0;
  let record: Buffer[] = [];
  let nextName: string | undefined;

  const octal = (b: Buffer) =>
    (b[0] ?? 0) & 0x80
      ? Number(b.readBigUInt64BE(4))
      : parseInt(b.toString('ascii').replace(/\0.*$/s, '').trim() || '0', 8);
  const cstring = (b: Buffer) => b.toString('utf8').replace(/\0.*$/s, '');

  const onHeader = (h: Buffer): void => {
    if (h.every((x) => x === 0)) {
      mode = 'pass';
      left = 0;
      return;
    }
    size = octal(h.subarray(124, 136));
    left = Math.ceil(size / BLOCK) * BLOCK;
    const type = String.fromCharCode(h[156] || 48);
    const ustar = h.subarray(257, 262).toString('ascii') === 'ustar';
    const headerName = (ustar && h[345] ? `${cstring(h.subarray(345, 500))}/` : '') + cstring(h.subarray(0, 100));
    if (type === 'L' || type === 'x') {
      mode = type === 'L' ? 'longname' : 'pax';
      record = [];
      return;
    }
    const entryName = (nextName ?? headerName).replace(/^\.\//, '');
    nextName = undefined;
    mode = (type === '0' || type === '7') && entryName === wanted && size === content.length ? 'replace' : 'pass';
    replaceAt = 0;
  };

  const onRecordEnd = (): void => {
    const data = Buffer.concat(record).subarray(0, size);
    if (mode === 'longname') nextName = cstring(data);
    else {
      // Records are "<length> <key>=<value>\n".
      for (const record of data.toString('utf8').split('\n')) {
        const field = record.slice(record.indexOf(' ') + 1);
        if (field.startsWith('path=')) nextName = field.slice('path='.length);
      }
    }
    mode = 'header';
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      let data = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      pending = Buffer.alloc(0);
      const out: Buffer[] = [];
      while (data.length) {
        if (mode === 'header') {
          if (data.length < BLOCK) {
            pending = data;
            break;
          }
          out.push(data.subarray(0, BLOCK));
          onHeader(data.subarray(0, BLOCK));
          data = data.subarray(BLOCK);
          continue;
        }
        const take = Math.min(left, data.length);
        const piece = data.subarray(0, take);
        if (mode === 'replace') {
          const replaced = Buffer.alloc(take);
          content.copy(replaced, 0, Math.min(replaceAt, content.length), Math.min(replaceAt + take, content.length));
          out.push(replaced);
          replaceAt += take;
        } else {
          out.push(piece);
          if (mode === 'longname' || mode === 'pax') record.push(piece);
        }
        left -= take;
        data = data.subarray(take);
        if (left === 0) {
          if (mode === 'longname' || mode === 'pax') onRecordEnd();
          else mode = 'header';
        }
      }
      done(null, out.length ? Buffer.concat(out) : undefined);
    },
    flush(done: TransformCallback) {
      done(null, pending.length ? pending : undefined);
    },
  });
}
