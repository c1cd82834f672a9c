// verifyImage: read an image (layout or registry), run the extension rule set on every platform, return a report.
import { PlatformUnderTest } from '../extension/image-view';
import { DEFAULT_PLATFORMS } from '../extension/platform-checks';
import { checkDisabledRules, Profile, RuleResult, RuleStatus, runRules } from '../extension/rule-set';
import { DEFAULT_LAYER_LIMITS, LayerLimits } from '../oci/layer-files';
import { Descriptor, ImageManifest, isAttestation, isManifestMediaType, platformName } from '../oci/types';
import { ImageSource, ImageSourceError } from './image-source';
import { readPlatformFiles, ReadFilesStats } from './read-platform-files';

export interface VerifyOptions {
  /** `marketplace` adds the Marketplace's label and tag requirements. Default: `default`. */
  profile?: Profile;
  /** Platforms the index must hold. Default: linux/amd64, linux/arm64. */
  platforms?: string[];
  /** Rule id → the project's reason for switching it off (printed in every report). */
  disabledRules?: Record<string, string>;
  /** References (`repo:tag`) whose tags the tag rule checks: image.json's tags, or the reference read. */
  tags?: string[];
  /** Warnings fail the verdict too. */
  strict?: boolean;
  /** The digest this image should have (dist/'s image.json indexDigest), to say whether it is the one read. */
  expectedDigest?: string;
  limits?: Partial<LayerLimits>;
  speculativeBudget?: number;
}

export interface VerifyReport {
  schemaVersion: 1;
  source: { kind: 'layout' | 'registry'; location: string };
  /** Digest of what was read: the index, or the single manifest. */
  digest: string;
  /** Present when an expected digest was given: whether the image read is the one built. */
  expectedDigest?: string;
  matchesExpected?: boolean;
  profile: Profile;
  strict: boolean;
  requiredPlatforms: string[];
  platforms: { platform: string; digest: string; layers: number }[];
  tags: string[];
  disabledRules: Record<string, string>;
  results: RuleResult[];
  summary: Record<RuleStatus, number>;
  /** No rule failed (and, when strict, none warned). */
  passed: boolean;
  stats: ReadFilesStats & {
    /** Manifest and config bytes read. */
    metadataBytes: number;
    /** Declared bytes of the verified platforms' manifests, configs and distinct layers (what a full pull takes). */
    imageBytes: number;
    durationMs: number;
  };
}

interface PlatformImage {
  platform: string;
  descriptor: Descriptor;
  manifest: ImageManifest;
  labels: Record<string, string>;
  os: string;
  architecture: string;
  variant?: string;
}

export async function verifyImage(source: ImageSource, options: VerifyOptions = {}): Promise<VerifyReport> {
  const started = Date.now();
  checkDisabledRules(options.disabledRules);
  const profile = options.profile ?? 'default';
  const requiredPlatforms = options.platforms?.length ? options.platforms : DEFAULT_PLATFORMS;
  const top = await source.readTop();
  const images = await readPlatformImages(source, top.descriptor, top.index?.manifests, top.manifest);
  const { files, stats } = await readPlatformFiles(
    source,
    images.map((i) => ({ platform: i.platform, layers: i.manifest.layers })),
    { limits: { ...DEFAULT_LAYER_LIMITS, ...options.limits }, speculativeBudget: options.speculativeBudget },
  );
  const platforms: PlatformUnderTest[] = images.map((i) => ({
    platform: i.platform,
    os: i.os,
    architecture: i.architecture,
    variant: i.variant,
    labels: i.labels,
    files: files.get(i.platform)!,
  }));
  const tags = options.tags ?? [];
  const results = runRules(
    { platforms, tags },
    { profile, platforms: requiredPlatforms, disabledRules: options.disabledRules },
  );
  const summary: Record<RuleStatus, number> = { pass: 0, fail: 0, warn: 0, off: 0, 'n/a': 0 };
  for (const r of results) summary[r.status]++;
  const strict = options.strict ?? false;
  const layerSizes = new Map(images.flatMap((i) => i.manifest.layers.map((l) => [l.digest, l.size] as const)));
  const imageBytes =
    top.descriptor.size +
    (top.index ? images.reduce((n, i) => n + i.descriptor.size, 0) : 0) +
    images.reduce((n, i) => n + i.manifest.config.size, 0) +
    [...layerSizes.values()].reduce((n, s) => n + s, 0);
  return {
    schemaVersion: 1,
    source: { kind: source.kind, location: source.location },
    digest: top.descriptor.digest,
    ...(options.expectedDigest
      ? { expectedDigest: options.expectedDigest, matchesExpected: options.expectedDigest === top.descriptor.digest }
      : {}),
    profile,
    strict,
    requiredPlatforms,
    platforms: images.map((i) => ({
      platform: i.platform,
      digest: i.descriptor.digest,
      layers: i.manifest.layers.length,
    })),
    tags,
    disabledRules: { ...options.disabledRules },
    results,
    summary,
    passed: summary.fail === 0 && (!strict || summary.warn === 0),
    stats: { ...stats, metadataBytes: source.metadataBytes, imageBytes, durationMs: Date.now() - started },
  };
}

async function readPlatformImages(
  source: ImageSource,
  top: Descriptor,
  entries: Descriptor[] | undefined,
  single: ImageManifest | undefined,
): Promise<PlatformImage[]> {
  const list: { descriptor: Descriptor; manifest?: ImageManifest }[] = entries
    ? entries.filter((d) => !isAttestation(d)).map((descriptor) => ({ descriptor }))
    : [{ descriptor: top, manifest: single }];
  const images: PlatformImage[] = [];
  const names = new Set<string>();
  for (const { descriptor, manifest: known } of list) {
    if (!isManifestMediaType(descriptor.mediaType)) {
      throw new ImageSourceError(
        `${source.location}: index entry ${descriptor.digest} has media type '${descriptor.mediaType}', not an image manifest (nested indexes are not supported)`,
      );
    }
    const manifest = known ?? (await source.readManifest(descriptor));
    const config = await source.readConfig(manifest.config);
    const platform = descriptor.platform ?? {
      os: config.os,
      architecture: config.architecture,
      variant: config.variant,
    };
    let name = platformName(platform);
    for (let n = 2; names.has(name); n++) name = `${platformName(platform)}#${n}`; // duplicate entries stay apart
    names.add(name);
    images.push({
      platform: name,
      descriptor,
      manifest,
      labels: config.config?.Labels ?? {},
      os: platform.os,
      architecture: platform.architecture,
      variant: platform.variant,
    });
  }
  return images;
}
