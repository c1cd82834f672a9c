import { DockerignoreError } from './errors';
import { DockerignoreMatcher } from './matcher';
import { readDockerignore } from './read-dockerignore';

const matcher = (text: string) => new DockerignoreMatcher(readDockerignore(text));
const excluded = (text: string, paths: string[]) => paths.filter((p) => matcher(text).excludes(p));

describe("DockerignoreMatcher: the examples in Docker's .dockerignore documentation", () => {
  const docsExample = ['# comment', '*/temp*', '*/*/temp*', 'temp?'].join('\n');

  it('*/temp* excludes names starting with temp in any immediate subdirectory of the root', () => {
    expect(matcher(docsExample).excludes('somedir/temporary.txt')).toBe(true);
    expect(matcher(docsExample).excludes('somedir/temp')).toBe(true);
    expect(matcher(docsExample).excludes('somedir/temp/inside.txt')).toBe(true);
  });

  it('*/*/temp* excludes names starting with temp two levels below the root', () => {
    expect(matcher(docsExample).excludes('somedir/subdir/temporary.txt')).toBe(true);
    expect(matcher(docsExample).excludes('a/b/c/temporary.txt')).toBe(false);
  });

  it('temp? excludes one-character extensions of temp in the root only', () => {
    expect(excluded(docsExample, ['tempa', 'tempb', 'temp', 'tempab', 'x/y/z/tempa'])).toEqual(['tempa', 'tempb']);
  });

  it('the comment line matches nothing', () => {
    expect(matcher(docsExample).excludes('# comment')).toBe(false);
  });

  it('**/*.go excludes .go files anywhere, the root included', () => {
    expect(excluded('**/*.go', ['main.go', 'a/b/c.go', 'a/b/c.gox', 'go'])).toEqual(['main.go', 'a/b/c.go']);
  });

  it('*.md with !README.md: markdown right below the root excluded except README.md; subdirectories untouched', () => {
    const text = '*.md\n!README.md\n';
    expect(excluded(text, ['CHANGELOG.md', 'README.md', 'docs/guide.md'])).toEqual(['CHANGELOG.md']);
  });

  it('*.md, !README*.md, README-secret.md: no markdown except README files other than README-secret.md', () => {
    const text = '*.md\n!README*.md\nREADME-secret.md\n';
    expect(excluded(text, ['CHANGELOG.md', 'README.md', 'README-dev.md', 'README-secret.md'])).toEqual([
      'CHANGELOG.md',
      'README-secret.md',
    ]);
  });

  it('*.md, README-secret.md, !README*.md: the last line wins, so every README is included', () => {
    const text = '*.md\nREADME-secret.md\n!README*.md\n';
    expect(excluded(text, ['CHANGELOG.md', 'README.md', 'README-secret.md'])).toEqual(['CHANGELOG.md']);
  });

  it('/foo/bar and foo/bar both exclude bar in the foo subdirectory', () => {
    expect(matcher('/foo/bar').excludes('foo/bar')).toBe(true);
    expect(matcher('foo/bar').excludes('foo/bar')).toBe(true);
    expect(matcher('/foo/bar').excludes('x/foo/bar')).toBe(false);
  });
});

describe('DockerignoreMatcher: pattern semantics', () => {
  it('a pattern is anchored at the context root (node_modules does not reach ui/node_modules)', () => {
    expect(excluded('node_modules', ['node_modules/x/index.js', 'ui/node_modules/x/index.js'])).toEqual([
      'node_modules/x/index.js',
    ]);
    expect(excluded('**/node_modules', ['node_modules/x/index.js', 'ui/node_modules/x/index.js'])).toHaveLength(2);
  });

  it('a matching directory excludes everything below it', () => {
    expect(excluded('dist', ['dist/a/b/c.js', 'dist', 'distx/a.js'])).toEqual(['dist/a/b/c.js', 'dist']);
  });

  it('* and ? never cross a slash', () => {
    expect(excluded('a*c', ['abc', 'a/c', 'a/bc'])).toEqual(['abc']);
    expect(excluded('a?c', ['abc', 'a/c'])).toEqual(['abc']);
  });

  it('** spans zero or more directories in the middle', () => {
    expect(excluded('a/**/z', ['a/z', 'a/b/z', 'a/b/c/z', 'b/a/z'])).toEqual(['a/z', 'a/b/z', 'a/b/c/z']);
  });

  it('a trailing ** matches everything below the directory, not the directory itself', () => {
    const m = matcher('a/**');
    expect(m.excludes('a/x')).toBe(true);
    expect(m.excludes('a/x/y')).toBe(true);
    expect(m.excludes('a')).toBe(false);
  });

  it('a lone ** matches everything', () => {
    expect(excluded('**', ['x', 'a/b/c'])).toEqual(['x', 'a/b/c']);
  });

  it('character classes and ranges, with ^ negation', () => {
    expect(excluded('file[0-9].txt', ['file1.txt', 'filex.txt'])).toEqual(['file1.txt']);
    expect(excluded('file[^0-9].txt', ['file1.txt', 'filex.txt'])).toEqual(['filex.txt']);
  });

  it('a backslash escapes the next character', () => {
    expect(excluded('\\*.txt', ['*.txt', 'a.txt'])).toEqual(['*.txt']);
  });

  it('regex characters with no meaning in Go patterns are literal', () => {
    expect(excluded('a+b(c).{d}|$', ['a+b(c).{d}|$', 'aab(c)x{d}|$'])).toEqual(['a+b(c).{d}|$']);
  });

  it('an exception re-includes a file inside an excluded directory (parents count for every pattern)', () => {
    const text = 'docs\n!docs/keep.md\n';
    expect(excluded(text, ['docs/a.md', 'docs/keep.md'])).toEqual(['docs/a.md']);
  });

  it('an exception on a directory re-includes what is below it', () => {
    const text = '*\n!src\n';
    expect(excluded(text, ['src/a.ts', 'src/b/c.ts', 'other.txt', 'lib/x.ts'])).toEqual(['other.txt', 'lib/x.ts']);
  });

  it('patterns outside the context (../x) and . match nothing', () => {
    expect(excluded('../x\n.\n', ['x', 'a/x', 'a'])).toEqual([]);
  });

  it('rejects what Docker rejects, naming the pattern', () => {
    expect(() => matcher('!')).toThrow(DockerignoreError);
    expect(() => matcher('!')).toThrow('illegal exclusion pattern: "!"');
    expect(() => matcher('[abc')).toThrow(/syntax error in pattern "\[abc"/);
    expect(() => matcher('a[]')).toThrow(DockerignoreError);
    expect(() => matcher('a[b-]')).toThrow(DockerignoreError);
    expect(() => matcher('abc\\')).toThrow(/lone \\/);
  });
});

describe('DockerignoreMatcher.excludesBelow (the walk BuildKit does)', () => {
  it('gives the same answers as excludes() when walking down from the root', () => {
    const text = '*\n!src\nsrc/**/*.test.ts\n!src/keep.test.ts\n';
    const m = matcher(text);
    const paths = ['src/a.ts', 'src/a.test.ts', 'src/keep.test.ts', 'src/x/y.test.ts', 'top.txt'];
    for (const path of paths) {
      let parent: readonly boolean[] | undefined;
      const parts = path.split('/');
      for (let i = 1; i < parts.length; i++) parent = m.excludesBelow(parts.slice(0, i).join('/'), parent).matches;
      expect([path, m.excludesBelow(path, parent).excluded]).toEqual([path, m.excludes(path)]);
    }
  });
});
