import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerignoreMatcher, readDockerignore } from '../../../packages/nx-docker-extension/src/dockerignore';
import { requireTestBed, type TestBed } from '../../../packages/nx-docker-extension/src/test-support/test-bed';
import { createTestWorkspace, type RunOutput, type TestWorkspace } from './test-workspace';
import {
  baseImageContexts,
  nxTasks,
  readJson,
  registryDigest,
  runIn,
  setBuildDefaults,
  uniqueNamespace,
} from './journey-support';

// The build target's inputs are honest: what Docker would build differently re-runs it, what
// Docker never sees does not, and a cache hit restores a complete image layout.

describe('build cache: inputs and outputs on the real engine', () => {
  let bed: TestBed;
  let ws: TestWorkspace;
  let namespace: string;
  const root = 'apps/solo';
  const nx = (args: string[], env: NodeJS.ProcessEnv = {}): RunOutput =>
    runIn(ws.dir, join(ws.dir, 'node_modules/.bin/nx'), args, { NX_TUI: 'false', FORCE_COLOR: '0', ...env });
  /** Runs `nx run solo:build …` and says whether the build came from the cache. */
  const build = (...extra: string[]): boolean => {
    const r = nx(['run', 'solo:build', ...extra]);
    if (r.exitCode !== 0) throw new Error(`build failed\n${r.stdout}\n${r.stderr}`);
    const task = nxTasks(r.stdout + r.stderr).find((t) => t.task === 'solo:build');
    if (!task) throw new Error(`no solo:build task in the output\n${r.stdout}`);
    return task.cached;
  };
  const edit = (file: string, change: (text: string) => string) => {
    const path = join(ws.dir, root, file);
    writeFileSync(path, change(readFileSync(path, 'utf8')));
  };

  beforeAll(() => {
    bed = requireTestBed();
    namespace = uniqueNamespace('cache');
    ws = createTestWorkspace({ name: 'nxde-cache' });
    for (const args of [
      ['g', 'nx-docker-extension:init', '--no-interactive'],
      [
        'g',
        'nx-docker-extension:extension',
        'solo',
        `--directory=${root}`,
        '--ui=html',
        '--backend=none',
        `--image=${bed.registry}/${namespace}/solo`,
        '--no-interactive',
      ],
    ]) {
      const r = nx(args);
      if (r.exitCode !== 0) throw new Error(`nx ${args.join(' ')} failed\n${r.stdout}\n${r.stderr}`);
    }
    setBuildDefaults(ws.dir, { buildContexts: baseImageContexts(ws.dir, [root], bed) });
  });
  afterAll(() => ws?.cleanup());

  it('builds once, then is a cache hit', () => {
    expect(build()).toBe(false);
    expect(build()).toBe(true);
  });

  it('changing a file of the build context re-runs build', () => {
    edit('ui/index.html', (t) => t.replace('</body>', '<p>v2</p></body>'));
    expect(build()).toBe(false);
    expect(build()).toBe(true);
  });

  it('adding or changing a file .dockerignore excludes is a cache hit', () => {
    // The generated .dockerignore leaves these out (checked with Docker's rules, whatever its exact lines).
    const ignored = new DockerignoreMatcher(
      readDockerignore(readFileSync(join(ws.dir, root, '.dockerignore'), 'utf8')),
    );
    expect([ignored.excludes('.env.local'), ignored.excludes('README.md')]).toEqual([true, true]);
    writeFileSync(join(ws.dir, root, '.env.local'), 'TOKEN=not-in-the-image\n');
    expect(build()).toBe(true);
    appendFileSync(join(ws.dir, root, '.env.local'), 'MORE=1\n');
    expect(build()).toBe(true);
    edit('README.md', (t) => `${t}\nMore words for people, none for the image.\n`);
    expect(build()).toBe(true);
  });

  it('changing the Dockerfile re-runs build', () => {
    edit('Dockerfile', (t) => `${t}\n# a comment is still a new Dockerfile\n`);
    expect(build()).toBe(false);
    expect(build()).toBe(true);
  });

  it('a build arg or other platforms re-run build; the same options again are a hit', () => {
    expect(build('--buildArgs.GREETING=hello')).toBe(false);
    expect(build('--buildArgs.GREETING=hello')).toBe(true);
    // The test bed's base image has two platforms; listing them the other way round is another platform option.
    expect(build('--platforms=linux/arm64,linux/amd64')).toBe(false);
    expect(build('--platforms=linux/arm64,linux/amd64')).toBe(true);
    expect(build()).toBe(true);
  });

  it('after rm -rf dist, a cache hit restores a complete layout that push then pushes', async () => {
    rmSync(join(ws.dir, 'dist'), { recursive: true, force: true });
    expect(build()).toBe(true);
    const layout = join(ws.dir, 'dist', root, 'image');
    const index = readJson(join(layout, 'index.json'));
    const summary = readJson(join(ws.dir, 'dist', root, 'image.json'));
    expect(summary.platforms.map((p: { platform: string }) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);
    // Every blob the index reaches is there: index → manifests → config and layers.
    for (const manifest of readJson(join(layout, 'blobs/sha256', index.manifests[0].digest.slice(7))).manifests) {
      const body = readJson(join(layout, 'blobs/sha256', manifest.digest.slice(7)));
      for (const blob of [body.config, ...body.layers]) {
        expect(existsSync(join(layout, 'blobs/sha256', blob.digest.slice(7)))).toBe(true);
      }
    }
    const push = nx(['run', 'solo:push', '--excludeTaskDependencies']);
    expect(push.exitCode).toBe(0);
    expect(push.stdout + push.stderr).toMatch(/solo:0\.1\.0\s+pushed/);
    expect(await registryDigest(`${bed.registry}/${namespace}/solo`, '0.1.0')).toBe(summary.indexDigest);
  });

  it('reproducible: with SOURCE_DATE_EPOCH two builds from scratch give the same index digest; without, they differ', () => {
    const fresh = (env: NodeJS.ProcessEnv) => {
      const r = nx(['run', 'solo:build', '--skip-nx-cache', '--noCache'], env);
      if (r.exitCode !== 0) throw new Error(`build failed\n${r.stdout}\n${r.stderr}`);
      return readJson(join(ws.dir, 'dist', root, 'image.json')).indexDigest as string;
    };
    const epoch = { SOURCE_DATE_EPOCH: '1700000000' };
    const push = () => {
      const r = nx([
        'run',
        'solo:push',
        '--excludeTaskDependencies',
        `--tags=${bed.registry}/${namespace}/repro:1.0.0`,
      ]);
      if (r.exitCode !== 0) throw new Error(`push failed\n${r.stdout}\n${r.stderr}`);
      return r.stdout + r.stderr;
    };
    const a = fresh(epoch);
    expect(push()).toMatch(/repro:1\.0\.0\s+pushed/);
    // Rebuilt from scratch (no Nx cache, no BuildKit cache), as on another machine: push has nothing to send.
    const b = fresh(epoch);
    expect(a).toBe(b);
    expect(push()).toMatch(/repro:1\.0\.0\s+unchanged\s+0 B uploaded/);
    const [c, d] = [fresh({ SOURCE_DATE_EPOCH: '' }), fresh({ SOURCE_DATE_EPOCH: '' })];
    expect(c).not.toBe(d);
    expect(c).not.toBe(a);
  });

  it('a Dockerfile or named context that project.json moves outside the folder is an input too', () => {
    // The generated Dockerfile, kept elsewhere, plus a file from a named context in another folder.
    const moved = 'docker/solo.Dockerfile';
    const dockerfile = readFileSync(join(ws.dir, root, 'Dockerfile'), 'utf8');
    mkdirSync(join(ws.dir, 'docker'), { recursive: true });
    mkdirSync(join(ws.dir, 'libs/shared'), { recursive: true });
    writeFileSync(join(ws.dir, moved), `${dockerfile}\nCOPY --from=shared note.txt /note.txt\n`);
    writeFileSync(join(ws.dir, 'libs/shared/note.txt'), 'one\n');
    const buildContexts = { ...baseImageContexts(ws.dir, [root], bed), shared: 'libs/shared' };
    writeFileSync(
      join(ws.dir, root, 'project.json'),
      JSON.stringify({ name: 'solo', targets: { build: { options: { dockerfile: moved, buildContexts } } } }),
    );
    expect(build()).toBe(false);
    expect(build()).toBe(true);
    writeFileSync(join(ws.dir, 'libs/shared/note.txt'), 'two\n');
    expect(build()).toBe(false);
    writeFileSync(join(ws.dir, moved), `${readFileSync(join(ws.dir, moved), 'utf8')}# changed\n`);
    expect(build()).toBe(false);
    expect(build()).toBe(true);
  });
});
