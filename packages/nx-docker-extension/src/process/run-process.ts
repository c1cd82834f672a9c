import { spawn } from 'node:child_process';

/**
 * The one place the plugin starts processes. Arguments are always an argv array
 * (never a shell string), so user input cannot become shell syntax.
 */
export interface RunOptions {
  cwd?: string;
  /** Merged over process.env. */
  env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin, then stdin is closed. */
  input?: string | Buffer;
  /** 'inherit' streams to the user's terminal (buildx progress); output is then not captured. */
  stdio?: 'pipe' | 'inherit';
  /** Kill the process (SIGTERM, then SIGKILL) after this many milliseconds. */
  timeoutMs?: number;
  /** Called with each chunk of stdout/stderr while the process runs (pipe mode only). */
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
}

export interface RunResult {
  command: string;
  args: string[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Thrown only when the program cannot be started at all (e.g. not on PATH). */
export class CommandNotFoundError extends Error {
  constructor(readonly command: string) {
    super(`'${command}' was not found on PATH.`);
    this.name = 'CommandNotFoundError';
  }
}

/** Runs a program to completion. A non-zero exit is a result, not an exception. */
export function runProcess(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const stdio = options.stdio ?? 'pipe';
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ? { ...process.env, ...options.env } : process.env,
      stdio: stdio === 'inherit' ? ['pipe', 'inherit', 'inherit'] : ['pipe', 'pipe', 'pipe'],
      shell: false,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    if (options.timeoutMs) {
      timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }, options.timeoutMs);
    }
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      options.onOutput?.(chunk, 'stdout');
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      options.onOutput?.(chunk, 'stderr');
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      reject(err.code === 'ENOENT' ? new CommandNotFoundError(command) : err);
    });
    child.on('close', (exitCode, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ command, args, exitCode, signal, stdout, stderr, timedOut });
    });
    child.stdin?.on('error', () => undefined); // the child may exit before reading its input
    child.stdin?.end(options.input ?? undefined);
  });
}
