// Where verify reads an image from: an OCI layout in dist/, or a registry. Both check every blob's digest.
import type { Readable } from 'node:stream';
import { Descriptor, ImageConfig, ImageIndex, ImageManifest } from '../oci/types';

export interface ImageTop {
  /** What a tag points to: the multi-platform index, or a single-platform manifest. */
  descriptor: Descriptor;
  index?: ImageIndex;
  manifest?: ImageManifest;
}

export interface ImageSource {
  kind: 'layout' | 'registry';
  /** The layout folder or the registry reference, for messages and the report. */
  location: string;
  readTop(): Promise<ImageTop>;
  readManifest(descriptor: Descriptor): Promise<ImageManifest>;
  readConfig(descriptor: Descriptor): Promise<ImageConfig>;
  /** A layer blob as a stream that errors at its end unless its bytes match the descriptor. */
  openLayer(descriptor: Descriptor): Promise<Readable>;
  /** Bytes of manifests and configs read so far (layers are counted by the layer reader). */
  readonly metadataBytes: number;
}

export class ImageSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageSourceError';
  }
}

export function assertManifest(manifest: ImageManifest, where: string): ImageManifest {
  if (!manifest || typeof manifest !== 'object' || !manifest.config || !Array.isArray(manifest.layers)) {
    throw new ImageSourceError(`${where}: not an image manifest (no config or layers)`);
  }
  return manifest;
}

export function parseConfig(data: Buffer, where: string): ImageConfig {
  try {
    const config = JSON.parse(data.toString('utf8')) as ImageConfig;
    if (typeof config !== 'object' || config === null) throw new Error('not an object');
    return config;
  } catch (e) {
    throw new ImageSourceError(`${where}: the image config is not JSON (${(e as Error).message})`);
  }
}
