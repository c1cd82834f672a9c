import { rename, rm } from 'node:fs/promises';

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
