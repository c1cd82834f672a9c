import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { makeTar, TarItem } from '../verify/test-support/make-tar';
import { zstdRawFrame, zstdZerosFrame } from '../verify/test-support/make-zstd';
import { sha256Digest } from './digest';
import {
  DEFAULT_LAYER_LIMITS,
  ImageFiles,
  LayerChanges,
  layerCompression,
  LayerSelector,
  newReadCounters,
  readLayer,
} from './layer-files';
import { openBlob } from './layout';
import { MediaType } from './types';

const keepAll: LayerSelector = { keep: () => 1 << 20 };

async function layer(items: TarItem[], selector = keepAll): Promise<LayerChanges> {
  const tar = makeTar(items);
  return readLayer(
    Readable.from([tar]),
    { digest: sha256Digest(tar), mediaType: MediaType.ociLayer },
    selector,
    newReadCounters(),
  );
}

function paths(files: ImageFiles): string[] {
  return [...files.all()].map((e) => e.path).sort();
}

describe('ImageFiles: layers stacked with whiteouts', () => {
  it('lets an upper layer replace a file', async () => {
    const files = ImageFiles.fromLayers([
      await layer([{ name: 'a', data: 'lower' }]),
      await layer([{ name: 'a', data: 'upper' }]),
    ]);
    expect(files.get('a')?.content?.toString()).toBe('upper');
  });

  it('removes a file and a whole folder with .wh.<name>, only from lower layers', async () => {
    const files = ImageFiles.fromLayers([
      await layer([
        { name: 'ui/', type: '5' },
        { name: 'ui/index.html', data: 'x' },
        { name: 'ui/node_modules/', type: '5' },
        { name: 'ui/node_modules/pkg/index.js', data: 'y' },
        { name: 'keep', data: 'k' },
      ]),
      await layer([
        { name: 'ui/.wh.node_modules' },
        { name: 'ui/.wh.index.html' },
        { name: 'ui/index.html', data: 'new in the same layer' },
      ]),
    ]);
    expect(paths(files)).toEqual(['keep', 'ui', 'ui/index.html']);
    expect(files.get('ui/index.html')?.content?.toString()).toBe('new in the same layer');
  });

  it('hides everything below an opaque folder but keeps the folder and what the same layer adds', async () => {
    const files = ImageFiles.fromLayers([
      await layer([
        { name: 'ui/', type: '5' },
        { name: 'ui/old.js', data: 'o' },
        { name: 'ui/sub/deep.js', data: 'd' },
        { name: 'other', data: '1' },
      ]),
      await layer([{ name: 'ui/', type: '5' }, { name: 'ui/.wh..wh..opq' }, { name: 'ui/new.js', data: 'n' }]),
    ]);
    expect(paths(files)).toEqual(['other', 'ui', 'ui/new.js']);
  });

  it('a file replacing a folder removes what was below it, and a folder replacing a file removes the file', async () => {
    const files = ImageFiles.fromLayers([
      await layer([
        { name: 'd/', type: '5' },
        { name: 'd/x', data: '1' },
        { name: 'f', data: 'file' },
      ]),
      await layer([
        { name: 'd', data: 'now a file' },
        { name: 'f/inner', data: 'i' },
      ]),
    ]);
    expect(paths(files)).toEqual(['d', 'f/inner']);
    expect(files.lookup('f/inner').entry?.content?.toString()).toBe('i');
  });

  it('ignores whiteouts that name nothing, and the root entry', async () => {
    const files = ImageFiles.fromLayers([
      await layer([
        { name: './', type: '5' },
        { name: 'a', data: '1' },
      ]),
      await layer([{ name: '.wh.zzz' }]),
    ]);
    expect(paths(files)).toEqual(['a']);
  });
});

describe('ImageFiles.lookup', () => {
  let files: ImageFiles;
  beforeAll(async () => {
    files = ImageFiles.fromLayers([
      await layer([
        { name: 'real/', type: '5' },
        { name: 'real/icon.svg', data: '<svg>' },
        { name: 'abs', type: '2', linkname: '/real/icon.svg' },
        { name: 'rel', type: '2', linkname: 'real/icon.svg' },
        { name: 'dirlink', type: '2', linkname: 'real' },
        { name: 'escape', type: '2', linkname: '../../../../real/icon.svg' },
        { name: 'loop1', type: '2', linkname: 'loop2' },
        { name: 'loop2', type: '2', linkname: 'loop1' },
        { name: 'self', type: '2', linkname: 'self/x' },
        { name: 'dangling', type: '2', linkname: 'nowhere' },
        { name: 'bin/tool', data: '#!/bin/sh', mode: 0o755 },
        { name: 'hard', type: '1', linkname: 'bin/tool' },
        { name: 'implied/dir/file', data: 'f' },
      ]),
    ]);
  });

  it('follows absolute and relative symlinks and symlinked folders', () => {
    for (const path of ['abs', 'rel', 'dirlink/icon.svg', 'escape']) {
      expect(files.lookup(path).entry?.content?.toString()).toBe('<svg>');
    }
    expect(files.lookup('dirlink/icon.svg').via).toEqual(['dirlink']);
  });

  it('reports symlink loops instead of hanging', () => {
    expect(files.lookup('loop1').problem).toMatch(/symlink loop/);
    expect(files.lookup('self').problem).toMatch(/symlink loop/);
  });

  it('reports missing files, dangling links and files used as folders', () => {
    expect(files.lookup('nope')).toEqual({ problem: 'no such file', via: [] });
    expect(files.lookup('dangling').problem).toBe('no such file');
    expect(files.lookup('bin/tool/x').problem).toBe('/bin/tool is a file, not a folder');
    expect(files.lookup('nodir/x').problem).toMatch(/no folder \/nodir/);
  });

  it('resolves hard links to their target entry', () => {
    expect(files.lookup('hard').entry).toMatchObject({ path: 'bin/tool', mode: 0o755 });
  });

  it('walks through folders that exist only as parents of files', () => {
    expect(files.lookup('implied/dir/file').entry?.content?.toString()).toBe('f');
  });

  it('lists entries under a folder without following links', () => {
    expect(files.under('real').map((e) => e.path)).toEqual(['real', 'real/icon.svg']);
  });
});

describe('readLayer', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nxde-layer-'));
    mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function blob(data: Buffer, digest = sha256Digest(data)) {
    writeFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)), data);
    return openBlob({ dir, index: { schemaVersion: 2, manifests: [] } }, { digest, size: data.length });
  }

  it('reads gzip and uncompressed layers alike, keeping only what the selector wants', async () => {
    const tar = makeTar([
      { name: 'metadata.json', data: '{"ui":{}}' },
      { name: 'big.bin', data: Buffer.alloc(100000, 7) },
      { name: 'link', type: '2', linkname: 'metadata.json' },
    ]);
    const seen: string[] = [];
    const selector: LayerSelector = {
      keep: (h) => (h.path === 'metadata.json' ? 1000 : 0),
      seen: (h) => seen.push(h.path),
    };
    for (const [data, mediaType] of [
      [gzipSync(tar), MediaType.ociLayerGzip],
      [tar, MediaType.ociLayer],
      [gzipSync(tar), MediaType.dockerLayerGzip],
      [zstdRawFrame(tar), MediaType.ociLayerZstd],
    ] as const) {
      const counters = newReadCounters();
      const changes = await readLayer(blob(data), { digest: sha256Digest(data), mediaType }, selector, counters);
      expect(changes.entries.get('metadata.json')?.content?.toString()).toBe('{"ui":{}}');
      expect(changes.entries.get('big.bin')).toMatchObject({ size: 100000, content: undefined, complete: false });
      expect(changes.entries.get('link')).toMatchObject({ type: 'symlink', linkname: 'metadata.json' });
      expect(counters).toEqual({ layersRead: 1, compressedBytes: data.length, decompressedBytes: tar.length });
    }
    expect(seen).toEqual(Array(4).fill(['metadata.json', 'big.bin', 'link']).flat());
  });

  const zeros = makeTar([{ name: 'zeros', data: Buffer.alloc(50 << 20) }]); // 50 MiB
  it.each([
    ['gzip', gzipSync(zeros), 200 << 10, MediaType.ociLayerGzip],
    // the tar header stored, then 50 MiB of zeros as RLE blocks: 2 KiB in all
    [
      'zstd',
      Buffer.concat([zstdRawFrame(zeros.subarray(0, 512)), zstdZerosFrame(400)]),
      3 << 10,
      MediaType.ociLayerZstd,
    ],
  ] as const)('stops a %s bomb at the per-layer limit', async (_kind, bomb, under, mediaType) => {
    expect(bomb.length).toBeLessThan(under);
    const limits = { ...DEFAULT_LAYER_LIMITS, maxLayerBytes: 4 << 20 };
    await expect(
      readLayer(blob(bomb), { digest: sha256Digest(bomb), mediaType }, keepAll, newReadCounters(), limits),
    ).rejects.toThrow(/decompresses to more than 4194304 bytes, the limit per layer/);
  });

  it('stops at the per-run limit across layers', async () => {
    const data = gzipSync(makeTar([{ name: 'f', data: Buffer.alloc(3 << 20) }]));
    const counters = newReadCounters();
    const limits = { ...DEFAULT_LAYER_LIMITS, maxTotalBytes: 5 << 20 };
    const d = { digest: sha256Digest(data), mediaType: MediaType.ociLayerGzip };
    await readLayer(blob(data), d, keepAll, counters, limits);
    await expect(readLayer(blob(data), d, keepAll, counters, limits)).rejects.toThrow(/limit per run/);
  });

  it('reports a truncated gzip layer', async () => {
    const whole = gzipSync(makeTar([{ name: 'f', data: Buffer.alloc(100000, 1) }]));
    const cut = whole.subarray(0, whole.length - 40);
    await expect(
      readLayer(
        Readable.from([cut]),
        { digest: 'sha256:' + '0'.repeat(64), mediaType: MediaType.ociLayerGzip },
        keepAll,
        newReadCounters(),
      ),
    ).rejects.toThrow(/layer sha256:0+: the gzip stream ends early: the layer is truncated/);
  });

  it('reports a blob whose bytes do not match its digest', async () => {
    const tar = makeTar([{ name: 'f', data: 'x' }]);
    const wrong = 'sha256:' + 'a'.repeat(64);
    await expect(
      readLayer(blob(tar, wrong), { digest: wrong, mediaType: MediaType.ociLayer }, keepAll, newReadCounters()),
    ).rejects.toThrow(/does not match its descriptor/);
  });

  it('reports hostile names with the layer digest', async () => {
    const tar = makeTar([{ name: '../../etc/cron.d/x', data: 'evil' }]);
    await expect(
      readLayer(blob(tar), { digest: sha256Digest(tar), mediaType: MediaType.ociLayer }, keepAll, newReadCounters()),
    ).rejects.toThrow(/layer sha256:[0-9a-f]{64}: name '..\/..\/etc\/cron.d\/x' contains '..'/);
  });

  it('says when an "uncompressed" layer is really gzip, and when a "zstd" layer is not zstd or is cut short', async () => {
    const gz = gzipSync(makeTar([{ name: 'f', data: 'x' }]));
    await expect(
      readLayer(blob(gz), { digest: sha256Digest(gz), mediaType: MediaType.ociLayer }, keepAll, newReadCounters()),
    ).rejects.toThrow(/says uncompressed, but the data is gzip/);
    await expect(
      readLayer(blob(gz), { digest: sha256Digest(gz), mediaType: MediaType.ociLayerZstd }, keepAll, newReadCounters()),
    ).rejects.toThrow(/layer sha256:[0-9a-f]{64}: it is not valid zstd data/);
    const zst = zstdRawFrame(makeTar([{ name: 'f', data: Buffer.alloc(100000, 1) }]));
    const cut = zst.subarray(0, zst.length - 40);
    await expect(
      readLayer(
        Readable.from([cut]),
        { digest: 'sha256:' + '0'.repeat(64), mediaType: MediaType.ociLayerZstd },
        keepAll,
        newReadCounters(),
      ),
    ).rejects.toThrow(/layer sha256:0+: the zstd stream ends early: the layer is truncated/);
  });

  it('abandons a layer stream that goes silent', async () => {
    const silent = new Readable({ read() {} });
    const limits = { ...DEFAULT_LAYER_LIMITS, idleTimeoutMs: 100 };
    await expect(
      readLayer(
        silent,
        { digest: 'sha256:' + '1'.repeat(64), mediaType: MediaType.ociLayer },
        keepAll,
        newReadCounters(),
        limits,
      ),
    ).rejects.toThrow(/no data for 0.1 s/);
  });

  it('knows layer media types', () => {
    expect(layerCompression(MediaType.ociLayerGzip)).toBe('gzip');
    expect(layerCompression(MediaType.ociLayer)).toBe('none');
    expect(() => layerCompression('application/vnd.in-toto+json')).toThrow(/not an image layer/);
  });
});
