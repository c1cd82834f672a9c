import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTestBed, uniqueRepo, TestBed } from '../../../packages/nx-docker-extension/src/test-support/test-bed';

// Proves the test bed itself: a real two-platform build with a $BUILDPLATFORM stage and an emulated
// RUN step in the final stage, pushed to the real local registry, read back through the registry API.

const INDEX_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function registryJson(bed: TestBed, path: string): Promise<any> {
  const res = await fetch(`http://${bed.registry}/v2/${path}`, { headers: { Accept: INDEX_TYPES } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
  return res.json();
}

async function registryBlob(bed: TestBed, repo: string, digest: string): Promise<Buffer> {
  const res = await fetch(`http://${bed.registry}/v2/${repo}/blobs/${digest}`);
  if (!res.ok) throw new Error(`GET blob ${digest}: ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

/** The content of `file` in the image's layers (the last layer that has it), using the tar CLI. */
async function fileInImage(bed: TestBed, repo: string, manifest: { layers: { digest: string }[] }, file: string) {
  let found: string | undefined;
  for (const layer of manifest.layers) {
    const blob = await registryBlob(bed, repo, layer.digest);
    try {
      found = execFileSync('tar', ['-xzOf', '-', file], { input: blob, stdio: ['pipe', 'pipe', 'ignore'] }).toString();
    } catch {
      /* not in this layer */
    }
  }
  return found;
}

describe('the Docker test bed', () => {
  let bed: TestBed;
  let dir: string;
  beforeAll(() => {
    bed = requireTestBed();
    dir = mkdtempSync(join(tmpdir(), 'nxde-testbed-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds two platforms (a $BUILDPLATFORM stage, an emulated RUN in the final stage) and pushes them', async () => {
    writeFileSync(
      join(dir, 'Dockerfile'),
      [
        'FROM --platform=$BUILDPLATFORM busybox AS prepare',
        'ARG TARGETARCH',
        'RUN echo "for=$TARGETARCH on=$(uname -m)" > /prepared.txt',
        '',
        'FROM busybox',
        'COPY --from=prepare /prepared.txt /prepared.txt',
        'RUN uname -m > /arch.txt',
        '',
      ].join('\n'),
    );
    const repo = uniqueRepo('testbed');
    const ref = `${bed.registry}/${repo}:1`;
    execFileSync(
      'docker',
      [
        'buildx',
        'build',
        '--platform',
        'linux/amd64,linux/arm64',
        '--build-context',
        `busybox=docker-image://${bed.baseImage}`,
        '--provenance=false',
        '--tag',
        ref,
        '--push',
        dir,
      ],
      { stdio: 'pipe' },
    );

    const index = await registryJson(bed, `${repo}/manifests/1`);
    const platforms = index.manifests.map(
      (m: { platform: { os: string; architecture: string } }) => `${m.platform.os}/${m.platform.architecture}`,
    );
    expect(platforms.sort()).toEqual(['linux/amd64', 'linux/arm64']);

    const byArch: Record<string, { arch?: string; prepared?: string }> = {};
    for (const m of index.manifests) {
      const manifest = await registryJson(bed, `${repo}/manifests/${m.digest}`);
      byArch[m.platform.architecture] = {
        arch: (await fileInImage(bed, repo, manifest, 'arch.txt'))?.trim(),
        prepared: (await fileInImage(bed, repo, manifest, 'prepared.txt'))?.trim(),
      };
    }
    // The final stage's RUN really ran per platform: under QEMU for arm64.
    expect(byArch.arm64.arch).toBe('aarch64');
    expect(byArch.amd64.arch).toBe('x86_64');
    // The $BUILDPLATFORM stage ran natively once per target, with TARGETARCH telling them apart.
    expect(byArch.arm64.prepared).toBe('for=arm64 on=x86_64');
    expect(byArch.amd64.prepared).toBe('for=amd64 on=x86_64');
  });
});
