import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeAbandonedStaging, replaceDirectory, stagingPrefix } from './replace-directory';

describe('replaceDirectory', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nxde-replace-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function folder(name: string, content: string) {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'f'), content);
  }

  it('swaps the fresh folder in and removes the old one', async () => {
    folder('image', 'old');
    folder('fresh', 'new');
    await replaceDirectory(join(dir, 'fresh'), join(dir, 'image'));
    expect(readFileSync(join(dir, 'image', 'f'), 'utf8')).toBe('new');
    expect(existsSync(join(dir, 'fresh'))).toBe(false);
    expect(existsSync(join(dir, 'fresh.old'))).toBe(false);
  });

  it('creates the destination the first time', async () => {
    folder('fresh', 'new');
    await replaceDirectory(join(dir, 'fresh'), join(dir, 'image'));
    expect(readFileSync(join(dir, 'image', 'f'), 'utf8')).toBe('new');
  });

  it('puts the old folder back when the fresh one cannot be moved', async () => {
    folder('image', 'old');
    await expect(replaceDirectory(join(dir, 'missing'), join(dir, 'image'))).rejects.toThrow(/ENOENT/);
    expect(readFileSync(join(dir, 'image', 'f'), 'utf8')).toBe('old');
  });

  it('removes staging folders of builds whose process is gone, not of live ones', async () => {
    const dest = join(dir, 'image');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    mkdirSync(`${dest}.building-${dead}-abc123`);
    mkdirSync(`${stagingPrefix(dest)}def456`);
    mkdirSync(join(dir, 'image.building-notapid'));
    expect(await removeAbandonedStaging(dest)).toEqual([`image.building-${dead}-abc123`]);
    expect(existsSync(`${stagingPrefix(dest)}def456`)).toBe(true);
    expect(existsSync(join(dir, 'image.building-notapid'))).toBe(true);
  });
});
