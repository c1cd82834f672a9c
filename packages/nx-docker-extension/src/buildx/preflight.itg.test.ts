import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTestBed, uniqueRepo, type TestBed } from '../test-support/test-bed';
import { buildxBuildArgs } from './build-args';
import { BuildxError } from './buildx-error';
import { preflightBuild } from './preflight';
import { runBuildxBuild } from './run-buildx-build';

let bed: TestBed;
let dir: string;

beforeAll(() => {
  bed = requireTestBed();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nxde-buildx-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const request = {
  platforms: ['linux/amd64', 'linux/arm64'],
  targetRuns: [{ stage: 'final', line: 3 }],
  dockerfile: 'Dockerfile',
  load: true,
};

describe('preflightBuild on the test bed', () => {
  it('finds buildx, the docker driver on the containerd store, both platforms and the engine platform', async () => {
    const pre = await preflightBuild(request);
    expect(pre.buildx.major * 100 + pre.buildx.minor).toBeGreaterThanOrEqual(13);
    expect(pre.builder.driver).toBe('docker');
    expect(pre.builder.nodes[0].platforms).toEqual(expect.arrayContaining(['linux/amd64', 'linux/arm64']));
    expect(pre.engine.platform).toBe('linux/amd64');
  });

  it('names a builder that does not exist and how to create it', async () => {
    await expect(preflightBuild({ ...request, builder: 'nxde-missing' })).rejects.toThrow(
      "Builder 'nxde-missing' (option builder) does not exist.\n  List the builders: docker buildx ls",
    );
  });

  it('says when a builder cannot start (a docker-container builder with no way to pull BuildKit here)', async () => {
    const name = `nxde-offline-${process.pid}`;
    execFileSync('docker', ['buildx', 'create', '--name', name, '--driver', 'docker-container'], { stdio: 'ignore' });
    try {
      const error = await preflightBuild({ ...request, builder: name }).catch((e) => e);
      expect(error).toBeInstanceOf(BuildxError);
      expect(error.message).toContain(
        `Builder '${name}' (option builder) cannot be started: 'docker buildx inspect --bootstrap ${name}' failed`,
      );
      expect(error.message).toContain(`Check it with: docker buildx inspect --bootstrap ${name}`);
    } finally {
      execFileSync('docker', ['buildx', 'rm', '--force', name], { stdio: 'ignore' });
    }
  });
});

describe('runBuildxBuild failure advice on real buildx output', () => {
  it('explains a base image without an arm64 variant, keeping buildx’s line', async () => {
    // An index with only linux/amd64 (plus its attestation), pushed to the test registry.
    const base = `${bed.registry}/${uniqueRepo('amd64-only')}:1`;
    writeFileSync(join(dir, 'Dockerfile.base'), 'FROM alpine\nRUN true\n');
    execFileSync(
      'docker',
      buildxBuildArgs({
        dockerfile: join(dir, 'Dockerfile.base'),
        context: dir,
        platforms: ['linux/amd64'],
        tags: [base],
        buildContexts: { alpine: `docker-image://${bed.baseImage}` },
        provenance: true,
        progress: 'quiet',
      }).concat('--push'),
      { stdio: 'ignore' },
    );
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${base}\nCOPY Dockerfile /\n`);
    const echoed: string[] = [];
    const args = buildxBuildArgs({
      dockerfile: 'Dockerfile',
      context: '.',
      platforms: ['linux/amd64', 'linux/arm64'],
      tags: ['acme/x:1'],
      ociDir: 'out',
      progress: 'plain',
    });
    const error = await runBuildxBuild(args, {
      cwd: dir,
      progress: 'plain',
      failure: { context: '.', dockerfile: 'Dockerfile' },
      echo: (chunk) => void echoed.push(chunk),
    }).catch((e) => e);
    expect(error).toBeInstanceOf(BuildxError);
    expect(echoed.join('')).toContain('no match for platform in manifest');
    expect(error.message).toContain(
      `buildx: ERROR: failed to solve: ${base}: failed to resolve source metadata for ${base}: no match for platform in manifest`,
    );
    expect(error.message).toContain(
      `→ ${base} has no variant for linux/arm64. See what it offers: docker buildx imagetools inspect ${base}`,
    );
  });

  it('explains a registry that refuses access', async () => {
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${bed.authRegistry}/testbed/busybox:1\n`);
    const error = await runBuildxBuild(
      buildxBuildArgs({
        dockerfile: 'Dockerfile',
        context: '.',
        platforms: ['linux/amd64'],
        tags: ['acme/x:1'],
        ociDir: 'out',
      }),
      { cwd: dir, failure: { context: '.', dockerfile: 'Dockerfile' }, echo: () => undefined },
    ).catch((e) => e);
    expect(error.message).toMatch(/buildx: ERROR: failed to solve: .*401 Unauthorized/);
    expect(error.message).toContain(`docker login ${bed.authRegistry}`);
  });
});
