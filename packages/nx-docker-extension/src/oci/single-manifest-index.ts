import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Digest } from './digest';
import { blobPath, readJsonBlob, readManifest, type OciLayout } from './layout';
import { type ImageConfig, type ImageIndex, isManifestMediaType, MediaType, type Platform } from './types';

/**
 * BuildKit exports a one-platform build as a bare manifest (it refuses to make an index of one). Wraps it in
 * an image index naming its platform, so every build artifact has the same shape; the manifest is unchanged.
 * Returns the layout as it is afterwards (untouched when it already holds an index).
 */
export async function wrapSingleManifest(layout: OciLayout): Promise<OciLayout> {
  const top = layout.index.manifests;
  if (top.length !== 1 || !isManifestMediaType(top[0].mediaType)) return layout;
  const manifest = await readManifest(layout, top[0]);
  const config = await readJsonBlob<ImageConfig>(layout, manifest.config);
  const platform: Platform = { architecture: config.architecture, os: config.os };
  if (config.variant) platform.variant = config.variant;
  const { annotations, ...descriptor } = top[0];
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: [{ mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size, platform }],
  };
  const bytes = Buffer.from(JSON.stringify(index));
  const digest = sha256Digest(bytes);
  await writeFile(blobPath(layout, digest), bytes);
  const outer: ImageIndex = {
    schemaVersion: 2,
    manifests: [{ mediaType: MediaType.ociIndex, digest, size: bytes.length, ...(annotations && { annotations }) }],
  };
  await writeFile(join(layout.dir, 'index.json'), JSON.stringify(outer));
  return { dir: layout.dir, index: outer };
}
