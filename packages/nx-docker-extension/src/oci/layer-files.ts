// The files of an image from its layers: read each layer once (only the wanted bytes), then stack them
// with whiteouts applied, upper layers winning. Nothing is written to disk.
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { FileInfo, FileLookup, ImageFileView } from '../extension/image-view';
import { readTar, TarHeader, TarLimits, DEFAULT_TAR_LIMITS } from './tar';
import { MediaType } from './types';
import { describeZstdError, zstdDecompress } from './zstd';

export interface LayerEntry extends FileInfo {
  /** Digest of the layer the entry comes from. */
  layer: string;
}

/** What one layer changes: entries it adds or replaces, and what its whiteouts remove from the layers below. */
export interface LayerChanges {
  digest: string;
  entries: Map<string, LayerEntry>;
  /** `.wh.<name>`: paths removed (with everything below them). */
  whiteouts: string[];
  /** `.wh..wh..opq`: directories whose lower contents are removed. */
  opaqueDirs: string[];
}

export interface LayerSelector {
  /** Bytes of a regular file to keep (0: none). */
  keep(header: TarHeader): number;
  /** Sees every entry as it streams by (e.g. to follow a wanted path through a symlink). */
  seen?(header: TarHeader): void;
}

export interface LayerLimits {
  /** Most decompressed bytes of one layer (a gzip bomb stops here). */
  maxLayerBytes: number;
  /** Most decompressed bytes over all layers of a run. */
  maxTotalBytes: number;
  /** A layer stream silent this long is abandoned. */
  idleTimeoutMs: number;
  tar: TarLimits;
}

export const DEFAULT_LAYER_LIMITS: LayerLimits = {
  maxLayerBytes: 8 * 1024 ** 3,
  maxTotalBytes: 32 * 1024 ** 3,
  idleTimeoutMs: 120_000,
  tar: DEFAULT_TAR_LIMITS,
};

/** Counts shared by every layer read in one run, so the overall cap holds across layers. */
export interface ReadCounters {
  layersRead: number;
  compressedBytes: number;
  decompressedBytes: number;
}

export function newReadCounters(): ReadCounters {
  return { layersRead: 0, compressedBytes: 0, decompressedBytes: 0 };
}

export class LayerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LayerError';
  }
}

export type LayerCompression = 'gzip' | 'none' | 'zstd';

export function layerCompression(mediaType: string): LayerCompression {
  switch (mediaType) {
    case MediaType.ociLayerGzip:
    case MediaType.dockerLayerGzip:
    case 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip':
    case 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip':
      return 'gzip';
    case MediaType.ociLayer:
    case 'application/vnd.oci.image.layer.nondistributable.v1.tar':
    case 'application/vnd.docker.image.rootfs.diff.tar':
      return 'none';
    case MediaType.ociLayerZstd:
    case 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd':
      return 'zstd';
    default:
      throw new LayerError(
        `media type '${mediaType}' is not an image layer this plugin can read (tar, tar+gzip, tar+zstd)`,
      );
  }
}

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

/**
 * Reads one layer blob: decompresses, parses the tar, keeps what the selector asks for. The blob stream is
 * expected to check its own digest (openBlob, RegistryClient.getBlob) and is always read to its end so it can.
 */
export async function readLayer(
  blob: Readable,
  descriptor: { digest: string; mediaType: string },
  selector: LayerSelector,
  counters: ReadCounters,
  limits: LayerLimits = DEFAULT_LAYER_LIMITS,
): Promise<LayerChanges> {
  const where = `layer ${descriptor.digest}`;
  const changes: LayerChanges = { digest: descriptor.digest, entries: new Map(), whiteouts: [], opaqueDirs: [] };
  let compression: LayerCompression;
  try {
    compression = layerCompression(descriptor.mediaType);
  } catch (e) {
    blob.destroy();
    throw new LayerError(`${where}: ${(e as Error).message}`);
  }
  const gunzip = compression === 'gzip' ? createGunzip() : undefined;
  let idle: NodeJS.Timeout | undefined;
  const armIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(
      () => blob.destroy(new LayerError(`no data for ${limits.idleTimeoutMs / 1000} s; giving up`)),
      limits.idleTimeoutMs,
    );
  };
  const onCompressed = (chunk: Buffer) => {
    counters.compressedBytes += chunk.length;
    armIdle();
  };
  if (gunzip) {
    blob.on('data', onCompressed);
    blob.on('error', (e) => gunzip.destroy(e));
    blob.pipe(gunzip);
  }
  const decompressed: AsyncIterable<Buffer> =
    gunzip ?? (compression === 'zstd' ? zstdDecompress(blob, onCompressed) : blob);
  let layerBytes = 0;
  let first = true;
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of decompressed) {
      if (compression === 'none') {
        onCompressed(chunk);
        if (first && chunk[0] === 0x1f && chunk[1] === 0x8b) {
          throw new LayerError(`its media type ${descriptor.mediaType} says uncompressed, but the data is gzip`);
        }
      }
      first = false;
      layerBytes += chunk.length;
      counters.decompressedBytes += chunk.length;
      if (layerBytes > limits.maxLayerBytes) {
        throw new LayerError(
          `it decompresses to more than ${limits.maxLayerBytes} bytes, the limit per layer (a gzip bomb, or a layer far too big for an extension)`,
        );
      }
      if (counters.decompressedBytes > limits.maxTotalBytes) {
        throw new LayerError(
          `the layers read so far decompress to more than ${limits.maxTotalBytes} bytes, the limit per run`,
        );
      }
      yield chunk;
    }
  }
  armIdle();
  try {
    await readTar(
      counted(),
      {
        keep: (header) => selector.keep(header),
        entry: (header, data, complete) => {
          selector.seen?.(header);
          addEntry(changes, header, data, complete);
        },
      },
      limits.tar,
    );
    counters.layersRead++;
    return changes;
  } catch (e) {
    throw new LayerError(`${where}: ${describeReadError(e as Error, compression)}`);
  } finally {
    clearTimeout(idle);
    blob.destroy();
    gunzip?.destroy();
  }
}

function describeReadError(e: Error, compression: LayerCompression): string {
  if (compression === 'zstd') return describeZstdError(e) ?? e.message;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(e.message)) {
    return 'the gzip stream ends early: the layer is truncated';
  }
  if (code === 'Z_DATA_ERROR' && compression === 'gzip') return `it is not valid gzip data (${e.message})`;
  return e.message;
}

function addEntry(changes: LayerChanges, header: TarHeader, data: Buffer | undefined, complete: boolean): void {
  if (header.path === '') return; // the root directory itself
  const slash = header.path.lastIndexOf('/');
  const dir = slash < 0 ? '' : header.path.slice(0, slash);
  const base = header.path.slice(slash + 1);
  if (base === OPAQUE) {
    changes.opaqueDirs.push(dir);
    return;
  }
  if (base.startsWith(WHITEOUT)) {
    const hidden = base.slice(WHITEOUT.length);
    if (hidden !== '' && hidden !== '.' && hidden !== '..') changes.whiteouts.push(dir ? `${dir}/${hidden}` : hidden);
    return;
  }
  changes.entries.set(header.path, {
    path: header.path,
    type: header.type,
    mode: header.mode,
    size: header.size,
    linkname: header.linkname,
    content: data,
    complete: header.type === 'file' ? complete : true,
    layer: changes.digest,
  });
}

export interface LayerLookup extends FileLookup {
  entry?: LayerEntry;
}

/** Longest chain of symlinks followed, as Linux allows (MAXSYMLINKS). */
const MAX_LINK_HOPS = 40;

/** An image's file tree: layers applied bottom to top. */
export class ImageFiles implements ImageFileView {
  private readonly entries = new Map<string, LayerEntry>();
  private dirs?: Set<string>;

  static fromLayers(layers: LayerChanges[]): ImageFiles {
    const files = new ImageFiles();
    for (const layer of layers) files.apply(layer);
    return files;
  }

  apply(layer: LayerChanges): void {
    this.dirs = undefined;
    if (layer.whiteouts.length || layer.opaqueDirs.length) {
      const gone = new Set(layer.whiteouts);
      const opaque = new Set(layer.opaqueDirs);
      for (const path of [...this.entries.keys()]) {
        if (hiddenBy(path, gone, opaque)) this.entries.delete(path);
      }
    }
    for (const entry of layer.entries.values()) {
      for (const ancestor of ancestors(entry.path)) {
        const existing = this.entries.get(ancestor);
        if (existing && existing.type !== 'directory') this.entries.delete(ancestor); // a file replaced by a folder
      }
      const existing = this.entries.get(entry.path);
      if (existing?.type === 'directory' && entry.type !== 'directory') this.removeBelow(entry.path);
      this.entries.set(entry.path, entry);
    }
  }

  get(path: string): LayerEntry | undefined {
    return this.entries.get(path);
  }

  all(): IterableIterator<LayerEntry> {
    return this.entries.values();
  }

  under(dir: string): LayerEntry[] {
    const prefix = dir === '' ? '' : `${dir}/`;
    return [...this.entries.values()].filter((e) => e.path === dir || e.path.startsWith(prefix));
  }

  /** Follows symlinks (relative to their folder, absolute from the image root, `..` stopping at the root) and hard links. */
  lookup(path: string): LayerLookup {
    const via: string[] = [];
    let parts = splitPath(path);
    let hops = 0;
    let i = 0;
    while (i < parts.length) {
      const current = parts.slice(0, i + 1).join('/');
      const entry = this.entries.get(current);
      const last = i === parts.length - 1;
      if (!entry) {
        if (!last && this.isImpliedDir(current)) {
          i++;
          continue;
        }
        return { problem: `no such file${last ? '' : ` (no folder /${current})`}`, via };
      }
      if (entry.type === 'symlink') {
        if (++hops > MAX_LINK_HOPS)
          return { problem: `a symlink loop (more than ${MAX_LINK_HOPS} links followed)`, via };
        via.push(current);
        const target = entry.linkname ?? '';
        const base = target.startsWith('/') ? [] : parts.slice(0, i);
        parts = resolveDots([...base, ...target.split('/'), ...parts.slice(i + 1)]);
        i = 0;
        if (parts.length === 0) return { entry: this.rootDir(), via };
        continue;
      }
      if (last) {
        if (entry.type !== 'hardlink') return { entry, via };
        const target = entry.linkname ? this.entries.get(entry.linkname) : undefined;
        via.push(current);
        if (!target || target.type === 'hardlink') {
          return { problem: `a hard link to /${entry.linkname}, which is not in the image`, via };
        }
        return { entry: target, via };
      }
      if (entry.type !== 'directory') return { problem: `/${current} is a ${entry.type}, not a folder`, via };
      i++;
    }
    return { entry: this.rootDir(), via };
  }

  private rootDir(): LayerEntry {
    return { path: '', type: 'directory', mode: 0o755, size: 0, complete: true, layer: '' };
  }

  private isImpliedDir(path: string): boolean {
    if (!this.dirs) {
      this.dirs = new Set();
      for (const key of this.entries.keys()) for (const a of ancestors(key)) this.dirs.add(a);
    }
    return this.dirs.has(path);
  }

  private removeBelow(dir: string): void {
    const prefix = `${dir}/`;
    for (const path of [...this.entries.keys()]) if (path.startsWith(prefix)) this.entries.delete(path);
  }
}

function splitPath(path: string): string[] {
  return resolveDots(path.split('/'));
}

/** `a/./b/../c` → [a, c]; `..` at the root stays at the root, as in a container. */
function resolveDots(parts: string[]): string[] {
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out;
}

function ancestors(path: string): string[] {
  const out: string[] = [];
  let slash = path.indexOf('/');
  while (slash >= 0) {
    out.push(path.slice(0, slash));
    slash = path.indexOf('/', slash + 1);
  }
  return out;
}

function hiddenBy(path: string, gone: Set<string>, opaque: Set<string>): boolean {
  if (gone.has(path)) return true;
  for (const a of ancestors(path)) if (gone.has(a) || opaque.has(a)) return true;
  return opaque.has('') && path !== '';
}
