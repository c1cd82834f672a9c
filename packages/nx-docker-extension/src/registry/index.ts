/**
 * registry/ — a small client of the OCI distribution API (Node's fetch), and `pushLayout` built on it.
 *
 * Reading an image from a registry (what `verify --remote` needs):
 *
 *   const client = new RegistryClient({ insecureRegistries: [] });     // env/DOCKER_CONFIG: process.env by default
 *   const ref = parseImageReference('127.0.0.1:5000/acme/my-ext:1.0.0');
 *   const found = await client.headManifest(ref);                       // Descriptor | undefined (404 → undefined)
 *   const { descriptor, body, json } = await client.getManifest(ref);   // throws RegistryError when missing
 *   //   descriptor.digest is sha256 of `body`, checked; json is the parsed index or manifest
 *   const child = await client.getManifest({ ...ref, digest: platformDescriptor.digest });
 *   const config = await client.readBlob(ref, manifest.config);         // Buffer, digest-checked, ≤ 16 MiB
 *   const layer = await client.getBlob(ref, layerDescriptor);           // Readable; errors at its end unless the
 *                                                                       // bytes match the descriptor's digest+size
 *
 * Writing (what pushLayout uses): headBlob(repo, digest) → size | undefined; uploadBlob(repo, descriptor, open) →
 * { how: 'existing' | 'mounted' | 'uploaded', bytes } (HEAD first; a cross-repository mount when another repository
 * of the same registry is known to hold the blob; one streamed PUT, or PATCH chunks above `monolithicLimit`);
 * putManifest(repo, tagOrDigest, mediaType, body) → digest; willPush(repo) asks tokens for pull,push up front;
 * `counts` tallies requests (total, blobUploads, manifestPuts, mounts).
 *
 * Pushing a built layout (what the push executor does):
 *
 *   const results = await pushLayout('dist/apps/my-ext/image', ['127.0.0.1:5000/acme/my-ext:1.0.0'], { force, allowLatest });
 *   // → [{ tag, status: 'pushed' | 'unchanged', digest, bytesUploaded, blobs: { uploaded, mounted, existing }, manifestsStored }]
 *   // with { blobLocations: BlobLocations.load() }, blobs an earlier push left in another repository of the registry
 *   // are mounted from there (the push executor does this; the file is ~/.cache/nx-docker-extension/blob-locations.json)
 *
 * Auth comes from Docker's config (`$DOCKER_CONFIG/config.json` or `~/.docker/config.json`): credHelpers, credsStore
 * (`docker-credential-<name> get`), auths (user/password, identity tokens, registry tokens); Basic or Bearer per the
 * registry's WWW-Authenticate challenge. Plain HTTP only for loopback registries and `insecureRegistries`.
 * Failures are `RegistryError`s whose message names the registry, repository, what was being done and what to do;
 * no message ever holds a credential.
 */
export {
  DOCKER_HUB,
  ImageReferenceError,
  formatImageReference,
  isLoopbackRegistry,
  parseImageReference,
  registryApiHost,
} from './image-reference';
export type { ImageReference, RepositoryRef } from './image-reference';
export { MANIFEST_ACCEPT, RegistryClient } from './registry-client';
export type { BlobUploadResult, FetchedManifest, RegistryClientOptions, RequestCounts } from './registry-client';
export { RegistryError } from './registry-error';
export { parseWwwAuthenticate } from './www-authenticate';
export type { AuthChallenge } from './www-authenticate';
export { credentialSourceFor, dockerConfigPath } from './docker-config';
export type { Credentials, DockerConfig } from './docker-config';
export { credentialsFor, readDockerConfig } from './credentials';
export { PushRefusedError, decideTag, isReleaseTag, parsePushTags } from './push-tags';
export { describeTagResult, formatBytes, pushLayout } from './push-layout';
export type { PushLayoutOptions, TagPushResult } from './push-layout';
export { BlobLocations, defaultBlobLocationsPath } from './blob-locations';
