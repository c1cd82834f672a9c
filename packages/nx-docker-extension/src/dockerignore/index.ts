/**
 * Docker's .dockerignore semantics, implemented here (pure):
 *
 *   readDockerignore(text: string): string[]                  // cleaned patterns, `!` kept
 *   new DockerignoreMatcher(patterns).excludes(path): boolean // last match wins, parents count
 *   filterBuildContext(files, patterns, alwaysSent?): { sent, excludedFiles, excludedDirectories }
 *   cleanPath(path): string                                   // Go's filepath.Clean
 */
export { readDockerignore } from './read-dockerignore';
export { DockerignoreMatcher, type MatchResult, type ParentMatches } from './matcher';
export { compilePattern, type IgnorePattern } from './pattern';
export { filterBuildContext, type BuildContextFiles } from './build-context';
export { cleanPath } from './clean-path';
export { DockerignoreError } from './errors';
