// verifyImage end to end on hand-written OCI layouts: layer sharing, whiteouts, links, and hostile images.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CPU_ARM64, CPU_X86_64, machoHeader } from './test-support/binary-headers';
import { GOOD_LABELS } from './test-support/extension-fixture';
import { makeTar, TarItem } from './test-support/make-tar';
import { HandmadePlatform, writeLayout } from './test-support/make-layout';
import { tempDir } from './test-support/extension-fixture';
import { layoutSource } from './layout-source';
import { readPlatformFiles } from './read-platform-files';
import { VerifyOptions, VerifyReport, verifyImage } from './verify-image';

const METADATA = {
  icon: 'docker.svg',
  ui: { 'dashboard-tab': { title: 'T', root: '/ui', src: 'index.html' } },
  host: { binaries: [{ darwin: [{ path: '/darwin/tool' }] }] },
};

const shared = makeTar([
  { name: 'metadata.json', data: JSON.stringify(METADATA) },
  { name: 'docker.svg', data: '<svg xmlns="http://www.w3.org/2000/svg"/>' },
  { name: 'ui/', type: '5' },
  { name: 'ui/index.html', data: '<html>' },
]);
const base = (arch: string) =>
  makeTar([
    { name: 'bin/', type: '5' },
    { name: `bin/busybox-${arch}`, data: 'x'.repeat(3000), mode: 0o755 },
  ]);
const tool = (cpu: number) =>
  makeTar([
    { name: 'darwin/', type: '5' },
    { name: 'darwin/tool', data: machoHeader(cpu), mode: 0o755 },
  ]);

function twoPlatforms(extra: { amd64?: Buffer[]; arm64?: Buffer[] } = {}): HandmadePlatform[] {
  return [
    {
      architecture: 'amd64',
      layers: [base('amd64'), shared, tool(CPU_X86_64), ...(extra.amd64 ?? [])],
      labels: GOOD_LABELS,
    },
    {
      architecture: 'arm64',
      layers: [base('arm64'), shared, tool(CPU_ARM64), ...(extra.arm64 ?? [])],
      labels: GOOD_LABELS,
    },
  ];
}

const failed = (report: VerifyReport) =>
  report.results.filter((r) => r.status === 'fail').flatMap((r) => r.findings.map((f) => `${r.rule} ${f.message}`));

describe('verifyImage on hand-written layouts', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let n = 0;
  beforeAll(async () => ({ dir, remove } = await tempDir('verify-unit')));
  afterAll(() => remove());

  async function verify(platforms: HandmadePlatform[], options: VerifyOptions = {}, gzip = true) {
    const layout = join(dir, `layout-${n++}`);
    await writeLayout(layout, platforms, { gzip });
    return { layout, report: await verifyImage(await layoutSource(layout), { tags: ['acme/x:1.0.0'], ...options }) };
  }

  it('passes a correct image, reading a layer shared by both variants once (gzip and uncompressed)', async () => {
    for (const gzip of [true, false]) {
      const { report } = await verify(twoPlatforms(), {}, gzip);
      expect(failed(report)).toEqual([]);
      expect(report.passed).toBe(true);
      expect(report.stats).toMatchObject({ distinctLayers: 5, layersRead: 5, secondReads: 0 });
      expect(report.platforms.map((p) => p.layers)).toEqual([3, 3]);
    }
  });

  it('applies whiteouts from upper layers: a removed metadata.json, an opaque UI folder', async () => {
    const removeMeta = makeTar([{ name: '.wh.metadata.json' }]);
    const { report } = await verify(twoPlatforms({ arm64: [removeMeta] }));
    expect(failed(report)).toEqual([
      'metadata-present linux/arm64: /metadata.json: found no such file; expected a JSON file at the image root (COPY metadata.json .)',
    ]);
    const opaqueUi = makeTar([
      { name: 'ui/', type: '5' },
      { name: 'ui/.wh..wh..opq' },
      { name: 'ui/app.js', data: 'x' },
    ]);
    expect(failed((await verify(twoPlatforms({ amd64: [opaqueUi] }))).report)).toEqual([
      'ui-entry-present linux/amd64: /ui/index.html: found no such file; expected the UI entry file ui.dashboard-tab.root/src names',
    ]);
  });

  it('finds a metadata.json that is a symlink into a lower layer, and a binary behind a symlinked folder', async () => {
    const lower = makeTar([
      { name: 'app/', type: '5' },
      { name: 'app/metadata.json', data: JSON.stringify(METADATA) },
      { name: 'opt/darwin/tool', data: machoHeader(CPU_ARM64), mode: 0o755 },
    ]);
    const upper = makeTar([
      { name: 'metadata.json', type: '2', linkname: 'app/metadata.json' },
      { name: 'docker.svg', data: '<svg xmlns="http://www.w3.org/2000/svg"/>' },
      { name: 'ui/index.html', data: '<html>' },
      { name: 'darwin', type: '2', linkname: '/opt/darwin' },
    ]);
    const { report } = await verify([{ architecture: 'arm64', layers: [lower, upper], labels: GOOD_LABELS }], {
      platforms: ['linux/arm64'],
    });
    expect(failed(report)).toEqual([]);
    expect(report.stats.secondReads).toBe(0);
  });

  it('re-reads a layer when a wanted file is a hard link to an entry already passed', async () => {
    const layer = makeTar([
      { name: 'metadata.json', data: JSON.stringify(METADATA) },
      { name: 'docker.svg', data: '<svg xmlns="http://www.w3.org/2000/svg"/>' },
      { name: 'ui/index.html', data: '<html>' },
      { name: 'store/tool', data: machoHeader(CPU_X86_64), mode: 0o755 },
      { name: 'darwin/tool', type: '1', linkname: 'store/tool' },
    ]);
    const { report } = await verify([{ architecture: 'amd64', layers: [layer], labels: GOOD_LABELS }], {
      platforms: ['linux/amd64'],
      speculativeBudget: 0,
    });
    expect(failed(report)).toEqual([]);
    expect(report.stats.secondReads).toBe(1);
  });

  it('gives the same verdicts with no speculative budget (layers above metadata.json re-read)', async () => {
    const wrong = twoPlatforms();
    wrong[1].layers[2] = tool(CPU_X86_64);
    const normal = (await verify(wrong)).report;
    const tight = (await verify(wrong, { speculativeBudget: 0 })).report;
    expect(failed(tight)).toEqual(failed(normal));
    expect(failed(normal)).toEqual([
      'host-binary-arch linux/arm64: /darwin/tool: found Mach-O x86_64; expected Mach-O arm64 or universal for the linux/arm64 variant',
    ]);
    expect(normal.stats.secondReads).toBe(0);
    expect(tight.stats.secondReads).toBeGreaterThan(0);
  });

  it('keeps only the head of a huge binary in memory', async () => {
    const big = Buffer.alloc(64 << 20);
    machoHeader(CPU_ARM64).copy(big);
    const layer = makeTar([{ name: 'darwin/tool', data: big, mode: 0o755 }]);
    const layout = join(dir, 'huge');
    await writeLayout(layout, [{ architecture: 'arm64', layers: [shared, layer] }]);
    const source = await layoutSource(layout);
    const top = await source.readTop();
    const manifest = await source.readManifest(top.index!.manifests[0]);
    const { files, stats } = await readPlatformFiles(source, [{ platform: 'linux/arm64', layers: manifest.layers }]);
    const entry = files.get('linux/arm64')!.get('darwin/tool')!;
    expect(entry.size).toBe(64 << 20);
    expect(entry.content!.length).toBe(4096);
    expect(stats.decompressedBytes).toBeGreaterThan(64 << 20);
  });

  it('reports a symlink loop instead of hanging', async () => {
    const loop = makeTar([
      { name: 'metadata.json', type: '2', linkname: 'a' },
      { name: 'a', type: '2', linkname: 'b' },
      { name: 'b', type: '2', linkname: '/metadata.json' },
    ]);
    const { report } = await verify([{ architecture: 'amd64', layers: [loop] }], { platforms: ['linux/amd64'] });
    expect(failed(report)).toEqual([
      'metadata-present linux/amd64: /metadata.json: found a symlink loop (more than 40 links followed) (via /metadata.json -> /a -> /b -> /metadata.json -> … (40 links)); expected a JSON file at the image root (COPY metadata.json .)',
    ]);
  });

  it.each<[string, TarItem[] | Buffer, RegExp]>([
    [
      'a name with ..',
      [{ name: '../../etc/passwd', data: 'x' }],
      /layer sha256:[0-9a-f]{64}: name '..\/..\/etc\/passwd' contains '..'/,
    ],
    ['an absolute name', [{ name: '/etc/passwd', data: 'x' }], /name '\/etc\/passwd' is an absolute path/],
    [
      'a hard link out of the root',
      [{ name: 'h', type: '1', linkname: '../../../etc/shadow' }],
      /hard link target of 'h'/,
    ],
    [
      'a truncated tar',
      makeTar([{ name: 'f', data: 'x'.repeat(5000) }], { end: false }).subarray(0, 3000),
      /the archive is truncated: it ends inside the data of 'f'/,
    ],
  ])('fails clearly on %s', async (_what, layer, error) => {
    const tar = Buffer.isBuffer(layer) ? layer : makeTar(layer);
    await expect(verify([{ architecture: 'amd64', layers: [tar] }])).rejects.toThrow(error);
  });

  it('stops a gzip bomb at the per-layer cap', async () => {
    const bomb = makeTar([{ name: 'zeros', data: Buffer.alloc(40 << 20) }]);
    expect(gzipSync(bomb).length).toBeLessThan(1 << 20);
    await expect(
      verify([{ architecture: 'amd64', layers: [bomb] }], { limits: { maxLayerBytes: 8 << 20 } }),
    ).rejects.toThrow(/decompresses to more than 8388608 bytes, the limit per layer/);
  }, 30000);

  it('fails on a layer blob whose bytes do not match its digest', async () => {
    const layout = join(dir, 'corrupt');
    await writeLayout(layout, twoPlatforms());
    const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
    const top = JSON.parse(readFileSync(join(layout, 'blobs/sha256', index.manifests[0].digest.slice(7)), 'utf8'));
    const manifest = JSON.parse(readFileSync(join(layout, 'blobs/sha256', top.manifests[0].digest.slice(7)), 'utf8'));
    const path = join(layout, 'blobs/sha256', manifest.layers[0].digest.slice(7));
    const bytes = readFileSync(path);
    bytes[20] ^= 1;
    writeFileSync(path, bytes);
    await expect(verifyImage(await layoutSource(layout))).rejects.toThrow(
      /layer sha256:[0-9a-f]{64}: .*(does not match its descriptor|not valid gzip)/,
    );
  });
});
