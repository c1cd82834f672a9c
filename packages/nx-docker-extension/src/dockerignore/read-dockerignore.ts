import { cleanPath } from './clean-path';

/**
 * The patterns of a .dockerignore file, read the way Docker reads it: a UTF-8 BOM dropped, lines
 * starting with `#` skipped (before trimming, so ` #x` is a pattern), whitespace trimmed, blank
 * lines skipped, each pattern cleaned like Go's filepath.Clean with a leading `/` removed, and a
 * leading `!` (an exception) kept in front of the cleaned pattern.
 */
export function readDockerignore(text: string): string[] {
  const patterns: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const rawLine of lines) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.startsWith('#')) continue;
    let pattern = line.trim();
    if (pattern === '') continue;
    const exception = pattern.startsWith('!');
    if (exception) pattern = pattern.slice(1).trim();
    if (pattern.length > 0) {
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    }
    patterns.push(exception ? `!${pattern}` : pattern);
  }
  return patterns;
}
