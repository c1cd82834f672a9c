// Index-wide rules: which platforms the image holds.
import { Finding, finding } from './finding';
import { ImageUnderTest } from './image-view';

export const DEFAULT_PLATFORMS = ['linux/amd64', 'linux/arm64'];

/** `linux/arm64/v8` and `linux/arm64` are the same platform to an engine. */
export function samePlatform(a: string, b: string): boolean {
  return normalizePlatform(a) === normalizePlatform(b);
}

export function normalizePlatform(name: string): string {
  const [os, arch, variant] = name.trim().toLowerCase().split('/');
  if (arch === 'arm64' && (variant === undefined || variant === 'v8')) return `${os}/arm64`;
  if (arch === 'amd64' && (variant === undefined || variant === 'v1')) return `${os}/amd64`;
  return [os, arch, variant].filter(Boolean).join('/');
}

export function checkRequiredPlatforms(image: ImageUnderTest, required: string[]): Finding[] {
  const found = image.platforms.map((p) => p.platform);
  const missing = required.filter((r) => !found.some((f) => samePlatform(f, r)));
  if (missing.length === 0) return [];
  return [
    finding(
      'fail',
      'image',
      'image index',
      `platforms ${found.length ? found.join(', ') : '(none)'}; no ${missing.join(', ')} variant`,
      `a variant for each of ${required.join(', ')} (Docker Desktop pulls the one for the user's CPU; build with --platform ${required.join(',')})`,
    ),
  ];
}

export function checkLinuxOnly(image: ImageUnderTest): Finding[] {
  return image.platforms
    .filter((p) => p.os !== 'linux')
    .map((p) =>
      finding(
        'fail',
        'image',
        `variant ${p.platform}`,
        `os '${p.os}'`,
        "'linux' (Docker Desktop runs only Linux-container extensions)",
      ),
    );
}
