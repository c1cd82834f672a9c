import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  AggregateCreateNodesError,
  type CreateNodesContextV2,
  type CreateNodesResult,
  type TargetConfiguration,
} from '@nx/devkit';
import { createNodes, createNodesV2 } from './create-nodes';

// createNodes reads real files through Nx's workspace context, so each test gets a folder on disk.
process.env.NX_DAEMON = 'false';

const DOCKERFILE = 'FROM alpine\nCOPY metadata.json /\n';
const METADATA = JSON.stringify({
  icon: 'docker.svg',
  ui: { 'dashboard-tab': { title: 'x', root: '/ui', src: 'index.html' } },
});

let workspaceRoot: string;
let context: CreateNodesContextV2;

function write(files: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(workspaceRoot, path)), { recursive: true });
    writeFileSync(join(workspaceRoot, path), text);
  }
}

function extension(root: string, extra: Record<string, string> = {}): Record<string, string> {
  const files: Record<string, string> = { [`${root}/Dockerfile`]: DOCKERFILE, [`${root}/metadata.json`]: METADATA };
  for (const [path, text] of Object.entries(extra)) files[`${root}/${path}`] = text;
  return files;
}

async function infer(files: string[], options?: Record<string, string>) {
  const results = await createNodesV2[1](files, options, context);
  const projects: Record<string, NonNullable<CreateNodesResult['projects']>[string]> = {};
  for (const [, result] of results) Object.assign(projects, result.projects);
  return projects;
}

beforeEach(() => {
  workspaceRoot = mkdtempSync(join(tmpdir(), 'nxde-create-nodes-'));
  write({ 'nx.json': '{}', 'package.json': '{"name":"ws","private":true}' });
  context = { workspaceRoot, nxJsonConfiguration: {} };
});
afterEach(() => {
  // Nx's native workspace context keeps writing under .nx/workspace-data for a moment after a test: a temp
  // folder that outlives its test is harmless, a test failed by its cleanup is not.
  try {
    rmSync(workspaceRoot, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch {
    // left in the OS temp folder
  }
});

describe('createNodesV2', () => {
  it('is registered for metadata.json files and exported under both names', () => {
    expect(createNodesV2[0]).toBe('**/metadata.json');
    expect(createNodes).toBe(createNodesV2);
  });

  it('makes a `docker extension init` folder (no package.json) a project named after the folder', async () => {
    write(extension('extensions/my-ext', { Makefile: 'IMAGE?=acme/my-ext\n', '.dockerignore': 'ui/node_modules\n' }));
    const projects = await infer(['extensions/my-ext/metadata.json']);
    const project = projects['extensions/my-ext'];
    expect(project.name).toBe('my-ext');
    expect(project.root).toBe('extensions/my-ext');
    expect(Object.keys(project.targets ?? {})).toEqual(['build', 'verify', 'push', 'verify-remote']);
    expect(project.metadata?.technologies).toEqual(['docker']);
  });

  it('names the project from package.json beside the Dockerfile, and project.json wins over both', async () => {
    write({
      ...extension('apps/a', { 'package.json': JSON.stringify({ name: '@acme/a-ext', version: '1.2.3' }) }),
      ...extension('apps/b', { 'package.json': '{"name":"b-pkg"}', 'project.json': '{"name":"b-project"}' }),
    });
    const projects = await infer(['apps/a/metadata.json', 'apps/b/metadata.json']);
    expect(projects['apps/a'].name).toBe('@acme/a-ext');
    expect(projects['apps/b'].name).toBe('b-project');
  });

  it('ignores a metadata.json with no Dockerfile beside it', async () => {
    write({ 'docs/metadata.json': '{}', 'other/Dockerfile': DOCKERFILE });
    expect(await infer(['docs/metadata.json'])).toEqual({});
  });

  it('gives build, verify and push with executors, cache, outputs, dependsOn and descriptions', async () => {
    write(
      extension('ext', {
        'package.json': JSON.stringify({
          name: 'ext',
          version: '0.1.0',
          dockerExtension: { image: 'acme/ext', platforms: ['linux/amd64', 'linux/arm64'] },
        }),
      }),
    );
    const { targets } = (await infer(['ext/metadata.json']))['ext'];
    const { build, verify, push, 'verify-remote': verifyRemote } = targets as Record<string, TargetConfiguration>;
    expect(build).toMatchObject({
      executor: 'nx-docker-extension:build',
      cache: true,
      dependsOn: ['^build'],
      outputs: ['{workspaceRoot}/dist/{projectRoot}/image', '{workspaceRoot}/dist/{projectRoot}/image.json'],
    });
    expect(build.metadata?.description).toContain('acme/ext:0.1.0 for linux/amd64, linux/arm64');
    expect(verify).toMatchObject({
      executor: 'nx-docker-extension:verify',
      cache: true,
      dependsOn: ['build'],
      inputs: [{ dependentTasksOutputFiles: '**/*' }],
      outputs: ['{workspaceRoot}/dist/{projectRoot}/verify.json'],
    });
    expect(push).toMatchObject({ executor: 'nx-docker-extension:push', cache: false, dependsOn: ['verify'] });
    // The registry is not hashable: a remote check is never replayed from the cache, nor overwrites verify.json.
    expect(verifyRemote).toMatchObject({
      executor: 'nx-docker-extension:verify-remote',
      cache: false,
      dependsOn: ['build'],
    });
    for (const target of [build, verify, push, verifyRemote]) {
      expect(target.metadata?.technologies).toEqual(['docker']);
      expect(target.metadata?.description).toMatch(/\S{10,}/);
    }
  });

  it("makes a context or Dockerfile that project.json moves outside the folder part of build's inputs", async () => {
    write({
      ...extension('apps/ext', {
        'project.json': JSON.stringify({
          name: 'ext',
          targets: { build: { options: { context: '.', dockerfile: 'docker/ext.Dockerfile' } } },
        }),
      }),
    });
    const { targets } = (await infer(['apps/ext/metadata.json']))['apps/ext'];
    expect(targets?.build.inputs).toEqual(
      expect.arrayContaining([
        '{workspaceRoot}/apps/ext/**/*',
        '{workspaceRoot}/**/*',
        '{workspaceRoot}/docker/ext.Dockerfile',
      ]),
    );
  });

  it('uses the target names from the plugin options', async () => {
    write(extension('ext'));
    const options = {
      buildTargetName: 'docker-build',
      verifyTargetName: 'docker-verify',
      pushTargetName: 'release',
      verifyRemoteTargetName: 'check-registry',
    };
    const { targets } = (await infer(['ext/metadata.json'], options))['ext'];
    expect(Object.keys(targets ?? {})).toEqual(['docker-build', 'docker-verify', 'release', 'check-registry']);
    expect(targets?.['check-registry'].dependsOn).toEqual(['docker-build']);
    expect(targets?.['docker-build'].dependsOn).toEqual(['^build', '^docker-build']);
    expect(targets?.['docker-verify'].dependsOn).toEqual(['docker-build']);
    expect(targets?.['release'].dependsOn).toEqual(['docker-verify']);
  });

  it('rejects plugin options that give two targets one name', async () => {
    write(extension('ext'));
    await expect(infer(['ext/metadata.json'], { verifyRemoteTargetName: 'verify' })).rejects.toThrow(
      /must differ; got build, verify, push, verify/,
    );
  });

  it('rejects plugin options that are not usable target names, naming the option', async () => {
    write(extension('ext'));
    await expect(infer(['ext/metadata.json'], { buildTargetName: 'no spaces' })).rejects.toThrow(
      /buildTargetName.*"no spaces"/,
    );
  });

  it('build inputs: the folder minus what .dockerignore excludes, exactly, plus env and dependency outputs', async () => {
    write(
      extension('ext', {
        '.dockerignore': '# generated\n**/.cache\n*.md\n!README.md\nsecrets\n',
        'README.md': 'r',
        'NOTES.md': 'n',
        'secrets/key.pem': 'k',
        'ui/index.html': '<html>',
        'ui/.cache/x/index.js': 'x',
        'ui/node_modules/y/index.js': 'Nx never sees node_modules',
      }),
    );
    const { targets } = (await infer(['ext/metadata.json']))['ext'];
    expect(targets?.build.inputs).toEqual([
      '{workspaceRoot}/ext/**/*',
      '!{workspaceRoot}/ext/secrets/**',
      '!{workspaceRoot}/ext/ui/.cache/**',
      '!{workspaceRoot}/ext/NOTES.md',
      { dependentTasksOutputFiles: '**/*' },
      { env: 'BUILDX_GIT_LABELS' },
      { env: 'SOURCE_DATE_EPOCH' },
    ]);
  });

  it('never excludes the Dockerfile, the ignore file or package.json from the inputs', async () => {
    write(extension('ext', { '.dockerignore': '*\n!ui\n', 'package.json': '{"name":"ext"}', 'ui/a.js': 'a' }));
    const inputs = (await infer(['ext/metadata.json']))['ext'].targets?.build.inputs;
    expect(inputs).toContain('!{workspaceRoot}/ext/metadata.json');
    for (const file of ['Dockerfile', '.dockerignore', 'package.json', 'ui/a.js']) {
      expect(inputs).not.toContain(`!{workspaceRoot}/ext/${file}`);
    }
  });

  it('prefers Dockerfile.dockerignore over .dockerignore, as BuildKit does', async () => {
    write(
      extension('ext', {
        'Dockerfile.dockerignore': 'a.txt\n',
        '.dockerignore': 'b.txt\n',
        'a.txt': 'a',
        'b.txt': 'b',
      }),
    );
    const { targets } = (await infer(['ext/metadata.json']))['ext'];
    expect(targets?.build.inputs).toContain('!{workspaceRoot}/ext/a.txt');
    expect(targets?.build.inputs).not.toContain('!{workspaceRoot}/ext/b.txt');
    expect(targets?.build.metadata?.description).toContain('Dockerfile.dockerignore');
  });

  it('escapes glob characters in excluded paths; a name Nx cannot exclude stays an input (never a stale image)', async () => {
    write(extension('ext', { '.dockerignore': 'notes*\n!notes.md\n', 'notes[1].txt': 'x', 'notes (old).txt': 'y' }));
    const inputs = (await infer(['ext/metadata.json']))['ext'].targets?.build.inputs;
    expect(inputs).toContain('!{workspaceRoot}/ext/notes\\[1\\].txt');
    expect(inputs?.filter((i) => typeof i === 'string' && i.includes('old'))).toEqual([]);
  });

  it('a .dockerignore without exceptions becomes pattern exclusions, valid for files added later', async () => {
    write(extension('ext', { '.dockerignore': '**/*.pem\ndist\n', 'a.pem': 'k' }));
    const inputs = (await infer(['ext/metadata.json']))['ext'].targets?.build.inputs;
    expect(inputs?.filter((i) => typeof i === 'string' && i.startsWith('!'))).toEqual([
      '!{workspaceRoot}/ext/**/*.pem',
      '!{workspaceRoot}/ext/**/*.pem/**',
      '!{workspaceRoot}/ext/dist',
      '!{workspaceRoot}/ext/dist/**',
    ]);
  });

  it('a metadata.json that is not JSON: the folder still gets targets that say why; others are unaffected', async () => {
    write({ ...extension('bad'), 'bad/metadata.json': '{ "icon": ', ...extension('good') });
    const projects = await infer(['bad/metadata.json', 'good/metadata.json']);
    expect(projects['bad'].targets?.build.metadata?.description).toMatch(/metadata\.json is not valid JSON/);
    expect(projects['good'].targets?.build.metadata?.description).not.toMatch(/fail/);
  });

  it('a Dockerfile that does not parse: the targets name the line and the problem', async () => {
    write(extension('bad', { Dockerfile: 'RUN echo before from\nFROM\n' }));
    const description = (await infer(['bad/metadata.json']))['bad'].targets?.build.metadata?.description;
    expect(description).toMatch(/Dockerfile line 1: RUN before the first FROM/);
  });

  it('a .dockerignore Docker would refuse: described, and the whole folder becomes the input', async () => {
    write(extension('bad', { '.dockerignore': '[abc\n', 'x.txt': 'x' }));
    const { targets } = (await infer(['bad/metadata.json']))['bad'];
    expect(targets?.build.metadata?.description).toMatch(/\.dockerignore: syntax error in pattern "\[abc"/);
    expect(targets?.build.inputs).toContain('{workspaceRoot}/bad/**/*');
    expect((targets?.build.inputs as unknown[]).filter((i) => typeof i === 'string' && i.startsWith('!'))).toEqual([]);
  });

  it('two folders with the same project name: one error naming both folders', async () => {
    write({ ...extension('team-a/my-ext'), ...extension('team-b/my-ext') });
    const files = ['team-a/my-ext/metadata.json', 'team-b/my-ext/metadata.json'];
    const error = await Promise.resolve()
      .then(() => createNodesV2[1](files, {}, context))
      .catch((e: unknown) => e);
    if (!(error instanceof AggregateCreateNodesError)) throw new Error('expected an AggregateCreateNodesError');
    expect(error.errors).toHaveLength(1);
    expect(error.errors[0][1].message).toMatch(/both named "my-ext": team-a\/my-ext .* and team-b\/my-ext/);
    expect(error.partialResults).toHaveLength(1);
  });

  it('is deterministic: same files, same output, whatever the order Nx passes them', async () => {
    write({ ...extension('a'), ...extension('b', { '.dockerignore': 'x\n', x: '1' }) });
    const first = await createNodesV2[1](['a/metadata.json', 'b/metadata.json'], {}, context);
    const second = await createNodesV2[1](['b/metadata.json', 'a/metadata.json'], {}, context);
    expect(second).toEqual(first);
    expect(JSON.stringify(first)).not.toContain(workspaceRoot);
  });

  it('keeps computed targets in the workspace data directory, keyed by the folder contents', async () => {
    write(extension('ext', { '.dockerignore': 'a.txt\n', 'a.txt': 'a' }));
    const before = await infer(['ext/metadata.json']);
    const cacheDir = join(workspaceRoot, '.nx/workspace-data');
    const { readdirSync, readFileSync } = await import('node:fs');
    const cacheFile = readdirSync(cacheDir).find((f) => f.startsWith('nx-docker-extension-'));
    expect(cacheFile).toBeDefined();
    expect(Object.keys(JSON.parse(readFileSync(join(cacheDir, cacheFile!), 'utf8')))).toHaveLength(1);
    // A new excluded file changes the folder's hash, so the inputs are computed again.
    write({ 'ext/.dockerignore': 'a.txt\nb.txt\n', 'ext/b.txt': 'b' });
    const { updateFilesInContext } = await import('nx/src/utils/workspace-context');
    updateFilesInContext(workspaceRoot, ['ext/.dockerignore', 'ext/b.txt'], []);
    const after = await infer(['ext/metadata.json']);
    expect(before['ext'].targets?.build.inputs).not.toContain('!{workspaceRoot}/ext/b.txt');
    expect(after['ext'].targets?.build.inputs).toContain('!{workspaceRoot}/ext/b.txt');
  });
});
