// Authorization headers per registry and scope: Basic from credentials, or Bearer tokens from the challenge's realm.
import { Credentials, dockerConfigPath } from './docker-config';
import { credentialsFor } from './credentials';
import { registryNetworkError, registryResponseError, RegistryError } from './registry-error';
import { AuthChallenge, parseWwwAuthenticate } from './www-authenticate';

export type ScopeAction = 'pull' | 'pull,push';

/** `repository:<name>:pull,push` as the token spec writes it. */
export function repositoryScope(repository: string, actions: ScopeAction | 'pull'): string {
  return `repository:${repository}:${actions}`;
}

interface CachedToken {
  header: string;
  scopes: string[];
  expiresAt: number;
}

function covers(granted: string[], wanted: string): boolean {
  const [type, name, actions] = splitScope(wanted);
  return granted.some((g) => {
    const [gType, gName, gActions] = splitScope(g);
    return gType === type && gName === name && actions.split(',').every((a) => gActions.split(',').includes(a));
  });
}

function splitScope(scope: string): [string, string, string] {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  return [scope.slice(0, first), scope.slice(first + 1, last), scope.slice(last + 1)];
}

export interface RegistryAuthOptions {
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  /** Override where credentials come from (tests, or callers with their own secrets). */
  credentials?: (registry: string) => Promise<Credentials | undefined>;
  userAgent?: string;
}

export class RegistryAuth {
  private readonly env: NodeJS.ProcessEnv;
  private readonly fetchImpl: typeof fetch;
  private readonly lookup: (registry: string) => Promise<Credentials | undefined>;
  private readonly userAgent: string;
  /** Per registry: the challenge from `GET /v2/`, or null when it needs no auth. */
  private readonly challenges = new Map<string, AuthChallenge | null>();
  private readonly credentialCache = new Map<string, Promise<Credentials | undefined>>();
  private readonly tokens = new Map<string, CachedToken[]>();
  /** Token requests in flight, so parallel uploads share one instead of each asking the realm. */
  private readonly pending = new Map<string, Promise<CachedToken>>();

  constructor(options: RegistryAuthOptions = {}) {
    this.env = options.env ?? process.env;
    this.fetchImpl = options.fetch ?? fetch;
    this.lookup = options.credentials ?? ((registry) => credentialsFor(registry, this.env));
    this.userAgent = options.userAgent ?? 'nx-docker-extension';
  }

  hasChallenge(registry: string): boolean {
    return this.challenges.has(registry);
  }

  /** Records what a registry asked for (from a 401's WWW-Authenticate; null when `/v2/` answered 200). */
  learn(registry: string, header: string | null): void {
    if (header === null) {
      this.challenges.set(registry, null);
      return;
    }
    const all = parseWwwAuthenticate(header);
    this.challenges.set(
      registry,
      all.find((c) => c.scheme === 'bearer') ?? all.find((c) => c.scheme === 'basic') ?? null,
    );
  }

  credentials(registry: string): Promise<Credentials | undefined> {
    let found = this.credentialCache.get(registry);
    if (!found) {
      found = this.lookup(registry);
      this.credentialCache.set(registry, found);
    }
    return found;
  }

  /** For messages: the user name in use, never the secret. */
  async describe(registry: string): Promise<{ user?: string; configPath: string }> {
    const creds = await this.credentials(registry).catch(() => undefined);
    const user =
      creds?.username ||
      (creds?.identityToken ? 'identity token' : creds?.registryToken ? 'registry token' : undefined);
    return { user, configPath: dockerConfigPath(this.env) };
  }

  /** Forget tokens so the next request fetches a fresh one (after a 401 on a cached token). */
  dropTokens(registry: string): void {
    this.tokens.delete(registry);
    for (const key of this.pending.keys()) if (key.startsWith(`${registry} `)) this.pending.delete(key);
  }

  /** The Authorization header for requests on `scopes`, or undefined for anonymous. */
  async header(registry: string, scopes: string[]): Promise<string | undefined> {
    const challenge = this.challenges.get(registry);
    const creds = await this.credentials(registry);
    if (creds?.registryToken) return `Bearer ${creds.registryToken}`;
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') {
      if (creds?.username && creds.password !== undefined) {
        return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
      }
      return undefined;
    }
    if (challenge.scheme !== 'bearer') {
      throw new RegistryError(
        `Registry ${registry} asks for '${challenge.scheme}' authentication, which is not supported (only Basic and Bearer).`,
        { registry, action: 'authenticating' },
      );
    }
    const now = Date.now();
    const cached = (this.tokens.get(registry) ?? []).filter((t) => t.expiresAt > now);
    const hit = cached.find((t) => scopes.every((s) => covers(t.scopes, s)));
    if (hit) return hit.header;
    const key = `${registry} ${[...scopes].sort().join(' ')}`;
    let fetching = this.pending.get(key);
    if (!fetching) {
      fetching = this.fetchToken(registry, challenge, scopes, creds).then((token) => {
        this.tokens.set(registry, [
          ...(this.tokens.get(registry) ?? []).filter((t) => t.expiresAt > Date.now()),
          token,
        ]);
        return token;
      });
      this.pending.set(key, fetching);
      fetching.then(
        () => this.pending.delete(key),
        () => this.pending.delete(key),
      );
    }
    return (await fetching).header;
  }

  private async fetchToken(
    registry: string,
    challenge: AuthChallenge,
    scopes: string[],
    creds: Credentials | undefined,
  ): Promise<CachedToken> {
    const ctx = { registry, action: 'getting a bearer token' };
    const realm = challenge.params.realm;
    let url: URL;
    try {
      url = new URL(realm);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme');
    } catch {
      throw new RegistryError(`Registry ${registry}: its token realm '${realm ?? ''}' is not an http(s) URL.`, ctx);
    }
    const service = challenge.params.service;
    const headers: Record<string, string> = { 'User-Agent': this.userAgent };
    let init: RequestInit;
    if (creds?.identityToken) {
      // an identity token is an OAuth refresh token: exchange it with a form POST
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: creds.identityToken,
        client_id: 'nx-docker-extension',
      });
      if (service) form.set('service', service);
      if (scopes.length) form.set('scope', scopes.join(' '));
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      init = { method: 'POST', headers, body: form.toString() };
    } else {
      if (service) url.searchParams.set('service', service);
      for (const scope of scopes) url.searchParams.append('scope', scope);
      if (creds?.username && creds.password !== undefined) {
        url.searchParams.set('account', creds.username);
        headers.Authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
      }
      init = { method: 'GET', headers };
    }
    let response: Response;
    try {
      response = await this.fetchImpl(url, { ...init, redirect: 'follow' });
    } catch (e) {
      throw registryNetworkError(ctx, url.origin, e);
    }
    const text = await response.text();
    if (!response.ok) {
      const auth = await this.describe(registry);
      const error = registryResponseError(
        { ...ctx, action: `getting a token from ${url.origin}${url.pathname}` },
        response.status,
        text,
        auth,
      );
      throw error;
    }
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(text);
    } catch {
      throw new RegistryError(
        `Registry ${registry}: the token service ${url.origin}${url.pathname} did not answer JSON.`,
        ctx,
      );
    }
    const token =
      typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : '';
    if (!token) {
      throw new RegistryError(
        `Registry ${registry}: the token service ${url.origin}${url.pathname} answered without a token.`,
        ctx,
      );
    }
    const seconds = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
    return { header: `Bearer ${token}`, scopes, expiresAt: Date.now() + Math.max(seconds - 10, 5) * 1000 };
  }
}
