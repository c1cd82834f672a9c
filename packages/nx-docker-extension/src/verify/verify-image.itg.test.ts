// Real builds (buildx, both platforms) of purpose-made extensions, verified from the OCI layout and from the registry.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MediaType } from '../oci/types';
import { RegistryClient } from '../registry';
import { requireTestBed, TestBed, uniqueRepo } from '../test-support/test-bed';
import { layoutSource } from './layout-source';
import { registrySource } from './registry-source';
import { buildFixture, Fixture, goodFixture, tempDir, writeFixture } from './test-support/extension-fixture';
import { VerifyOptions, VerifyReport, verifyImage } from './verify-image';

interface Case {
  name: string;
  change?: (f: Fixture) => void;
  platforms?: string[];
  tag?: string;
  profile?: 'default' | 'marketplace';
  compression?: 'zstd';
  /** Every failing rule × platform, and a pattern its message must match. */
  failures: { rule: string; where: string; message: RegExp }[];
}

const both = (rule: string, message: RegExp) =>
  ['linux/amd64', 'linux/arm64'].map((where) => ({ rule, where, message }));

const CASES: Case[] = [
  { name: 'a correct extension passes', failures: [] },
  { name: 'a correct extension passes the marketplace profile', profile: 'marketplace', failures: [] },
  { name: 'a correct extension with zstd-compressed layers passes', compression: 'zstd', failures: [] },
  {
    name: 'no arm64 variant',
    platforms: ['linux/amd64'],
    failures: [
      {
        rule: 'platforms-required',
        where: 'image',
        message:
          /^image: image index: found platforms linux\/amd64; no linux\/arm64 variant; expected a variant for each of linux\/amd64, linux\/arm64/,
      },
    ],
  },
  {
    name: 'a darwin binary of the wrong architecture in the arm64 variant',
    change: (f) => (f.steps = f.steps.map((s) => s.replace('bin/darwin-${TARGETARCH}/', 'bin/darwin-amd64/'))),
    failures: [
      {
        rule: 'host-binary-arch',
        where: 'linux/arm64',
        message:
          /^linux\/arm64: \/darwin\/kubectl: found Mach-O x86_64; expected Mach-O arm64 or universal for the linux\/arm64 variant/,
      },
    ],
  },
  {
    name: 'a windows binary named in metadata.json but absent from the arm64 variant',
    change: (f) => {
      f.files['bin/windows-arm64/kubectl.exe'] = null;
      f.files['bin/windows-arm64/README.txt'] = 'no windows/arm64 build\n';
    },
    failures: [
      {
        rule: 'host-binary-present',
        where: 'linux/arm64',
        message:
          /^linux\/arm64: \/windows\/kubectl.exe: found no such file; expected the windows binary metadata.json names, in every variant/,
      },
    ],
  },
  {
    name: 'a missing icon',
    change: (f) => (f.steps = f.steps.map((s) => s.replace('metadata.json docker.svg', 'metadata.json'))),
    failures: both('icon-present', /: \/docker.svg: found no such file; expected the icon file metadata.json names/),
  },
  {
    name: 'an extra root key in metadata.json',
    change: (f) => (f.metadata = { ...(f.metadata as object), name: 'fixture' }),
    failures: both(
      'metadata-schema',
      /: \/metadata.json name: found extra root key 'name'; expected only icon, ui, vm, host at the root/,
    ),
  },
  {
    name: 'vm with both image and composefile',
    change: (f) =>
      ((f.metadata as { vm: object }).vm = { image: '${DESKTOP_PLUGIN_IMAGE}', composefile: 'docker-compose.yaml' }),
    failures: both('vm-backend', /: \/metadata.json vm: found both image and composefile; expected exactly one of/),
  },
  {
    name: 'an empty required label (marketplace profile)',
    profile: 'marketplace',
    change: (f) => (f.labels['com.docker.extension.changelog'] = ''),
    failures: both(
      'label-required',
      /: label com.docker.extension.changelog: found an empty value; expected a non-empty value/,
    ),
  },
  {
    name: 'an empty required label only warns in the default profile',
    change: (f) => (f.labels['com.docker.extension.changelog'] = ''),
    failures: [],
  },
  {
    name: 'the UI entry file missing',
    change: (f) => (f.files['ui/index.html'] = null),
    failures: both('ui-entry-present', /: \/ui\/index.html: found no such file; expected the UI entry file/),
  },
  {
    name: 'node_modules under the UI root',
    change: (f) => (f.files['ui/node_modules/left-pad/index.js'] = 'module.exports = 1;\n'),
    failures: both('ui-no-node-modules', /: \/ui\/node_modules: found a node_modules folder under the UI root/),
  },
  {
    name: 'node_modules removed by a later layer (a whiteout) passes',
    change: (f) => {
      f.files['ui/node_modules/left-pad/index.js'] = 'module.exports = 1;\n';
      f.steps.push('RUN rm -rf /ui/node_modules');
    },
    failures: [],
  },
  {
    name: 'a symlink under the UI root made by RUN (under QEMU for arm64)',
    change: (f) => f.steps.push('RUN ln -s index.html /ui/home.html'),
    failures: both('ui-no-symlinks', /: \/ui\/home.html: found a symlink to 'index.html'; expected regular files only/),
  },
  {
    name: "'latest' as the tag (marketplace profile)",
    profile: 'marketplace',
    tag: 'latest',
    failures: [
      {
        rule: 'tag-semver',
        where: 'image',
        message: /^image: tag .*:latest: found 'latest', which is not a release; expected a semver tag/,
      },
    ],
  },
];

function verdicts(report: VerifyReport) {
  return report.results.map((r) => ({
    rule: r.rule,
    where: r.where,
    status: r.status,
    messages: r.findings.map((f) => f.message),
  }));
}

/** Media types of the image layers in an OCI layout written by buildx (attestations' in-toto layers aside). */
async function layerMediaTypes(layout: string): Promise<Set<string>> {
  const blob = async (digest: string) =>
    JSON.parse(await readFile(join(layout, 'blobs', ...digest.split(':')), 'utf8'));
  const types = new Set<string>();
  const visit = async (descriptor: { digest: string; mediaType: string }): Promise<void> => {
    const doc = await blob(descriptor.digest);
    for (const child of doc.manifests ?? []) await visit(child);
    for (const layer of doc.layers ?? []) {
      if (layer.mediaType.startsWith('application/vnd.oci.image.layer.')) types.add(layer.mediaType);
    }
  };
  for (const top of JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')).manifests) await visit(top);
  return types;
}

describe('verifyImage on real two-platform builds', () => {
  let bed: TestBed;
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(() => {
    bed = requireTestBed();
  });
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  describe.each(CASES)('$name', (c) => {
    let layoutReport: VerifyReport;
    let reference: string;
    let options: VerifyOptions;

    beforeAll(async () => {
      const { dir, remove } = await tempDir('verify-itg');
      cleanups.push(remove);
      const fixture = goodFixture();
      c.change?.(fixture);
      const context = join(dir, 'context');
      await writeFixture(fixture, context);
      reference = `${bed.registry}/${uniqueRepo('verify')}:${c.tag ?? '1.0.0'}`;
      options = { profile: c.profile, tags: [reference] };
      const layout = join(dir, 'image');
      const build = { baseImage: bed.baseImage, platforms: c.platforms, compression: c.compression };
      await buildFixture(context, { ...build, output: { layout } });
      if (c.compression) expect(await layerMediaTypes(layout)).toEqual(new Set([MediaType.ociLayerZstd]));
      layoutReport = await verifyImage(await layoutSource(layout), options);
      await buildFixture(context, { ...build, output: { push: reference } });
    });

    it(
      c.failures.length
        ? 'fails with the rule id and a message naming platform, file or label, found and expected'
        : 'passes',
      () => {
        const failing = layoutReport.results.filter((r) => r.status === 'fail');
        expect(failing.map((r) => `${r.rule} ${r.where}`).sort()).toEqual(
          c.failures.map((f) => `${f.rule} ${f.where}`).sort(),
        );
        for (const expected of c.failures) {
          const result = failing.find((r) => r.rule === expected.rule && r.where === expected.where)!;
          expect(result.findings.map((f) => f.message)).toContainEqual(expect.stringMatching(expected.message));
        }
        expect(layoutReport.passed).toBe(c.failures.length === 0);
        // a layer both variants share (metadata, icon, UI) is read once
        const perPlatform = layoutReport.platforms.reduce((n, p) => n + p.layers, 0);
        expect(layoutReport.stats.layersRead).toBe(layoutReport.stats.distinctLayers);
        if (layoutReport.platforms.length === 2) expect(layoutReport.stats.distinctLayers).toBeLessThan(perPlatform);
      },
    );

    it('gives the same verdicts on the image pushed to the registry', async () => {
      const client = new RegistryClient();
      const remote = await verifyImage(registrySource(reference, client), options);
      expect(remote.source).toEqual({ kind: 'registry', location: reference });
      expect(verdicts(remote)).toEqual(verdicts(layoutReport));
      // each layer fetched once: the index, a manifest and a config per platform, then the distinct layers
      expect(remote.stats).toMatchObject({ secondReads: 0, layersRead: remote.stats.distinctLayers });
      expect(client.counts.total).toBe(1 + 2 * remote.platforms.length + remote.stats.distinctLayers);
    });
  });
});
