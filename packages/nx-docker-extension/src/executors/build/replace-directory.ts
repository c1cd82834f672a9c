import { readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Puts a freshly built folder where the previous one was. Two renames in one folder: at every moment `dest`
 * is either the complete old artifact or the complete new one (briefly absent between the renames).
 */
export async function replaceDirectory(fresh: string, dest: string): Promise<void> {
  const old = `${fresh}.old`;
  let moved = false;
  try {
    await rename(dest, old);
    moved = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  try {
    await rename(fresh, dest);
  } catch (e) {
    if (moved) await rename(old, dest); // put the previous artifact back
    throw e;
  }
  if (moved) await rm(old, { recursive: true, force: true });
}

/** Staging folder name for `dest`: carries this process's id, so a later build can tell abandoned ones. */
export function stagingPrefix(dest: string): string {
  return `${dest}.building-${process.pid}-`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes staging folders left by builds that were killed (their process is gone); live builds' stay. */
export async function removeAbandonedStaging(dest: string): Promise<string[]> {
  const prefix = `${basename(dest)}.building-`;
  let names: string[];
  try {
    names = await readdir(dirname(dest));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = name.startsWith(prefix) ? Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]) : NaN;
    if (!Number.isInteger(pid) || alive(pid)) continue;
    await rm(join(dirname(dest), name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
