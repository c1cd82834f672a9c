import type { ExtensionMetadata } from '../../extension/metadata';
import type { HostOs } from './schema';

export const HOST_OSES: HostOs[] = ['darwin', 'windows', 'linux'];

export interface HostBinaryPlan {
  /** The binary's name on the host, without `.exe`. */
  name: string;
  oses: HostOs[];
  /** Architectures of the image variants (from the extension's platforms). */
  arches: string[];
  /** A download URL template (`${TARGETOS}`, `${TARGETARCH}`, `${EXE}`), or files in the project. */
  url?: string;
  /** The source has a windows/arm64 build; otherwise the amd64 .exe goes into every variant. */
  windowsArm64: boolean;
}

export function stageName(plan: HostBinaryPlan): string {
  return `host-${plan.name.toLowerCase().replace(/[^a-z0-9_.-]/g, '-')}`;
}

export function fileName(os: HostOs, name: string): string {
  return os === 'windows' ? `${name}.exe` : name;
}

/** Where the binary sits in the image, and what metadata.json names. */
export function imagePath(os: HostOs, name: string): string {
  return `/${os}/${fileName(os, name)}`;
}

const placeholder = (name: string) => new RegExp(`\\$\\{${name}\\}|\\$${name}(?![A-Za-z0-9_])`, 'g');

/** The URL for one OS: TARGETOS and EXE filled in; TARGETARCH left for BuildKit unless pinned. */
export function urlFor(template: string, os: HostOs, pinnedArch?: string): string {
  let url = template.replace(placeholder('TARGETOS'), os).replace(placeholder('EXE'), os === 'windows' ? '.exe' : '');
  if (pinnedArch) url = url.replace(placeholder('TARGETARCH'), pinnedArch);
  return url;
}

/** Windows on Arm runs x64 programs, so without an arm64 build the amd64 one serves every variant. */
function windowsArch(plan: HostBinaryPlan): string | undefined {
  return plan.windowsArm64 ? undefined : 'amd64';
}

/** Files the project must hold when the binaries come from files (`binaries/<os>-<arch>/<name>`). */
export function sourceFiles(plan: HostBinaryPlan): string[] {
  const files: string[] = [];
  for (const os of plan.oses) {
    const arches = os === 'windows' && windowsArch(plan) ? [windowsArch(plan) as string] : plan.arches;
    for (const arch of arches) files.push(`binaries/${os}-${arch}/${fileName(os, plan.name)}`);
  }
  return files;
}

/**
 * The stage Docker's multi-arch guide describes: on the build machine's platform (no emulation), it
 * picks each OS's binary for the variant's TARGETARCH: darwin and linux per arch, windows amd64
 * unless the source has arm64.
 */
export function hostBinaryStage(plan: HostBinaryPlan): string {
  const lines = [
    `# Host binary ${plan.name}: chosen per TARGETARCH on the build machine; Docker Desktop copies the one for the user's OS.`,
    `FROM --platform=$BUILDPLATFORM scratch AS ${stageName(plan)}`,
    'ARG TARGETARCH',
  ];
  for (const os of plan.oses) {
    const pinned = os === 'windows' ? windowsArch(plan) : undefined;
    const target = imagePath(os, plan.name);
    if (plan.url) {
      lines.push(`ADD ${urlFor(plan.url, os, pinned)} ${target}`);
    } else {
      lines.push(`COPY binaries/${os}-${pinned ?? '${TARGETARCH}'}/${fileName(os, plan.name)} ${target}`);
    }
  }
  return lines.join('\n');
}

/** The final stage's lines: each binary copied executable to the path metadata.json names. */
export function finalStageCopies(plan: HostBinaryPlan): string {
  return plan.oses
    .map((os) => `COPY --from=${stageName(plan)} --chmod=0755 ${imagePath(os, plan.name)} ${imagePath(os, plan.name)}`)
    .join('\n');
}

/** Paths metadata.json already names as host binaries. */
export function existingHostPaths(metadata: ExtensionMetadata): string[] {
  const paths: string[] = [];
  for (const entry of metadata.host?.binaries ?? []) {
    for (const list of Object.values(entry ?? {})) {
      for (const item of list ?? []) if (typeof item?.path === 'string') paths.push(item.path);
    }
  }
  return paths;
}

/** metadata.json with one more host.binaries entry (one object per binary, keyed by OS). */
export function withHostBinary(metadata: ExtensionMetadata, plan: HostBinaryPlan): ExtensionMetadata {
  const entry = Object.fromEntries(plan.oses.map((os) => [os, [{ path: imagePath(os, plan.name) }]]));
  return {
    ...metadata,
    host: { ...metadata.host, binaries: [...(metadata.host?.binaries ?? []), entry] },
  };
}
