import { DockerignoreError } from './errors';

/** One .dockerignore line after cleaning: what it matches and whether it is an exception (`!`). */
export interface IgnorePattern {
  /** The cleaned pattern without its `!`. */
  readonly text: string;
  readonly exception: boolean;
  /** True when the slash path (relative to the context) matches this pattern by itself. */
  matches(path: string): boolean;
}

// Regex-special characters that mean nothing in a Go filepath pattern, escaped as Docker does.
// `^` is deliberately not among them: Docker passes it through, so it anchors outside a class.
const LITERAL_IN_REGEX = new Set(['.', '+', '(', ')', '|', '{', '}', '$']);

function escapeRegExpChar(ch: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch;
}

/**
 * The syntax errors Go's filepath.Match reports (Docker calls it on every pattern first):
 * a trailing `\`, an unterminated or empty `[...]` class, a range with a missing end.
 */
function goPatternSyntaxError(pattern: string): string | undefined {
  const chars = [...pattern];
  let i = 0;
  const classChar = (): string | undefined => {
    const ch = chars[i];
    if (ch === undefined || ch === '-' || ch === ']') return 'a character class is empty or has a misplaced - or ]';
    i++;
    if (ch === '\\') {
      if (chars[i] === undefined) return 'a character class ends in \\';
      i++;
    }
    if (chars[i] === undefined) return 'a character class [ is not closed with ]';
    return undefined;
  };
  while (i < chars.length) {
    const ch = chars[i++];
    if (ch === '\\') {
      if (i >= chars.length) return 'it ends in a lone \\';
      i++;
    } else if (ch === '[') {
      if (chars[i] === '^') i++;
      for (let ranges = 0; ; ranges++) {
        if (chars[i] === ']' && ranges > 0) {
          i++;
          break;
        }
        const lo = classChar();
        if (lo) return lo;
        if (chars[i] === '-') {
          i++;
          const hi = classChar();
          if (hi) return hi;
        }
      }
    }
  }
  return undefined;
}

type MatchKind = 'exact' | 'prefix' | 'suffix' | 'regexp';

/**
 * Compiles one cleaned pattern exactly as moby/patternmatcher does: `*` and `?` stop at `/`,
 * `**` spans any number of directories (a trailing `**` matches everything below, a leading
 * `**` any depth), `[...]` classes and `\` escapes as in Go's filepath.Match.
 */
export function compilePattern(cleaned: string): IgnorePattern {
  let text = cleaned;
  const exception = text.startsWith('!');
  if (exception) {
    if (text.length === 1) throw new DockerignoreError('illegal exclusion pattern: "!"', cleaned);
    text = text.slice(1);
  }
  const syntaxError = goPatternSyntaxError(text);
  if (syntaxError) throw new DockerignoreError(`syntax error in pattern "${cleaned}": ${syntaxError}`, cleaned);

  const chars = [...text];
  let source = '^';
  let kind: MatchKind = 'exact';
  for (let i = 0, pos = 0; pos < chars.length; i++) {
    const ch = chars[pos++];
    if (ch === '*') {
      if (chars[pos] === '*') {
        pos++;
        if (chars[pos] === '/') pos++; // `**/` is treated as `**`
        if (pos >= chars.length) {
          if (kind === 'exact') kind = 'prefix';
          else {
            source += '.*';
            kind = 'regexp';
          }
        } else {
          source += '(.*/)?';
          kind = 'regexp';
        }
        if (i === 0) kind = 'suffix';
      } else {
        source += '[^/]*';
        kind = 'regexp';
      }
    } else if (ch === '?') {
      source += '[^/]';
      kind = 'regexp';
    } else if (LITERAL_IN_REGEX.has(ch)) {
      source += `\\${ch}`;
    } else if (ch === '\\') {
      if (pos < chars.length) {
        source += escapeRegExpChar(chars[pos++]);
        kind = 'regexp';
      } else {
        source += '\\\\';
      }
    } else if (ch === '[' || ch === ']') {
      source += ch;
      kind = 'regexp';
    } else {
      source += ch === '/' ? '\\/' : ch;
    }
  }

  let matches: (path: string) => boolean;
  if (kind === 'exact') {
    matches = (path) => path === text;
  } else if (kind === 'prefix') {
    const prefix = text.slice(0, -2);
    matches = (path) => path.startsWith(prefix);
  } else if (kind === 'suffix') {
    const suffix = text.slice(2);
    matches = (path) => path.endsWith(suffix) || (suffix.startsWith('/') && path === suffix.slice(1));
  } else {
    let regexp: RegExp;
    try {
      regexp = new RegExp(`${source}$`);
    } catch (err) {
      throw new DockerignoreError(`syntax error in pattern "${cleaned}": ${(err as Error).message}`, cleaned);
    }
    matches = (path) => regexp.test(path);
  }
  return { text, exception, matches };
}
