import { runProcess } from '../process/run-process';
import type { Progress } from './build-args';
import { BuildxError } from './buildx-error';
import { describeBuildxFailure, type FailureContext } from './failure-advice';

export interface RunBuildxBuildOptions {
  cwd: string;
  progress?: Progress;
  failure: FailureContext;
  /** Where buildx's output goes while it runs (default: this process's stdout/stderr). */
  echo?: (chunk: string, stream: 'stdout' | 'stderr') => void;
}

const echoToTerminal = (chunk: string, stream: 'stdout' | 'stderr') =>
  (stream === 'stdout' ? process.stdout : process.stderr).write(chunk);

/**
 * Runs `docker <args>` for a build. buildx's progress passes through as it comes and is also kept, so a
 * failure can be explained; `progress: tty` hands buildx the terminal (its live view needs one), and then
 * only buildx's own lines explain a failure.
 */
export async function runBuildxBuild(args: string[], options: RunBuildxBuildOptions): Promise<void> {
  const tty = options.progress === 'tty';
  const result = await runProcess('docker', args, {
    cwd: options.cwd,
    stdio: tty ? 'inherit' : 'pipe',
    onOutput: tty ? undefined : (options.echo ?? echoToTerminal),
  });
  if (result.exitCode === 0) return;
  const output = `${result.stdout}\n${result.stderr}`;
  throw new BuildxError(
    tty
      ? `docker buildx build failed (exit ${result.exitCode}); its output is above. Run with "progress": "plain" to get advice on the failure.`
      : describeBuildxFailure(output, options.failure, result.exitCode),
  );
}
