import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { globWithWorkspaceContext } from 'nx/src/utils/workspace-context';
import { DockerignoreMatcher, readDockerignore } from '../dockerignore';
import { exclusionGlobs } from './ignore-globs';

process.env.NX_DAEMON = 'false';

const ALWAYS = ['Dockerfile', '.dockerignore', 'package.json'];

// Paths chosen to sit on both sides of every pattern below.
const PATHS = [
  'Dockerfile',
  '.dockerignore',
  'package.json',
  'README.md',
  'docs/a.md',
  'docs/deep/b.md',
  'dist/index.js',
  'distx/index.js',
  'ui/dist/index.js',
  'ui/node_modules/x/y.js',
  'node_modules/a/b.js',
  'somedir/temporary.txt',
  'somedir/temp/inside.txt',
  'somedir/subdir/temporary.txt',
  'tempa',
  'tempab',
  'temp/x',
  'main.go',
  'pkg/a/b.go',
  'pkg/a/b.gox',
  'a/b/c/z',
  'a/z',
  'file1.txt',
  'filex.txt',
  '.env',
  '.env.local',
  'keys/id_rsa.pub',
  'x/y/id_rsa',
  'key.pem',
  'sub/key.pem',
];

const CASES = [
  '*/temp*\n*/*/temp*\n',
  '**/*.go\n',
  'dist\n**/node_modules\n',
  '.env\n.env.*\n**/*.pem\n**/id_rsa*\n',
  'docs/**\n',
  'a/**/z\n',
  'file[0-9].txt\n',
  '*.md\n',
  'ui/dist\n/node_modules\n./tempa\n',
  '../outside\n.\n',
];

describe('exclusionGlobs', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'nxde-globs-'));
    writeFileSync(join(root, 'nx.json'), '{}');
    for (const path of PATHS) {
      mkdirSync(dirname(join(root, 'ctx', path)), { recursive: true });
      writeFileSync(join(root, 'ctx', path), path);
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(CASES)("Nx's own glob engine leaves out exactly what Docker leaves out: %j", async (text) => {
    const patterns = readDockerignore(text);
    const globs = exclusionGlobs(patterns, ALWAYS);
    expect(globs).toBeDefined();
    const included = await globWithWorkspaceContext(root, ['ctx/**/*', ...globs!.map((g) => `!ctx/${g}`)]);
    const matcher = new DockerignoreMatcher(patterns);
    // Nx never sees node_modules, so neither its hash nor this comparison includes them.
    const visible = PATHS.filter((p) => !p.split('/').includes('node_modules'));
    const expected = visible.filter((p) => !matcher.excludes(p)).map((p) => `ctx/${p}`);
    expect([...included].sort()).toEqual([...expected].sort());
  });

  it('gives up (undefined) on exceptions, on patterns excluding an always-input file and on ambiguous syntax', () => {
    expect(exclusionGlobs(readDockerignore('*.md\n!README.md\n'), ALWAYS)).toBeUndefined();
    expect(exclusionGlobs(readDockerignore('*\n'), ALWAYS)).toBeUndefined();
    expect(exclusionGlobs(readDockerignore('Docker*\n'), ALWAYS)).toBeUndefined();
    expect(exclusionGlobs(readDockerignore('notes(old)\n'), ALWAYS)).toBeUndefined();
    expect(exclusionGlobs(readDockerignore('a{b,c}\n'), ALWAYS)).toBeUndefined();
    expect(exclusionGlobs(readDockerignore('**.go\n'), ALWAYS)).toBeUndefined();
    expect(exclusionGlobs(readDockerignore('x[^a]y\n'), ALWAYS)).toBeUndefined();
    expect(exclusionGlobs(readDockerignore('\\*.txt\n'), ALWAYS)).toBeUndefined();
    expect(exclusionGlobs(readDockerignore('temp?\n'), ALWAYS)).toBeUndefined();
  });

  it('lists each exclusion with its subtree, sorted', () => {
    expect(exclusionGlobs(readDockerignore('dist\n**/node_modules\ndocs/**\n'), ALWAYS)).toEqual([
      '**/node_modules',
      '**/node_modules/**',
      'dist',
      'dist/**',
      'docs/**',
    ]);
  });
});
