// Writes small tar archives byte by byte for tests, including the odd and hostile ones real tools refuse to make.

export interface TarItem {
  name: string;
  /** Type flag: '0' file (default), '1' hard link, '2' symlink, '5' directory, or anything else. */
  type?: string;
  data?: Buffer | string;
  mode?: number;
  linkname?: string;
  /** Records for a pax extended header written before the entry. */
  pax?: Record<string, string>;
  /** Write the name as a GNU 'L' long-name entry instead of in the header. */
  gnuLongName?: boolean;
  /** Write the linkname as a GNU 'K' entry. */
  gnuLongLink?: boolean;
  /** Split a long name into the ustar prefix field. */
  ustarPrefix?: string;
  /** Size written in the header instead of the data's length. */
  headerSize?: number;
  /** Break the checksum. */
  badChecksum?: boolean;
}

export function tarHeader(fields: {
  name: string;
  type: string;
  size: number;
  mode?: number;
  linkname?: string;
  prefix?: string;
  badChecksum?: boolean;
  gnu?: boolean;
}): Buffer {
  const b = Buffer.alloc(512);
  b.write(fields.name.slice(0, 100), 0, 'utf8');
  b.write((fields.mode ?? 0o644).toString(8).padStart(7, '0') + '\0', 100, 'latin1');
  b.write('0000000\0', 108, 'latin1');
  b.write('0000000\0', 116, 'latin1');
  b.write(fields.size.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  b.write('00000000000\0', 136, 'latin1');
  b.write(fields.type, 156, 'latin1');
  if (fields.linkname) b.write(fields.linkname.slice(0, 100), 157, 'utf8');
  if (fields.gnu) b.write('ustar  \0', 257, 'latin1');
  else b.write('ustar\x0000', 257, 'latin1');
  if (fields.prefix) b.write(fields.prefix, 345, 'utf8');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of b) sum += byte;
  if (fields.badChecksum) sum += 1;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return b;
}

function padded(data: Buffer): Buffer {
  const pad = (512 - (data.length % 512)) % 512;
  return Buffer.concat([data, Buffer.alloc(pad)]);
}

function paxData(records: Record<string, string>): Buffer {
  const parts = Object.entries(records).map(([k, v]) => {
    const body = ` ${k}=${v}\n`;
    let len = Buffer.byteLength(body) + 1;
    while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
    return Buffer.from(`${len}${body}`);
  });
  return Buffer.concat(parts);
}

export function makeTar(items: TarItem[], options: { end?: boolean } = {}): Buffer {
  const blocks: Buffer[] = [];
  for (const item of items) {
    const data = typeof item.data === 'string' ? Buffer.from(item.data) : (item.data ?? Buffer.alloc(0));
    if (item.pax) {
      const pax = paxData(item.pax);
      blocks.push(tarHeader({ name: 'PaxHeader', type: 'x', size: pax.length }), padded(pax));
    }
    if (item.gnuLongName) {
      const long = Buffer.from(item.name + '\0');
      blocks.push(tarHeader({ name: '././@LongLink', type: 'L', size: long.length, gnu: true }), padded(long));
    }
    if (item.gnuLongLink && item.linkname) {
      const long = Buffer.from(item.linkname + '\0');
      blocks.push(tarHeader({ name: '././@LongLink', type: 'K', size: long.length, gnu: true }), padded(long));
    }
    blocks.push(
      tarHeader({
        name: item.gnuLongName ? item.name.slice(0, 99) : item.name,
        type: item.type ?? '0',
        size: item.headerSize ?? data.length,
        mode: item.mode,
        linkname: item.linkname,
        prefix: item.ustarPrefix,
        badChecksum: item.badChecksum,
        gnu: item.gnuLongName || item.gnuLongLink,
      }),
      padded(data),
    );
  }
  if (options.end !== false) blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
