// Which repositories of a registry held a blob, remembered across pushes — as Docker keeps distribution metadata
// per daemon — so a push to another repository of that registry mounts the blob instead of uploading it again
// (two extensions sharing a base image, each pushed by its own Nx task). Only a hint: a mount the registry
// refuses falls back to an upload, and a damaged or unwritable file only costs uploads.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** registry → digest → repositories, most recent first. */
type Locations = Record<string, Record<string, string[]>>;

const REPOSITORIES_PER_BLOB = 3;
const BLOBS_PER_REGISTRY = 20_000;

/** `$NX_DOCKER_EXTENSION_CACHE_DIR`, else `$XDG_CACHE_HOME/nx-docker-extension`, else `~/.cache/nx-docker-extension`. */
export function defaultBlobLocationsPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir =
    env.NX_DOCKER_EXTENSION_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'nx-docker-extension');
  return join(dir, 'blob-locations.json');
}

function read(path: string): Locations {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8'));
    return typeof value?.registries === 'object' && value.registries !== null ? value.registries : {};
  } catch {
    return {};
  }
}

/** Adds `repository` first in each digest's list; drops the oldest digests beyond the cap. */
export function mergeLocations(into: Locations, registry: string, repository: string, digests: readonly string[]) {
  const byDigest = (into[registry] ??= {});
  for (const digest of digests) {
    const repos = (byDigest[digest] ?? []).filter((r) => r !== repository);
    delete byDigest[digest]; // re-inserted last: object key order is the age order
    byDigest[digest] = [repository, ...repos].slice(0, REPOSITORIES_PER_BLOB);
  }
  const keys = Object.keys(byDigest);
  for (const old of keys.slice(0, Math.max(0, keys.length - BLOBS_PER_REGISTRY))) delete byDigest[old];
}

export class BlobLocations {
  private readonly known: Locations;
  private readonly recorded: { registry: string; repository: string; digests: string[] }[] = [];

  private constructor(readonly path: string) {
    this.known = read(path);
  }

  static load(path: string = defaultBlobLocationsPath()): BlobLocations {
    return new BlobLocations(path);
  }

  /** Repositories of the registry that held the blob, most recent first. */
  sources(registry: string, digest: string): string[] {
    return this.known[registry]?.[digest] ?? [];
  }

  record(registry: string, repository: string, digests: readonly string[]): void {
    this.recorded.push({ registry, repository, digests: [...digests] });
    mergeLocations(this.known, registry, repository, digests);
  }

  /** Re-reads the file and adds this run's records, so parallel pushes lose little; written atomically. */
  save(): void {
    if (this.recorded.length === 0) return;
    try {
      const current = read(this.path);
      for (const r of this.recorded) mergeLocations(current, r.registry, r.repository, r.digests);
      mkdirSync(dirname(this.path), { recursive: true });
      const temp = `${this.path}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify({ version: 1, registries: current }));
      renameSync(temp, this.path);
    } catch {
      // a hint only: the next push uploads instead of mounting
    }
  }
}
