import { createHash } from 'node:crypto';

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export function isDigest(value: unknown): value is string {
  return typeof value === 'string' && DIGEST.test(value);
}

/** Throws a clear error for anything that is not a sha256 digest (also keeps digests from becoming paths like `../x`). */
export function assertDigest(value: unknown, where: string): asserts value is string {
  if (!isDigest(value)) {
    throw new Error(`${where}: '${String(value)}' is not a sha256 digest (expected sha256:<64 hex characters>).`);
  }
}

export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}
