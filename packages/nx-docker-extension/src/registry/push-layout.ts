// Pushes an OCI layout from dist/ to every tag: idempotent, refusing to move published versions, verified by read-back.
import { openBlob } from '../oci/layout';
import { Descriptor, isIndexMediaType } from '../oci/types';
import { ImageReference, formatImageReference } from './image-reference';
import { PlannedManifest, PushPlan, planLayoutPush, verifyPlanBlobs } from './push-plan';
import { PushRefusedError, decideTag, parsePushTags } from './push-tags';
import { RegistryClient, RegistryClientOptions } from './registry-client';
import { RegistryError } from './registry-error';
import type { BlobLocations } from './blob-locations';

export interface PushLayoutOptions {
  /** Overwrite a semver tag that points to other content. */
  force?: boolean;
  /** Allow `latest` to be the only tag. */
  allowLatest?: boolean;
  insecureRegistries?: string[];
  /** Where DOCKER_CONFIG and PATH (credential helpers) come from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Progress lines (one per repository step); `verbose` adds one per request. */
  log?: (line: string) => void;
  verbose?: boolean;
  /** The index digest the caller expects (from image.json), so a stale or mixed dist/ is refused. */
  expectIndexDigest?: { digest: string; source: string };
  /** Blob uploads in flight at once. */
  concurrency?: number;
  /** A client to reuse (its counters then cover this push); otherwise one is made from the options above. */
  client?: RegistryClient;
  clientOptions?: Omit<RegistryClientOptions, 'insecureRegistries' | 'env' | 'log'>;
  /** Where earlier pushes left each blob: mount sources across runs; this push's repositories are added. */
  blobLocations?: BlobLocations;
}

export interface TagPushResult {
  /** The full reference, e.g. `127.0.0.1:5000/acme/my-ext:1.0.0`. */
  tag: string;
  status: 'pushed' | 'unchanged';
  /** The index digest the tag points to now (read back from the registry). */
  digest: string;
  /** Blob and manifest bytes sent for this tag. */
  bytesUploaded: number;
  blobs: { uploaded: number; mounted: number; existing: number };
  manifestsStored: number;
}

interface RepositoryPush {
  bytes: number;
  blobs: TagPushResult['blobs'];
  manifestsStored: number;
}

async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        results[i] = await work(items[i]);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Blobs, then manifests child-first, so the registry never sees a manifest whose references are missing. */
async function pushRepository(
  client: RegistryClient,
  repo: ImageReference,
  plan: PushPlan,
  concurrency: number,
  log: (l: string) => void,
): Promise<RepositoryPush> {
  const result: RepositoryPush = { bytes: 0, blobs: { uploaded: 0, mounted: 0, existing: 0 }, manifestsStored: 0 };
  const total = plan.blobs.reduce((sum, b) => sum + b.size, 0);
  log(
    `${repo.registry}/${repo.repository}: ${plan.blobs.length} blobs (${formatBytes(total)}), ${plan.manifests.length} manifests`,
  );
  const uploads = await mapLimit(plan.blobs, concurrency, (blob: Descriptor) =>
    client.uploadBlob(repo, blob, () => openBlob(plan.layout, blob)),
  );
  for (const upload of uploads) {
    result.blobs[upload.how]++;
    result.bytes += upload.bytes;
  }
  const store = async (manifest: PlannedManifest) => {
    if (await client.headManifest({ ...repo, tag: undefined, digest: manifest.descriptor.digest })) return;
    await client.putManifest(repo, manifest.descriptor.digest, manifest.descriptor.mediaType, manifest.body);
    result.bytes += manifest.body.length;
    result.manifestsStored++;
  };
  // image manifests only need their blobs, so they go in parallel; nested indexes after, in order
  await mapLimit(
    plan.manifests.filter((m) => !isIndexMediaType(m.descriptor.mediaType)),
    concurrency,
    store,
  );
  for (const nested of plan.manifests.filter((m) => isIndexMediaType(m.descriptor.mediaType))) await store(nested);
  return result;
}

/**
 * Pushes the layout at `layoutDir` to each tag (full references). Nothing is written when any tag is refused or any
 * blob is corrupt; tags already pointing at this index upload nothing. Returns one result per tag, in order.
 */
export async function pushLayout(
  layoutDir: string,
  tags: readonly string[],
  options: PushLayoutOptions = {},
): Promise<TagPushResult[]> {
  const log = options.log ?? (() => undefined);
  const refs = parsePushTags(tags, options.allowLatest ?? false);
  const plan = await planLayoutPush(layoutDir);
  const localDigest = plan.index.descriptor.digest;
  if (options.expectIndexDigest && options.expectIndexDigest.digest !== localDigest) {
    throw new PushRefusedError(
      `${options.expectIndexDigest.source} says the image is ${options.expectIndexDigest.digest}, but ${layoutDir} holds ${localDigest}. dist/ is stale or mixed: run the build target again.`,
    );
  }
  const client =
    options.client ??
    new RegistryClient({
      ...options.clientOptions,
      insecureRegistries: options.insecureRegistries,
      env: options.env,
      log: options.verbose ? log : undefined,
    });

  for (const ref of refs) client.willPush(ref);
  // decide every tag before writing anything
  const decisions = [];
  for (const ref of refs) {
    const existing = await client.headManifest(ref);
    decisions.push({ ref, decision: decideTag(ref, existing?.digest, localDigest, options.force ?? false) });
  }
  const refusals = decisions.flatMap((d) => (d.decision.action === 'refuse' ? [d.decision.reason] : []));
  if (refusals.length)
    throw new PushRefusedError(`Push refused, nothing was pushed:\n${refusals.map((r) => `  - ${r}`).join('\n')}`);

  const toPush = decisions.filter((d) => d.decision.action === 'push');
  if (toPush.length) await verifyPlanBlobs(plan);

  const locations = options.blobLocations;
  const digests = plan.blobs.map((b) => b.digest);
  if (locations) {
    for (const ref of refs) {
      for (const digest of digests)
        client.hintMountSources(ref.registry, digest, locations.sources(ref.registry, digest));
    }
  }
  try {
    return await pushTags(client, plan, decisions, options, log, (ref) =>
      locations?.record(ref.registry, ref.repository, digests),
    );
  } finally {
    locations?.save();
  }
}

async function pushTags(
  client: RegistryClient,
  plan: PushPlan,
  decisions: { ref: ImageReference; decision: ReturnType<typeof decideTag> }[],
  options: PushLayoutOptions,
  log: (line: string) => void,
  holds: (ref: ImageReference) => void,
): Promise<TagPushResult[]> {
  const localDigest = plan.index.descriptor.digest;
  const pushedRepos = new Map<string, RepositoryPush>();
  const results: TagPushResult[] = [];
  for (const { ref, decision } of decisions) {
    const tag = formatImageReference(ref);
    if (decision.action === 'unchanged') {
      // the repository holds every blob of this image: later tags on the same registry can mount from it
      for (const blob of plan.blobs) client.remember(ref, blob.digest);
      holds(ref);
      results.push({
        tag,
        status: 'unchanged',
        digest: localDigest,
        bytesUploaded: 0,
        blobs: { uploaded: 0, mounted: 0, existing: 0 },
        manifestsStored: 0,
      });
      continue;
    }
    const repoKey = `${ref.registry}/${ref.repository}`;
    let repoPush: RepositoryPush = { bytes: 0, blobs: { uploaded: 0, mounted: 0, existing: 0 }, manifestsStored: 0 };
    if (!pushedRepos.has(repoKey)) {
      repoPush = await pushRepository(client, ref, plan, options.concurrency ?? 4, log);
      pushedRepos.set(repoKey, repoPush);
    }
    await client.putManifest(ref, ref.tag as string, plan.index.descriptor.mediaType, plan.index.body);
    const readBack = await client.getManifest(ref);
    if (readBack.descriptor.digest !== localDigest) {
      throw new RegistryError(
        `Registry ${ref.registry}, repository ${ref.repository}: after pushing, ${tag} points to ${readBack.descriptor.digest}, not ${localDigest}. Another push may have raced this one; run push again.`,
        { registry: ref.registry, repository: ref.repository, action: `reading back ${tag}` },
      );
    }
    holds(ref);
    results.push({
      tag,
      status: 'pushed',
      digest: readBack.descriptor.digest,
      bytesUploaded: repoPush.bytes + plan.index.body.length,
      blobs: repoPush.blobs,
      manifestsStored: repoPush.manifestsStored + 1,
    });
  }
  return results;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** One line per tag, as the executor prints it. */
export function describeTagResult(r: TagPushResult): string {
  if (r.status === 'unchanged')
    return `${r.tag}  unchanged  0 B uploaded (the tag already points to this image)  ${r.digest}`;
  const { uploaded, mounted, existing } = r.blobs;
  return `${r.tag}  pushed  ${formatBytes(r.bytesUploaded)} uploaded (blobs: ${uploaded} uploaded, ${mounted} mounted, ${existing} already there)  ${r.digest}`;
}
