// The verify executor on a workspace whose dist/ holds a real two-platform build, from the layout and the registry.
import { ExecutorContext, logger } from '@nx/devkit';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { summarizeLayout, writeImageSummary } from '../../oci/image-summary';
import { readOciLayout } from '../../oci/layout';
import { pushLayout } from '../../registry';
import { requireTestBed, TestBed, uniqueRepo } from '../../test-support/test-bed';
import { buildFixture, Fixture, goodFixture, tempDir, writeFixture } from '../../verify/test-support/extension-fixture';
import type { VerifyReport } from '../../verify';
import verifyExecutor from './executor';

describe('verify executor', () => {
  let bed: TestBed;
  let root: string;
  let remove: () => Promise<void>;
  let output: string[];
  const tags: Record<string, string> = {};

  /** Builds a fixture into <root>/dist/apps/<name>/image with image.json, as the build target does. */
  async function built(name: string, fixture: Fixture) {
    const context = join(root, 'apps', name);
    await writeFixture(fixture, context);
    const dist = join(root, 'dist/apps', name);
    await mkdir(dist, { recursive: true });
    await buildFixture(context, { baseImage: bed.baseImage, output: { layout: join(dist, 'image') } });
    tags[name] = `${bed.registry}/${uniqueRepo(name)}:1.0.0`;
    const summary = await summarizeLayout(await readOciLayout(join(dist, 'image')), [tags[name]]);
    await writeImageSummary(join(dist, 'image.json'), summary);
    return summary;
  }

  function contextFor(name: string): ExecutorContext {
    return {
      root,
      cwd: root,
      isVerbose: false,
      projectName: name,
      projectsConfigurations: { version: 2, projects: { [name]: { root: `apps/${name}` } } },
      nxJsonConfiguration: {},
      projectGraph: { nodes: {}, dependencies: {} },
    } as unknown as ExecutorContext;
  }

  const report = (name: string): VerifyReport =>
    JSON.parse(readFileSync(join(root, 'dist/apps', name, 'verify.json'), 'utf8'));
  const printed = () => output.join('\n');

  beforeAll(async () => {
    bed = requireTestBed();
    ({ dir: root, remove } = await tempDir('verify-executor'));
    await built('good', goodFixture());
    const warned = goodFixture();
    warned.labels['com.docker.extension.changelog'] = '';
    await built('warned', warned);
  });
  afterAll(() => remove?.());

  beforeEach(() => {
    output = [];
    for (const level of ['info', 'warn', 'error', 'log'] as const) {
      jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => void output.push(args.join(' ')));
    }
  });
  afterEach(() => jest.restoreAllMocks());

  it('passes a correct layout, prints the platform × rule table and writes verify.json', async () => {
    expect(await verifyExecutor({}, contextFor('good'))).toEqual({ success: true });
    expect(printed()).toMatch(/^rule +image +linux\/amd64 +linux\/arm64$/m);
    expect(printed()).toMatch(/^host-binary-arch +pass +pass$/m);
    expect(printed()).toMatch(/^platforms-required +pass$/m);
    expect(printed()).toContain('same digest as the build in dist/');
    expect(printed()).toMatch(/PASSED: 0 failed, 0 warned/);
    const json = report('good');
    expect(json).toMatchObject({ source: { kind: 'layout' }, profile: 'default', passed: true, matchesExpected: true });
    expect(json.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);
  });

  it('passes with warnings, fails them with strict, fails them with marketplace', async () => {
    expect(await verifyExecutor({}, contextFor('warned'))).toEqual({ success: true });
    expect(printed()).toMatch(
      /warn \[label-required\] linux\/amd64: label com.docker.extension.changelog: found an empty value/,
    );
    output = [];
    expect(await verifyExecutor({ strict: true }, contextFor('warned'))).toEqual({ success: false });
    expect(printed()).toContain('Warnings (2), which fail in strict mode:');
    expect(report('warned')).toMatchObject({ strict: true, passed: false });
    output = [];
    expect(await verifyExecutor({ marketplace: true }, contextFor('warned'))).toEqual({ success: false });
    expect(printed()).toMatch(
      /FAIL \[label-required\] linux\/arm64: label com.docker.extension.changelog: found an empty value/,
    );
  });

  it('prints the reason of every switched-off rule, and refuses unknown ones', async () => {
    const disabledRules = { 'label-required': 'the release job fills the changelog label' };
    expect(await verifyExecutor({ marketplace: true, disabledRules }, contextFor('warned'))).toEqual({ success: true });
    expect(printed()).toContain('off  [label-required] the release job fills the changelog label');
    expect(printed()).toMatch(/^label-required +off +off$/m);
    expect(report('warned').disabledRules).toEqual(disabledRules);
    output = [];
    expect(await verifyExecutor({ disabledRules: { 'icon-exists': 'typo' } }, contextFor('warned'))).toEqual({
      success: false,
    });
    expect(printed()).toMatch(
      /verify warned: disabledRules: 'icon-exists' is not a verify rule. Rules: platforms-required, .*icon-present/,
    );
    expect(existsSync(join(root, 'dist/apps/warned/verify.json'))).toBe(false);
  });

  it('checks the pushed image and says its digest equals the build in dist/', async () => {
    await pushLayout(join(root, 'dist/apps/good/image'), [tags.good]);
    expect(await verifyExecutor({ remote: true }, contextFor('good'))).toEqual({ success: true });
    const json = report('good');
    expect(printed()).toContain(`Verified ${tags.good} (registry)`);
    expect(printed()).toContain(`read ${json.digest}`);
    expect(printed()).toContain('same digest as the build in dist/');
    expect(json).toMatchObject({
      source: { kind: 'registry', location: tags.good },
      matchesExpected: true,
      passed: true,
    });
  });

  it('says when the registry holds another image than dist/', async () => {
    await pushLayout(join(root, 'dist/apps/warned/image'), [tags.warned]);
    expect(await verifyExecutor({ image: tags.warned }, contextFor('good'))).toEqual({ success: true });
    expect(printed()).toMatch(
      /DIFFERENT from the build in dist\/ \(image.json indexDigest sha256:[0-9a-f]{64}\): the registry holds another image/,
    );
    expect(report('good').matchesExpected).toBe(false);
  });

  it('fails clearly when there is no build or a layer blob is corrupt', async () => {
    expect(await verifyExecutor({}, contextFor('missing'))).toEqual({ success: false });
    expect(printed()).toMatch(
      /verify missing: OCI layout .*dist\/apps\/missing\/image: no 'oci-layout' file. Run the build target/,
    );
    output = [];
    const image = join(root, 'dist/apps/warned/image');
    const summary = JSON.parse(readFileSync(join(root, 'dist/apps/warned/image.json'), 'utf8'));
    const manifest = JSON.parse(
      readFileSync(join(image, 'blobs/sha256', summary.platforms[0].digest.slice(7)), 'utf8'),
    );
    const layer = join(image, 'blobs/sha256', manifest.layers.at(-1).digest.slice(7));
    const bytes = readFileSync(layer);
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(layer, bytes);
    expect(await verifyExecutor({}, contextFor('warned'))).toEqual({ success: false });
    expect(printed()).toMatch(
      /verify warned: layer sha256:[0-9a-f]{64}: .*(does not match its descriptor|not valid gzip|truncated)/,
    );
    expect(readdirSync(join(root, 'dist/apps/warned'))).not.toContain('verify.json');
  });
});
