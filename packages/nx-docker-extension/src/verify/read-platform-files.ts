// Reads the files every platform's rules need, each distinct layer once, top layer first.
//
// What to keep depends on metadata.json, which sits in some upper layer. Reading top-down finds it early: until
// a platform's metadata.json is known, its layers keep a small head of every file (bounded by a budget); after
// that only the files metadata.json names. A file still lacking bytes at the end (a budget overrun, a hard link
// to an earlier entry) is fetched by re-reading just its layer, which the stats count.
import { BINARY_HEAD_BYTES } from '../extension/binary-arch';
import { WantedFiles } from '../extension/image-view';
import { parseMetadata } from '../extension/metadata';
import { COMPOSE_MAX_BYTES, METADATA_MAX_BYTES, METADATA_PATH, wantedFiles } from '../extension/wanted-files';
import {
  DEFAULT_LAYER_LIMITS,
  ImageFiles,
  LayerChanges,
  LayerLimits,
  LayerSelector,
  newReadCounters,
  readLayer,
  ReadCounters,
} from '../oci/layer-files';
import { TarHeader } from '../oci/tar';
import { Descriptor } from '../oci/types';
import { ImageSource } from './image-source';

export interface PlatformLayers {
  platform: string;
  /** Bottom to top, as in the manifest. */
  layers: Descriptor[];
}

export interface ReadFilesOptions {
  limits?: LayerLimits;
  /** Bytes kept from files before metadata.json says which are wanted. */
  speculativeBudget?: number;
}

export interface ReadFilesStats extends ReadCounters {
  /** Distinct layers among the platforms. */
  distinctLayers: number;
  /** Layers read a second time for bytes the first read did not keep. */
  secondReads: number;
}

export const DEFAULT_SPECULATIVE_BUDGET = 32 << 20;
const MAX_WANTED = 10_000;

export async function readPlatformFiles(
  source: ImageSource,
  platforms: PlatformLayers[],
  options: ReadFilesOptions = {},
): Promise<{ files: Map<string, ImageFiles>; stats: ReadFilesStats }> {
  const limits = options.limits ?? DEFAULT_LAYER_LIMITS;
  const budget = options.speculativeBudget ?? DEFAULT_SPECULATIVE_BUDGET;
  const counters = newReadCounters();
  const read = new Map<string, LayerChanges>();
  const descriptors = new Map<string, Descriptor>();
  for (const p of platforms) for (const d of p.layers) descriptors.set(d.digest, d);
  const wanted: WantedFiles = new Map([[METADATA_PATH, METADATA_MAX_BYTES]]);
  let speculativeBytes = 0;

  const selector = (speculate: boolean): LayerSelector => ({
    keep(header: TarHeader): number {
      if (header.type !== 'file') return 0;
      let bytes = wanted.get(header.path) ?? 0;
      if (speculate && speculativeBytes < budget) {
        const guess =
          /\.ya?ml$/i.test(header.path) && header.size <= COMPOSE_MAX_BYTES ? COMPOSE_MAX_BYTES : BINARY_HEAD_BYTES;
        const extra = Math.min(guess, header.size) - Math.min(bytes, header.size);
        if (extra > 0) {
          speculativeBytes += extra;
          bytes = guess;
        }
      }
      return bytes;
    },
    seen(header: TarHeader): void {
      if (header.type === 'symlink') followWantedThroughLink(wanted, header.path, header.linkname ?? '');
    },
  });

  for (const p of platforms) {
    for (const d of [...p.layers].reverse()) {
      if (!read.has(d.digest)) {
        const speculate = knownWants(p, read) === undefined;
        read.set(d.digest, await readLayer(await source.openLayer(d), d, selector(speculate), counters, limits));
      }
      const known = knownWants(p, read);
      if (known) for (const [path, bytes] of known) wanted.set(path, Math.max(bytes, wanted.get(path) ?? 0));
    }
  }

  const files = new Map(
    platforms.map((p) => [p.platform, ImageFiles.fromLayers(p.layers.map((d) => read.get(d.digest)!))]),
  );
  let secondReads = 0;
  for (let round = 0; round < 3; round++) {
    const missing = missingBytes(files);
    if (missing.size === 0) break;
    for (const [digest, paths] of missing) {
      const d = descriptors.get(digest)!;
      const again = await readLayer(
        await source.openLayer(d),
        d,
        { keep: (h) => paths.get(h.path) ?? 0 },
        counters,
        limits,
      );
      secondReads++;
      const layer = read.get(digest)!;
      for (const path of paths.keys()) {
        const fresh = again.entries.get(path);
        const entry = layer.entries.get(path);
        if (fresh && entry) Object.assign(entry, { content: fresh.content, complete: fresh.complete });
      }
    }
  }
  return { files, stats: { ...counters, distinctLayers: descriptors.size, secondReads } };
}

/** The files a platform's rules want, once its metadata.json is known from the layers read so far (top-down). */
function knownWants(p: PlatformLayers, read: Map<string, LayerChanges>): WantedFiles | undefined {
  for (const d of [...p.layers].reverse()) {
    const layer = read.get(d.digest);
    if (!layer) return undefined;
    const entry = layer.entries.get(METADATA_PATH);
    if (entry) {
      if (entry.type === 'symlink') return undefined; // its target may sit lower; keep guessing until the end
      if (entry.type !== 'file' || !entry.content || !entry.complete) return wantedFiles(undefined);
      return wantedFiles(parseMetadata(entry.content.toString('utf8')).metadata);
    }
    if (layer.whiteouts.includes(METADATA_PATH) || layer.opaqueDirs.includes('')) return wantedFiles(undefined);
  }
  return wantedFiles(undefined);
}

/** Layer digest → path → bytes still needed, for wanted files whose kept bytes fall short. */
function missingBytes(files: Map<string, ImageFiles>): Map<string, Map<string, number>> {
  const missing = new Map<string, Map<string, number>>();
  for (const tree of files.values()) {
    const meta = tree.lookup(METADATA_PATH).entry;
    const metadata = meta?.content && meta.complete ? parseMetadata(meta.content.toString('utf8')).metadata : undefined;
    for (const [path, bytes] of wantedFiles(metadata)) {
      const entry = tree.lookup(path).entry;
      if (!entry || entry.type !== 'file' || bytes === 0) continue;
      const need = Math.min(bytes, entry.size);
      if ((entry.content?.length ?? 0) >= need) continue;
      const paths = missing.get(entry.layer) ?? new Map<string, number>();
      paths.set(entry.path, Math.max(bytes, paths.get(entry.path) ?? 0));
      missing.set(entry.layer, paths);
    }
  }
  return missing;
}

/** A wanted path that goes through a symlink also wants the link's target (which may sit in a lower layer). */
function followWantedThroughLink(wanted: WantedFiles, link: string, target: string): void {
  if (wanted.size > MAX_WANTED) return; // a hostile web of links; missing bytes are re-read at the end
  const base = target.startsWith('/') ? [] : link.split('/').slice(0, -1);
  for (const [path, bytes] of [...wanted]) {
    if (path !== link && !path.startsWith(`${link}/`)) continue;
    const resolved: string[] = [];
    for (const part of [...base, ...target.split('/'), ...path.slice(link.length).split('/')]) {
      if (part === '' || part === '.') continue;
      if (part === '..') resolved.pop();
      else resolved.push(part);
    }
    const to = resolved.join('/');
    if (to && !wanted.has(to)) wanted.set(to, bytes);
  }
}
