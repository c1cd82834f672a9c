// Reads an image back through the registry API with plain fetch (independent of RegistryClient) for assertions.
import { createHash } from 'node:crypto';

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export interface RegistryImageCheck {
  digest: string;
  platforms: string[];
  manifests: number;
  blobs: number;
}

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/**
 * GETs `repo:reference` and every manifest it lists, HEADs every blob; throws on anything missing or mismatched.
 * `authorization` is an Authorization header value for registries that need one.
 */
export async function checkImageInRegistry(
  registry: string,
  repository: string,
  reference: string,
  authorization?: string,
): Promise<RegistryImageCheck> {
  const headers: Record<string, string> = { Accept: ACCEPT, ...(authorization && { Authorization: authorization }) };
  const getManifest = async (ref: string) => {
    const r = await fetch(`http://${registry}/v2/${repository}/manifests/${ref}`, { headers });
    if (r.status !== 200) throw new Error(`GET manifest ${repository}:${ref} → ${r.status}`);
    const body = Buffer.from(await r.arrayBuffer());
    return { body, digest: sha256(body), json: JSON.parse(body.toString()) };
  };
  const index = await getManifest(reference);
  const platforms: string[] = [];
  let blobs = 0;
  for (const child of index.json.manifests as { digest: string; platform?: { os: string; architecture: string } }[]) {
    const m = await getManifest(child.digest);
    if (m.digest !== child.digest) throw new Error(`manifest ${child.digest} came back as ${m.digest}`);
    if (child.platform && child.platform.os !== 'unknown')
      platforms.push(`${child.platform.os}/${child.platform.architecture}`);
    for (const blob of [m.json.config, ...m.json.layers] as { digest: string; size: number }[]) {
      const r = await fetch(`http://${registry}/v2/${repository}/blobs/${blob.digest}`, { method: 'HEAD', headers });
      if (r.status !== 200) throw new Error(`HEAD blob ${blob.digest} → ${r.status}`);
      if (Number(r.headers.get('content-length')) !== blob.size)
        throw new Error(`blob ${blob.digest} has the wrong size`);
      blobs++;
    }
  }
  return { digest: index.digest, platforms: platforms.sort(), manifests: index.json.manifests.length, blobs };
}

/** Whether the registry has the tag at all (HEAD). */
export async function tagExists(
  registry: string,
  repository: string,
  tag: string,
  authorization?: string,
): Promise<boolean> {
  const r = await fetch(`http://${registry}/v2/${repository}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { Accept: ACCEPT, ...(authorization && { Authorization: authorization }) },
  });
  return r.status === 200;
}
