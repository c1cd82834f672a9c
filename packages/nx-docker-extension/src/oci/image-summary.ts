import { readFile, writeFile } from 'node:fs/promises';
import { OciLayout, resolveLayoutImage } from './layout';
import { isAttestation, platformName } from './types';

/** `dist/<projectRoot>/image.json`: what build made, in a form people and later targets read. */
export interface ImageSummary {
  /** Digest of the multi-platform index: what a tag points to after push. */
  indexDigest: string;
  indexMediaType: string;
  indexSize: number;
  tags: string[];
  platforms: { platform: string; digest: string; size: number; mediaType: string }[];
  /** Attestation manifests (provenance/SBOM) in the index; not platforms. */
  attestations: number;
}

export async function summarizeLayout(layout: OciLayout, tags: string[]): Promise<ImageSummary> {
  const image = await resolveLayoutImage(layout);
  const platforms = image.index.manifests
    .filter((d) => !isAttestation(d))
    .map((d) => ({
      platform: d.platform ? platformName(d.platform) : 'unknown',
      digest: d.digest,
      size: d.size,
      mediaType: d.mediaType,
    }))
    .sort((a, b) => a.platform.localeCompare(b.platform));
  return {
    indexDigest: image.descriptor.digest,
    indexMediaType: image.descriptor.mediaType,
    indexSize: image.descriptor.size,
    tags: [...tags],
    platforms,
    attestations: image.index.manifests.filter(isAttestation).length,
  };
}

/** Where build writes the summary of the layout at `layoutPath`, and where push and verify look for it. */
export function imageSummaryPath(layoutPath: string): string {
  return `${layoutPath}.json`;
}

export async function writeImageSummary(path: string, summary: ImageSummary): Promise<void> {
  await writeFile(path, JSON.stringify(summary, null, 2) + '\n');
}

export async function readImageSummary(path: string): Promise<ImageSummary> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new Error(`${path} is missing. Run the build target first.`);
  }
  try {
    const summary = JSON.parse(text) as ImageSummary;
    if (typeof summary.indexDigest !== 'string' || !Array.isArray(summary.platforms)) throw new Error('shape');
    return summary;
  } catch {
    throw new Error(`${path} is not a valid image summary. Run the build target again.`);
  }
}
