import { Decompress } from 'fzstd';

// Node 20's zlib has no zstd, so layers are decompressed by fzstd (pure JS, MIT). It emits whole blocks
// (≤ 128 KiB each), and a hostile block can be 4 bytes: input is fed in small slices so that one network
// chunk cannot expand into a large burst before the caller's size limits see it.
const SLICE = 1024;

/** What a decompression error means, or undefined when it is not fzstd's (fzstd's errors carry a numeric code). */
export function describeZstdError(e: Error): string | undefined {
  const code = (e as Error & { code?: unknown }).code;
  if (typeof code !== 'number') return undefined;
  return code === 5 ? 'the zstd stream ends early: the layer is truncated' : `it is not valid zstd data (${e.message})`;
}

/** Decompresses a zstd stream (any number of frames) chunk by chunk; `onInput` sees each compressed chunk. */
export async function* zstdDecompress(
  source: AsyncIterable<Buffer>,
  onInput: (chunk: Buffer) => void,
): AsyncGenerator<Buffer> {
  const out: Buffer[] = [];
  // Copied: a block may be a view into the decompressor's buffers, and the tar reader keeps data across chunks.
  const decompressor = new Decompress((data) => {
    if (data.length) out.push(Buffer.from(data));
  });
  for await (const chunk of source) {
    onInput(chunk);
    for (let i = 0; i < chunk.length; i += SLICE) {
      decompressor.push(chunk.subarray(i, i + SLICE));
      while (out.length) yield out.shift()!;
    }
  }
  decompressor.push(new Uint8Array(0), true); // throws when the stream ends inside a frame
  while (out.length) yield out.shift()!;
}
