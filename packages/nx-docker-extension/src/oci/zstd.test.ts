import { Readable } from 'node:stream';
import { zstdRawFrame, zstdZerosFrame } from '../verify/test-support/make-zstd';
import { describeZstdError, zstdDecompress } from './zstd';

async function decompress(data: Buffer, chunkSize = 7): Promise<{ out: Buffer; inputBytes: number }> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunkSize) chunks.push(data.subarray(i, i + chunkSize));
  let inputBytes = 0;
  const out: Buffer[] = [];
  for await (const chunk of zstdDecompress(Readable.from(chunks), (c) => (inputBytes += c.length))) out.push(chunk);
  return { out: Buffer.concat(out), inputBytes };
}

describe('zstdDecompress', () => {
  const text = Buffer.from('a'.repeat(200_000) + 'the end\n');

  it('decompresses a frame fed in chunks of any size, across block boundaries', async () => {
    for (const size of [1, 7, 4096, 1 << 20]) {
      const { out, inputBytes } = await decompress(zstdRawFrame(text), size);
      expect(out.equals(text)).toBe(true);
      expect(inputBytes).toBe(zstdRawFrame(text).length);
    }
  });

  it('decompresses several frames one after another', async () => {
    const data = Buffer.concat([zstdRawFrame(text.subarray(0, 1000)), zstdRawFrame(text.subarray(1000))]);
    expect((await decompress(data, 333)).out.equals(text)).toBe(true);
  });

  it('hands out block-sized chunks (≤ 128 KiB) even when a small input expands a lot', async () => {
    const sizes: number[] = [];
    const bomb = zstdZerosFrame(64); // 8 MiB from 262 bytes, in one input chunk
    for await (const chunk of zstdDecompress(Readable.from([bomb]), () => undefined)) sizes.push(chunk.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(64 * 128 * 1024);
    expect(Math.max(...sizes)).toBe(128 * 1024);
  });

  it('says a stream that ends inside a frame is truncated, and that other data is not zstd', async () => {
    const frame = zstdRawFrame(text);
    const truncated = await decompress(frame.subarray(0, frame.length - 10)).catch((e: Error) => e);
    expect(describeZstdError(truncated as Error)).toBe('the zstd stream ends early: the layer is truncated');
    const gzip = await decompress(Buffer.from('1f8b0800000000000003', 'hex')).catch((e: Error) => e);
    expect(describeZstdError(gzip as Error)).toMatch(/^it is not valid zstd data \(.+\)$/);
    expect(describeZstdError(new Error('some other failure'))).toBeUndefined();
  });
});
