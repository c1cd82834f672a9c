import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Computed projects keyed by a hash of everything they were computed from (the folder's files,
 * the plugin options and version), kept in Nx's workspace data directory between runs, as
 * Nx's own inference plugins do. Only entries used in the last run are written back, so the
 * file never outgrows the workspace.
 */
export class TargetsCache<T> {
  private readonly entries: Record<string, T>;
  private readonly used: Record<string, T> = {};
  private changed = false;

  constructor(private readonly path: string) {
    this.entries = readEntries<T>(path);
  }

  get(key: string): T | undefined {
    const value = this.entries[key];
    if (value !== undefined) this.used[key] = value;
    return value;
  }

  set(key: string, value: T): void {
    this.entries[key] = value;
    this.used[key] = value;
    this.changed = true;
  }

  /** Writes atomically (rename), so a concurrent Nx process never reads half a file. */
  save(): void {
    if (!this.changed && Object.keys(this.used).length === Object.keys(this.entries).length) return;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      const temp = `${this.path}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(this.used));
      renameSync(temp, this.path);
    } catch {
      // A read-only workspace data directory only costs recomputation next time.
    }
  }
}

function readEntries<T>(path: string): Record<string, T> {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
  } catch {
    return {};
  }
}

/** The cache file for one plugin entry: entries with different options never share a file. */
export function targetsCachePath(dataDirectory: string, options: unknown): string {
  const optionsHash = createHash('sha256')
    .update(JSON.stringify(options ?? {}))
    .digest('hex')
    .slice(0, 16);
  return join(dataDirectory, `nx-docker-extension-${optionsHash}.hash`);
}
