import { CommandNotFoundError, runProcess } from '../process/run-process';
import { BuildxError } from './buildx-error';

/** The Docker engine the CLI talks to. */
export interface Engine {
  version: string;
  /** The engine's own platform, e.g. `linux/arm64` on Docker Desktop for Apple silicon. */
  platform: string;
}

/** Advice for a `docker` command that could not reach the engine; undefined when the output says something else. */
export function engineUnreachableAdvice(output: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const line = output.split('\n').find((l) => /docker daemon|error during connect|docker\.sock|docker_engine/i.test(l));
  if (!line) return undefined;
  const target = env.DOCKER_HOST
    ? `DOCKER_HOST=${env.DOCKER_HOST}`
    : env.DOCKER_CONTEXT
      ? `DOCKER_CONTEXT=${env.DOCKER_CONTEXT}`
      : '';
  if (/permission denied/i.test(line)) {
    return (
      `The Docker engine refused this user: ${line.trim()}\n` +
      `  Fix: sudo usermod -aG docker "$USER"   (then log in again), or run with a user that may use the socket.`
    );
  }
  return (
    `The Docker engine is not reachable${target ? ` (${target})` : ''}: ${line.trim()}\n` +
    `  Fix: start Docker Desktop, or on Linux: sudo systemctl start docker\n` +
    `  Check which engine the CLI uses: docker context ls`
  );
}

/** `docker version`: proves the engine answers and tells its platform (for loading the host's variant). */
export async function readEngine(): Promise<Engine> {
  let result;
  try {
    result = await runProcess('docker', ['version', '--format', '{{json .Server}}'], { timeoutMs: 30_000 });
  } catch (e) {
    if (e instanceof CommandNotFoundError) {
      throw new BuildxError(
        `The docker CLI is not on PATH.\n  Fix: install Docker Desktop (https://docs.docker.com/get-docker/) or the docker CLI, then run: docker version`,
      );
    }
    throw e;
  }
  const output = `${result.stderr}\n${result.stdout}`;
  let server: { Version?: string; Os?: string; Arch?: string } | null = null;
  try {
    server = JSON.parse(result.stdout.trim() || 'null');
  } catch {
    server = null;
  }
  if (result.exitCode !== 0 || !server?.Version) {
    throw new BuildxError(
      engineUnreachableAdvice(output) ??
        `'docker version' failed (exit ${result.exitCode}${result.timedOut ? ', timed out' : ''}):\n    ${output.trim()}\n  Check: docker version`,
    );
  }
  return { version: server.Version, platform: `${server.Os ?? 'linux'}/${server.Arch ?? 'unknown'}` };
}

/**
 * True when the engine keeps images in containerd's store: only then can buildx's `docker` driver build
 * several platforms and export an OCI layout.
 */
export async function usesContainerdImageStore(): Promise<boolean> {
  const result = await runProcess('docker', ['info', '--format', '{{json .DriverStatus}}'], { timeoutMs: 30_000 });
  return result.exitCode === 0 && result.stdout.includes('io.containerd.snapshotter');
}
