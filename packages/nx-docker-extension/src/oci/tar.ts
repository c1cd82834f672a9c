// A streaming tar reader: ustar, pax (path, linkpath, size), GNU long names; keeps only the bytes a visitor asks for.

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarHeader {
  /** Normalized, root-relative: no leading `/` or `./`, no trailing `/`, never `..`. Empty for the root itself. */
  path: string;
  type: TarEntryType;
  /** The raw type flag, for messages about `other` entries. */
  typeflag: string;
  mode: number;
  /** Bytes of data stored for the entry. */
  size: number;
  /** A symlink's target as stored; a hard link's target normalized like `path`. */
  linkname?: string;
}

export interface TarVisitor {
  /** How many bytes of this entry's data to keep in memory (0: skip them unread). */
  keep(header: TarHeader): number;
  /** After the entry's data: the kept bytes (when any) and whether they are the whole entry. */
  entry(header: TarHeader, data: Buffer | undefined, complete: boolean): void;
}

export interface TarLimits {
  /** Largest pax extended header or GNU long name accepted. */
  maxMetaBytes: number;
  /** Most bytes of one entry a visitor may keep. */
  maxKeepBytes: number;
  /** Most entries in one archive. */
  maxEntries: number;
}

export const DEFAULT_TAR_LIMITS: TarLimits = { maxMetaBytes: 1 << 20, maxKeepBytes: 16 << 20, maxEntries: 1_000_000 };

export class TarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TarError';
  }
}

const BLOCK = 512;

type State =
  | { kind: 'header' }
  | { kind: 'data'; header: TarHeader; left: number; keep: number; kept: Buffer[]; keptBytes: number; pad: number }
  | { kind: 'meta'; flag: string; left: number; parts: Buffer[]; pad: number }
  | { kind: 'skip'; left: number }
  | { kind: 'end' };

/**
 * Push-driven parser: feed chunks with push(), then end(). Memory is one header block, the pax/long-name
 * record being read, and whatever the visitor asked to keep of the current entry.
 */
export class TarParser {
  private state: State = { kind: 'header' };
  private block = Buffer.alloc(BLOCK);
  private blockFill = 0;
  private offset = 0;
  private entries = 0;
  private pax: Record<string, string> = {};
  private longName?: string;
  private longLink?: string;

  constructor(
    private readonly visitor: TarVisitor,
    private readonly limits: TarLimits = DEFAULT_TAR_LIMITS,
  ) {}

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      const state = this.state;
      if (state.kind === 'end') return; // trailing zeros or padding after the end-of-archive marker
      if (state.kind === 'header') {
        const n = Math.min(BLOCK - this.blockFill, chunk.length - at);
        chunk.copy(this.block, this.blockFill, at, at + n);
        this.blockFill += n;
        at += n;
        if (this.blockFill === BLOCK) {
          this.blockFill = 0;
          this.onHeader(this.block);
          this.offset += BLOCK;
        }
        continue;
      }
      if (state.kind === 'skip') {
        const n = Math.min(state.left, chunk.length - at);
        state.left -= n;
        at += n;
        this.offset += n;
        if (state.left === 0) this.state = { kind: 'header' };
        continue;
      }
      if (state.kind === 'meta') {
        const n = Math.min(state.left, chunk.length - at);
        state.parts.push(chunk.subarray(at, at + n));
        state.left -= n;
        at += n;
        this.offset += n;
        if (state.left === 0) {
          this.onMeta(state.flag, Buffer.concat(state.parts));
          this.state = state.pad ? { kind: 'skip', left: state.pad } : { kind: 'header' };
        }
        continue;
      }
      const n = Math.min(state.left, chunk.length - at);
      if (state.keptBytes < state.keep) {
        const take = Math.min(n, state.keep - state.keptBytes);
        state.kept.push(Buffer.from(chunk.subarray(at, at + take))); // a copy: the chunk must not stay alive
        state.keptBytes += take;
      }
      state.left -= n;
      at += n;
      this.offset += n;
      if (state.left === 0) {
        this.finishEntry(state);
        this.state = state.pad ? { kind: 'skip', left: state.pad } : { kind: 'header' };
      }
    }
  }

  /** Call when the input ends; throws when it ends inside an entry. */
  end(): void {
    const state = this.state;
    if (state.kind === 'end') return;
    if (state.kind === 'header' && this.blockFill === 0) return; // no end marker, but nothing cut either
    const what =
      state.kind === 'header' ? 'a header' : state.kind === 'data' ? `the data of '${state.header.path}'` : 'an entry';
    throw new TarError(`the archive is truncated: it ends inside ${what} at byte ${this.offset + this.blockFill}`);
  }

  private onHeader(block: Buffer): void {
    if (block.every((b) => b === 0)) {
      this.state = { kind: 'end' };
      return;
    }
    verifyChecksum(block, this.offset);
    const flag = block[156] === 0 ? '0' : String.fromCharCode(block[156]);
    const size = readSize(block, this.offset);
    const pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (flag === 'x' || flag === 'L' || flag === 'K') {
      if (size > this.limits.maxMetaBytes) {
        throw new TarError(
          `a ${flag === 'x' ? 'pax header' : 'GNU long name'} of ${size} bytes at byte ${this.offset} exceeds the ${this.limits.maxMetaBytes}-byte limit`,
        );
      }
      this.state = size ? { kind: 'meta', flag, left: size, parts: [], pad } : { kind: 'header' };
      return;
    }
    if (flag === 'g') {
      // global pax headers carry nothing an image layer needs
      this.state = size + pad ? { kind: 'skip', left: size + pad } : { kind: 'header' };
      return;
    }
    if (++this.entries > this.limits.maxEntries) {
      throw new TarError(`more than ${this.limits.maxEntries} entries; the archive is too large to check`);
    }
    const header = this.entryHeader(block, flag, size);
    const stored = header.size; // a pax size overrides the header's
    const storedPad = (BLOCK - (stored % BLOCK)) % BLOCK;
    const linkOrDir = header.type === 'directory' || header.type === 'symlink' || header.type === 'hardlink';
    if (linkOrDir) header.size = 0;
    if (linkOrDir || stored === 0) {
      this.visitor.entry(header, undefined, true);
      // links and directories carry no data; skip any an odd writer stored
      this.state = stored ? { kind: 'skip', left: stored + storedPad } : { kind: 'header' };
      return;
    }
    const keep = Math.max(0, Math.min(this.visitor.keep(header), stored, this.limits.maxKeepBytes));
    this.state = { kind: 'data', header, left: stored, keep, kept: [], keptBytes: 0, pad: storedPad };
  }

  private entryHeader(block: Buffer, flag: string, headerSize: number): TarHeader {
    const ustar = block.toString('latin1', 257, 263) === 'ustar\0';
    const rawName =
      this.pax.path ?? this.longName ?? joinPrefix(ustar ? cString(block, 345, 155) : '', cString(block, 0, 100));
    const rawLink = this.pax.linkpath ?? this.longLink ?? cString(block, 157, 100);
    const size = this.pax.size !== undefined ? paxSize(this.pax.size, this.offset) : headerSize;
    this.pax = {};
    this.longName = this.longLink = undefined;
    const type = entryType(flag);
    const path = normalizeEntryName(rawName, 'name');
    const header: TarHeader = { path, type, typeflag: flag, mode: readOctal(block, 100, 8, this.offset, 'mode'), size };
    if (type === 'symlink') header.linkname = rawLink;
    if (type === 'hardlink') header.linkname = normalizeEntryName(rawLink, `hard link target of '${path}'`);
    return header;
  }

  private onMeta(flag: string, data: Buffer): void {
    if (flag === 'x') this.pax = parsePax(data, this.offset);
    else if (flag === 'L') this.longName = cString(data, 0, data.length);
    else this.longLink = cString(data, 0, data.length);
  }

  private finishEntry(state: Extract<State, { kind: 'data' }>): void {
    const data = state.keptBytes ? Buffer.concat(state.kept, state.keptBytes) : undefined;
    this.visitor.entry(state.header, data, state.keptBytes === state.header.size);
  }
}

/** Reads a whole archive from a stream of chunks (backpressure comes from the async iteration). */
export async function readTar(chunks: AsyncIterable<Buffer>, visitor: TarVisitor, limits?: TarLimits): Promise<void> {
  const parser = new TarParser(visitor, limits);
  for await (const chunk of chunks) parser.push(chunk);
  parser.end();
}

/**
 * `./a//b/` → `a/b`; `.`/`./` → `` (the root). Throws for absolute names and `..` anywhere:
 * an image layer never needs them, and they are how hostile archives escape.
 */
export function normalizeEntryName(raw: string, what: string): string {
  if (raw.includes('\0')) throw new TarError(`${what} '${raw.replace(/\0/g, '\\0')}' contains a NUL byte`);
  if (raw.startsWith('/') || /^[A-Za-z]:[\\/]/.test(raw)) {
    throw new TarError(`${what} '${raw}' is an absolute path; layer entries must be relative to the image root`);
  }
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..'))
    throw new TarError(`${what} '${raw}' contains '..'; layer entries must stay inside the image root`);
  return parts.join('/');
}

function entryType(flag: string): TarEntryType {
  switch (flag) {
    case '0':
    case '7':
      return 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '5':
      return 'directory';
    default:
      return 'other';
  }
}

function verifyChecksum(block: Buffer, offset: number): void {
  const stored = readOctal(block, 148, 8, offset, 'checksum');
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i];
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  if (stored !== unsigned && stored !== signed) {
    throw new TarError(
      `bad header checksum at byte ${offset} (stored ${stored}, computed ${unsigned}); the layer is corrupt or not a tar archive`,
    );
  }
}

function readSize(block: Buffer, offset: number): number {
  if (block[124] & 0x80) {
    // GNU base-256 for sizes of 8 GiB and more
    if (block[124] & 0x40) throw new TarError(`negative entry size at byte ${offset}`);
    let value = block[124] & 0x3f;
    for (let i = 125; i < 136; i++) {
      value = value * 256 + block[i];
      if (value > Number.MAX_SAFE_INTEGER) throw new TarError(`entry size at byte ${offset} is too large`);
    }
    return value;
  }
  return readOctal(block, 124, 12, offset, 'size');
}

function readOctal(block: Buffer, start: number, length: number, offset: number, field: string): number {
  const text = block
    .toString('latin1', start, start + length)
    .replace(/[\0 ]+$/, '')
    .replace(/^[\0 ]+/, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text))
    throw new TarError(`header field ${field} at byte ${offset} is not octal ('${text}'); the layer is corrupt`);
  return parseInt(text, 8);
}

function paxSize(value: string, offset: number): number {
  if (!/^\d+$/.test(value) || Number(value) > Number.MAX_SAFE_INTEGER) {
    throw new TarError(`pax size '${value}' before byte ${offset} is not a valid size`);
  }
  return Number(value);
}

function cString(buffer: Buffer, start: number, length: number): string {
  const end = buffer.indexOf(0, start);
  return buffer.toString('utf8', start, end >= 0 && end < start + length ? end : start + length);
}

function joinPrefix(prefix: string, name: string): string {
  return prefix ? `${prefix}/${name}` : name;
}

/** Records are `<length> <key>=<value>\n`, the length counting the whole record. */
function parsePax(data: Buffer, offset: number): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    if (data[at] === 0) break; // NUL padding some writers add
    const space = data.indexOf(0x20, at);
    const length = space > at ? Number(data.toString('latin1', at, space)) : NaN;
    if (
      !Number.isInteger(length) ||
      length <= space - at ||
      at + length > data.length ||
      data[at + length - 1] !== 0x0a
    ) {
      throw new TarError(`malformed pax header record before byte ${offset}`);
    }
    const record = data.toString('utf8', space + 1, at + length - 1);
    const eq = record.indexOf('=');
    if (eq <= 0) throw new TarError(`malformed pax header record '${record.slice(0, 40)}' before byte ${offset}`);
    out[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return out;
}
