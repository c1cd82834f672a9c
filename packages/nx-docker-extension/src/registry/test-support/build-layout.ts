// Builds a small two-platform image straight to an OCI layout with buildx, for push tests (no build executor needed).
import { createHash } from 'node:crypto';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess } from '../../process/run-process';

const FIXED_TIME = new Date('2024-01-01T00:00:00Z');

export const TEST_DOCKERFILE = [
  'FROM alpine',
  'COPY big.bin /opt/big.bin',
  'COPY payload.txt /opt/payload.txt',
  '',
].join('\n');

/** Incompressible bytes that are the same on every run (so layers are reused between builds). */
export function deterministicBytes(size: number, seed: string): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(seed).digest();
  for (let offset = 0; offset < size; offset += block.length) {
    block.copy(out, offset);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

/**
 * Writes a build context (big.bin of `bigBytes`, payload.txt with `payload`) under `dir` and builds it for
 * linux/amd64 + linux/arm64 into `dir/image` as an OCI layout. Returns the layout path.
 */
export async function buildTestLayout(
  dir: string,
  options: { baseImage: string; payload: string; bigBytes?: number; platforms?: string[] },
): Promise<string> {
  const context = join(dir, 'context');
  mkdirSync(context, { recursive: true });
  writeFileSync(join(context, 'Dockerfile'), TEST_DOCKERFILE);
  writeFileSync(join(context, 'big.bin'), deterministicBytes(options.bigBytes ?? 2 << 20, 'nxde-push-test'));
  writeFileSync(join(context, 'payload.txt'), options.payload);
  // layer tars carry file times: fixed ones make unchanged files give identical layers across builds
  for (const file of ['Dockerfile', 'big.bin', 'payload.txt']) utimesSync(join(context, file), FIXED_TIME, FIXED_TIME);
  const dest = join(dir, 'image');
  const args = [
    'buildx',
    'build',
    '--platform',
    (options.platforms ?? ['linux/amd64', 'linux/arm64']).join(','),
    '--build-context',
    `alpine=docker-image://${options.baseImage}`,
    '--output',
    `type=oci,tar=false,dest=${dest}`,
    context,
  ];
  const result = await runProcess('docker', args, { timeoutMs: 240_000 });
  if (result.exitCode !== 0) throw new Error(`docker ${args.join(' ')} failed:\n${result.stderr}`);
  return dest;
}
