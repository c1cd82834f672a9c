import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where integration tests find the real engine and registries that tools/docker-engine/up.sh brings up.
 * Values come from the env file up.sh writes (NXDE_TESTBED_ENV or its default place), overridable by env vars.
 */
export interface TestBed {
  /** Plain registry on loopback, no auth (host:port). */
  registry: string;
  /** Registry with htpasswd auth on loopback (host:port). */
  authRegistry: string;
  authUser: string;
  authPassword: string;
  /** Two-platform busybox image, to substitute for `FROM alpine`/`busybox` through --build-context. */
  baseImage: string;
  /** linux/amd64 image with Debian's Go, to substitute for `FROM golang` through --build-context. */
  goImage: string;
}

function stateDir(): string {
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return process.env.NXDE_TESTBED_STATE || join(cache, 'nx-docker-extension', 'docker-engine', 'state');
}

function readEnvFile(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) out[m[1]] = m[2].replace(/^["']|["']$/g, '');
  }
  return out;
}

export function testBed(): TestBed {
  const file = readEnvFile(process.env.NXDE_TESTBED_ENV || join(stateDir(), 'testbed.env'));
  const pick = (key: string, fallback: string) => process.env[key] || file[key] || fallback;
  const authFile = readEnvFile(pick('AUTH_FILE', join(stateDir(), 'auth.env')));
  return {
    registry: pick('REGISTRY', '127.0.0.1:5000'),
    authRegistry: pick('AUTH_REGISTRY', '127.0.0.1:5001'),
    authUser: process.env.AUTH_USER || authFile.AUTH_USER || file.AUTH_USER || 'testuser',
    authPassword: process.env.AUTH_PASSWORD || authFile.AUTH_PASSWORD || file.AUTH_PASSWORD || 'testpassword',
    baseImage: pick('BASE_IMAGE', '127.0.0.1:5000/testbed/busybox:1'),
    goImage: pick('GO_IMAGE', '127.0.0.1:5000/testbed/golang:1'),
  };
}

/**
 * Fails (never skips) when the engine is not there: an integration test that silently skips proves nothing.
 * Call in beforeAll.
 */
export function requireTestBed(): TestBed {
  const bed = testBed();
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe', timeout: 20000 });
    execFileSync('docker', ['buildx', 'version'], { stdio: 'pipe', timeout: 20000 });
  } catch {
    throw new Error(
      'No Docker engine with buildx answers. Run `npm run testbed:up` (tools/docker-engine/up.sh) first.',
    );
  }
  return bed;
}

/** A unique repository name per test, so tests never see each other's tags. */
export function uniqueRepo(prefix: string): string {
  return `nxde-test/${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}
