// What a push sends, read from the OCI layout: blobs, then manifests (children before parents), then the index.
import { OciLayout, OciLayoutError, openBlob, readBlob, readOciLayout, resolveLayoutImage } from '../oci/layout';
import { Descriptor, ImageIndex, ImageManifest, isIndexMediaType, isManifestMediaType } from '../oci/types';

export interface PlannedManifest {
  descriptor: Descriptor;
  body: Buffer;
}

export interface PushPlan {
  layout: OciLayout;
  /** The image index a tag will point to. */
  index: PlannedManifest;
  /** Platform and attestation manifests (and nested indexes), each after everything it references. */
  manifests: PlannedManifest[];
  /** Configs and layers, each once. */
  blobs: Descriptor[];
}

function parseJson<T>(layout: OciLayout, descriptor: Descriptor, body: Buffer): T {
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch {
    throw new OciLayoutError(`OCI layout ${layout.dir}: manifest ${descriptor.digest} is not JSON. Rebuild the image.`);
  }
}

/** Reads every manifest (digest-checked) and lists the blobs they reference; reads no layer bytes. */
export async function planLayoutPush(layoutDir: string): Promise<PushPlan> {
  const layout = await readOciLayout(layoutDir);
  const image = await resolveLayoutImage(layout);
  const manifests: PlannedManifest[] = [];
  const blobs = new Map<string, Descriptor>();
  const seen = new Set<string>();

  const visit = async (descriptor: Descriptor, body: Buffer): Promise<void> => {
    if (isIndexMediaType(descriptor.mediaType)) {
      const index = parseJson<ImageIndex>(layout, descriptor, body);
      if (!Array.isArray(index.manifests)) {
        throw new OciLayoutError(
          `OCI layout ${layout.dir}: index ${descriptor.digest} has no 'manifests'. Rebuild the image.`,
        );
      }
      for (const child of index.manifests) {
        if (seen.has(child.digest)) continue;
        seen.add(child.digest);
        const childBody = await readBlob(layout, child);
        await visit(child, childBody);
        manifests.push({ descriptor: child, body: childBody });
      }
      return;
    }
    if (!isManifestMediaType(descriptor.mediaType)) {
      throw new OciLayoutError(
        `OCI layout ${layout.dir}: ${descriptor.digest} has media type '${descriptor.mediaType}', not an image manifest or index. Rebuild the image.`,
      );
    }
    const manifest = parseJson<ImageManifest>(layout, descriptor, body);
    if (!manifest.config || !Array.isArray(manifest.layers)) {
      throw new OciLayoutError(
        `OCI layout ${layout.dir}: manifest ${descriptor.digest} has no config or layers. Rebuild the image.`,
      );
    }
    for (const blob of [manifest.config, ...manifest.layers]) {
      if (!blobs.has(blob.digest)) blobs.set(blob.digest, blob);
    }
  };

  const indexBody = await readBlob(layout, image.descriptor);
  await visit(image.descriptor, indexBody);
  return { layout, index: { descriptor: image.descriptor, body: indexBody }, manifests, blobs: [...blobs.values()] };
}

/** Hashes every blob of the plan; throws the layout's own clear error on the first that is missing or corrupt. */
export async function verifyPlanBlobs(plan: PushPlan, concurrency = 4): Promise<void> {
  const queue = [...plan.blobs];
  const worker = async () => {
    for (let blob = queue.shift(); blob; blob = queue.shift()) {
      for await (const _ of openBlob(plan.layout, blob)) void _;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
