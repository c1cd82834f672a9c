import { ProjectRoots } from './project-roots';

describe('ProjectRoots', () => {
  const roots = new ProjectRoots({
    ext: { root: 'apps/ext' },
    'ext-ui': { root: 'apps/ext/ui' },
    lib: { root: 'libs/lib' },
    extra: { root: 'apps/extra' },
  });

  it('finds the project with the deepest root above a path', () => {
    expect(roots.owner('apps/ext/ui/dist/index.js')).toBe('ext-ui');
    expect(roots.owner('apps/ext/metadata.json')).toBe('ext');
    expect(roots.owner('apps/ext')).toBe('ext');
    expect(roots.owner('apps/extra/x')).toBe('extra');
    expect(roots.owner('apps/other/x')).toBeUndefined();
  });

  it('lists the projects strictly inside a folder, not its neighbours with a common prefix', () => {
    expect(roots.inside('apps/ext')).toEqual(['ext-ui']);
    expect(roots.inside('apps')).toEqual(['ext', 'ext-ui', 'extra']);
    expect(roots.inside('')).toEqual(['ext', 'ext-ui', 'extra', 'lib']);
  });

  it('a root project owns every path', () => {
    expect(new ProjectRoots({ root: { root: '.' } }).owner('a/b')).toBe('root');
  });
});
