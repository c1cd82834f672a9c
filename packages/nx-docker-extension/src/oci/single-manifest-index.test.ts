import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Digest } from './digest';
import { summarizeLayout } from './image-summary';
import { readOciLayout, resolveLayoutImage } from './layout';
import { wrapSingleManifest } from './single-manifest-index';
import { MediaType } from './types';

describe('wrapSingleManifest', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nxde-wrap-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function put(data: Buffer) {
    writeFileSync(join(dir, 'blobs/sha256', sha256Digest(data).slice(7)), data);
    return { digest: sha256Digest(data), size: data.length };
  }

  it('puts a one-platform manifest in an index with its platform, keeping the manifest and the name', async () => {
    mkdirSync(join(dir, 'blobs/sha256'), { recursive: true });
    writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    const config = put(Buffer.from(JSON.stringify({ architecture: 'arm64', variant: 'v8', os: 'linux' })));
    const manifest = put(
      Buffer.from(
        JSON.stringify({ schemaVersion: 2, config: { mediaType: MediaType.ociConfig, ...config }, layers: [] }),
      ),
    );
    const name = { 'org.opencontainers.image.ref.name': 'docker.io/acme/x:1' };
    writeFileSync(
      join(dir, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [{ mediaType: MediaType.ociManifest, ...manifest, annotations: name }],
      }),
    );

    const wrapped = await wrapSingleManifest(await readOciLayout(dir));
    const reread = await readOciLayout(dir);
    expect(reread.index).toEqual(wrapped.index);
    expect(reread.index.manifests[0].annotations).toEqual(name);
    const image = await resolveLayoutImage(reread);
    expect(image.index.manifests).toEqual([
      {
        mediaType: MediaType.ociManifest,
        ...manifest,
        platform: { architecture: 'arm64', os: 'linux', variant: 'v8' },
      },
    ]);
    const summary = await summarizeLayout(reread, ['acme/x:1']);
    expect(summary.platforms).toEqual([
      { platform: 'linux/arm64/v8', digest: manifest.digest, size: manifest.size, mediaType: MediaType.ociManifest },
    ]);
    // A layout that already holds an index is left alone.
    await expect(wrapSingleManifest(reread)).resolves.toBe(reread);
  });
});
