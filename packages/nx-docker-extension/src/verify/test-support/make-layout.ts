// Writes an OCI image layout by hand from tar layers, for tests of images no builder would produce.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { sha256Digest } from '../../oci/digest';
import { Descriptor, MediaType } from '../../oci/types';

export interface HandmadePlatform {
  architecture: string;
  os?: string;
  /** Tar archives, bottom first. The same Buffer in two platforms becomes one shared blob. */
  layers: Buffer[];
  labels?: Record<string, string>;
}

export async function writeLayout(
  dir: string,
  platforms: HandmadePlatform[],
  options: { gzip?: boolean } = {},
): Promise<string> {
  const blobs = join(dir, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  const put = async (data: Buffer, mediaType: string): Promise<Descriptor> => {
    const digest = sha256Digest(data);
    await writeFile(join(blobs, digest.slice(7)), data);
    return { mediaType, digest, size: data.length };
  };
  const gzip = options.gzip ?? true;
  const manifests: Descriptor[] = [];
  for (const p of platforms) {
    const layers = await Promise.all(
      p.layers.map((tar) => put(gzip ? gzipSync(tar) : tar, gzip ? MediaType.ociLayerGzip : MediaType.ociLayer)),
    );
    const config = await put(
      Buffer.from(
        JSON.stringify({
          architecture: p.architecture,
          os: p.os ?? 'linux',
          config: { Labels: p.labels ?? {} },
          rootfs: { type: 'layers', diff_ids: p.layers.map((l) => sha256Digest(l)) },
        }),
      ),
      MediaType.ociConfig,
    );
    const manifest = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config, layers }),
    );
    manifests.push({
      ...(await put(manifest, MediaType.ociManifest)),
      platform: { architecture: p.architecture, os: p.os ?? 'linux' },
    });
  }
  const index = await put(
    Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests })),
    MediaType.ociIndex,
  );
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [index] }));
  return index.digest;
}
