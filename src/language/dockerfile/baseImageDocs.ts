import { own } from '../own';
import { codeSpan, escapeMarkdown } from '../markdown';
import { SMALLER_VARIANTS, officialName } from './rules/baseImageRules';

/** What common base images are, in one line each (Docker Official Images unless said otherwise). */
const IMAGES: Readonly<Record<string, string>> = {
  node:
    'Node.js runtime with npm, on Debian by default. ' +
    'Images before Node 26 also carry yarn; from Node 26 on they do not.',
  python: 'The Python interpreter and pip, on Debian by default.',
  golang: 'The Go toolchain; use it to build, then copy the binary into a small runtime image.',
  rust: 'The Rust toolchain (rustc, cargo); a build image.',
  openjdk: 'OpenJDK builds (deprecated upstream; prefer eclipse-temurin).',
  'eclipse-temurin': 'Eclipse Temurin Java runtimes and JDKs (`-jre` tags are smaller).',
  ruby: 'The Ruby interpreter with gem and bundler.',
  php: 'The PHP interpreter, with `-fpm` and `-apache` variants.',
  alpine: 'Alpine Linux: a ~5 MB base with musl libc, busybox and the apk package manager.',
  debian: 'Debian Linux; `-slim` tags drop documentation and extras.',
  ubuntu: 'Ubuntu Linux, tagged by release (`24.04`, `noble`).',
  busybox: 'A tiny image with the busybox multi-call binary: a shell and common tools.',
  nginx: 'The nginx web server and reverse proxy.',
  httpd: 'The Apache HTTP server.',
  postgres: 'The PostgreSQL database server.',
  mysql: 'The MySQL database server.',
  mariadb: 'The MariaDB database server.',
  mongo: 'The MongoDB database server.',
  redis: 'The Redis in-memory data store.',
};

const SUFFIXES: Readonly<Record<string, string>> = {
  slim: 'a trimmed variant with fewer packages',
  alpine: 'built on Alpine Linux (small, musl libc)',
  bookworm: 'built on Debian 12 "bookworm"',
  bullseye: 'built on Debian 11 "bullseye"',
  jammy: 'built on Ubuntu 22.04 "jammy"',
  noble: 'built on Ubuntu 24.04 "noble"',
  jre: 'a Java runtime only, without the compiler',
  jdk: 'the full Java development kit',
  fpm: 'PHP-FPM, to sit behind a web server',
  apache: 'bundled with the Apache web server',
  nonroot: 'runs as a non-root user by default',
};

/** Explains a tag: `3.12-slim-bookworm` → version 3.12, slim variant, Debian 12. */
export function describeTag(tag: string | null | undefined): string {
  if (!tag) return 'No tag: Docker uses `latest`, which moves to each new release. Pin a version.';
  if (tag === 'latest') return '`latest` moves to each new release: builds are not repeatable. Pin a version.';
  const parts = tag.split('-');
  const out: string[] = [];
  for (const p of parts) {
    if (/^v?\d+(\.\d+)*$/.test(p)) out.push(`version ${p}`);
    else if (own(SUFFIXES, p)) out.push(own(SUFFIXES, p)!);
    else if (/^alpine\d/.test(p)) out.push(`built on Alpine ${escapeMarkdown(p.slice(6))}`);
    else out.push(codeSpan(p));
  }
  return `Tag ${codeSpan(tag)}: ${out.join(', ')}.`;
}

export function baseImageHoverMarkdown(image: string, tag: string | null, digest: string | null): string {
  const name = officialName(image);
  const official = !image.includes('/') || /^(docker\.io\/)?library\//.test(image);
  const lines = [`**${escapeMarkdown(image)}**${official ? ' (Docker Official Image)' : ''}`, ''];
  const known = own(IMAGES, name);
  if (known && official) lines.push(known, '');
  else if (name === 'scratch') lines.push('The empty image: no files at all. For static binaries.', '');
  else if (!official)
    lines.push(
      `Published by ${codeSpan(image.split('/').slice(0, -1).join('/'))}, not an official image: ` +
        `check who maintains it.`,
      '',
    );
  lines.push(describeTag(tag));
  if (digest) lines.push('', `Pinned by digest ${codeSpan(`${digest.slice(0, 19)}…`)}: always exactly the same image.`);
  const variants = own(SMALLER_VARIANTS, name);
  if (variants && official) lines.push('', `Smaller variants: ${variants.map((v) => `\`-${v}\``).join(', ')}.`);
  return lines.join('\n');
}
