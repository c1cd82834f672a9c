import { filterBuildContext } from './build-context';
import { readDockerignore } from './read-dockerignore';

const files = [
  'Dockerfile',
  '.dockerignore',
  'metadata.json',
  'README.md',
  'CHANGELOG.md',
  'node_modules/react/index.js',
  'node_modules/react/package.json',
  'ui/index.html',
  'ui/node_modules/x/index.js',
  'ui/dist/index.js',
  'docs/a.md',
  'docs/keep.md',
  '.env.local',
];

describe('filterBuildContext', () => {
  it('lists an excluded directory once instead of every file below it', () => {
    const result = filterBuildContext(files, readDockerignore('node_modules\n**/node_modules\n'));
    expect(result.excludedDirectories).toEqual(['node_modules', 'ui/node_modules']);
    expect(result.excludedFiles).toEqual([]);
    expect(result.sent).not.toContain('node_modules/react/index.js');
    expect(result.sent).toContain('ui/index.html');
  });

  it('looks inside an excluded directory when a literal exception points into it', () => {
    const result = filterBuildContext(files, readDockerignore('docs\n!docs/keep.md\n'));
    expect(result.excludedDirectories).toEqual([]);
    expect(result.excludedFiles).toEqual(['docs/a.md']);
    expect(result.sent).toContain('docs/keep.md');
  });

  it('skips an excluded directory whole when no exception points into it, as BuildKit does', () => {
    // BuildKit never walks into docs/, so the exception cannot bring docs/keep.md back.
    const result = filterBuildContext(files, readDockerignore('docs\n!keep.md\n'));
    expect(result.excludedDirectories).toEqual(['docs']);
    expect(result.sent).not.toContain('docs/keep.md');
  });

  it('walks every directory when an exception has wildcards', () => {
    const result = filterBuildContext(files, readDockerignore('docs\n!**/keep.md\n'));
    expect(result.excludedDirectories).toEqual([]);
    expect(result.excludedFiles).toEqual(['docs/a.md']);
    expect(result.sent).toContain('docs/keep.md');
  });

  it('always sends the Dockerfile and .dockerignore, even under "*"', () => {
    const result = filterBuildContext(files, readDockerignore('*\n!ui\n'), ['Dockerfile', '.dockerignore']);
    expect(result.sent).toEqual([
      '.dockerignore',
      'Dockerfile',
      'ui/dist/index.js',
      'ui/index.html',
      'ui/node_modules/x/index.js',
    ]);
    expect(result.excludedDirectories).toEqual(['docs', 'node_modules']);
    expect(result.excludedFiles).toEqual(['.env.local', 'CHANGELOG.md', 'README.md', 'metadata.json']);
  });

  it('does not collapse a directory holding an always-sent file', () => {
    const result = filterBuildContext(['build/Dockerfile', 'build/x.txt'], readDockerignore('build\n'), [
      'build/Dockerfile',
    ]);
    expect(result).toEqual({ sent: ['build/Dockerfile'], excludedFiles: ['build/x.txt'], excludedDirectories: [] });
  });

  it('carries parent matches down as BuildKit does: a pattern repeated after an exception does not undo it', () => {
    // docs/keep.md: `docs` matched via the parent, `!docs/keep.md` re-included it, and the second `docs`
    // is only tested against the file itself there (BuildKit's MatchesUsingParentResults; proven in the itg test).
    const result = filterBuildContext(files, readDockerignore('docs\n!docs/keep.md\ndocs\n'));
    expect(result.sent).toContain('docs/keep.md');
    expect(result.excludedFiles).toEqual(['docs/a.md']);
  });

  it('with no .dockerignore everything is sent', () => {
    expect(filterBuildContext(files, [])).toEqual({
      sent: [...files].sort(),
      excludedFiles: [],
      excludedDirectories: [],
    });
  });

  it('.env* and *.pem style patterns only reach the root', () => {
    const result = filterBuildContext([...files, 'keys/a.pem', 'a.pem'], readDockerignore('.env*\n*.pem\n'));
    expect(result.excludedFiles).toEqual(['.env.local', 'a.pem']);
  });
});
