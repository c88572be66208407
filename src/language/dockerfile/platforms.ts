/**
 * Platform strings (`linux/amd64`, `arm64`, `linux/arm/v7`) and image references (`busybox:1.36`), checked the
 * way BuildKit's libraries check them, for the checks on FROM lines.
 */

const OS = new Set([
  'aix',
  'android',
  'darwin',
  'dragonfly',
  'freebsd',
  'hurd',
  'illumos',
  'ios',
  'js',
  'linux',
  'nacl',
  'netbsd',
  'openbsd',
  'plan9',
  'solaris',
  'wasip1',
  'windows',
  'zos',
]);

/** Architecture names and their usual aliases, to the canonical name. */
const ARCH: Readonly<Record<string, string>> = {
  '386': '386',
  i386: '386',
  amd64: 'amd64',
  x86_64: 'amd64',
  'x86-64': 'amd64',
  amd64p32: 'amd64p32',
  arm: 'arm',
  armhf: 'arm',
  armel: 'arm',
  arm64: 'arm64',
  aarch64: 'arm64',
  arm64be: 'arm64be',
  armbe: 'armbe',
  loong64: 'loong64',
  mips: 'mips',
  mipsle: 'mipsle',
  mips64: 'mips64',
  mips64le: 'mips64le',
  ppc: 'ppc',
  ppc64: 'ppc64',
  ppc64le: 'ppc64le',
  riscv: 'riscv',
  riscv64: 'riscv64',
  s390: 's390',
  s390x: 's390x',
  sparc: 'sparc',
  sparc64: 'sparc64',
  wasm: 'wasm',
};

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** `os[/arch[/variant]]`, or an architecture or OS alone; undefined when it is not a platform. */
export function parsePlatform(text: string): Platform | undefined {
  const parts = text.toLowerCase().split('/');
  if (parts.length > 3 || parts.some((p) => !/^[a-z0-9_.-]+$/.test(p))) return undefined;
  const [first = '', second, variant] = parts;
  if (second === undefined) {
    if (OS.has(first)) return { os: first, architecture: 'amd64' };
    const arch = architecture(first);
    return arch ? { os: 'linux', architecture: arch } : undefined;
  }
  const os = first === 'macos' ? 'darwin' : first;
  const arch = architecture(second);
  if (!OS.has(os) || !arch) return undefined;
  return { os, architecture: arch, ...(variant ? { variant } : {}) };
}

/** The canonical name of an architecture, or undefined (never a name inherited from Object). */
function architecture(name: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(ARCH, name) ? ARCH[name] : undefined;
}

const DOMAIN =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

/** Whether `ref` is an image reference Docker accepts (`name[:tag][@digest]`, lower-case repository). */
export function isImageReference(ref: string): boolean {
  if (ref === '' || ref.length > 512) return false;
  let rest = ref;
  const at = rest.indexOf('@');
  if (at >= 0) {
    if (!DIGEST.test(rest.slice(at + 1))) return false;
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    if (!TAG.test(rest.slice(colon + 1))) return false;
    rest = rest.slice(0, colon);
  }
  const components = rest.split('/');
  const first = components[0] ?? '';
  if (components.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    if (!DOMAIN.test(components.shift()!)) return false;
  }
  return components.length > 0 && components.every((c) => PATH_COMPONENT.test(c));
}
