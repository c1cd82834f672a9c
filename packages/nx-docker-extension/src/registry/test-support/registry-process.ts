// Starts a private `docker-registry serve` for tests that must stop and restart a registry (the shared ones stay up).
import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface RegistryProcess {
  address: string;
  /** Kills the registry at once (SIGKILL): an unclean stop, as a crash would be. */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForRegistry(address: string, child: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}): ${output()}`);
    try {
      const r = await fetch(`http://${address}/v2/`);
      if (r.status === 200 || r.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`docker-registry at ${address} did not answer: ${output()}`);
}

/** A registry with its storage in `dir` (kept across restarts); `extraConfig` is appended YAML (auth, …). */
export async function startRegistryProcess(dir: string, extraConfig = ''): Promise<RegistryProcess> {
  mkdirSync(join(dir, 'data'), { recursive: true });
  const port = await freeLoopbackPort();
  const address = `127.0.0.1:${port}`;
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'data')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: ${address}`,
      '  secret: nxde-push-test',
      extraConfig,
    ].join('\n'),
  );
  let child: ChildProcess | undefined;
  let output = '';
  const proc: RegistryProcess = {
    address,
    async start() {
      output = '';
      // a long-running server, so not runProcess (which waits for the program to finish)
      child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout?.on('data', (c) => (output += c));
      child.stderr?.on('data', (c) => (output += c));
      await waitForRegistry(address, child, () => output);
    },
    async kill() {
      await stopChild('SIGKILL');
    },
    async stop() {
      await stopChild('SIGTERM');
    },
  };
  async function stopChild(signal: NodeJS.Signals) {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(signal);
    await exited;
  }
  await proc.start();
  return proc;
}
