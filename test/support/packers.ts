/**
 * The three build-context packers (GNU tar, bsdtar, the built-in one), for tests that run once per packer, and a
 * tar reader that lists what a packer wrote in a form two packers can be compared in.
 */
import * as tar from 'tar-stream';
import { findTarPrograms, type PackerKind } from '../../src/docker/contextPack';

export const PACKERS: readonly PackerKind[] = ['gnu', 'bsd', 'js'];

const NAMES: Record<PackerKind, string> = { gnu: 'GNU tar', bsd: 'bsdtar', js: 'the built-in packer (tar-stream)' };
export const packerName = (kind: PackerKind): string => NAMES[kind];

/** Skips the suite when this machine lacks the packer's tar (saying so), and fails instead in CI. */
export async function requirePacker(ctx: Mocha.Context, kind: PackerKind): Promise<void> {
  if (kind === 'js' || (await findTarPrograms())[kind]) return;
  const why = `${packerName(kind)} is not installed (Debian: ${kind === 'bsd' ? 'libarchive-tools' : 'tar'})`;
  if (process.env.CI) throw new Error(`${why}; .ci/run installs it.`);
  console.warn(`\n  SKIPPED: ${why}\n`);
  ctx.skip();
}

export interface ListedEntry {
  name: string;
  type: string;
  size: number;
  mode: number;
  linkname: string;
  uid: number;
  gid: number;
  /** Whole seconds: what every tar format keeps. */
  mtime: number;
  /** The entry's content, for files. */
  text?: string;
}

/** Every entry of a tar stream in order, directories without their trailing slash. */
export async function listTar(stream: NodeJS.ReadableStream): Promise<ListedEntry[]> {
  const extract = tar.extract();
  const out: ListedEntry[] = [];
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, body, next) => {
      const chunks: Buffer[] = [];
      body.on('data', (c) => chunks.push(c as Buffer));
      body.on('end', () => {
        out.push({
          name: header.name.replace(/\/$/, ''),
          type: header.type,
          size: header.size,
          mode: header.mode,
          linkname: header.linkname ?? '',
          uid: header.uid,
          gid: header.gid,
          mtime: Math.floor(header.mtime.getTime() / 1000),
          ...(header.type === 'file' ? { text: Buffer.concat(chunks).toString('utf8') } : {}),
        });
        next();
      });
    });
    extract.on('finish', () => resolve());
    extract.on('error', reject);
  });
  stream.on('error', (err: Error) => extract.destroy(err));
  stream.on('data', (chunk: Buffer) => {
    if (!extract.write(chunk)) stream.pause();
  });
  extract.on('drain', () => stream.resume());
  stream.on('end', () => extract.end(undefined));
  await done;
  return out;
}
