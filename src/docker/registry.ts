/**
 * The Registry HTTP API v2: list repositories and tags (paged), delete a tag, check credentials. Basic auth and the
 * Bearer token flow (Docker Hub and most hosted registries). Errors in plain words; credentials never appear in
 * them. Uses the global fetch (Node 18+), no Docker engine needed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { trimTrailingSlashes } from '../language/text';

export interface RegistryCredentials {
  username: string;
  password: string;
}

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * Why a registry address cannot be used, or undefined when it can. An address with a user name or password in it
 * (`https://alice:s3cret@host`) is refused: it would be stored in plain state and shown in messages. The words
 * never repeat what was typed, so a password pasted by mistake is not echoed back.
 */
export function registryAddressProblem(address: string): string | undefined {
  const trimmed = address.trim();
  if (trimmed === '') return 'Type the registry address, for example registry.example.com or 127.0.0.1:5000.';
  const [authority = ''] = trimmed.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('/');
  if (authority.includes('@'))
    return (
      'A registry address cannot hold a user name or password. ' +
      "Type only host[:port], then use Log In: the password is kept in VS Code's secret storage."
    );
  if (/\s/.test(trimmed)) return 'A registry address has no spaces.';
  return undefined;
}

/** `localhost:5000`, `ghcr.io` or `https://registry.example.com` → the base URL of its API. */
export function registryUrl(address: string): string {
  const problem = registryAddressProblem(address);
  if (problem) throw new RegistryError(problem);
  const trimmed = trimTrailingSlashes(address.trim());
  if (/^https?:\/\//.test(trimmed)) return trimmed;
  // Like the engine: plain HTTP for loopback registries, HTTPS for everything else.
  return /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(trimmed) ? `http://${trimmed}` : `https://${trimmed}`;
}

/** The host[:port] an image name uses for this registry (`127.0.0.1:5000/team/app:1`). */
export const registryHost = (address: string): string =>
  trimTrailingSlashes(address.trim().replace(/^https?:\/\//, ''));

/** Registries the Docker CLI knows (`auths` of its config.json), and which credential helper holds their secrets. */
export function cliRegistries(
  configDir = process.env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker'),
): { host: string; helper?: string }[] {
  try {
    const config = JSON.parse(fs.readFileSync(path.join(configDir, 'config.json'), 'utf8')) as {
      auths?: Record<string, unknown>;
      credsStore?: string;
      credHelpers?: Record<string, string>;
    };
    const hosts = new Set([...Object.keys(config.auths ?? {}), ...Object.keys(config.credHelpers ?? {})]);
    return [...hosts].map((h) => ({
      host: trimTrailingSlashes(h.replace(/^https?:\/\//, '').replace(/\/v1\/?$/, '')),
      ...((config.credHelpers?.[h] ?? config.credsStore)
        ? { helper: config.credHelpers?.[h] ?? config.credsStore }
        : {}),
    }));
  } catch {
    return [];
  }
}

/** Parses `WWW-Authenticate: Bearer realm="…",service="…",scope="…"`. */
export function parseChallenge(header: string | null): { scheme: string; params: Record<string, string> } | undefined {
  if (!header) return undefined;
  const text = header.trim();
  const space = text.search(/\s/);
  const scheme = space < 0 ? text : text.slice(0, space);
  if (!/^\w+$/.test(scheme)) return undefined;
  const params: Record<string, string> = {};
  for (const [, name = '', value = ''] of text.slice(scheme.length).matchAll(/(?<!\w)(\w+)="([^"]*)"/g))
    params[name] = value;
  return { scheme: scheme.toLowerCase(), params };
}

/**
 * The URL of the next page, from a `Link: </v2/_catalog?last=x&n=100>; rel="next"` header, only when it is on the
 * registry's own origin: the request carries the registry's credentials, which must not go to any other host.
 */
export function nextPage(link: string | null, base: string): string | undefined {
  const target = link
    ?.split(',')
    .map((part) => ({ part, lt: part.indexOf('<'), gt: part.indexOf('>') }))
    .find(({ part, lt, gt }) => lt >= 0 && gt > lt && /;\s*rel="?next"?/.test(part.slice(gt)));
  if (!target) return undefined;
  let next: URL;
  try {
    next = new URL(target.part.slice(target.lt + 1, target.gt), base);
  } catch {
    return undefined;
  }
  return next.origin === new URL(base).origin && !next.username && !next.password ? next.toString() : undefined;
}

export class RegistryClient {
  private readonly base: string;
  private token: string | undefined;

  constructor(
    readonly address: string,
    private readonly credentials?: RegistryCredentials,
    private readonly timeoutMs = 15000,
  ) {
    this.base = registryUrl(address);
  }

  private explain(status: number, what: string): RegistryError {
    const host = registryHost(this.address);
    if (status === 401)
      return new RegistryError(
        this.credentials
          ? `${host} refused the user name or password (${what}). Log in again with the right ones.`
          : `${host} needs you to log in (${what}).`,
        401,
      );
    if (status === 403) return new RegistryError(`${host} does not allow this account to ${what}.`, 403);
    if (status === 404) return new RegistryError(`${host} has no such repository or tag (${what}).`, 404);
    if (status === 405)
      return new RegistryError(`${host} does not allow ${what} (deleting is often switched off on registries).`, 405);
    return new RegistryError(`${host} answered ${status} to ${what}.`, status);
  }

  private async request(url: string, init: RequestInit & { what: string }, retried = false): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.token) headers.set('Authorization', `Bearer ${this.token}`);
    else if (this.credentials)
      headers.set(
        'Authorization',
        `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`,
      );
    let response: Response;
    try {
      response = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      throw new RegistryError(
        cause === 'ECONNREFUSED'
          ? `Nothing answers at ${this.base}: is the registry running?`
          : cause === 'TimeoutError'
            ? `${this.base} did not answer in time.`
            : cause === 'ENOTFOUND'
              ? `The host of ${this.base} could not be found.`
              : `${this.base} could not be reached (${cause}).`,
      );
    }
    if (response.status === 401 && !retried) {
      const challenge = parseChallenge(response.headers.get('www-authenticate'));
      const realm = challenge?.scheme === 'bearer' ? challenge.params.realm : undefined;
      if (challenge && realm) {
        await this.fetchToken(realm, challenge.params);
        return this.request(url, init, true);
      }
    }
    if (!response.ok) throw this.explain(response.status, init.what);
    return response;
  }

  private async fetchToken(realm: string, params: Record<string, string>): Promise<void> {
    const url = new URL(realm);
    if (params.service) url.searchParams.set('service', params.service);
    if (params.scope) url.searchParams.set('scope', params.scope);
    const headers: Record<string, string> = {};
    if (this.credentials) {
      const { username, password } = this.credentials;
      headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(this.timeoutMs) }).catch(() => undefined);
    if (!response?.ok) throw this.explain(response?.status ?? 401, 'get an access token');
    const body = (await response.json()) as { token?: string; access_token?: string };
    this.token = body.token ?? body.access_token;
  }

  /** Checks that the registry answers and accepts these credentials. */
  async check(): Promise<void> {
    await this.request(`${this.base}/v2/`, { what: 'log in' });
  }

  private async paged(first: string, key: 'repositories' | 'tags', what: string, limit: number): Promise<string[]> {
    const out: string[] = [];
    for (let url: string | undefined = first; url && out.length < limit;) {
      const response = await this.request(url, { what });
      const body = (await response.json()) as Record<string, string[] | null>;
      for (const name of body[key] ?? []) out.push(name);
      url = nextPage(response.headers.get('link'), this.base);
    }
    return out.slice(0, limit);
  }

  repositories(limit = 1000): Promise<string[]> {
    return this.paged(`${this.base}/v2/_catalog?n=100`, 'repositories', 'list repositories', limit);
  }

  tags(repository: string, limit = 1000): Promise<string[]> {
    return this.paged(`${this.base}/v2/${repository}/tags/list?n=100`, 'tags', `list the tags of ${repository}`, limit);
  }

  /** Deletes what a tag points to (the manifest, by digest), as the registry API defines deletion. */
  async deleteTag(repository: string, tag: string): Promise<void> {
    const accept = [
      'application/vnd.docker.distribution.manifest.v2+json',
      'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.docker.distribution.manifest.list.v2+json',
      'application/vnd.oci.image.index.v1+json',
    ].join(', ');
    const head = await this.request(`${this.base}/v2/${repository}/manifests/${encodeURIComponent(tag)}`, {
      method: 'HEAD',
      headers: { Accept: accept },
      what: `find ${repository}:${tag}`,
    });
    const digest = head.headers.get('docker-content-digest');
    if (!digest)
      throw new RegistryError(
        `${registryHost(this.address)} did not say which manifest ${repository}:${tag} is, so it cannot be deleted.`,
      );
    await this.request(`${this.base}/v2/${repository}/manifests/${digest}`, {
      method: 'DELETE',
      what: `delete ${repository}:${tag}`,
    });
  }
}
