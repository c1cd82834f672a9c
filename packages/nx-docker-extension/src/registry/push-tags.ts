// Which tags a push may write, decided on plain data: valid references, no lone `latest`, published versions immutable.
import { valid as validSemver } from 'semver';
import { ImageReference, formatImageReference, parseImageReference } from './image-reference';

export class PushRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PushRefusedError';
  }
}

/** Parses the tags to push; every one needs an explicit tag and no digest. Duplicates collapse. */
export function parsePushTags(tags: readonly string[], allowLatest: boolean): ImageReference[] {
  if (!Array.isArray(tags) || tags.length === 0) {
    throw new PushRefusedError(
      'No tags to push. Set the push option tags (e.g. ["127.0.0.1:5000/acme/my-ext:1.0.0"]) or build with tags so image.json lists them.',
    );
  }
  const refs: ImageReference[] = [];
  const seen = new Set<string>();
  for (const tag of tags) {
    const ref = parseImageReference(tag);
    if (ref.digest) {
      throw new PushRefusedError(`Tag '${tag}' names a digest; push writes tags. Leave out '@${ref.digest}'.`);
    }
    if (!ref.tag) {
      throw new PushRefusedError(`Tag '${tag}' has no tag part. Write it with a version, e.g. '${tag}:1.0.0'.`);
    }
    const key = formatImageReference(ref);
    if (!seen.has(key)) refs.push(ref);
    seen.add(key);
  }
  if (!allowLatest && refs.every((r) => r.tag === 'latest')) {
    throw new PushRefusedError(
      `Only 'latest' would be pushed (${refs.map(formatImageReference).join(', ')}). 'latest' is not a release: add a semver tag such as ':1.0.0', or set allowLatest to push it alone.`,
    );
  }
  return refs;
}

/** Semver tags are releases: once published they must keep pointing at the same content. */
export function isReleaseTag(tag: string): boolean {
  return validSemver(tag) !== null;
}

export type TagDecision = { action: 'push' } | { action: 'unchanged' } | { action: 'refuse'; reason: string };

/** What to do with one tag given what the registry holds under it now (undefined: nothing). */
export function decideTag(
  ref: ImageReference,
  existingDigest: string | undefined,
  localDigest: string,
  force: boolean,
): TagDecision {
  if (existingDigest === localDigest) return { action: 'unchanged' };
  if (existingDigest === undefined || force || !isReleaseTag(ref.tag ?? '')) return { action: 'push' };
  return {
    action: 'refuse',
    reason: `${formatImageReference(ref)} already points to ${existingDigest}, not to this build (${localDigest}). A published version never changes: raise the version, or push with force to overwrite it.`,
  };
}
