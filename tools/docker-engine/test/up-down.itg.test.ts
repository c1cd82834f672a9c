import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTestBed } from '../../../packages/nx-docker-extension/src/test-support/test-bed';

// up.sh and down.sh as a user meets them: a second run changes nothing, a port someone else holds is named and
// left alone, and down.sh signals nothing but what up.sh started. The scripts run for real against the
// running test bed; the cases that must not touch it get a state folder of their own.

const HERE = join(__dirname, '..');
const script = (name: string, env: NodeJS.ProcessEnv = {}) =>
  spawnSync('bash', [join(HERE, name)], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 600_000 });

let bed: ReturnType<typeof requireTestBed>;
let scratch: string;
beforeAll(() => {
  bed = requireTestBed();
  scratch = mkdtempSync(join(tmpdir(), 'nxde-up-down-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('up.sh', () => {
  it('a second run is a no-op: exit 0, the same registry processes, the same base images', () => {
    const state =
      process.env.NXDE_TESTBED_STATE ||
      join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'nx-docker-extension/docker-engine/state');
    // absent where up.sh found registries it did not start (Docker Desktop): then there is nothing of ours to keep
    const pids = () =>
      ['registry.pid', 'auth-registry.pid'].map((f) =>
        existsSync(join(state, f)) ? readFileSync(join(state, f), 'utf8').trim() : 'absent',
      );
    const before = pids();
    const r = script('up.sh');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\[test-bed\] already up: nothing to do/);
    expect(pids()).toEqual(before);
    expect(r.stdout).toContain(bed.baseImage);
  });

  it('names the process that holds its port, says how to pick another, and leaves that process running', async () => {
    const server: Server = createServer((_req, res) => res.end('not a registry'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const r = script('up.sh', {
        NXDE_STATE_DIR: join(scratch, 'state-port'),
        NXDE_REGISTRY_PORT: String(port),
        NXDE_AUTH_REGISTRY_PORT: String(port + 1),
      });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain(`127.0.0.1:${port} is taken by pid ${process.pid}`);
      expect(r.stderr).toMatch(/which is not a registry without auth/);
      expect(r.stderr).toMatch(
        /up\.sh never stops a process it did not start; pick another port: NXDE_REGISTRY_PORT=5050/,
      );
      const still = await fetch(`http://127.0.0.1:${port}/`);
      expect(await still.text()).toBe('not a registry');
    } finally {
      server.close();
    }
  });
});

describe('down.sh', () => {
  it('does not signal a process its pid file names when that process is not one up.sh started', async () => {
    const state = join(scratch, 'state-down');
    const stranger: ChildProcess = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    try {
      spawnSync('mkdir', ['-p', state]);
      // as if the pid had been reused by another program since up.sh wrote it
      writeFileSync(join(state, 'registry.pid'), `${stranger.pid}\n`);
      const r = script('down.sh', { NXDE_STATE_DIR: state });
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/registry: .*registry\.pid names no process of up\.sh .*removing the pid file/);
      expect(stranger.exitCode).toBeNull();
      expect(process.kill(stranger.pid!, 0)).toBe(true);
      expect(existsSync(join(state, 'registry.pid'))).toBe(false);
    } finally {
      stranger.kill();
    }
  });
});
