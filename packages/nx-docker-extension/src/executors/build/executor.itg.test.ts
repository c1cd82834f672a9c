import { logger, type ExecutorContext } from '@nx/devkit';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readImageSummary, summarizeLayout } from '../../oci/image-summary';
import { readJsonBlob, readManifest, readOciLayout, resolveLayoutImage, blobPath } from '../../oci/layout';
import type { ImageManifest } from '../../oci/types';
import { requireTestBed, uniqueRepo, type TestBed } from '../../test-support/test-bed';
import pushExecutor from '../push/executor';
import buildExecutor from './executor';
import type { BuildExecutorSchema } from './schema';

// The shape `docker extension init` and our generator produce: work on $BUILDPLATFORM, one RUN per platform.
const DOCKERFILE = `FROM --platform=$BUILDPLATFORM alpine AS ui
RUN mkdir -p /ui && echo '<h1>hello</h1>' > /ui/index.html
FROM alpine
LABEL org.opencontainers.image.title="My extension" \\
      com.docker.desktop.extension.api.version=">= 0.3.3"
COPY metadata.json docker.svg /
COPY --from=ui /ui /ui
RUN uname -m > /arch
`;

let bed: TestBed;
let root: string;
const projectRoot = 'packages/my-ext';

function context(): ExecutorContext {
  return {
    root,
    cwd: root,
    isVerbose: false,
    projectName: 'my-ext',
    projectsConfigurations: { version: 2, projects: { 'my-ext': { root: projectRoot } } },
    nxJsonConfiguration: {},
    projectGraph: { nodes: {}, dependencies: {} },
  };
}

function writeProject(image: string, dockerfile = DOCKERFILE) {
  const dir = join(root, projectRoot);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  writeFileSync(join(dir, 'docker.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(
    join(dir, 'metadata.json'),
    JSON.stringify({ icon: 'docker.svg', ui: { 'dashboard-tab': { title: 'My', root: '/ui', src: 'index.html' } } }),
  );
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'my-ext',
      version: '0.1.0',
      private: true,
      dockerExtension: { image, platforms: ['linux/amd64', 'linux/arm64'] },
    }),
  );
}

/** Everything the executor logged, and the result. */
async function build(options: BuildExecutorSchema) {
  const lines: string[] = [];
  const info = jest.spyOn(logger, 'info').mockImplementation((m) => void lines.push(String(m)));
  const error = jest.spyOn(logger, 'error').mockImplementation((m) => void lines.push(String(m)));
  try {
    const result = await buildExecutor(
      { buildContexts: { alpine: `docker-image://${bed.baseImage}` }, ...options },
      context(),
    );
    if (process.env.NXDE_TEST_LOG) process.stdout.write(`--- build log ---\n${lines.join('\n')}\n`);
    return { ...result, log: lines.join('\n') };
  } finally {
    info.mockRestore();
    error.mockRestore();
  }
}

/** A file from the top layer of one platform's image (via the system tar). */
async function fileInTopLayer(layoutDir: string, platform: string, file: string): Promise<string> {
  const layout = await readOciLayout(layoutDir);
  const { index } = await resolveLayoutImage(layout);
  const descriptor = index.manifests.find((d) => `${d.platform?.os}/${d.platform?.architecture}` === platform);
  if (!descriptor) throw new Error(`no ${platform} in ${layoutDir}`);
  const manifest: ImageManifest = await readManifest(layout, descriptor);
  const top = manifest.layers[manifest.layers.length - 1];
  return execFileSync('tar', ['-xzOf', blobPath(layout, top.digest), file], { encoding: 'utf8' });
}

beforeAll(() => {
  bed = requireTestBed();
});

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'nxde-build-'));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('build executor on the real engine', () => {
  it('builds linux/amd64 + linux/arm64 into dist/<root>/image and writes a matching image.json', async () => {
    const image = `${bed.registry}/${uniqueRepo('build')}`;
    writeProject(image);
    const result = await build({});
    expect(result.log).toContain(`my-ext: built linux/amd64, linux/arm64 → dist/${projectRoot}/image`);
    expect(result.success).toBe(true);

    const layoutDir = join(root, 'dist', projectRoot, 'image');
    const summary = await readImageSummary(join(root, 'dist', projectRoot, 'image.json'));
    expect(summary.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);
    expect(summary.tags).toEqual([`${image}:0.1.0`]);
    expect(summary.attestations).toBe(0);
    expect(summary).toEqual(await summarizeLayout(await readOciLayout(layoutDir), [`${image}:0.1.0`]));
    // The final stage's RUN really ran per platform (arm64 under QEMU).
    expect(await fileInTopLayer(layoutDir, 'linux/amd64', 'arch')).toBe('x86_64\n');
    expect(await fileInTopLayer(layoutDir, 'linux/arm64', 'arch')).toBe('aarch64\n');
    const config = await readJsonBlob<{ config: { Labels: Record<string, string> } }>(
      await readOciLayout(layoutDir),
      (
        await readManifest(
          await readOciLayout(layoutDir),
          (await resolveLayoutImage(await readOciLayout(layoutDir))).index.manifests[0],
        )
      ).config,
    );
    expect(config.config.Labels['org.opencontainers.image.title']).toBe('My extension');
    // Nothing but the artifact is left in dist/ (no staging folders, no BuildKit ingest folder).
    expect(readdirSync(join(root, 'dist', projectRoot)).sort()).toEqual(['image', 'image.json']);
    expect(readdirSync(layoutDir).sort()).toEqual(['blobs', 'index.json', 'oci-layout']);

    // What build wrote, pushed by the push executor, read back by Docker's own tool: the same index.
    const pushed = await pushExecutor({}, context());
    expect(pushed.success).toBe(true);
    const inspected = JSON.parse(
      execFileSync('docker', ['buildx', 'imagetools', 'inspect', `${image}:0.1.0`, '--format', '{{json .Manifest}}'], {
        encoding: 'utf8',
      }),
    );
    expect(inspected.digest).toBe(summary.indexDigest);
    expect(
      inspected.manifests.map((m: { digest: string; platform: { os: string; architecture: string } }) => [
        `${m.platform.os}/${m.platform.architecture}`,
        m.digest,
      ]),
    ).toEqual(summary.platforms.map((p) => [p.platform, p.digest]));
  });

  it('a one-platform build (a quick local build) is still an image index', async () => {
    writeProject(`${bed.registry}/${uniqueRepo('build-one')}`);
    const result = await build({ platforms: ['linux/arm64'] });
    expect(result.log).toContain('my-ext: built linux/arm64 → dist/packages/my-ext/image');
    const summary = await readImageSummary(join(root, 'dist', projectRoot, 'image.json'));
    expect(summary.platforms.map((p) => p.platform)).toEqual(['linux/arm64']);
    expect(summary.indexMediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(await fileInTopLayer(join(root, 'dist', projectRoot, 'image'), 'linux/arm64', 'arch')).toBe('aarch64\n');
  });

  it('a failing build (COPY source missing) leaves the previous artifact intact and explains the failure', async () => {
    writeProject(`${bed.registry}/${uniqueRepo('build-fail')}`);
    expect((await build({})).success).toBe(true);
    const dist = join(root, 'dist', projectRoot);
    const before = {
      index: readFileSync(join(dist, 'image', 'index.json'), 'utf8'),
      summary: readFileSync(join(dist, 'image.json'), 'utf8'),
    };

    writeFileSync(
      join(root, projectRoot, 'Dockerfile'),
      DOCKERFILE.replace('COPY metadata.json', 'COPY missing.txt metadata.json'),
    );
    const failed = await build({});
    expect(failed.success).toBe(false);
    expect(failed.log).toContain('docker buildx build failed (exit 1).');
    expect(failed.log).toMatch(
      /buildx: ERROR: failed to solve: failed to compute cache key: .*"\/missing.txt": not found/,
    );
    expect(failed.log).toContain(
      `→ 'missing.txt' is not in the build context ${projectRoot} (COPY missing.txt metadata.json docker.svg /)`,
    );

    expect(readFileSync(join(dist, 'image', 'index.json'), 'utf8')).toBe(before.index);
    expect(readFileSync(join(dist, 'image.json'), 'utf8')).toBe(before.summary);
    expect(readdirSync(dist).sort()).toEqual(['image', 'image.json']);
    await expect(resolveLayoutImage(await readOciLayout(join(dist, 'image')))).resolves.toBeDefined();
  });

  it('stops before any work for a builder that does not exist, with the commands to fix it', async () => {
    writeProject(`${bed.registry}/${uniqueRepo('build-builder')}`);
    const result = await build({ builder: 'nxde-no-such-builder' });
    expect(result.success).toBe(false);
    expect(result.log).toBe(
      "Builder 'nxde-no-such-builder' (option builder) does not exist.\n" +
        '  List the builders: docker buildx ls\n' +
        '  Create it:         docker buildx create --name nxde-no-such-builder --driver docker-container --platform linux/amd64,linux/arm64 --bootstrap\n' +
        '  Or leave out the builder option to use the current builder.',
    );
    expect(() => readdirSync(join(root, 'dist'))).toThrow();
  });

  it('names the missing Dockerfile and rejects an empty platform list before any work', async () => {
    writeProject(`${bed.registry}/${uniqueRepo('build-bad')}`);
    rmSync(join(root, projectRoot, 'Dockerfile'));
    expect((await build({})).log).toBe(
      `my-ext: Dockerfile ${projectRoot}/Dockerfile does not exist. Create it, or point the build option "dockerfile" at it.`,
    );
    expect((await build({ platforms: [] })).log).toContain('my-ext: option platforms is empty.');
    expect((await build({ tags: ['acme/My-Ext:1'] })).log).toContain('has upper-case letters');
  });

  it('passes secrets by reference (never printed), prints the exact argv with verbose, and loads into the engine', async () => {
    const image = `${bed.registry}/${uniqueRepo('build-secret')}`;
    const dockerfile = `FROM --platform=$BUILDPLATFORM alpine AS check
RUN --mount=type=secret,id=token,required=true wc -c < /run/secrets/token > /secret-length
FROM alpine
COPY metadata.json docker.svg /
COPY --from=check /secret-length /secret-length
`;
    writeProject(image, dockerfile);
    const written: string[] = [];
    const out = jest.spyOn(process.stdout, 'write').mockImplementation((c) => (written.push(String(c)), true));
    const err = jest.spyOn(process.stderr, 'write').mockImplementation((c) => (written.push(String(c)), true));
    process.env.NXDE_TEST_TOKEN = 's3cret-value-123';
    let result;
    try {
      result = await build({
        secrets: { token: { env: 'NXDE_TEST_TOKEN' } },
        verbose: true,
        progress: 'plain',
        load: true,
      });
    } finally {
      out.mockRestore();
      err.mockRestore();
      delete process.env.NXDE_TEST_TOKEN;
    }
    expect(result.log).toContain('my-ext: built linux/amd64, linux/arm64');
    expect(result.log).toMatch(
      /\$ docker buildx build --file packages\/my-ext\/Dockerfile --platform linux\/amd64,linux\/arm64 --tag \S+:0\.1\.0 --build-context alpine=docker-image:\/\/\S+ --secret id=token,env=NXDE_TEST_TOKEN --provenance=false --sbom=false --progress plain --output type=oci,tar=false,dest=dist\/packages\/my-ext\/image\.building-[\w-]+ packages\/my-ext\n/,
    );
    // load: a second build of the engine's platform (from cache) into the engine's image store.
    expect(result.log).toMatch(
      /\$ docker buildx build --file \S+ --platform linux\/amd64 --tag \S+ .* --load packages\/my-ext\n/,
    );
    expect(result.log).toContain(`loaded linux/amd64 into the engine as ${image}:0.1.0`);
    expect(result.success).toBe(true);
    expect(written.join('')).toContain('exporting to oci image format');
    expect(`${written.join('')}\n${result.log}`).not.toContain('s3cret-value-123');
    // The secret arrived (its length), and went into no layer or build arg.
    const layoutDir = join(root, 'dist', projectRoot, 'image');
    expect((await fileInTopLayer(layoutDir, 'linux/arm64', 'secret-length')).trim()).toBe('16');
    const arch = execFileSync('docker', ['image', 'inspect', '--format', '{{.Architecture}}', `${image}:0.1.0`], {
      encoding: 'utf8',
    });
    expect(arch.trim()).toBe('amd64');
    execFileSync('docker', ['image', 'rm', `${image}:0.1.0`], { stdio: 'ignore' });
  });

  it('SOURCE_DATE_EPOCH makes two cold builds byte-identical; provenance adds attestations, not platforms', async () => {
    writeProject(`${bed.registry}/${uniqueRepo('build-repro')}`);
    const dist = join(root, 'dist', projectRoot, 'image.json');
    process.env.SOURCE_DATE_EPOCH = '1700000000';
    let first, second;
    try {
      expect((await build({ noCache: true })).success).toBe(true);
      first = await readImageSummary(dist);
      expect((await build({ noCache: true })).success).toBe(true);
      second = await readImageSummary(dist);
    } finally {
      delete process.env.SOURCE_DATE_EPOCH;
    }
    expect(second.indexDigest).toBe(first.indexDigest);

    expect((await build({ provenance: true })).success).toBe(true);
    const attested = await readImageSummary(dist);
    expect(attested.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);
    expect(attested.attestations).toBe(2);
  });
});
