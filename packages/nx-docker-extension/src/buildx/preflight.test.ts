import type { Builder } from './builder';
import { builderProblems, platformMatches, type BuilderFacts, type PreflightRequest } from './preflight';

const dockerBuilder: Builder = {
  name: 'default',
  driver: 'docker',
  nodes: [{ name: 'default', status: 'running', platforms: ['linux/amd64', 'linux/amd64/v2', 'linux/arm64'] }],
};
const facts: BuilderFacts = {
  builder: dockerBuilder,
  containerdImageStore: true,
  buildx: { major: 0, minor: 13 },
  engine: { version: '26.1.5', platform: 'linux/amd64' },
};
const request: PreflightRequest = {
  platforms: ['linux/amd64', 'linux/arm64'],
  targetRuns: [{ stage: 'final', line: 7 }],
  dockerfile: 'packages/my-ext/Dockerfile',
  load: false,
};

describe('platformMatches', () => {
  it('treats arm64/v8 as arm64 and a missing variant as any', () => {
    expect(platformMatches('linux/arm64', 'linux/arm64/v8')).toBe(true);
    expect(platformMatches('linux/arm64/v8', 'linux/arm64')).toBe(true);
    expect(platformMatches('linux/amd64', 'linux/amd64/v2')).toBe(true);
    expect(platformMatches('linux/arm/v7', 'linux/arm/v6')).toBe(false);
    expect(platformMatches('linux/arm64', 'linux/amd64')).toBe(false);
  });
});

describe('builderProblems', () => {
  it('accepts the test bed: docker driver, containerd store, QEMU for arm64', () => {
    expect(builderProblems(request, facts)).toEqual([]);
  });

  it('refuses the docker driver on the classic image store, with both fixes', () => {
    const [problem, ...rest] = builderProblems(request, { ...facts, containerdImageStore: false });
    expect(rest).toEqual([]);
    expect(problem).toContain("Builder 'default' (driver docker) uses the engine's classic image store");
    expect(problem).toContain('"containerd-snapshotter": true');
    expect(problem).toContain(
      'docker buildx create --name multiarch --driver docker-container --platform linux/amd64,linux/arm64 --bootstrap',
    );
  });

  it('needs emulation for a foreign platform only when target-platform stages RUN', () => {
    const amd64Only: BuilderFacts = {
      ...facts,
      builder: { ...dockerBuilder, nodes: [{ name: 'default', status: 'running', platforms: ['linux/amd64'] }] },
      binfmt: { arm64: 'missing' },
    };
    const [problem, ...rest] = builderProblems(request, amd64Only);
    expect(rest).toEqual([]);
    expect(problem).toContain(
      "Builder 'default' (driver docker) cannot run linux/arm64 programs: it lists linux/amd64.",
    );
    expect(problem).toContain(
      "packages/my-ext/Dockerfile runs commands on the target platform (stage 'final', line 7)",
    );
    expect(problem).toContain('/proc/sys/fs/binfmt_misc/qemu-aarch64 is missing.');
    expect(problem).toContain('sudo apt-get install qemu-user-static binfmt-support');
    expect(builderProblems({ ...request, targetRuns: [] }, amd64Only)).toEqual([]);
  });

  it('reports a node that is not running, with its error', () => {
    const broken: BuilderFacts = {
      ...facts,
      builder: {
        name: 'remote',
        driver: 'remote',
        nodes: [{ name: 'remote0', status: 'inactive', error: 'connection refused', platforms: [] }],
      },
    };
    expect(builderProblems({ ...request, targetRuns: [] }, broken)).toEqual([
      expect.stringContaining(
        "Builder 'remote' (driver remote): node 'remote0' is inactive (connection refused).\n  Fix: docker buildx inspect --bootstrap remote",
      ),
    ]);
  });

  it('load needs the engine’s platform among the platforms (it is built again for the engine)', () => {
    const s390x = { ...facts, engine: { version: '26', platform: 'linux/s390x' } };
    expect(builderProblems({ ...request, targetRuns: [], load: true }, s390x)).toEqual([
      'load: the engine runs linux/s390x, which is not among the platforms built (linux/amd64, linux/arm64).\n  Fix: add linux/s390x to platforms, or build without load.',
    ]);
    expect(builderProblems({ ...request, load: true }, facts)).toEqual([]);
  });
});
