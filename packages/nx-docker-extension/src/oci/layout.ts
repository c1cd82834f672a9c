import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { assertDigest, sha256Digest } from './digest';
import { Descriptor, ImageIndex, ImageManifest, isIndexMediaType, isManifestMediaType } from './types';

/** An OCI image layout directory (oci-layout, index.json, blobs/sha256/…) as buildx writes it. */
export interface OciLayout {
  dir: string;
  /** The layout's own index.json. */
  index: ImageIndex;
}

export class OciLayoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OciLayoutError';
  }
}

export async function readOciLayout(dir: string): Promise<OciLayout> {
  const where = `OCI layout ${dir}`;
  let marker: string;
  try {
    marker = await readFile(join(dir, 'oci-layout'), 'utf8');
  } catch {
    throw new OciLayoutError(`${where}: no 'oci-layout' file. Run the build target to create it.`);
  }
  try {
    if (!JSON.parse(marker).imageLayoutVersion) throw new Error();
  } catch {
    throw new OciLayoutError(`${where}: 'oci-layout' is not a valid layout marker. Rebuild the image.`);
  }
  let index: ImageIndex;
  try {
    index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
  } catch (e) {
    throw new OciLayoutError(
      `${where}: index.json is missing or not JSON (${(e as Error).message}). Rebuild the image.`,
    );
  }
  if (!Array.isArray(index?.manifests)) {
    throw new OciLayoutError(`${where}: index.json has no 'manifests' array. Rebuild the image.`);
  }
  return { dir, index };
}

export function blobPath(layout: OciLayout, digest: string): string {
  assertDigest(digest, `OCI layout ${layout.dir}`);
  return join(layout.dir, 'blobs', 'sha256', digest.slice('sha256:'.length));
}

/** Reads a whole blob (for manifests and configs) and checks its size and digest. */
export async function readBlob(
  layout: OciLayout,
  descriptor: Pick<Descriptor, 'digest' | 'size'>,
  maxBytes = 16 << 20,
): Promise<Buffer> {
  const path = blobPath(layout, descriptor.digest);
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new OciLayoutError(`OCI layout ${layout.dir}: blob ${descriptor.digest} is missing. Rebuild the image.`);
  }
  if (size !== descriptor.size) {
    throw new OciLayoutError(
      `OCI layout ${layout.dir}: blob ${descriptor.digest} has ${size} bytes, its descriptor says ${descriptor.size}. The layout is corrupt; rebuild the image.`,
    );
  }
  if (size > maxBytes) {
    throw new OciLayoutError(
      `OCI layout ${layout.dir}: blob ${descriptor.digest} is ${size} bytes, over the ${maxBytes}-byte limit for JSON blobs.`,
    );
  }
  const data = await readFile(path);
  const actual = sha256Digest(data);
  if (actual !== descriptor.digest) {
    throw new OciLayoutError(
      `OCI layout ${layout.dir}: blob ${descriptor.digest} has digest ${actual}. The layout is corrupt; rebuild the image.`,
    );
  }
  return data;
}

export async function readJsonBlob<T>(layout: OciLayout, descriptor: Pick<Descriptor, 'digest' | 'size'>): Promise<T> {
  const data = await readBlob(layout, descriptor);
  try {
    return JSON.parse(data.toString('utf8')) as T;
  } catch {
    throw new OciLayoutError(`OCI layout ${layout.dir}: blob ${descriptor.digest} is not JSON.`);
  }
}

/**
 * Streams a blob (for layers); the stream errors at its end when the bytes do not match the digest,
 * so a consumer never silently uses a corrupt layer.
 */
export function openBlob(layout: OciLayout, descriptor: Pick<Descriptor, 'digest' | 'size'>): Readable {
  const path = blobPath(layout, descriptor.digest);
  const hash = createHash('sha256');
  let seen = 0;
  const check = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      seen += chunk.length;
      done(null, chunk);
    },
    flush(done) {
      const actual = `sha256:${hash.digest('hex')}`;
      if (seen !== descriptor.size || actual !== descriptor.digest) {
        done(
          new OciLayoutError(
            `OCI layout ${layout.dir}: blob ${descriptor.digest} does not match its descriptor (got ${seen} bytes, ${actual}). The layout is corrupt; rebuild the image.`,
          ),
        );
      } else done();
    },
  });
  const source = createReadStream(path);
  source.on('error', (e: NodeJS.ErrnoException) =>
    check.destroy(
      e.code === 'ENOENT'
        ? new OciLayoutError(`OCI layout ${layout.dir}: blob ${descriptor.digest} is missing. Rebuild the image.`)
        : e,
    ),
  );
  return source.pipe(check);
}

/** The image a layout holds: buildx writes index.json → one image index → per-platform manifests. */
export interface LayoutImage {
  /** Descriptor of the multi-platform image index (what a registry tag points to). */
  descriptor: Descriptor;
  index: ImageIndex;
}

export async function resolveLayoutImage(layout: OciLayout): Promise<LayoutImage> {
  const top = layout.index.manifests;
  if (top.length === 1 && isIndexMediaType(top[0].mediaType)) {
    const index = await readJsonBlob<ImageIndex>(layout, top[0]);
    if (!Array.isArray(index.manifests)) {
      throw new OciLayoutError(`OCI layout ${layout.dir}: image index ${top[0].digest} has no 'manifests'.`);
    }
    return { descriptor: { mediaType: top[0].mediaType, digest: top[0].digest, size: top[0].size }, index };
  }
  if (top.length === 1 && isManifestMediaType(top[0].mediaType)) {
    throw new OciLayoutError(
      `OCI layout ${layout.dir}: holds a single-platform image (${top[0].digest}); an extension needs a multi-platform index. Build with --platform linux/amd64,linux/arm64.`,
    );
  }
  throw new OciLayoutError(
    `OCI layout ${layout.dir}: index.json lists ${top.length} entries; expected exactly one image index. Rebuild the image.`,
  );
}

export async function readManifest(layout: OciLayout, descriptor: Descriptor): Promise<ImageManifest> {
  const manifest = await readJsonBlob<ImageManifest>(layout, descriptor);
  if (!manifest.config || !Array.isArray(manifest.layers)) {
    throw new OciLayoutError(`OCI layout ${layout.dir}: manifest ${descriptor.digest} has no config or layers.`);
  }
  return manifest;
}
