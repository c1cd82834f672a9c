// An image in an OCI layout directory (what build writes to dist/<projectRoot>/image).
import { Readable } from 'node:stream';
import { openBlob, readBlob, readJsonBlob, readManifest, readOciLayout, resolveLayoutImage } from '../oci/layout';
import { Descriptor, ImageConfig, ImageManifest, isManifestMediaType } from '../oci/types';
import { assertManifest, ImageSource, ImageSourceError, ImageTop, parseConfig } from './image-source';

export async function layoutSource(dir: string): Promise<ImageSource> {
  const layout = await readOciLayout(dir);
  let metadataBytes = 0;
  return {
    kind: 'layout',
    location: dir,
    get metadataBytes() {
      return metadataBytes;
    },
    async readTop(): Promise<ImageTop> {
      const top = layout.index.manifests;
      if (top.length === 1 && isManifestMediaType(top[0].mediaType)) {
        // a single-platform build: verify still reports which platforms are missing
        const manifest = assertManifest(await readJsonBlob<ImageManifest>(layout, top[0]), `OCI layout ${dir}`);
        metadataBytes += top[0].size;
        return { descriptor: top[0], manifest };
      }
      const image = await resolveLayoutImage(layout);
      metadataBytes += image.descriptor.size;
      return { descriptor: image.descriptor, index: image.index };
    },
    async readManifest(descriptor: Descriptor): Promise<ImageManifest> {
      const manifest = await readManifest(layout, descriptor);
      metadataBytes += descriptor.size;
      return manifest;
    },
    async readConfig(descriptor: Descriptor): Promise<ImageConfig> {
      const data = await readBlob(layout, descriptor);
      metadataBytes += data.length;
      return parseConfig(data, `OCI layout ${dir}: config ${descriptor.digest}`);
    },
    async openLayer(descriptor: Descriptor): Promise<Readable> {
      if (!Number.isSafeInteger(descriptor.size) || descriptor.size < 0) {
        throw new ImageSourceError(`OCI layout ${dir}: layer ${descriptor.digest} has no valid size`);
      }
      return openBlob(layout, descriptor);
    },
  };
}
