// The generated extension, built for real: generate into a temp folder, build both platforms with buildx
// (Docker Hub base images replaced by the test bed's through --build-context), and look inside each variant.
import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { finalStage, parseDockerfile, stageLabels } from '../dockerfile';
import { hostBinaryArch } from '../extension/binary-arch';
import { readJsonBlob, readManifest, readOciLayout, blobPath, resolveLayoutImage } from '../oci/layout';
import type { ImageConfig } from '../oci/types';
import { runProcess } from '../process/run-process';
import { requireTestBed, type TestBed } from '../test-support/test-bed';
import { extensionGenerator } from './extension/generator';
import { hostBinaryGenerator } from './host-binary/generator';

const ARCHES = ['amd64', 'arm64'] as const;

/** Just enough of each executable format's header for its CPU to be read (what Docker Desktop's users run). */
function fakeBinary(os: 'darwin' | 'linux' | 'windows', arch: 'amd64' | 'arm64'): Buffer {
  const b = Buffer.alloc(256);
  if (os === 'linux') {
    b.writeUInt32BE(0x7f454c46, 0); // \x7fELF
    b[4] = 2; // 64-bit
    b[5] = 1; // little endian
    b[6] = 1;
    b.writeUInt16LE(2, 16); // ET_EXEC
    b.writeUInt16LE(arch === 'amd64' ? 62 : 183, 18);
  } else if (os === 'darwin') {
    b.writeUInt32LE(0xfeedfacf, 0);
    b.writeUInt32LE(arch === 'amd64' ? 0x01000007 : 0x0100000c, 4);
    b.writeUInt32LE(2, 12); // MH_EXECUTE
  } else {
    b.write('MZ', 0, 'latin1');
    b.writeUInt32LE(0x80, 0x3c);
    b.write('PE\0\0', 0x80, 'latin1');
    b.writeUInt16LE(arch === 'amd64' ? 0x8664 : 0xaa64, 0x84);
  }
  return b;
}

function writeTreeTo(tree: Tree, dir: string): void {
  for (const change of tree.listChanges()) {
    if (change.type === 'DELETE' || !change.content) continue;
    const path = join(dir, change.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, change.content);
  }
}

/** `--build-context` names for the Dockerfile's Docker Hub bases: the FROM reference itself, tag included. */
function baseContexts(dockerfile: string, bed: TestBed): string[] {
  const args: string[] = [];
  const seen = new Set<string>();
  for (const stage of parseDockerfile(dockerfile).stages) {
    const image = stage.baseImage;
    if (
      seen.has(image) ||
      image === 'scratch' ||
      (stage.index > 0 && parseDockerfile(dockerfile).stages.some((s) => s.name === image))
    )
      continue;
    seen.add(image);
    if (image.startsWith('alpine:')) args.push('--build-context', `${image}=docker-image://${bed.baseImage}`);
    else if (image.startsWith('golang:')) args.push('--build-context', `${image}=docker-image://${bed.goImage}`);
    else throw new Error(`no test-bed image for FROM ${image}`);
  }
  return args;
}

async function buildx(args: string[]): Promise<void> {
  const result = await runProcess('docker', ['buildx', 'build', ...args], { timeoutMs: 240_000 });
  if (result.exitCode !== 0) {
    throw new Error(`docker buildx build ${args.join(' ')} exited ${result.exitCode}\n${result.stderr.slice(-4000)}`);
  }
}

interface Variant {
  arch: string;
  root: string;
  config: ImageConfig;
}

/** Each platform's filesystem, unpacked layer by layer with tar, and its image config. */
async function unpackVariants(layoutDir: string, into: string): Promise<Variant[]> {
  const layout = await readOciLayout(layoutDir);
  const { index } = await resolveLayoutImage(layout);
  const variants: Variant[] = [];
  for (const descriptor of index.manifests) {
    const platform = descriptor.platform;
    if (!platform || platform.os === 'unknown') continue; // attestation manifests
    const manifest = await readManifest(layout, descriptor);
    const root = join(into, platform.architecture);
    mkdirSync(root, { recursive: true });
    for (const layer of manifest.layers) {
      const tar = await runProcess('tar', ['-xf', blobPath(layout, layer.digest), '-C', root]);
      if (tar.exitCode !== 0) throw new Error(`tar failed on ${layer.digest}: ${tar.stderr}`);
    }
    variants.push({
      arch: platform.architecture,
      root,
      config: await readJsonBlob<ImageConfig>(layout, manifest.config),
    });
  }
  return variants.sort((a, b) => a.arch.localeCompare(b.arch));
}

function head(path: string): Buffer {
  return readFileSync(path).subarray(0, 4096);
}

describe('a generated extension, built for linux/amd64 and linux/arm64 on the test bed', () => {
  let bed: TestBed;
  let work: string;
  beforeAll(() => {
    bed = requireTestBed();
    work = mkdtempSync(join(tmpdir(), 'nxde-generated-'));
  });
  afterAll(() => {
    if (work && !process.env.NXDE_KEEP_ITG) rmSync(work, { recursive: true, force: true });
  });

  it('ui=html, backend=none, plus a host binary from files: every variant holds its own files', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await extensionGenerator(tree, {
      name: 'itg-html',
      directory: 'itg-html',
      ui: 'html',
      backend: 'none',
      skipFormat: true,
    });
    for (const arch of ARCHES) {
      tree.write(`itg-html/binaries/darwin-${arch}/tool`, fakeBinary('darwin', arch));
      tree.write(`itg-html/binaries/linux-${arch}/tool`, fakeBinary('linux', arch));
    }
    tree.write('itg-html/binaries/windows-amd64/tool.exe', fakeBinary('windows', 'amd64'));
    await hostBinaryGenerator(tree, { project: 'itg-html', name: 'tool', skipFormat: true });
    const dir = join(work, 'ws1');
    writeTreeTo(tree, dir);
    const context = join(dir, 'itg-html');
    const dockerfile = readFileSync(join(context, 'Dockerfile'), 'utf8');
    const out = join(work, 'html-image');

    await buildx([
      '--platform',
      'linux/amd64,linux/arm64',
      ...baseContexts(dockerfile, bed),
      '--output',
      `type=oci,tar=false,dest=${out}`,
      context,
    ]);

    const variants = await unpackVariants(out, join(work, 'html-rootfs'));
    expect(variants.map((v) => v.arch)).toEqual(['amd64', 'arm64']);
    const metadata = JSON.parse(readFileSync(join(context, 'metadata.json'), 'utf8'));
    const df = parseDockerfile(dockerfile);
    const labels = stageLabels(df, finalStage(df));
    for (const v of variants) {
      expect(JSON.parse(readFileSync(join(v.root, 'metadata.json'), 'utf8'))).toEqual(metadata);
      expect(readFileSync(join(v.root, 'docker.svg'), 'utf8')).toContain('<svg');
      expect(readFileSync(join(v.root, 'ui/index.html'), 'utf8')).toContain('<h1>Itg Html</h1>');
      expect(existsSync(join(v.root, 'binaries'))).toBe(false);
      for (const [path, format, arch] of [
        ['darwin/tool', 'macho', v.arch],
        ['linux/tool', 'elf', v.arch],
        ['windows/tool.exe', 'pe', 'amd64'], // no windows/arm64 build: the x64 one serves both
      ] as const) {
        const file = join(v.root, path);
        expect([path, statSync(file).mode & 0o777]).toEqual([path, 0o755]);
        const header = hostBinaryArch(head(file));
        expect([v.arch, path, header.format, header.archs]).toEqual([v.arch, path, format, [arch]]);
      }
      // The labels in each variant's config are the Dockerfile's, as our parser reads them.
      expect(v.config.config?.Labels).toMatchObject(labels);
    }
  });

  it('a host binary from a URL template: BuildKit downloads each variant its own build', async () => {
    // A local server stands in for the vendor's download site; it serves /<os>/<arch>/tool[.exe].
    const requested: string[] = [];
    const server: Server = createServer((req, res) => {
      requested.push(req.url ?? '');
      const m = /^\/(darwin|linux|windows)\/(amd64|arm64)\/tool(\.exe)?$/.exec(req.url ?? '');
      if (!m) return void res.writeHead(404).end();
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(fakeBinary(m[1] as never, m[2] as never));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const tree = createTreeWithEmptyWorkspace();
      await extensionGenerator(tree, { name: 'itg-url', directory: 'itg-url', ui: 'html', skipFormat: true });
      await hostBinaryGenerator(tree, {
        project: 'itg-url',
        name: 'tool',
        url: `http://127.0.0.1:${port}/\${TARGETOS}/\${TARGETARCH}/tool\${EXE}`,
        windowsArm64: true,
        skipFormat: true,
      });
      const dir = join(work, 'ws3');
      writeTreeTo(tree, dir);
      const context = join(dir, 'itg-url');
      const out = join(work, 'url-image');
      await buildx([
        '--platform',
        'linux/amd64,linux/arm64',
        ...baseContexts(readFileSync(join(context, 'Dockerfile'), 'utf8'), bed),
        '--no-cache',
        '--output',
        `type=oci,tar=false,dest=${out}`,
        context,
      ]);
      for (const v of await unpackVariants(out, join(work, 'url-rootfs'))) {
        for (const [path, format] of [
          ['darwin/tool', 'macho'],
          ['linux/tool', 'elf'],
          ['windows/tool.exe', 'pe'], // the source has windows/arm64, so each variant gets its own
        ] as const) {
          const file = join(v.root, path);
          expect([v.arch, path, statSync(file).mode & 0o777]).toEqual([v.arch, path, 0o755]);
          const header = hostBinaryArch(head(file));
          expect([v.arch, path, header.format, header.archs]).toEqual([v.arch, path, format, [v.arch]]);
        }
      }
      expect([...new Set(requested)].sort()).toEqual(
        ['darwin', 'linux', 'windows']
          .flatMap((os) => ARCHES.map((arch) => `/${os}/${arch}/tool${os === 'windows' ? '.exe' : ''}`))
          .sort(),
      );
    } finally {
      server.close();
    }
  });

  it('backend=go: the service is cross-compiled per variant and answers on its socket', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await extensionGenerator(tree, {
      name: 'itg-go',
      directory: 'itg-go',
      ui: 'html',
      backend: 'go',
      skipFormat: true,
    });
    const dir = join(work, 'ws2');
    writeTreeTo(tree, dir);
    const context = join(dir, 'itg-go');
    const contexts = baseContexts(readFileSync(join(context, 'Dockerfile'), 'utf8'), bed);
    expect(contexts.join(' ')).toMatch(/golang:[\d.]+-alpine=docker-image:/);
    const out = join(work, 'go-image');

    await buildx([
      '--platform',
      'linux/amd64,linux/arm64',
      ...contexts,
      '--output',
      `type=oci,tar=false,dest=${out}`,
      context,
    ]);

    const variants = await unpackVariants(out, join(work, 'go-rootfs'));
    expect(variants.map((v) => v.arch)).toEqual(['amd64', 'arm64']);
    for (const v of variants) {
      const service = join(v.root, 'service');
      expect(statSync(service).mode & 0o777).toBe(0o755);
      const header = hostBinaryArch(head(service));
      expect([v.arch, header.format, header.archs]).toEqual([v.arch, 'elf', [v.arch]]);
      // And straight from the ELF header: e_machine 183 is AArch64, 62 is x86-64.
      expect(head(service).readUInt16LE(18)).toBe(v.arch === 'arm64' ? 183 : 62);
      expect(readFileSync(join(v.root, 'docker-compose.yaml'), 'utf8')).toContain('image: ${DESKTOP_PLUGIN_IMAGE}');
    }

    // Run the amd64 variant as Docker Desktop would: its CMD, a socket under /run/guest-services.
    const tag = `nxde-itg-go:${process.pid}`;
    await buildx(['--platform', 'linux/amd64', ...contexts, '--load', '-t', tag, context]);
    const sockets = join(work, 'guest-services');
    mkdirSync(sockets, { recursive: true });
    const run = await runProcess('docker', ['run', '-d', '--rm', '-v', `${sockets}:/run/guest-services`, tag]);
    expect(run.exitCode).toBe(0);
    const container = run.stdout.trim();
    try {
      const socket = join(sockets, 'itg-go.sock');
      const deadline = Date.now() + 20_000;
      while (!existsSync(socket) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const answer = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
        const req = request({ socketPath: socket, path: '/hello', method: 'GET' }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode, body }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ message: 'Hello from itg-go' });
    } finally {
      await runProcess('docker', ['rm', '-f', container]);
      await runProcess('docker', ['image', 'rm', tag]);
    }
  });
});
