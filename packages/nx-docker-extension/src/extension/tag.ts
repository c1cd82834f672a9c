// Release tags: the Marketplace takes the greatest semver tag, so every release tag must be one.
import { valid } from 'semver';

export interface TagProblem {
  reference: string;
  found: string;
  expected: string;
}

const EXPECTED = 'a semver tag such as 1.2.3';

/** Checks the tag of a reference (`host:port/repo:tag`); a reference without a tag means `latest`. */
export function tagProblem(reference: string): TagProblem | undefined {
  const tag = tagOf(reference);
  if (tag === undefined) return undefined;
  if (tag.implicit) {
    return { reference, found: "no tag, which means 'latest'", expected: EXPECTED };
  }
  if (tag.tag === 'latest') return { reference, found: "'latest', which is not a release", expected: EXPECTED };
  if (valid(tag.tag) !== tag.tag) return { reference, found: `'${tag.tag}', not semver`, expected: EXPECTED };
  return undefined;
}

/** The tag of a reference; undefined for a digest reference (`repo@sha256:…`), which names no tag. */
export function tagOf(reference: string): { tag: string; implicit: boolean } | undefined {
  if (reference.includes('@')) return undefined;
  const slash = reference.lastIndexOf('/');
  const colon = reference.lastIndexOf(':');
  if (colon > slash) return { tag: reference.slice(colon + 1), implicit: false };
  return { tag: 'latest', implicit: true };
}
