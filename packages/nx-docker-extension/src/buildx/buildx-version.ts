import { CommandNotFoundError, runProcess } from '../process/run-process';
import { BuildxError } from './buildx-error';

/** buildx 0.10 added --provenance/--sbom, which the build always passes explicitly. */
export const MIN_BUILDX = { major: 0, minor: 10 };

export interface BuildxVersion {
  major: number;
  minor: number;
  patch: number;
  /** The line buildx printed, e.g. `github.com/docker/buildx v0.13.1 788433953af10f2a698f5c07611dcf44a2ccdcb2`. */
  text: string;
}

/** Reads `docker buildx version`; undefined when the text holds no version number. */
export function parseBuildxVersion(text: string): BuildxVersion | undefined {
  const m = /\bv?(\d+)\.(\d+)\.(\d+)/.exec(text);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), text: text.trim().split('\n')[0] };
}

export function isAtLeast(v: Pick<BuildxVersion, 'major' | 'minor'>, min: { major: number; minor: number }): boolean {
  return v.major > min.major || (v.major === min.major && v.minor >= min.minor);
}

const INSTALL_BUILDX =
  `  Fix: Docker Desktop includes buildx; on Linux install the plugin (Docker's apt repository: sudo apt-get install docker-buildx-plugin;\n` +
  `  Debian's own: sudo apt-get install docker-buildx), or put a release binary from https://github.com/docker/buildx/releases\n` +
  `  at ~/.docker/cli-plugins/docker-buildx (chmod +x). Then check: docker buildx version`;

/** What `docker buildx version` answered, as a usable version or the error that says how to get one. */
export function buildxVersionFrom(result: { exitCode: number | null; stdout: string; stderr: string }): BuildxVersion {
  const output = `${result.stdout}\n${result.stderr}`.trim();
  const version = result.exitCode === 0 ? parseBuildxVersion(result.stdout) : undefined;
  if (!version) {
    throw new BuildxError(
      `docker buildx is not available ('docker buildx version' said: ${output.split('\n')[0]}).\n${INSTALL_BUILDX}`,
    );
  }
  if (!isAtLeast(version, MIN_BUILDX)) {
    throw new BuildxError(
      `docker buildx ${version.major}.${version.minor}.${version.patch} is too old; the build needs ${MIN_BUILDX.major}.${MIN_BUILDX.minor} or newer.\n${INSTALL_BUILDX}`,
    );
  }
  return version;
}

export async function readBuildxVersion(): Promise<BuildxVersion> {
  let result;
  try {
    result = await runProcess('docker', ['buildx', 'version'], { timeoutMs: 30_000 });
  } catch (e) {
    if (e instanceof CommandNotFoundError) throw new BuildxError(`The docker CLI is not on PATH.\n${INSTALL_BUILDX}`);
    throw e;
  }
  return buildxVersionFrom(result);
}
