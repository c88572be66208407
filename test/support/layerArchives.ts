/**
 * Helpers for the layer file view's tests: archives fed in small pieces, tar headers made by hand for the inputs
 * no tool writes on purpose (hostile names, lying sizes), and GNU tar's own listing of a layer turned into what
 * the file view should list, so that the system's tar is the oracle.
 */
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LayerFiles } from '../../src/panels/layers/imageTar';
import type { TestEngine } from './dockerEngine';
import { itemAt } from './itemAt';

/** The archive as a stream of `size`-byte pieces, so every parser boundary gets crossed. */
export async function* pieces(data: Buffer, size = 333): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

/** A 512-byte ustar header with a valid checksum; `size256` writes the size in base-256 as GNU tar does past 8 GiB. */
export function tarHeader(
  name: string,
  size: number,
  options: { type?: string; size256?: boolean; linkname?: string } = {},
): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  if (options.size256) {
    h[124] = 0x80;
    let v = BigInt(size);
    for (let i = 135; i > 124; i--) {
      h[i] = Number(v & 0xffn);
      v >>= 8n;
    }
  } else h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write(options.type ?? '0', 156);
  if (options.linkname) h.write(options.linkname, 157, 100, 'utf8');
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

/** A whole tar of these entries (contents padded to blocks), with the two end blocks. */
export function tarOf(
  entries: { name: string; data?: Buffer; type?: string; size256?: boolean; linkname?: string }[],
): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = e.data ?? Buffer.alloc(0);
    parts.push(tarHeader(e.name, data.length, e), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** GNU tar's listing of a layer (plain tar bytes), raw names, one per entry, in archive order. */
export function tarNames(layer: Buffer): string[] {
  const out = execFileSync('tar', ['-t', '--quoting-style=literal', '-f', '-'], {
    input: layer,
    maxBuffer: 256 << 20,
  }).toString('utf8');
  return out.split('\n').filter(Boolean);
}

/**
 * What the file view lists for those names: folders left out, `./` dropped, a whiteout `.wh.x` shown as the
 * deletion of `x`, an opaque marker as its folder.
 */
export function expectedListing(names: string[]): [string, 'file' | 'deleted'][] {
  const out: [string, 'file' | 'deleted'][] = [];
  for (const raw of names) {
    if (raw.endsWith('/')) continue;
    const name = raw.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
    if (!name || name === '.') continue;
    const slash = name.lastIndexOf('/');
    const dir = name.slice(0, slash + 1);
    const base = name.slice(slash + 1);
    if (base === '.wh..wh..opq') out.push([dir.slice(0, -1), 'deleted']);
    else if (base.startsWith('.wh..wh.')) continue;
    else if (base.startsWith('.wh.')) out.push([dir + base.slice(4), 'deleted']);
    else out.push([name, 'file']);
  }
  return out;
}

/** The file view's listing of one layer in the same shape. */
export function listingOf(files: LayerFiles, n: number): [string, 'file' | 'deleted'][] {
  return itemAt(files.layers, n, 'layer').files.map((f) => [f.path, f.kind === 'deleted' ? 'deleted' : 'file']);
}

/**
 * Builds an image with the engine's classic builder and no network for its RUN steps (they need none): another
 * suite's second engine, started with --bridge=none, can take docker0 away, and then a step on the default
 * network cannot start. Rejects with the builder's output when the build fails.
 */
export async function buildOffline(engine: TestEngine, dockerfile: string, files: Record<string, string>, tag: string) {
  const context = fs.mkdtempSync(path.join(os.tmpdir(), 'dockside-layers-build-'));
  try {
    fs.writeFileSync(path.join(context, 'Dockerfile'), dockerfile);
    for (const [name, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(context, name)), { recursive: true });
      fs.writeFileSync(path.join(context, name), content);
    }
    const env = { ...engine.env, DOCKER_BUILDKIT: '0' };
    await new Promise<void>((resolve, reject) =>
      execFile('docker', ['build', '--network', 'none', '-t', tag, context], { env }, (err, out, stderr) =>
        err ? reject(new Error(`docker build failed:\n${out}\n${stderr}`)) : resolve(),
      ),
    );
  } finally {
    fs.rmSync(context, { recursive: true, force: true });
  }
}
