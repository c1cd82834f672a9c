import { DockerignoreMatcher } from '../dockerignore';

// Characters whose meaning differs between Docker patterns and Nx's glob engine (braces, extglobs,
// escapes, regex anchors; and `?`, which Nx 22 mishandles in an exclusion: `!dir/temp?` leaves
// `dir/tempa` in): a pattern using one is resolved file by file instead.
const NOT_TRANSLATABLE = /[(){}!@+,\\^$|?]/;

function translatePattern(pattern: string): string | undefined {
  if (pattern === '.' || pattern === '/' || pattern === '..' || pattern.startsWith('../')) return '';
  const text = pattern.replace(/\[\^/g, '[!');
  if (NOT_TRANSLATABLE.test(text.replace(/\[!/g, '['))) return undefined;
  // A negated class may match `/` in Docker; a class must close within its segment.
  if (/\[!/.test(text) || /\[[^\]]*(\/|$)/.test(text)) return undefined;
  // `**` means the same in both only as a whole path segment.
  if (text.split('/').some((segment) => segment.includes('**') && segment !== '**')) return undefined;
  return text;
}

/**
 * The Nx glob exclusions (relative to the build context) that leave out exactly what the
 * .dockerignore patterns leave out, whatever files exist now or later; undefined when no such
 * globs exist: exceptions (`!`), which Nx's order-free exclusions cannot express, syntax the two
 * glob dialects read differently, or a pattern excluding one of `alwaysInputs` (files that are
 * inputs whatever the patterns say). Then the caller resolves the patterns file by file.
 */
export function exclusionGlobs(patterns: readonly string[], alwaysInputs: readonly string[]): string[] | undefined {
  const matcher = new DockerignoreMatcher(patterns);
  if (matcher.hasExceptions) return undefined;
  if (alwaysInputs.some((file) => matcher.excludes(file))) return undefined;
  const globs = new Set<string>();
  for (const pattern of matcher.patterns) {
    const glob = translatePattern(pattern.text);
    if (glob === undefined) return undefined;
    if (glob === '') continue; // `.`, `/` and paths outside the context match no file
    // Docker also leaves out everything below a matching directory.
    globs.add(glob);
    globs.add(glob.endsWith('/**') ? glob : `${glob}/**`);
  }
  return [...globs].sort();
}
