// A purpose-made extension build context for integration tests: a correct extension, and ways to break it.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runProcess } from '../../process/run-process';
import {
  CPU_ARM64,
  CPU_X86_64,
  ELF_AARCH64,
  ELF_X86_64,
  elfHeader,
  machoHeader,
  PE_AMD64,
  PE_ARM64,
  peHeader,
} from './binary-headers';

export const GOOD_LABELS: Record<string, string> = {
  'org.opencontainers.image.title': 'Verify Fixture',
  'org.opencontainers.image.description': 'An extension made to test verify',
  'org.opencontainers.image.vendor': 'nx-docker-extension tests',
  'com.docker.desktop.extension.api.version': '>= 0.3.3',
  'com.docker.desktop.extension.icon': 'https://example.com/icon.svg',
  'com.docker.extension.screenshots': JSON.stringify([{ alt: 'main view', url: 'https://example.com/shot.png' }]),
  'com.docker.extension.detailed-description': '<p>Checks that verify passes a correct extension.</p>',
  'com.docker.extension.publisher-url': 'https://example.com',
  'com.docker.extension.changelog': '<p>First release.</p>',
  'com.docker.extension.categories': 'utility-tools,testing-tools',
  'com.docker.extension.additional-urls': JSON.stringify([{ title: 'Docs', url: 'https://example.com/docs' }]),
};

export const GOOD_METADATA = {
  icon: 'docker.svg',
  ui: { 'dashboard-tab': { title: 'Fixture', root: '/ui', src: 'index.html' } },
  vm: { composefile: 'docker-compose.yaml', exposes: { socket: 'fixture.sock' } },
  host: {
    binaries: [
      {
        darwin: [{ path: '/darwin/kubectl' }],
        windows: [{ path: '/windows/kubectl.exe' }],
        linux: [{ path: '/linux/kubectl' }],
      },
    ],
  },
};

/** The final stage copies per-arch binaries chosen by TARGETARCH, as Docker's multi-arch guide does. */
export const GOOD_DOCKERFILE_STEPS = [
  'ARG TARGETARCH',
  'COPY metadata.json docker.svg docker-compose.yaml /',
  'COPY ui /ui',
  'COPY --chmod=0755 bin/darwin-${TARGETARCH}/kubectl /darwin/kubectl',
  'COPY --chmod=0755 bin/linux-${TARGETARCH}/kubectl /linux/kubectl',
  'COPY --chmod=0755 bin/windows-${TARGETARCH}/ /windows/',
];

export interface Fixture {
  labels: Record<string, string>;
  metadata: unknown;
  steps: string[];
  /** Context files; null removes one. */
  files: Record<string, string | Buffer | null>;
}

export function goodFixture(): Fixture {
  return {
    labels: { ...GOOD_LABELS },
    metadata: structuredClone(GOOD_METADATA),
    steps: [...GOOD_DOCKERFILE_STEPS],
    files: {
      'docker.svg': '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>\n',
      'docker-compose.yaml': 'services:\n  fixture:\n    image: ${DESKTOP_PLUGIN_IMAGE}\n',
      'ui/index.html': '<!doctype html><title>Fixture</title><script src="main.js"></script>\n',
      'ui/main.js': 'console.log("fixture");\n',
      'bin/darwin-amd64/kubectl': machoHeader(CPU_X86_64),
      'bin/darwin-arm64/kubectl': machoHeader(CPU_ARM64),
      'bin/linux-amd64/kubectl': elfHeader(ELF_X86_64),
      'bin/linux-arm64/kubectl': elfHeader(ELF_AARCH64),
      'bin/windows-amd64/kubectl.exe': peHeader(PE_AMD64),
      'bin/windows-arm64/kubectl.exe': peHeader(PE_ARM64),
    },
  };
}

export function dockerfileOf(fixture: Fixture): string {
  const labels = Object.entries(fixture.labels).map(([k, v]) => `LABEL ${k}=${JSON.stringify(v)}`);
  return ['FROM alpine', ...labels, ...fixture.steps, ''].join('\n');
}

export async function writeFixture(fixture: Fixture, dir: string): Promise<void> {
  const files: Record<string, string | Buffer | null> = {
    ...fixture.files,
    Dockerfile: dockerfileOf(fixture),
    'metadata.json':
      typeof fixture.metadata === 'string' ? fixture.metadata : JSON.stringify(fixture.metadata, null, 2),
  };
  for (const [path, content] of Object.entries(files)) {
    if (content === null) continue;
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `nxde-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface BuildOptions {
  baseImage: string;
  platforms?: string[];
  /** An OCI layout directory to write, or a registry reference to push to. */
  output: { layout: string } | { push: string };
  /** Layer compression; buildx's default is gzip. */
  compression?: 'zstd';
}

/** docker buildx build of a fixture context; throws with buildx's output when the build fails. */
export async function buildFixture(context: string, options: BuildOptions): Promise<void> {
  const output =
    ('layout' in options.output
      ? `type=oci,tar=false,dest=${options.output.layout}`
      : `type=image,name=${options.output.push},push=true`) +
    (options.compression ? `,compression=${options.compression},force-compression=true` : '');
  const result = await runProcess(
    'docker',
    [
      'buildx',
      'build',
      '--platform',
      (options.platforms ?? ['linux/amd64', 'linux/arm64']).join(','),
      '--build-context',
      `alpine=docker-image://${options.baseImage}`,
      '--output',
      output,
      '--progress',
      'plain',
      context,
    ],
    { timeoutMs: 240_000 },
  );
  if (result.exitCode !== 0) {
    throw new Error(`docker buildx build failed (${result.exitCode}) for ${context}:\n${result.stderr.slice(-3000)}`);
  }
}
