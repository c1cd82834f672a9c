import { CommandNotFoundError, runProcess } from './run-process';

describe('runProcess', () => {
  it('passes arguments as argv, never through a shell', async () => {
    const r = await runProcess(process.execPath, ['-e', 'process.stdout.write(process.argv[1])', '$(echo no); `x`']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('$(echo no); `x`');
  });

  it('reports a non-zero exit as a result with stderr', async () => {
    const r = await runProcess(process.execPath, ['-e', 'console.error("boom"); process.exit(3)']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('boom');
  });

  it('feeds input on stdin', async () => {
    const r = await runProcess(process.execPath, ['-e', 'process.stdin.pipe(process.stdout)'], { input: 'hello' });
    expect(r.stdout).toBe('hello');
  });

  it('throws CommandNotFoundError for a program that is not on PATH', async () => {
    await expect(runProcess('nxde-no-such-program', [])).rejects.toBeInstanceOf(CommandNotFoundError);
  });

  it('kills a process that outlives its timeout', async () => {
    const r = await runProcess(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { timeoutMs: 200 });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeNull();
  });
});
