import { joinCacheSpecs, planBuild, type ProjectFacts } from './build-plan';

const project: ProjectFacts = {
  name: 'my-ext',
  root: 'packages/my-ext',
  packageJson: {
    name: 'my-ext',
    version: '0.1.0',
    private: true,
    dockerExtension: { image: 'acme/my-ext', platforms: ['linux/amd64', 'linux/arm64'] },
  },
};

describe('planBuild', () => {
  it('takes image, version and platforms from package.json beside the Dockerfile', () => {
    expect(planBuild({}, project)).toEqual({
      project: 'my-ext',
      dockerfile: 'packages/my-ext/Dockerfile',
      context: 'packages/my-ext',
      platforms: ['linux/amd64', 'linux/arm64'],
      tags: ['acme/my-ext:0.1.0'],
      outputPath: 'dist/packages/my-ext/image',
      summaryPath: 'dist/packages/my-ext/image.json',
      buildArgs: {},
      buildContexts: {},
      secrets: {},
      target: undefined,
      builder: undefined,
      cacheFrom: [],
      cacheTo: [],
      provenance: false,
      sbom: false,
      load: false,
      pull: false,
      noCache: false,
      progress: undefined,
      verbose: false,
      rewriteTimestamp: false,
    });
  });

  it('lets options win, and clamps timestamps when SOURCE_DATE_EPOCH is set', () => {
    const plan = planBuild(
      {
        platforms: ['linux/arm64', 'linux/amd64'],
        tags: ['127.0.0.1:5000/acme/my-ext:1.0.0', '127.0.0.1:5000/acme/my-ext:1.0'],
        dockerfile: 'packages/my-ext/docker/Dockerfile',
        context: 'packages/my-ext/',
        outputPath: 'out/my-ext/',
        provenance: 'max',
      },
      { ...project, sourceDateEpoch: '1700000000' },
    );
    expect(plan).toMatchObject({
      platforms: ['linux/arm64', 'linux/amd64'],
      tags: ['127.0.0.1:5000/acme/my-ext:1.0.0', '127.0.0.1:5000/acme/my-ext:1.0'],
      dockerfile: 'packages/my-ext/docker/Dockerfile',
      context: 'packages/my-ext/',
      outputPath: 'out/my-ext',
      summaryPath: 'out/my-ext.json',
      provenance: 'max',
      rewriteTimestamp: true,
    });
  });

  it('defaults to linux/amd64 + linux/arm64 and needs tags for a folder without package.json', () => {
    const init = { name: 'legacy', root: 'legacy' };
    expect(planBuild({ tags: ['acme/legacy:2.0.0'] }, init).platforms).toEqual(['linux/amd64', 'linux/arm64']);
    expect(() => planBuild({}, init)).toThrow(
      'legacy: no image to tag. legacy/package.json does not exist; create it with "version" and "dockerExtension": { "image": "acme/legacy" }, or set the build option "tags", e.g. ["acme/legacy:0.1.0"].',
    );
  });

  it.each([
    [{ platforms: [] }, 'my-ext: option platforms is empty.'],
    [{ platforms: ['linux/amd64', 'linux/amd64'] }, "my-ext: option platforms: 'linux/amd64' is listed twice."],
    [{ platforms: ['windows/amd64'] }, "'windows/amd64' is not a Linux platform"],
    [{ platforms: ['arm64'] }, "'arm64' is not a platform. Write os/arch[/variant]"],
    [{ tags: [] }, 'my-ext: option tags is empty'],
    [{ tags: ['acme/my-ext'] }, "option tags[0]: 'acme/my-ext' has no tag (Docker would use 'latest'"],
    [{ tags: ['Acme/my-ext:1.0.0'] }, "option tags[0]: Image reference 'Acme/my-ext:1.0.0' is not valid"],
    [{ tags: ['acme/my-ext:1.0.0+build'] }, "tag '1.0.0+build' is not allowed"],
    [{ tags: [`acme/my-ext@sha256:${'a'.repeat(64)}`] }, 'names a digest'],
    [{ secrets: { npmrc: { src: 'a', env: 'B' } } }, 'option secrets.npmrc: give exactly one of'],
    [{ secrets: { 'bad id': { env: 'B' } } }, "id 'bad id' may only hold"],
    [{ secrets: { t: { env: 'NOT-A-NAME' } } }, "env 'NOT-A-NAME' is not an environment variable name"],
    [{ buildArgs: { 'A=B': 'x' } }, "option buildArgs: name 'A=B' may not"],
    [{ buildContexts: { alpine: '' } }, 'option buildContexts.alpine is empty'],
    [{ outputPath: '.' }, "option outputPath '.' must be a folder inside the workspace"],
    [{ outputPath: '../elsewhere' }, 'must be a folder inside the workspace'],
    [{ outputPath: '/tmp/x' }, 'must be a folder inside the workspace'],
    [{ outputPath: 'packages' }, "option outputPath 'packages' holds the build context or Dockerfile"],
    [{ target: ' ' }, 'option target is empty'],
  ])('rejects %j', (options, message) => {
    expect(() => planBuild(options as never, project)).toThrow(message);
  });

  it.each([
    [
      { version: '0.1.0', dockerExtension: {} },
      'packages/my-ext/package.json has no "dockerExtension": { "image": "…" }',
    ],
    [{ dockerExtension: { image: 'acme/my-ext' } }, 'packages/my-ext/package.json has no "version"'],
    [{ version: '1', dockerExtension: { image: 'acme/my-ext:1' } }, "image 'acme/my-ext:1' includes a tag"],
    [{ version: '1', dockerExtension: { image: 'acme/my-ext', platforms: [] } }, 'dockerExtension.platforms is empty'],
    [{ version: 'v 1', dockerExtension: { image: 'acme/my-ext' } }, 'dockerExtension.image + version'],
    [[], 'packages/my-ext/package.json is not a JSON object'],
  ])('rejects package.json %j', (packageJson, message) => {
    expect(() => planBuild({}, { ...project, packageJson })).toThrow(message);
  });

  it('rejects a SOURCE_DATE_EPOCH that is not seconds', () => {
    expect(() => planBuild({}, { ...project, sourceDateEpoch: '2024-01-01' })).toThrow(
      "SOURCE_DATE_EPOCH='2024-01-01' is not a number of seconds",
    );
  });
});

describe('joinCacheSpecs', () => {
  it('rejoins a cache spec that Nx split on commas, keeping separate specs apart', () => {
    expect(
      joinCacheSpecs(['type=registry', 'ref=r/c:cache', 'mode=max', 'type=local', 'src=/tmp/c', 'user/app:cache']),
    ).toEqual(['type=registry,ref=r/c:cache,mode=max', 'type=local,src=/tmp/c', 'user/app:cache']);
    expect(joinCacheSpecs(undefined)).toEqual([]);
  });
});
