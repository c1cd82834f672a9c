import { cleanPath } from './clean-path';
import { readDockerignore } from './read-dockerignore';

describe('cleanPath (Go filepath.Clean)', () => {
  it.each([
    ['', '.'],
    ['.', '.'],
    ['./foo', 'foo'],
    ['foo/', 'foo'],
    ['foo//bar', 'foo/bar'],
    ['foo/./bar', 'foo/bar'],
    ['foo/../bar', 'bar'],
    ['foo/..', '.'],
    ['../foo', '../foo'],
    ['a/../../b', '../b'],
    ['/../foo', '/foo'],
    ['/', '/'],
    ['/foo/bar/', '/foo/bar'],
  ])('%j -> %j', (input, expected) => {
    expect(cleanPath(input)).toBe(expected);
  });
});

describe('readDockerignore', () => {
  it('skips comments and blank lines, trims, and cleans each pattern', () => {
    const text = ['# comment', '', '   ', '  node_modules  ', './dist/', 'a//b/../c', '*.md', ''].join('\n');
    expect(readDockerignore(text)).toEqual(['node_modules', 'dist', 'a/c', '*.md']);
  });

  it('treats a leading / as the context root (Docker: /foo/bar and foo/bar are the same)', () => {
    expect(readDockerignore('/foo/bar\n/\n!/keep\n')).toEqual(['foo/bar', '/', '!keep']);
  });

  it('keeps the ! of an exception in front of the cleaned pattern, spaces after ! trimmed', () => {
    expect(readDockerignore('*.md\n!  ./README.md\n')).toEqual(['*.md', '!README.md']);
  });

  it('a # only starts a comment in the first column', () => {
    expect(readDockerignore('  #not-a-comment\n#comment\n')).toEqual(['#not-a-comment']);
  });

  it('handles CRLF line endings and a UTF-8 byte order mark', () => {
    expect(readDockerignore('\uFEFFsecret.txt\r\n!keep\r\n')).toEqual(['secret.txt', '!keep']);
  });

  it('keeps a lone ! so the matcher can reject it as Docker does', () => {
    expect(readDockerignore('!\n')).toEqual(['!']);
  });
});
