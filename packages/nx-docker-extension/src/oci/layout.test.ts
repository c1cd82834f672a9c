import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Digest } from './digest';
import { openBlob, readBlob, readOciLayout, resolveLayoutImage } from './layout';
import { summarizeLayout } from './image-summary';
import { MediaType } from './types';

function writeLayout(dir: string, blobs: Buffer[], top: object) {
  mkdirSync(join(dir, 'blobs/sha256'), { recursive: true });
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  for (const b of blobs) writeFileSync(join(dir, 'blobs/sha256', sha256Digest(b).slice(7)), b);
  writeFileSync(join(dir, 'index.json'), JSON.stringify(top));
}

function desc(mediaType: string, data: Buffer, extra: object = {}) {
  return { mediaType, digest: sha256Digest(data), size: data.length, ...extra };
}

describe('OCI layout', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nxde-layout-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function twoPlatformLayout() {
    const manifests = ['amd64', 'arm64'].map((arch) =>
      Buffer.from(
        JSON.stringify({ schemaVersion: 2, config: { digest: 'sha256:' + '0'.repeat(64), size: 1 }, layers: [], arch }),
      ),
    );
    const attestation = Buffer.from(JSON.stringify({ schemaVersion: 2, config: {}, layers: [] }));
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociIndex,
        manifests: [
          desc(MediaType.ociManifest, manifests[1], { platform: { os: 'linux', architecture: 'arm64' } }),
          desc(MediaType.ociManifest, manifests[0], { platform: { os: 'linux', architecture: 'amd64' } }),
          desc(MediaType.ociManifest, attestation, {
            platform: { os: 'unknown', architecture: 'unknown' },
            annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
          }),
        ],
      }),
    );
    writeLayout(dir, [...manifests, attestation, index], {
      schemaVersion: 2,
      manifests: [desc(MediaType.ociIndex, index)],
    });
    return { index };
  }

  it('resolves the image index and summarizes platforms, sorted, without attestations', async () => {
    const { index } = twoPlatformLayout();
    const layout = await readOciLayout(dir);
    const image = await resolveLayoutImage(layout);
    expect(image.descriptor.digest).toBe(sha256Digest(index));
    const summary = await summarizeLayout(layout, ['127.0.0.1:5000/acme/ext:0.1.0']);
    expect(summary.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);
    expect(summary.attestations).toBe(1);
    expect(summary.indexDigest).toBe(sha256Digest(index));
  });

  it('says to build when the layout is missing', async () => {
    await expect(readOciLayout(join(dir, 'nope'))).rejects.toThrow(/no 'oci-layout' file. Run the build target/);
  });

  it('refuses a blob whose bytes do not match its digest', async () => {
    const { index } = twoPlatformLayout();
    const layout = await readOciLayout(dir);
    writeFileSync(
      join(dir, 'blobs/sha256', sha256Digest(index).slice(7)),
      Buffer.from(index.toString().replace('arm64', 'arm65')),
    );
    await expect(resolveLayoutImage(layout)).rejects.toThrow(/has digest sha256:[0-9a-f]+\. The layout is corrupt/);
  });

  it('rejects digests that would escape the blobs folder', async () => {
    twoPlatformLayout();
    const layout = await readOciLayout(dir);
    await expect(readBlob(layout, { digest: 'sha256:../../etc/passwd', size: 1 })).rejects.toThrow(
      /is not a sha256 digest/,
    );
  });

  it('streams a blob and fails at the end when it is corrupt', async () => {
    const data = Buffer.from('layer bytes');
    writeLayout(dir, [data], { schemaVersion: 2, manifests: [] });
    const layout = await readOciLayout(dir);
    const good = openBlob(layout, { digest: sha256Digest(data), size: data.length });
    const chunks: Buffer[] = [];
    for await (const c of good) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('layer bytes');
    writeFileSync(join(dir, 'blobs/sha256', sha256Digest(data).slice(7)), 'layer bytez');
    const bad = openBlob(layout, { digest: sha256Digest(data), size: data.length });
    await expect(
      (async () => {
        for await (const _ of bad) void _;
      })(),
    ).rejects.toThrow(/does not match its descriptor/);
  });
});
