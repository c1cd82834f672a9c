// zstd frames written by hand for unit tests: raw blocks (stored bytes) and RLE blocks (one byte repeated), which
// exercise framing, block boundaries, truncation and expansion. Real compressed blocks come from buildx in the
// integration tests.
const MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
const MAX_BLOCK = 128 * 1024;
// Frame header descriptor 0 (no content size, no checksum, no dictionary), window 2^(10+7) = 128 KiB.
const HEADER = Buffer.from([0x00, 7 << 3]);

function blockHeader(last: boolean, type: 0 | 1, size: number): Buffer {
  const value = (last ? 1 : 0) | (type << 1) | (size << 3);
  return Buffer.from([value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff]);
}

/** One zstd frame that stores `data` in raw blocks. */
export function zstdRawFrame(data: Buffer): Buffer {
  const parts: Buffer[] = [MAGIC, HEADER];
  let offset = 0;
  do {
    const block = data.subarray(offset, offset + MAX_BLOCK);
    offset += block.length;
    parts.push(blockHeader(offset >= data.length, 0, block.length), block);
  } while (offset < data.length);
  return Buffer.concat(parts);
}

/** One zstd frame of `blocks` RLE blocks of 128 KiB zeros each: 4 bytes per block, 32768× expansion. */
export function zstdZerosFrame(blocks: number): Buffer {
  const parts: Buffer[] = [MAGIC, HEADER];
  for (let i = 0; i < blocks; i++) parts.push(blockHeader(i === blocks - 1, 1, MAX_BLOCK), Buffer.from([0]));
  return Buffer.concat(parts);
}
