import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTar, tarHeader } from '../verify/test-support/make-tar';
import { normalizeEntryName, readTar, TarError, TarHeader, TarParser } from './tar';

interface Seen {
  header: TarHeader;
  data?: string;
  complete: boolean;
}

function parse(archive: Buffer, keep: (h: TarHeader) => number = () => 1 << 20, chunkSize = archive.length): Seen[] {
  const seen: Seen[] = [];
  const parser = new TarParser({
    keep,
    entry: (header, data, complete) => seen.push({ header, data: data?.toString('utf8'), complete }),
  });
  for (let at = 0; at < archive.length; at += chunkSize) parser.push(archive.subarray(at, at + chunkSize));
  parser.end();
  return seen;
}

describe('TarParser', () => {
  it('reads files, directories, symlinks and hard links with their modes', () => {
    const seen = parse(
      makeTar([
        { name: 'ui/', type: '5', mode: 0o755 },
        { name: 'ui/index.html', data: '<html>', mode: 0o644 },
        { name: 'darwin/kubectl', data: 'bin', mode: 0o755 },
        { name: 'ui/link', type: '2', linkname: '../etc/passwd' },
        { name: 'hard', type: '1', linkname: './darwin/kubectl' },
      ]),
    );
    expect(
      seen.map((s) => [s.header.path, s.header.type, s.header.mode.toString(8), s.data, s.header.linkname]),
    ).toEqual([
      ['ui', 'directory', '755', undefined, undefined],
      ['ui/index.html', 'file', '644', '<html>', undefined],
      ['darwin/kubectl', 'file', '755', 'bin', undefined],
      ['ui/link', 'symlink', '644', undefined, '../etc/passwd'],
      ['hard', 'hardlink', '644', undefined, 'darwin/kubectl'],
    ]);
  });

  it('gives the same result whatever the chunk boundaries', () => {
    const archive = makeTar([
      { name: 'a', data: 'x'.repeat(700) },
      { name: 'long/'.repeat(40) + 'f', data: 'y', pax: { path: 'long/'.repeat(40) + 'f' } },
      { name: 'b', data: 'z'.repeat(513) },
    ]);
    const whole = parse(archive);
    for (const size of [1, 7, 511, 512, 513, 4096]) expect(parse(archive, undefined, size)).toEqual(whole);
  });

  it('keeps only the bytes the visitor asks for and says whether that is the whole file', () => {
    const seen = parse(
      makeTar([
        { name: 'big', data: 'abcdefghij' },
        { name: 'skipped', data: 'xyz' },
        { name: 'small', data: 'ok' },
      ]),
      (h) => (h.path === 'big' ? 4 : h.path === 'small' ? 100 : 0),
    );
    expect(seen.map((s) => [s.header.path, s.data, s.complete, s.header.size])).toEqual([
      ['big', 'abcd', false, 10],
      ['skipped', undefined, false, 3],
      ['small', 'ok', true, 2],
    ]);
  });

  it('takes long names from pax headers, GNU long names and the ustar prefix', () => {
    const long = 'very/'.repeat(30) + 'deep/file.txt';
    const seen = parse(
      makeTar([
        { name: 'short', pax: { path: long, linkpath: 'target/' + 'x'.repeat(150) }, type: '2' },
        { name: long, gnuLongName: true, data: 'gnu' },
        { name: 'link2', type: '2', linkname: 'z'.repeat(120), gnuLongLink: true },
        { name: 'file.txt', ustarPrefix: 'some/prefix/dir', data: 'p' },
      ]),
    );
    expect(seen.map((s) => [s.header.path, s.header.linkname])).toEqual([
      [long, 'target/' + 'x'.repeat(150)],
      [long, undefined],
      ['link2', 'z'.repeat(120)],
      ['some/prefix/dir/file.txt', undefined],
    ]);
  });

  it('lets a pax size override the header size', () => {
    const archive = makeTar([
      { name: 'f', data: 'hello world', headerSize: 0, pax: { size: '11' } },
      { name: 'g', data: 'after' },
    ]);
    expect(parse(archive).map((s) => [s.header.path, s.data])).toEqual([
      ['f', 'hello world'],
      ['g', 'after'],
    ]);
  });

  it('reads GNU base-256 sizes', () => {
    const header = tarHeader({ name: 'f', type: '0', size: 0 });
    header.fill(0, 124, 136);
    header[124] = 0x80;
    header.writeUInt32BE(3, 132);
    header.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of header) sum += b;
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    const archive = Buffer.concat([header, Buffer.from('abc'), Buffer.alloc(509), Buffer.alloc(1024)]);
    expect(parse(archive).map((s) => [s.header.size, s.data])).toEqual([[3, 'abc']]);
  });

  it('ignores bytes after the end-of-archive marker and accepts an archive without one', () => {
    const archive = Buffer.concat([makeTar([{ name: 'a', data: '1' }]), Buffer.from('trailing garbage')]);
    expect(parse(archive).map((s) => s.header.path)).toEqual(['a']);
    expect(parse(makeTar([{ name: 'a', data: '1' }], { end: false })).map((s) => s.header.path)).toEqual(['a']);
  });

  it('reports the root entry ./ with an empty path', () => {
    expect(parse(makeTar([{ name: './', type: '5' }]))[0].header.path).toBe('');
  });

  describe('rejects broken and hostile archives with a clear error', () => {
    it.each([
      ['../etc/passwd', /contains '\.\.'/],
      ['ui/../../x', /contains '\.\.'/],
      ['/etc/passwd', /absolute path/],
    ])('entry name %s', (name, error) => {
      expect(() => parse(makeTar([{ name, data: 'x' }]))).toThrow(error);
    });

    it('a hard link pointing outside the root', () => {
      expect(() => parse(makeTar([{ name: 'h', type: '1', linkname: '../../etc/shadow' }]))).toThrow(
        /hard link target of 'h'.*'\.\.'/,
      );
    });

    it('a pax path with ..', () => {
      expect(() => parse(makeTar([{ name: 'ok', data: 'x', pax: { path: 'a/../../b' } }]))).toThrow(TarError);
    });

    it('a truncated archive, inside data or inside a header', () => {
      const archive = makeTar([{ name: 'a', data: 'x'.repeat(2000) }], { end: false });
      expect(() => parse(archive.subarray(0, 1500))).toThrow(/truncated: it ends inside the data of 'a'/);
      expect(() => parse(archive.subarray(0, 300))).toThrow(/truncated: it ends inside a header/);
    });

    it('a bad checksum (not a tar, or corrupt)', () => {
      expect(() => parse(makeTar([{ name: 'a', data: 'x', badChecksum: true }]))).toThrow(
        /bad header checksum at byte 0/,
      );
      expect(() => parse(Buffer.concat([Buffer.from('\x1f\x8b'), Buffer.alloc(1022, 1)]))).toThrow(
        /bad header checksum|not octal/,
      );
    });

    it('an oversized pax header', () => {
      const parser = new TarParser(
        { keep: () => 0, entry: () => undefined },
        { maxMetaBytes: 100, maxKeepBytes: 10, maxEntries: 10 },
      );
      expect(() => parser.push(makeTar([{ name: 'a', pax: { path: 'p'.repeat(200) } }]))).toThrow(
        /pax header of \d+ bytes .* exceeds the 100-byte limit/,
      );
    });

    it('too many entries', () => {
      const parser = new TarParser(
        { keep: () => 0, entry: () => undefined },
        { maxMetaBytes: 100, maxKeepBytes: 10, maxEntries: 2 },
      );
      expect(() => parser.push(makeTar([{ name: 'a' }, { name: 'b' }, { name: 'c' }]))).toThrow(/more than 2 entries/);
    });

    it('a malformed pax record', () => {
      const bad = Buffer.from('99 path=x\n');
      const archive = Buffer.concat([
        tarHeader({ name: 'p', type: 'x', size: bad.length }),
        bad,
        Buffer.alloc(512 - bad.length),
        makeTar([{ name: 'a' }]),
      ]);
      expect(() => parse(archive)).toThrow(/malformed pax header record/);
    });
  });

  it('caps kept bytes at maxKeepBytes whatever the visitor asks', () => {
    const seen: Buffer[] = [];
    const parser = new TarParser(
      { keep: () => 1e9, entry: (_h, data) => data && seen.push(data) },
      { maxMetaBytes: 100, maxKeepBytes: 5, maxEntries: 10 },
    );
    parser.push(makeTar([{ name: 'a', data: '0123456789' }]));
    expect(seen.map((b) => b.toString())).toEqual(['01234']);
  });
});

describe('normalizeEntryName', () => {
  it.each([
    ['./ui/index.html', 'ui/index.html'],
    ['ui//x/', 'ui/x'],
    ['./', ''],
    ['a/./b', 'a/b'],
  ])('%s → %s', (raw, normalized) => expect(normalizeEntryName(raw, 'name')).toBe(normalized));
});

describe('readTar on archives made by GNU tar', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nxde-tar-'));
    const root = join(dir, 'root');
    const deep = join(root, 'a'.repeat(60), 'b'.repeat(60));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'c'.repeat(90) + '.txt'), 'deep file');
    writeFileSync(join(root, 'small.txt'), 'small');
    symlinkSync('small.txt', join(root, 'link'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['gnu', 'pax', 'ustar'])('format %s', async (format) => {
    const archive = execFileSync('tar', ['--format', format, '-C', join(dir, 'root'), '-cf', '-', '.']);
    const seen: Record<string, string | undefined> = {};
    await readTar(
      (async function* () {
        for (let at = 0; at < archive.length; at += 1000) yield archive.subarray(at, at + 1000);
      })(),
      {
        keep: () => 100,
        entry: (h, data) => (seen[h.path] = h.type === 'symlink' ? `-> ${h.linkname}` : data?.toString()),
      },
    );
    expect(seen['small.txt']).toBe('small');
    expect(seen['link']).toBe('-> small.txt');
    expect(seen[`${'a'.repeat(60)}/${'b'.repeat(60)}/${'c'.repeat(90)}.txt`]).toBe('deep file');
  });
});
