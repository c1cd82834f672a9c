import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTestBed, type TestBed } from '../../../packages/nx-docker-extension/src/test-support/test-bed';
import { createTestWorkspace, type RunOutput, type TestWorkspace } from './test-workspace';
import {
  baseImageContexts,
  nxTasks,
  readJson,
  registryDigest,
  runIn,
  setBuildDefaults,
  uniqueNamespace,
} from './journey-support';

// A user's whole day, on the real engine and registry: init, two extensions, build/verify/push,
// commit, change one, push only what is affected, push again (all cached, nothing uploaded),
// then a second clone sharing the cache builds nothing and pushes with no Docker daemon at all.
// The clones share one cache directory through Nx's self-hosted remote cache API (a directory
// served over HTTP, as a CI cache server would): Nx restores only artifacts its cache knows.

describe('the journey: generate, build, verify, push, affected, cached, daemon-free second clone', () => {
  let bed: TestBed;
  let ws: TestWorkspace;
  let clone: string | undefined;
  let namespace: string;
  let cacheServer: ChildProcess | undefined;
  let cacheUrl: string;
  const cacheToken = `journey-${process.pid}`;
  const env = () => ({
    NX_SELF_HOSTED_REMOTE_CACHE_SERVER: cacheUrl,
    NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: cacheToken,
    NX_TUI: 'false',
    FORCE_COLOR: '0',
  });
  const nx = (args: string[], extraEnv: NodeJS.ProcessEnv = {}, dir = ws.dir): RunOutput =>
    runIn(dir, join(dir, 'node_modules/.bin/nx'), args, { ...env(), ...extraEnv });
  const ok = (r: RunOutput): string => {
    if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
    return r.stdout + r.stderr;
  };
  const git = (...args: string[]) => ok(ws.run('git', args));

  beforeAll(async () => {
    bed = requireTestBed();
    namespace = uniqueNamespace('journey');
    ws = createTestWorkspace({ name: 'nxde-journey' });
    const shared = `${ws.dir}-shared-cache`;
    cacheServer = spawn(process.execPath, [join(__dirname, 'support/cache-server.cjs'), shared, cacheToken]);
    const port = await new Promise<string>((resolve, reject) => {
      cacheServer!.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
      cacheServer!.once('exit', (code) => reject(new Error(`cache server exited with ${code}`)));
    });
    cacheUrl = `http://127.0.0.1:${port}`;
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'journey@example.invalid');
    git('config', 'user.name', 'Journey');
  });
  afterAll(() => {
    cacheServer?.kill();
    if (ws && !process.env.NXDE_KEEP_E2E) rmSync(`${ws.dir}-shared-cache`, { recursive: true, force: true });
    ws?.cleanup();
    if (clone && !process.env.NXDE_KEEP_E2E) rmSync(clone, { recursive: true, force: true });
  });

  it('init, then two extensions generated', () => {
    ok(nx(['g', 'nx-docker-extension:init', '--no-interactive']));
    for (const name of ['alpha', 'beta']) {
      ok(
        nx([
          'g',
          'nx-docker-extension:extension',
          name,
          `--directory=apps/${name}`,
          '--ui=html',
          '--backend=none',
          `--image=${bed.registry}/${namespace}/${name}`,
          '--no-interactive',
        ]),
      );
    }
    // The test bed's busybox stands in for Docker Hub's alpine, through nx.json (the Dockerfiles stay as generated).
    setBuildDefaults(ws.dir, { buildContexts: baseImageContexts(ws.dir, ['apps/alpha', 'apps/beta'], bed) });
    expect(JSON.parse(ok(nx(['show', 'projects', '--json'])))).toEqual(expect.arrayContaining(['alpha', 'beta']));
  });

  it('both built, verified and pushed to the local registry', async () => {
    const out = ok(nx(['run-many', '-t', 'push', '--projects=alpha,beta']));
    expect(nxTasks(out).map((t) => t.task)).toEqual(
      expect.arrayContaining(['alpha:build', 'alpha:verify', 'alpha:push', 'beta:build', 'beta:verify', 'beta:push']),
    );
    for (const name of ['alpha', 'beta']) {
      const summary = readJson(join(ws.dir, 'dist/apps', name, 'image.json'));
      expect(summary.platforms.map((p: { platform: string }) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);
      expect(readJson(join(ws.dir, 'dist/apps', name, 'verify.json'))).toBeTruthy();
      expect(await registryDigest(`${bed.registry}/${namespace}/${name}`, '0.1.0')).toBe(summary.indexDigest);
    }
  });

  it('after a commit and a change in alpha (released as 0.2.0), `nx affected -t push` runs only alpha', async () => {
    git('add', '-A');
    git('commit', '-qm', 'two extensions');
    const page = join(ws.dir, 'apps/alpha/ui/index.html');
    writeFileSync(page, readFileSync(page, 'utf8').replace('</body>', '<p>changed</p></body>'));
    // A published tag never changes (push refuses to overwrite 0.1.0): the change ships as a new version.
    const manifest = join(ws.dir, 'apps/alpha/package.json');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('"version": "0.1.0"', '"version": "0.2.0"'));
    git('commit', '-qam', 'alpha: new page, 0.2.0');
    const before = readJson(join(ws.dir, 'dist/apps/alpha/image.json')).indexDigest;

    const out = ok(nx(['affected', '-t', 'push', '--base=HEAD~1', '--head=HEAD']));
    const tasks = nxTasks(out);
    expect(tasks.map((t) => t.task).sort()).toEqual(['alpha:build', 'alpha:push', 'alpha:verify']);
    expect(tasks.every((t) => !t.cached)).toBe(true);
    const after = readJson(join(ws.dir, 'dist/apps/alpha/image.json')).indexDigest;
    expect(after).not.toBe(before);
    expect(out).toMatch(/alpha:0\.2\.0\s+pushed/);
    expect(await registryDigest(`${bed.registry}/${namespace}/alpha`, '0.2.0')).toBe(after);
    expect(await registryDigest(`${bed.registry}/${namespace}/alpha`, '0.1.0')).toBe(before);
  });

  it('run again: build and verify come from the cache and push uploads nothing', () => {
    const out = ok(nx(['affected', '-t', 'push', '--base=HEAD~1', '--head=HEAD']));
    const tasks = Object.fromEntries(nxTasks(out).map((t) => [t.task, t.cached]));
    expect(tasks).toEqual({ 'alpha:build': true, 'alpha:verify': true, 'alpha:push': false });
    expect(out).toMatch(/alpha:0\.2\.0\s+unchanged\s+0 B uploaded/);
    expect(out).not.toMatch(/\bpushed\b/);
  });

  it('verify-remote asks the registry every time: a tag moved to another image is seen, not replayed', () => {
    const probe = `${bed.registry}/${namespace}/alpha-probe:1.0.0`;
    const remote = () => {
      const out = ok(nx(['run', 'alpha:verify-remote', `--image=${probe}`]));
      return { out, report: readJson(join(ws.dir, 'dist/apps/alpha/verify-remote.json')) };
    };
    ok(nx(['run', 'alpha:push', `--tags=${probe}`]));
    const first = remote();
    expect(Object.fromEntries(nxTasks(first.out).map((t) => [t.task, t.cached]))).toMatchObject({
      'alpha:verify-remote': false,
    });
    expect(first.report).toMatchObject({ passed: true, matchesExpected: true, source: { kind: 'registry' } });

    // The same tag now holds beta's image: same command, same inputs — a cached target would say "same digest".
    ok(nx(['run', 'beta:push', `--tags=${probe}`, '--force']));
    const second = remote();
    expect(Object.fromEntries(nxTasks(second.out).map((t) => [t.task, t.cached]))).toMatchObject({
      'alpha:verify-remote': false,
    });
    expect(second.report.matchesExpected).toBe(false);
    expect(second.report.digest).toBe(readJson(join(ws.dir, 'dist/apps/beta/image.json')).indexDigest);
    expect(second.out).toMatch(/DIFFERENT from the build in dist\//);
    // The local report stays the local verify's: the remote check writes its own file.
    expect(readJson(join(ws.dir, 'dist/apps/alpha/verify.json')).source.kind).toBe('layout');
  });

  it('a second clone sharing the cache: build restored from it, push with DOCKER_HOST pointing nowhere', async () => {
    clone = `${ws.dir}-clone`;
    ok(ws.run('git', ['clone', '-q', ws.dir, clone]));
    symlinkSync(join(ws.dir, 'node_modules'), join(clone, 'node_modules'));
    expect(existsSync(join(clone, 'dist'))).toBe(false);

    const noDaemon = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
    const copy = `${bed.registry}/${namespace}/alpha-copy:0.2.0`;
    const out = ok(nx(['run', 'alpha:push', `--tags=${copy}`], noDaemon, clone));
    const tasks = Object.fromEntries(nxTasks(out).map((t) => [t.task, t.cached]));
    expect(tasks).toEqual({ 'alpha:build': true, 'alpha:verify': true, 'alpha:push': false });
    // A real upload from the restored layout: a new repository of the same registry.
    expect(out).toMatch(/alpha-copy:0\.2\.0\s+pushed/);
    const restored = readJson(join(clone, 'dist/apps/alpha/image.json')).indexDigest;
    expect(await registryDigest(`${bed.registry}/${namespace}/alpha-copy`, '0.2.0')).toBe(restored);
    expect(restored).toBe(readJson(join(ws.dir, 'dist/apps/alpha/image.json')).indexDigest);
  });
});
