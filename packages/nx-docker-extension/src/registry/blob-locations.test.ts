import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobLocations, defaultBlobLocationsPath, mergeLocations } from './blob-locations';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'nxde-blob-locations-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('mergeLocations', () => {
  it('puts the newest repository first, keeps three per blob, and moves a re-recorded digest to the young end', () => {
    const known = {};
    mergeLocations(known, 'r:5000', 'a', ['sha256:1', 'sha256:2']);
    for (const repo of ['b', 'c', 'd']) mergeLocations(known, 'r:5000', repo, ['sha256:1']);
    expect(known).toEqual({ 'r:5000': { 'sha256:2': ['a'], 'sha256:1': ['d', 'c', 'b'] } });
    mergeLocations(known, 'r:5000', 'c', ['sha256:1']);
    expect((known as Record<string, Record<string, string[]>>)['r:5000']['sha256:1']).toEqual(['c', 'd', 'b']);
  });
});

describe('BlobLocations', () => {
  it('survives a process: what one push records, the next one reads', () => {
    const path = join(dir, 'sub/blob-locations.json');
    const first = BlobLocations.load(path);
    expect(first.sources('r:5000', 'sha256:1')).toEqual([]);
    first.record('r:5000', 'acme/one', ['sha256:1']);
    first.save();
    expect(BlobLocations.load(path).sources('r:5000', 'sha256:1')).toEqual(['acme/one']);
  });

  it('merges with what a parallel push saved in the meantime', () => {
    const path = join(dir, 'blob-locations.json');
    const a = BlobLocations.load(path);
    const b = BlobLocations.load(path);
    a.record('r:5000', 'acme/a', ['sha256:a']);
    b.record('r:5000', 'acme/b', ['sha256:b']);
    a.save();
    b.save();
    const after = BlobLocations.load(path);
    expect([after.sources('r:5000', 'sha256:a'), after.sources('r:5000', 'sha256:b')]).toEqual([
      ['acme/a'],
      ['acme/b'],
    ]);
  });

  it('treats a damaged file as empty, and an unwritable place as no hint', () => {
    const path = join(dir, 'blob-locations.json');
    writeFileSync(path, '{ not json');
    const locations = BlobLocations.load(path);
    expect(locations.sources('r:5000', 'sha256:1')).toEqual([]);
    locations.record('r:5000', 'acme/one', ['sha256:1']);
    locations.save();
    expect(JSON.parse(readFileSync(path, 'utf8')).registries['r:5000']['sha256:1']).toEqual(['acme/one']);
    const blocked = BlobLocations.load(join(path, 'inside-a-file.json'));
    blocked.record('r:5000', 'acme/one', ['sha256:1']);
    expect(() => blocked.save()).not.toThrow();
  });

  it('lives in the user cache folder unless NX_DOCKER_EXTENSION_CACHE_DIR or XDG_CACHE_HOME says otherwise', () => {
    expect(defaultBlobLocationsPath({})).toBe(join(homedir(), '.cache/nx-docker-extension/blob-locations.json'));
    expect(defaultBlobLocationsPath({ XDG_CACHE_HOME: '/c' })).toBe('/c/nx-docker-extension/blob-locations.json');
    expect(defaultBlobLocationsPath({ NX_DOCKER_EXTENSION_CACHE_DIR: '/n', XDG_CACHE_HOME: '/c' })).toBe(
      '/n/blob-locations.json',
    );
  });
});
