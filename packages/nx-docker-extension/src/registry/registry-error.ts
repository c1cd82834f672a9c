// Turns a registry's answer (status + OCI error JSON) or a network failure into one message: where, what, what to do.

export interface RegistryErrorContext {
  registry: string;
  repository?: string;
  /** What we were doing, in the user's words: `uploading blob sha256:…`, `reading manifest 1.0.0`. */
  action: string;
}

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly context: RegistryErrorContext,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

export interface OciErrorEntry {
  code?: string;
  message?: string;
  detail?: unknown;
}

/** The `{"errors":[{code,message,detail}]}` body of the distribution spec; [] for anything else. */
export function parseOciErrorBody(text: string): OciErrorEntry[] {
  try {
    const body = JSON.parse(text);
    if (!Array.isArray(body?.errors)) return [];
    return body.errors.filter((e: unknown) => e && typeof e === 'object') as OciErrorEntry[];
  } catch {
    return [];
  }
}

function where(ctx: RegistryErrorContext): string {
  return `Registry ${ctx.registry}${ctx.repository ? `, repository ${ctx.repository}` : ''}`;
}

function describeEntry(e: OciErrorEntry): string {
  const detail =
    e.detail === undefined || e.detail === null || e.detail === ''
      ? ''
      : ` (${(typeof e.detail === 'string' ? e.detail : JSON.stringify(e.detail)).slice(0, 300)})`;
  return [e.code, e.message].filter(Boolean).join(': ') + detail;
}

/** Advice for a status/code; `authUser` tells whether credentials were sent (never the secret itself). */
export function registryAdvice(
  status: number,
  codes: string[],
  ctx: RegistryErrorContext,
  auth: { user?: string; configPath?: string },
): string {
  const has = (c: string) => codes.includes(c);
  if (status === 401 || has('UNAUTHORIZED')) {
    const who = auth.user ? `as '${auth.user}'` : 'without credentials';
    return `Authentication failed ${who}. Log in with 'docker login ${ctx.registry}' (credentials are read from ${auth.configPath ?? 'the Docker config'}; set DOCKER_CONFIG to use another), or check the user and password.`;
  }
  if (status === 403 || has('DENIED')) {
    return `Access denied: the account${auth.user ? ` '${auth.user}'` : ''} may not push to ${ctx.repository ?? 'this repository'}. Check its permissions on the registry.`;
  }
  if (has('NAME_UNKNOWN') || has('NAME_INVALID')) {
    return `The registry does not know repository ${ctx.repository}; create it there first (some registries do not create repositories on push) or check the image name.`;
  }
  if (has('MANIFEST_BLOB_UNKNOWN') || has('BLOB_UNKNOWN')) {
    return 'The registry is missing a blob the manifest references. Run push again; it uploads what is missing.';
  }
  if (has('MANIFEST_INVALID') || has('MANIFEST_UNVERIFIED') || status === 415) {
    return 'The registry rejected the manifest. Check that it accepts OCI image indexes and manifests (distribution 2.7+ does).';
  }
  if (has('DIGEST_INVALID') || has('SIZE_INVALID')) {
    return 'The registry received bytes that do not match the digest; a proxy may be altering uploads. Run push again.';
  }
  if (has('BLOB_UPLOAD_UNKNOWN') || has('BLOB_UPLOAD_INVALID')) {
    return 'The registry lost the upload session (was it restarted?). Run push again.';
  }
  if (status === 413)
    return 'The upload is too large for the registry or a proxy in front of it; raise its body size limit.';
  if (status === 429 || has('TOOMANYREQUESTS')) return 'The registry is rate limiting; wait and run push again.';
  if (status === 405 || has('UNSUPPORTED')) {
    return 'The registry does not allow this operation (read-only, a pull-through mirror, or deletes disabled).';
  }
  if (status >= 500) {
    return 'The registry failed; check its logs, then run push again (blobs already uploaded are skipped).';
  }
  return 'Check the registry address and its logs.';
}

export function registryResponseError(
  ctx: RegistryErrorContext,
  status: number,
  bodyText: string,
  auth: { user?: string; configPath?: string } = {},
): RegistryError {
  const entries = parseOciErrorBody(bodyText);
  const codes = entries.map((e) => e.code ?? '').filter(Boolean);
  const said = entries.length
    ? entries.map(describeEntry).join('; ')
    : bodyText.trim()
      ? bodyText.trim().replace(/\s+/g, ' ').slice(0, 200)
      : '';
  const message = `${where(ctx)}: ${ctx.action} failed with HTTP ${status}${said ? ` ${said}` : ''}. ${registryAdvice(status, codes, ctx, auth)}`;
  return new RegistryError(message, ctx, status, codes[0]);
}

/** fetch() rejects with `TypeError: fetch failed` and the real reason in `cause`. */
export function registryNetworkError(ctx: RegistryErrorContext, url: string, error: unknown): Error {
  const cause = (error as { cause?: unknown })?.cause ?? error;
  // a failing request body (e.g. a corrupt layout blob) is our own error: pass it through unchanged
  if (cause instanceof Error && cause.name === 'OciLayoutError') return cause;
  const code = (cause as NodeJS.ErrnoException)?.code ?? '';
  const reason = (cause instanceof Error ? cause.message : String(cause)).replace(/^(\w*Error: )+/, '');
  const origin = url.replace(/^(https?:\/\/[^/]+).*$/, '$1');
  let advice: string;
  if (code === 'ECONNREFUSED') advice = `Nothing answers at ${origin}: is the registry running?`;
  else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    advice = `The host of ${origin} is not known; check the registry name.`;
  else if (/ECONNRESET|UND_ERR_SOCKET|EPIPE|UND_ERR_CLOSED|terminated|other side closed/i.test(`${code} ${reason}`)) {
    advice = `The connection to ${origin} broke; the registry may have stopped. Run push again when it is back: blobs already uploaded are skipped.`;
  } else if (/CERT|SSL|TLS|self[- ]signed|wrong version number/i.test(`${code} ${reason}`)) {
    advice = `TLS to ${origin} failed. If the registry serves plain HTTP, list it in the push option insecureRegistries.`;
  } else if (/timeout|TIMEDOUT/i.test(`${code} ${reason}`)) {
    advice = `${origin} did not answer in time; check the network and the registry.`;
  } else advice = `Check that ${origin} is a reachable registry.`;
  return new RegistryError(
    `${where(ctx)}: ${ctx.action} failed: ${reason}${code && !reason.includes(code) ? ` (${code})` : ''}. ${advice}`,
    ctx,
  );
}
