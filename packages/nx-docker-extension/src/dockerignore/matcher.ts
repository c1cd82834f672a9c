import { compilePattern, type IgnorePattern } from './pattern';

/** Which patterns matched a directory; its children inherit these matches (BuildKit's walk does the same). */
export type ParentMatches = readonly boolean[];

export interface MatchResult {
  excluded: boolean;
  /** Pass to the children of a directory. */
  matches: ParentMatches;
}

/** All patterns of one .dockerignore, in order. Throws DockerignoreError for a pattern Docker rejects. */
export class DockerignoreMatcher {
  readonly patterns: readonly IgnorePattern[];
  readonly hasExceptions: boolean;

  constructor(cleanedPatterns: readonly string[]) {
    this.patterns = cleanedPatterns.filter((p) => p.trim() !== '').map((p) => compilePattern(p.trim()));
    this.hasExceptions = this.patterns.some((p) => p.exception);
  }

  /**
   * Whether `path` (slash-separated, relative to the context) is left out of the context: the last
   * pattern matching it or one of its parent directories decides, an exception (`!`) re-including.
   */
  excludes(path: string): boolean {
    const parents = path.split('/').slice(0, -1);
    let excluded = false;
    for (const pattern of this.patterns) {
      // Only a pattern that can change the answer is evaluated, as in Docker.
      if (pattern.exception !== excluded) continue;
      let match = pattern.matches(path);
      for (let i = 1; !match && i <= parents.length; i++) match = pattern.matches(parents.slice(0, i).join('/'));
      if (match) excluded = !pattern.exception;
    }
    return excluded;
  }

  /**
   * `excludes` for a walk from the context root down, reusing the parent directory's matches
   * (moby/patternmatcher's MatchesUsingParentResults, which BuildKit's context walk uses).
   */
  excludesBelow(path: string, parent: ParentMatches | undefined): MatchResult {
    let excluded = false;
    const matches = new Array<boolean>(this.patterns.length).fill(false);
    this.patterns.forEach((pattern, i) => {
      let match = parent?.[i] ?? false;
      if (!match) {
        if (pattern.exception !== excluded) return;
        match = pattern.matches(path);
      }
      matches[i] = match;
      if (match) excluded = !pattern.exception;
    });
    return { excluded, matches };
  }

  /**
   * Whether BuildKit's walk may skip an excluded directory without looking inside: true unless an
   * exception could re-include something below it (a literal exception under it, or any exception
   * with wildcards, which BuildKit then checks path by path).
   */
  canSkipExcludedDirectory(dir: string): boolean {
    if (!this.hasExceptions) return true;
    const exceptions = this.patterns.filter((p) => p.exception).map((p) => withoutTrailingGlob(p.text));
    if (exceptions.some((p) => /[*[\]?^\\]/.test(p))) return false;
    return !exceptions.some((p) => `${p}/`.startsWith(`${dir}/`));
  }
}

function withoutTrailingGlob(pattern: string): string {
  const trimmed = pattern.endsWith('/**') ? pattern.slice(0, -3) : pattern;
  return trimmed.endsWith('/*') ? trimmed.slice(0, -2) : trimmed;
}
