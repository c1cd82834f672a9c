// The OCI distribution API over Node's fetch: manifests and blobs by HEAD/GET/PUT, uploads, mounts, auth retries.
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { sha256Digest } from '../oci/digest';
import { Descriptor, MediaType } from '../oci/types';
import {
  ImageReference,
  RepositoryRef,
  formatImageReference,
  isLoopbackRegistry,
  registryApiHost,
} from './image-reference';
import { RegistryAuth, RegistryAuthOptions, repositoryScope } from './registry-auth';
import { RegistryError, RegistryErrorContext, registryNetworkError, registryResponseError } from './registry-error';

/** What a manifest GET/HEAD accepts: indexes and manifests, OCI and Docker v2. */
export const MANIFEST_ACCEPT = [
  MediaType.ociIndex,
  MediaType.ociManifest,
  MediaType.dockerManifestList,
  MediaType.dockerManifest,
].join(', ');

export interface RegistryClientOptions extends RegistryAuthOptions {
  /** Registries (host[:port]) spoken to over plain HTTP besides loopback ones. */
  insecureRegistries?: string[];
  /** Blobs up to this size go in one streamed PUT; bigger ones in PATCH chunks. */
  monolithicLimit?: number;
  chunkSize?: number;
  /** One line per request when set (verbose mode); never receives credentials. */
  log?: (line: string) => void;
}

export interface FetchedManifest {
  descriptor: Descriptor;
  body: Buffer;
  json: unknown;
}

export type BlobUploadHow = 'existing' | 'mounted' | 'uploaded';

export interface BlobUploadResult {
  how: BlobUploadHow;
  /** Bytes sent for this blob (0 unless uploaded). */
  bytes: number;
  /** The repository a mounted blob came from. */
  from?: string;
}

interface RequestSpec {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH';
  registry: string;
  /** Path under the registry, or an absolute URL (upload locations). */
  path: string;
  scopes: string[];
  ctx: RegistryErrorContext;
  headers?: Record<string, string>;
  /** Called for every attempt, so a body can be sent again after an auth retry. */
  body?: () => Buffer | Readable;
}

/** Counts of requests by kind, for tests and benchmarks that prove "nothing uploaded". */
export interface RequestCounts {
  total: number;
  blobUploads: number;
  manifestPuts: number;
  mounts: number;
}

const MB = 1 << 20;

export class RegistryClient {
  readonly auth: RegistryAuth;
  readonly counts: RequestCounts = { total: 0, blobUploads: 0, manifestPuts: 0, mounts: 0 };
  private readonly fetchImpl: typeof fetch;
  private readonly insecure: Set<string>;
  private readonly monolithicLimit: number;
  private readonly chunkSize: number;
  private readonly log: (line: string) => void;
  private readonly userAgent: string;
  private readonly pings = new Map<string, Promise<void>>();
  /** `registry/repository` we are about to push to: their reads ask for pull,push too, so one token serves all. */
  private readonly pushTargets = new Set<string>();
  /** registry → digest → repositories known to hold it (for existence skips and cross-repository mounts). */
  private readonly knownBlobs = new Map<string, Map<string, Set<string>>>();
  /** registry → digest → repositories that held it in an earlier push: mount sources only, never proof. */
  private readonly mountHints = new Map<string, Map<string, string[]>>();

  constructor(options: RegistryClientOptions = {}) {
    this.fetchImpl = options.fetch ?? fetch;
    this.auth = new RegistryAuth({ ...options, fetch: this.fetchImpl });
    this.insecure = new Set((options.insecureRegistries ?? []).map((r) => r.trim().toLowerCase()));
    this.monolithicLimit = options.monolithicLimit ?? 64 * MB;
    this.chunkSize = options.chunkSize ?? 16 * MB;
    this.log = options.log ?? (() => undefined);
    this.userAgent = options.userAgent ?? 'nx-docker-extension';
  }

  /** `http` only for loopback and listed registries; everything else is HTTPS. */
  baseUrl(registry: string): string {
    const plain = isLoopbackRegistry(registry) || this.insecure.has(registry.toLowerCase());
    return `${plain ? 'http' : 'https'}://${registryApiHost(registry)}`;
  }

  /** Declares that this client will push to the repository (Bearer tokens are then asked for pull,push at once). */
  willPush(repo: RepositoryRef): void {
    this.pushTargets.add(`${repo.registry}/${repo.repository}`);
  }

  private readScope(repo: RepositoryRef): string {
    return repositoryScope(
      repo.repository,
      this.pushTargets.has(`${repo.registry}/${repo.repository}`) ? 'pull,push' : 'pull',
    );
  }

  // ---- manifests -------------------------------------------------------------------------------------------

  /** The descriptor a tag or digest resolves to, or undefined when the registry does not have it. */
  async headManifest(ref: ImageReference): Promise<Descriptor | undefined> {
    const reference = manifestReference(ref);
    const ctx = { registry: ref.registry, repository: ref.repository, action: `checking manifest ${reference}` };
    const response = await this.request({
      method: 'HEAD',
      registry: ref.registry,
      path: `/v2/${ref.repository}/manifests/${reference}`,
      scopes: [this.readScope(ref)],
      headers: { Accept: MANIFEST_ACCEPT },
      ctx,
    });
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw await this.responseError(ctx, response);
    const digest = response.headers.get('docker-content-digest');
    const size = Number(response.headers.get('content-length'));
    const mediaType = (response.headers.get('content-type') ?? '').split(';')[0].trim();
    if (!digest || !Number.isFinite(size)) {
      // some registries leave the digest out of HEAD; GET computes it from the bytes
      return (await this.getManifest(ref)).descriptor;
    }
    return { mediaType, digest, size };
  }

  /** The manifest or index a tag/digest names, its bytes checked against the digest. Throws when missing. */
  async getManifest(ref: ImageReference): Promise<FetchedManifest> {
    const reference = manifestReference(ref);
    const ctx = { registry: ref.registry, repository: ref.repository, action: `reading manifest ${reference}` };
    const response = await this.request({
      method: 'GET',
      registry: ref.registry,
      path: `/v2/${ref.repository}/manifests/${reference}`,
      scopes: [this.readScope(ref)],
      headers: { Accept: MANIFEST_ACCEPT },
      ctx,
    });
    if (response.status === 404) {
      await response.arrayBuffer();
      throw new RegistryError(
        `Registry ${ref.registry}, repository ${ref.repository}: ${formatImageReference(ref)} does not exist. Push it first, or check the name and tag.`,
        ctx,
        404,
        'MANIFEST_UNKNOWN',
      );
    }
    if (response.status !== 200) throw await this.responseError(ctx, response);
    const body = Buffer.from(await response.arrayBuffer());
    const digest = sha256Digest(body);
    const claimed = response.headers.get('docker-content-digest');
    if ((ref.digest && ref.digest !== digest) || (claimed && claimed.startsWith('sha256:') && claimed !== digest)) {
      throw new RegistryError(
        `Registry ${ref.registry}, repository ${ref.repository}: manifest ${reference} has digest ${digest}, but ${ref.digest ? 'was asked for' : 'the registry claims'} ${ref.digest ?? claimed}. The registry or a proxy altered it.`,
        ctx,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw new RegistryError(
        `Registry ${ref.registry}, repository ${ref.repository}: manifest ${reference} is not JSON.`,
        ctx,
      );
    }
    const contentType = (response.headers.get('content-type') ?? '').split(';')[0].trim();
    const mediaType = (json as { mediaType?: string })?.mediaType ?? contentType;
    return { descriptor: { mediaType, digest, size: body.length }, body, json };
  }

  /** Stores a manifest under a tag or its digest; returns the digest the registry reports. */
  async putManifest(repo: RepositoryRef, reference: string, mediaType: string, body: Buffer): Promise<string> {
    const ctx = { registry: repo.registry, repository: repo.repository, action: `storing manifest ${reference}` };
    this.counts.manifestPuts++;
    const response = await this.request({
      method: 'PUT',
      registry: repo.registry,
      path: `/v2/${repo.repository}/manifests/${reference}`,
      scopes: [repositoryScope(repo.repository, 'pull,push')],
      headers: { 'Content-Type': mediaType, 'Content-Length': String(body.length) },
      body: () => body,
      ctx,
    });
    if (response.status !== 201 && response.status !== 200) throw await this.responseError(ctx, response);
    await response.arrayBuffer();
    const digest = sha256Digest(body);
    const claimed = response.headers.get('docker-content-digest');
    if (claimed && claimed !== digest) {
      throw new RegistryError(
        `Registry ${repo.registry}, repository ${repo.repository}: stored manifest ${reference} as ${claimed}, but its bytes have digest ${digest}. The registry rewrote the manifest; it cannot hold this image unchanged.`,
        ctx,
      );
    }
    return digest;
  }

  // ---- blobs -----------------------------------------------------------------------------------------------

  /** Size of the blob when the repository has it, else undefined. */
  async headBlob(repo: RepositoryRef, digest: string): Promise<number | undefined> {
    const ctx = { registry: repo.registry, repository: repo.repository, action: `checking blob ${digest}` };
    const response = await this.request({
      method: 'HEAD',
      registry: repo.registry,
      path: `/v2/${repo.repository}/blobs/${digest}`,
      scopes: [this.readScope(repo)],
      ctx,
    });
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw await this.responseError(ctx, response);
    this.remember(repo, digest);
    return Number(response.headers.get('content-length'));
  }

  /** A stream of the blob's bytes that errors at its end unless they match the descriptor's digest and size. */
  async getBlob(repo: RepositoryRef, descriptor: Pick<Descriptor, 'digest' | 'size'>): Promise<Readable> {
    const ctx = { registry: repo.registry, repository: repo.repository, action: `reading blob ${descriptor.digest}` };
    const response = await this.request({
      method: 'GET',
      registry: repo.registry,
      path: `/v2/${repo.repository}/blobs/${descriptor.digest}`,
      scopes: [this.readScope(repo)],
      ctx,
    });
    if (response.status !== 200) throw await this.responseError(ctx, response);
    if (!response.body)
      throw new RegistryError(`Registry ${repo.registry}: blob ${descriptor.digest} came without a body.`, ctx);
    const source = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
    const check = digestCheck(
      descriptor,
      (got) =>
        new RegistryError(
          `Registry ${repo.registry}, repository ${repo.repository}: blob ${descriptor.digest} arrived as ${got}. The registry's copy is corrupt or the download was cut; try again.`,
          ctx,
        ),
    );
    source.on('error', (e) => check.destroy(registryNetworkError(ctx, this.baseUrl(repo.registry), e)));
    return source.pipe(check);
  }

  /** A whole (small) blob, digest-checked: configs and other JSON. */
  async readBlob(
    repo: RepositoryRef,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    maxBytes = 16 * MB,
  ): Promise<Buffer> {
    if (descriptor.size > maxBytes) {
      throw new RegistryError(
        `Registry ${repo.registry}, repository ${repo.repository}: blob ${descriptor.digest} is ${descriptor.size} bytes, over the ${maxBytes}-byte limit for reading into memory.`,
        { registry: repo.registry, repository: repo.repository, action: `reading blob ${descriptor.digest}` },
      );
    }
    const chunks: Buffer[] = [];
    for await (const chunk of await this.getBlob(repo, descriptor)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** Repositories on this registry we have seen holding the blob (mount sources). */
  repositoriesWith(registry: string, digest: string): string[] {
    return [...(this.knownBlobs.get(registry)?.get(digest) ?? [])];
  }

  /**
   * Makes the blob exist in the repository: skipped when there, mounted when another known repository on the
   * same registry has it, else uploaded (one streamed PUT, or PATCH chunks for big blobs).
   */
  async uploadBlob(
    repo: RepositoryRef,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    open: () => Readable,
  ): Promise<BlobUploadResult> {
    const { digest, size } = descriptor;
    const ctx = { registry: repo.registry, repository: repo.repository, action: `uploading blob ${digest}` };
    if (
      this.repositoriesWith(repo.registry, digest).includes(repo.repository) ||
      (await this.headBlob(repo, digest)) !== undefined
    ) {
      this.log(`blob ${digest} already in ${repo.repository}`);
      return { how: 'existing', bytes: 0 };
    }
    const from = [
      ...this.repositoriesWith(repo.registry, digest),
      ...(this.mountHints.get(repo.registry)?.get(digest) ?? []),
    ].find((r) => r !== repo.repository);
    const pushScope = repositoryScope(repo.repository, 'pull,push');
    const scopes = from ? [pushScope, repositoryScope(from, 'pull')] : [pushScope];
    const query = from ? `?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}` : '';
    if (from) this.counts.mounts++;
    const started = await this.request({
      method: 'POST',
      registry: repo.registry,
      path: `/v2/${repo.repository}/blobs/uploads/${query}`,
      scopes,
      headers: { 'Content-Length': '0' },
      ctx,
    });
    if (from && started.status === 201) {
      await started.arrayBuffer();
      this.remember(repo, digest);
      this.log(`blob ${digest} mounted from ${from}`);
      return { how: 'mounted', bytes: 0, from };
    }
    if (started.status !== 202) throw await this.responseError(ctx, started);
    await started.arrayBuffer();
    this.counts.blobUploads++;
    let location = this.location(repo.registry, started, ctx);
    if (size <= this.monolithicLimit) {
      location.searchParams.set('digest', digest);
      const done = await this.request({
        method: 'PUT',
        registry: repo.registry,
        path: location.href,
        scopes: [pushScope],
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size) },
        body: open,
        ctx,
      });
      if (done.status !== 201) throw await this.responseError(ctx, done);
      await done.arrayBuffer();
    } else {
      let offset = 0;
      for await (const chunk of chunked(open(), this.chunkSize)) {
        const range = `${offset}-${offset + chunk.length - 1}`;
        const patched = await this.request({
          method: 'PATCH',
          registry: repo.registry,
          path: location.href,
          scopes: [pushScope],
          headers: {
            'Content-Type': 'application/octet-stream',
            'Content-Length': String(chunk.length),
            'Content-Range': range,
          },
          body: () => chunk,
          ctx: { ...ctx, action: `uploading bytes ${range} of blob ${digest}` },
        });
        if (patched.status !== 202) throw await this.responseError(ctx, patched);
        await patched.arrayBuffer();
        location = this.location(repo.registry, patched, ctx);
        offset += chunk.length;
      }
      location.searchParams.set('digest', digest);
      const done = await this.request({
        method: 'PUT',
        registry: repo.registry,
        path: location.href,
        scopes: [pushScope],
        headers: { 'Content-Length': '0' },
        ctx,
      });
      if (done.status !== 201) throw await this.responseError(ctx, done);
      await done.arrayBuffer();
    }
    this.remember(repo, digest);
    this.log(`blob ${digest} uploaded to ${repo.repository} (${size} bytes)`);
    return { how: 'uploaded', bytes: size };
  }

  // ---- transport -------------------------------------------------------------------------------------------

  /** Repositories that held the blob in an earlier push: tried as mount sources; a refused mount uploads instead. */
  hintMountSources(registry: string, digest: string, repositories: readonly string[]): void {
    if (repositories.length === 0) return;
    let byDigest = this.mountHints.get(registry);
    if (!byDigest) this.mountHints.set(registry, (byDigest = new Map()));
    byDigest.set(digest, [...repositories]);
  }

  /** Records that the repository holds the blob (skips its HEAD, and makes it a mount source for other repositories). */
  remember(repo: RepositoryRef, digest: string): void {
    let byDigest = this.knownBlobs.get(repo.registry);
    if (!byDigest) this.knownBlobs.set(repo.registry, (byDigest = new Map()));
    let repos = byDigest.get(digest);
    if (!repos) byDigest.set(digest, (repos = new Set()));
    repos.add(repo.repository);
  }

  private location(registry: string, response: Response, ctx: RegistryErrorContext): URL {
    const header = response.headers.get('location');
    if (!header) {
      throw new RegistryError(
        `Registry ${registry}: ${ctx.action}: the registry answered without an upload Location.`,
        ctx,
      );
    }
    return new URL(header, this.baseUrl(registry));
  }

  private async responseError(ctx: RegistryErrorContext, response: Response): Promise<RegistryError> {
    const text = await response.text().catch(() => '');
    return registryResponseError(ctx, response.status, text, await this.auth.describe(ctx.registry));
  }

  /** Learns once per registry whether it wants auth, so bodies are not streamed only to be refused. */
  private ping(registry: string): Promise<void> {
    let pending = this.pings.get(registry);
    if (!pending) {
      pending = (async () => {
        const url = `${this.baseUrl(registry)}/v2/`;
        const ctx = { registry, action: 'connecting' };
        let response: Response;
        try {
          response = await this.fetchImpl(url, { headers: { 'User-Agent': this.userAgent } });
        } catch (e) {
          throw registryNetworkError(ctx, url, e);
        }
        await response.arrayBuffer();
        if (response.status === 401) this.auth.learn(registry, response.headers.get('www-authenticate') ?? '');
        else if (response.ok) this.auth.learn(registry, null);
        else throw await this.responseError({ ...ctx, action: `connecting (GET ${url})` }, response);
      })();
      pending.catch(() => this.pings.delete(registry));
      this.pings.set(registry, pending);
    }
    return pending;
  }

  private async request(spec: RequestSpec): Promise<Response> {
    await this.ping(spec.registry);
    const url = spec.path.startsWith('http') ? spec.path : `${this.baseUrl(spec.registry)}${spec.path}`;
    for (let attempt = 0; ; attempt++) {
      const authorization = await this.auth.header(spec.registry, spec.scopes);
      const headers: Record<string, string> = { 'User-Agent': this.userAgent, ...spec.headers };
      if (authorization) headers.Authorization = authorization;
      const body = spec.body?.();
      this.counts.total++;
      let response: Response;
      try {
        response = await this.fetchImpl(url, {
          method: spec.method,
          headers,
          body: body as RequestInit['body'],
          // a stream body needs half-duplex mode in Node's fetch
          ...(body instanceof Readable && { duplex: 'half' }),
          redirect: 'follow',
        } as RequestInit);
      } catch (e) {
        if (body instanceof Readable) body.destroy();
        throw registryNetworkError(spec.ctx, url, e);
      }
      this.log(`${spec.method} ${redactQuery(url)} → ${response.status}`);
      if (response.status !== 401 || attempt > 0) return response;
      // a 401 says which scope it wants: learn it, forget cached tokens, and try once more when that can help
      const text = await response.text();
      if (body instanceof Readable) body.destroy();
      this.auth.learn(spec.registry, response.headers.get('www-authenticate') ?? '');
      this.auth.dropTokens(spec.registry);
      const retryWith = await this.auth.header(spec.registry, spec.scopes);
      if (!retryWith || retryWith === authorization) {
        return new Response(text, { status: 401, headers: response.headers });
      }
    }
  }
}

/** Upload locations carry session state in the query; logs need only the path. */
function redactQuery(url: string): string {
  return url.replace(/\?.*$/, '');
}

function manifestReference(ref: ImageReference): string {
  if (ref.digest) return ref.digest;
  if (ref.tag) return ref.tag;
  return 'latest';
}

/** Yields the stream's bytes in buffers of exactly `size` (the last one shorter). */
async function* chunked(stream: Readable, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let length = 0;
  for await (const piece of stream) {
    let data = piece as Buffer;
    while (length + data.length >= size) {
      const take = size - length;
      pending.push(data.subarray(0, take));
      yield Buffer.concat(pending);
      data = data.subarray(take);
      pending = [];
      length = 0;
    }
    if (data.length) {
      pending.push(data);
      length += data.length;
    }
  }
  if (length) yield Buffer.concat(pending);
}

function digestCheck(descriptor: Pick<Descriptor, 'digest' | 'size'>, mismatch: (got: string) => Error): Transform {
  const hash = createHash('sha256');
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      seen += chunk.length;
      done(null, chunk);
    },
    flush(done) {
      const got = `sha256:${hash.digest('hex')}`;
      done(
        seen === descriptor.size && got === descriptor.digest
          ? undefined
          : mismatch(`${seen} bytes with digest ${got}`),
      );
    },
  });
}
