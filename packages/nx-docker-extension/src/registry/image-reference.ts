// Image references (`[registry/]repository[:tag][@digest]`) with Docker's defaults, parsed without any I/O.

/** A repository on a registry: enough to address blobs and manifests. */
export interface RepositoryRef {
  /** Registry host as written by the user (`127.0.0.1:5000`, `ghcr.io`, `docker.io`). */
  registry: string;
  /** Repository path (`acme/my-ext`; `library/busybox` on docker.io). */
  repository: string;
}

export interface ImageReference extends RepositoryRef {
  tag?: string;
  digest?: string;
}

export class ImageReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageReferenceError';
  }
}

export const DOCKER_HUB = 'docker.io';
/** Where docker.io's distribution API actually answers. */
const DOCKER_HUB_API = 'registry-1.docker.io';

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const HOST =
  /^(?:\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(?::[0-9]+)?$/;

/** Docker's rule: the first path component is a registry when it has a '.' or ':' or is 'localhost'. */
function looksLikeRegistry(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost' || component.startsWith('[');
}

/**
 * Parses `acme/ext:1.0.0`, `127.0.0.1:5000/acme/ext@sha256:…`, `busybox` (→ docker.io/library/busybox).
 * No tag and no digest stays so (callers decide whether that means `latest`).
 */
export function parseImageReference(input: string): ImageReference {
  const bad = (why: string, what = 'Write it as [registry/]repository[:tag], e.g. 127.0.0.1:5000/acme/my-ext:1.0.0.') =>
    new ImageReferenceError(`Image reference '${input}' is not valid: ${why}. ${what}`);
  if (typeof input !== 'string' || input.trim() === '') throw bad('it is empty');
  if (input !== input.trim() || /\s/.test(input)) throw bad('it contains whitespace');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input))
    throw bad('it starts with a URL scheme', 'Leave out http:// or https://.');

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest))
      throw bad(`'${digest}' is not a digest`, 'A digest looks like sha256:<64 hex characters>.');
    if (digest.startsWith('sha256:') && !/^sha256:[a-f0-9]{64}$/.test(digest)) {
      throw bad(`'${digest}' is not a sha256 digest`, 'A digest looks like sha256:<64 hex characters>.');
    }
  }

  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) {
      throw bad(
        `tag '${tag}' is not allowed`,
        'A tag is up to 128 letters, digits, _ . - and does not start with . or -, e.g. 1.0.0.',
      );
    }
  }

  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  if (parts.length > 1 && looksLikeRegistry(parts[0])) {
    registry = parts.shift() as string;
    if (!HOST.test(registry)) throw bad(`registry '${registry}' is not a host[:port]`);
  }
  if (registry === 'index.docker.io' || registry === DOCKER_HUB_API) registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  const repository = parts.join('/');
  if (repository.length === 0) throw bad('the repository name is empty');
  for (const part of parts) {
    if (part !== part.toLowerCase() && COMPONENT.test(part.toLowerCase())) {
      throw bad(`repository '${repository}' has upper-case letters`, 'Repository names must be lower case.');
    }
    if (!COMPONENT.test(part)) {
      throw bad(
        `'${part}' in repository '${repository}' is not allowed`,
        'Use lower-case letters, digits and single separators (. _ __ -) between them.',
      );
    }
  }
  if (registry.length + 1 + repository.length > 255) throw bad('the name is longer than 255 characters');
  return { registry, repository, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

/** `registry/repository[:tag][@digest]` — docker.io written out, so messages are unambiguous. */
export function formatImageReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** The host (and port) that serves the distribution API for a registry name. */
export function registryApiHost(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_API : registry;
}

/** Host part without port, brackets removed (`[::1]:5000` → `::1`). */
export function registryHostname(registry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(registry);
  if (bracketed) return bracketed[1];
  const colon = registry.lastIndexOf(':');
  return colon >= 0 && /^\d+$/.test(registry.slice(colon + 1)) ? registry.slice(0, colon) : registry;
}

/** Loopback registries (127.0.0.0/8, ::1, localhost) may be spoken to over plain HTTP, as Docker does. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registryHostname(registry).toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  const v4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return !!v4 && v4.slice(1).every((n) => Number(n) <= 255);
}
