import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { runProcess } from '../process/run-process';
import { requireTestBed } from '../test-support/test-bed';
import { filterBuildContext } from './build-context';
import { readDockerignore } from './read-dockerignore';

// The proof that filterBuildContext is Docker's semantics: BuildKit copies the context (`COPY . /`)
// into a local output, and the files it copied must be exactly the ones we say are sent.

const FILES = [
  'Dockerfile',
  '.dockerignore',
  'README.md',
  'README-secret.md',
  'README-dev.md',
  'CHANGELOG.md',
  'docs/guide.md',
  'docs/keep.md',
  'somedir/temporary.txt',
  'somedir/temp/inside.txt',
  'somedir/subdir/temporary.txt',
  'somedir/subdir/ok.txt',
  'tempa',
  'tempab',
  'main.go',
  'pkg/a/b.go',
  'pkg/a/b.txt',
  'ui/node_modules/x/index.js',
  'ui/dist/index.js',
  'ui/src/app.tsx',
  'node_modules/y/index.js',
  '.env',
  '.env.local',
  'notes (old)[1].txt',
];

const CASES: Record<string, string> = {
  'Docker docs: */temp*, */*/temp*, temp?': '# comment\n*/temp*\n*/*/temp*\ntemp?\n',
  'Docker docs: *.md, !README*.md, README-secret.md': '*.md\n!README*.md\nREADME-secret.md\n',
  'Docker docs: *.md, README-secret.md, !README*.md': '*.md\nREADME-secret.md\n!README*.md\n',
  '**/*.go and a leading slash': '**/*.go\n/ui/dist\n',
  'everything but ui, Dockerfile and .dockerignore excluded too': '*\n!ui\nui/node_modules\n',
  'directory excluded, literal exception inside': 'docs\n!docs/keep.md\n',
  'directory excluded, exception outside it (BuildKit skips the directory)': 'docs\n!keep.md\n',
  'directory excluded, wildcard exception': 'docs\n!**/keep.md\n',
  'generated extension style': 'node_modules\n**/node_modules\n.env*\n*.pem\nui/src\n',
  'special characters and escapes': 'notes (old)\\[1\\].txt\nsomedir/**\n!somedir/subdir/ok.txt\n',
  'trailing ** and parent exception order': 'pkg/**\n!pkg/a\npkg/a/*.txt\n',
  'a pattern repeated after an exception (parent matches carried down)': 'docs\n!docs/keep.md\ndocs\n',
};

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

describe('filterBuildContext agrees with BuildKit', () => {
  let work: string;
  beforeAll(() => {
    requireTestBed();
    work = mkdtempSync(join(tmpdir(), 'nxde-dockerignore-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it.each(Object.entries(CASES))('%s', async (name, dockerignore) => {
    const dir = join(work, name.replace(/[^a-z0-9]+/gi, '-'));
    const context = join(dir, 'context');
    for (const file of FILES) {
      mkdirSync(dirname(join(context, file)), { recursive: true });
      writeFileSync(join(context, file), file);
    }
    writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nCOPY . /\n');
    writeFileSync(join(context, '.dockerignore'), dockerignore);
    const out = join(dir, 'out');
    const result = await runProcess('docker', [
      'buildx',
      'build',
      '--no-cache',
      '-o',
      `type=local,dest=${out}`,
      context,
    ]);
    expect(result.stderr).toMatch(/DONE|naming to|exporting/);
    expect(result.exitCode).toBe(0);
    expect(listFiles(out)).toEqual(filterBuildContext(FILES, readDockerignore(dockerignore)).sent);
  });
});
