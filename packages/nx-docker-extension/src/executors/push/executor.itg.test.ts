import { ExecutorContext, logger } from '@nx/devkit';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readOciLayout } from '../../oci/layout';
import { summarizeLayout, writeImageSummary } from '../../oci/image-summary';
import { runProcess } from '../../process/run-process';
import { buildTestLayout } from '../../registry/test-support/build-layout';
import { checkImageInRegistry } from '../../registry/test-support/registry-check';
import { requireTestBed, TestBed, uniqueRepo } from '../../test-support/test-bed';
import pushExecutor from './executor';
import type { PushExecutorSchema } from './schema';

const REPO_ROOT = resolve(__dirname, '../../../../..');

describe('push executor', () => {
  let bed: TestBed;
  let work: string;
  let output: string[];

  /** A workspace folder whose project apps/<name> has a built dist/ (layout + image.json with `tags`). */
  async function builtWorkspace(name: string, tags: string[], payload = `${name}\n`) {
    const root = join(work, name);
    const distDir = join(root, 'dist/apps', name);
    mkdirSync(distDir, { recursive: true });
    const built = await buildTestLayout(join(work, `${name}-build`), { baseImage: bed.baseImage, payload });
    cpSync(built, join(distDir, 'image'), { recursive: true });
    const summary = await summarizeLayout(await readOciLayout(join(distDir, 'image')), tags);
    await writeImageSummary(join(distDir, 'image.json'), summary);
    const context = {
      root,
      cwd: root,
      isVerbose: false,
      projectName: name,
      projectsConfigurations: { version: 2, projects: { [name]: { root: `apps/${name}` } } },
      nxJsonConfiguration: {},
      projectGraph: { nodes: {}, dependencies: {} },
    } as unknown as ExecutorContext;
    return { root, distDir, summary, context };
  }

  beforeAll(() => {
    bed = requireTestBed();
    work = mkdtempSync(join(tmpdir(), 'nxde-push-executor-'));
    // mount hints from other runs would turn this file's uploads into mounts
    process.env.NX_DOCKER_EXTENSION_CACHE_DIR = join(work, 'cache');
  });

  afterAll(() => {
    delete process.env.NX_DOCKER_EXTENSION_CACHE_DIR;
    if (work) rmSync(work, { recursive: true, force: true });
  });

  beforeEach(() => {
    output = [];
    for (const level of ['info', 'warn', 'error', 'log'] as const) {
      jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => void output.push(args.join(' ')));
    }
    for (const level of ['log', 'info', 'warn', 'error'] as const) {
      jest.spyOn(console, level).mockImplementation((...args: unknown[]) => void output.push(args.join(' ')));
    }
  });

  afterEach(() => jest.restoreAllMocks());

  it("pushes image.json's tags, printing pushed/unchanged, bytes uploaded and digest per tag", async () => {
    const repo = uniqueRepo('exec');
    const tags = [`${bed.registry}/${repo}:0.1.0`, `${bed.registry}/${repo}:latest`];
    const { context, summary } = await builtWorkspace('my-ext', tags);

    expect(await pushExecutor({}, context)).toEqual({ success: true });
    const digest = summary.indexDigest;
    expect(output).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `^${tags[0]} {2}pushed {2}[\\d.]+ MiB uploaded \\(blobs: \\d+ uploaded, 0 mounted, 0 already there\\) {2}${digest}$`,
          ),
        ),
        expect.stringMatching(new RegExp(`^${tags[1]} {2}pushed {2}[\\d.]+ KiB uploaded .* {2}${digest}$`)),
      ]),
    );
    expect((await checkImageInRegistry(bed.registry, repo, '0.1.0')).digest).toBe(digest);

    output.length = 0;
    expect(await pushExecutor({}, context)).toEqual({ success: true });
    expect(output.filter((l) => l.startsWith(bed.registry))).toEqual(
      tags.map((t) => `${t}  unchanged  0 B uploaded (the tag already points to this image)  ${digest}`),
    );
  });

  it('with a custom imagePath, reads the tags from <imagePath>.json, the summary build writes beside it', async () => {
    const repo = uniqueRepo('custom-path');
    const tag = `${bed.registry}/${repo}:0.3.0`;
    const { root, distDir, context } = await builtWorkspace('custom-path', [tag]);
    mkdirSync(join(root, 'out'), { recursive: true });
    cpSync(join(distDir, 'image'), join(root, 'out/custom'), { recursive: true });
    cpSync(join(distDir, 'image.json'), join(root, 'out/custom.json'));
    // A summary of another build lying in the same folder must not be taken for this layout's.
    writeFileSync(
      join(root, 'out/image.json'),
      readFileSync(join(distDir, 'image.json'), 'utf8').replace(tag, 'x/y:9'),
    );

    expect(await pushExecutor({ imagePath: 'out/custom' }, context)).toEqual({ success: true });
    expect(output).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${tag} {2}pushed `))]));
  });

  it('works with DOCKER_HOST pointing nowhere and no docker CLI on PATH (reads only dist/)', async () => {
    const repo = uniqueRepo('nodaemon');
    const tag = `${bed.registry}/${repo}:0.2.0`;
    const { context, summary } = await builtWorkspace('no-daemon', [tag]);
    // the executor compiled on its own, run by a bare node in an environment without any Docker
    const out = join(work, 'compiled');
    const compile = await runProcess(
      join(REPO_ROOT, 'node_modules/.bin/tsc'),
      [
        '--outDir',
        out,
        '--rootDir',
        join(REPO_ROOT, 'packages/nx-docker-extension/src'),
        '--module',
        'commonjs',
        '--target',
        'ES2022',
        '--esModuleInterop',
        '--skipLibCheck',
        '--types',
        'node',
        join(REPO_ROOT, 'packages/nx-docker-extension/src/executors/push/executor.ts'),
      ],
      { cwd: REPO_ROOT },
    );
    expect(compile.stdout + compile.stderr).toBe('');
    const emptyBin = join(work, 'empty-bin');
    mkdirSync(emptyBin, { recursive: true });
    const script = `require(${JSON.stringify(join(out, 'executors/push/executor.js'))}).default({}, ${JSON.stringify(context)}).then((r) => process.exit(r.success ? 0 : 1))`;
    const run = await runProcess(process.execPath, ['-e', script], {
      env: {
        DOCKER_HOST: 'unix:///nonexistent/docker.sock',
        PATH: emptyBin,
        DOCKER_CONFIG: join(work, 'no-docker-config'),
        NODE_PATH: join(REPO_ROOT, 'node_modules'),
        NX_DOCKER_EXTENSION_CACHE_DIR: join(work, 'cache'),
      },
      timeoutMs: 120_000,
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`${tag}  pushed  `);
    expect((await checkImageInRegistry(bed.registry, repo, '0.2.0')).digest).toBe(summary.indexDigest);
  });

  it('a wrong password prints one clear 401 error, and the password appears in no output', async () => {
    const repo = uniqueRepo('exec-wrong');
    const wrong = `pw-${Math.random().toString(36).slice(2)}-wrong`;
    const configDir = join(work, 'wrong-config');
    mkdirSync(configDir, { recursive: true });
    writeFileSync(
      join(configDir, 'config.json'),
      JSON.stringify({
        auths: { [bed.authRegistry]: { auth: Buffer.from(`${bed.authUser}:${wrong}`).toString('base64') } },
      }),
    );
    const { context } = await builtWorkspace('wrong-pw', [`${bed.authRegistry}/${repo}:0.1.0`]);
    const saved = process.env.DOCKER_CONFIG;
    process.env.DOCKER_CONFIG = configDir;
    try {
      expect(await pushExecutor({ verbose: true }, context)).toEqual({ success: false });
    } finally {
      if (saved === undefined) delete process.env.DOCKER_CONFIG;
      else process.env.DOCKER_CONFIG = saved;
    }
    const errors = output.filter((l) => l.startsWith('push wrong-pw:'));
    expect(errors).toEqual([
      expect.stringMatching(
        new RegExp(
          `^push wrong-pw: Registry ${bed.authRegistry}, repository ${repo}: checking manifest 0\\.1\\.0 failed with HTTP 401\\. Authentication failed as '${bed.authUser}'\\. Log in with 'docker login ${bed.authRegistry}'`,
        ),
      ),
    ]);
    const all = output.join('\n');
    expect(all).not.toContain(wrong);
    expect(all).not.toContain(Buffer.from(`${bed.authUser}:${wrong}`).toString('base64'));
  });

  it.each<[string, PushExecutorSchema, RegExp]>([
    [
      'latest as the only tag',
      { tags: ['127.0.0.1:5000/acme/x:latest'] },
      /'latest' is not a release: add a semver tag/,
    ],
    [
      'a malformed tag',
      { tags: ['127.0.0.1:5000/Acme/x:1.0.0'] },
      /Image reference '127\.0\.0\.1:5000\/Acme\/x:1\.0\.0' is not valid/,
    ],
    [
      'a layout that does not exist',
      { imagePath: 'dist/nowhere/image', tags: ['127.0.0.1:5000/acme/x:1.0.0'] },
      /no 'oci-layout' file\. Run the build target to create it\./,
    ],
  ])('fails clearly on %s', async (_what, options, message) => {
    const { context } = await builtWorkspace(`bad-${Math.random().toString(36).slice(2, 8)}`, [
      `${bed.registry}/${uniqueRepo('bad')}:0.1.0`,
    ]);
    expect(await pushExecutor(options, context)).toEqual({ success: false });
    expect(output.join('\n')).toMatch(message);
  });

  it('refuses a dist/ whose image.json describes another build', async () => {
    const { context, distDir } = await builtWorkspace('stale', [`${bed.registry}/${uniqueRepo('stale')}:0.1.0`]);
    const summaryPath = join(distDir, 'image.json');
    const summary = JSON.parse(readFileSync(summaryPath, 'utf8'));
    const actual = summary.indexDigest;
    summary.indexDigest = `sha256:${'0'.repeat(64)}`;
    writeFileSync(summaryPath, JSON.stringify(summary));
    expect(await pushExecutor({}, context)).toEqual({ success: false });
    expect(output.join('\n')).toContain(
      `${summaryPath} says the image is sha256:${'0'.repeat(64)}, but ${join(distDir, 'image')} holds ${actual}. dist/ is stale or mixed: run the build target again.`,
    );
  });
});
