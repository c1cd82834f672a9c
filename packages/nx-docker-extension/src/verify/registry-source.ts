// An image in a registry, read through the plugin's registry client (manifests and blobs digest-checked).
import { Readable } from 'node:stream';
import {
  Descriptor,
  ImageConfig,
  ImageIndex,
  ImageManifest,
  isIndexMediaType,
  isManifestMediaType,
} from '../oci/types';
import { formatImageReference, ImageReference, parseImageReference, RegistryClient } from '../registry';
import { assertManifest, ImageSource, ImageSourceError, ImageTop, parseConfig } from './image-source';

export function registrySource(reference: string | ImageReference, client: RegistryClient): ImageSource {
  const ref = typeof reference === 'string' ? parseImageReference(reference) : reference;
  const location = formatImageReference(ref);
  let metadataBytes = 0;
  return {
    kind: 'registry',
    location,
    get metadataBytes() {
      return metadataBytes;
    },
    async readTop(): Promise<ImageTop> {
      const fetched = await client.getManifest(ref);
      metadataBytes += fetched.body.length;
      const mediaType = fetched.descriptor.mediaType;
      if (isIndexMediaType(mediaType)) {
        const index = fetched.json as ImageIndex;
        if (!Array.isArray(index?.manifests))
          throw new ImageSourceError(`${location}: the image index has no manifests`);
        return { descriptor: fetched.descriptor, index };
      }
      if (isManifestMediaType(mediaType)) {
        return { descriptor: fetched.descriptor, manifest: assertManifest(fetched.json as ImageManifest, location) };
      }
      throw new ImageSourceError(`${location}: media type '${mediaType}' is neither an image index nor a manifest`);
    },
    async readManifest(descriptor: Descriptor): Promise<ImageManifest> {
      const fetched = await client.getManifest({ ...ref, tag: undefined, digest: descriptor.digest });
      metadataBytes += fetched.body.length;
      return assertManifest(fetched.json as ImageManifest, `${location} manifest ${descriptor.digest}`);
    },
    async readConfig(descriptor: Descriptor): Promise<ImageConfig> {
      const data = await client.readBlob(ref, descriptor);
      metadataBytes += data.length;
      return parseConfig(data, `${location}: config ${descriptor.digest}`);
    },
    openLayer(descriptor: Descriptor): Promise<Readable> {
      return client.getBlob(ref, descriptor);
    },
  };
}
