import { readJson, writeJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import {
  copySpec,
  finalStage,
  flagValue,
  parseDockerfile,
  stageDeclaresArg,
  stageInstructions,
  stageOnBuildPlatform,
} from '../../dockerfile';
import { validateMetadata } from '../../extension/metadata';
import { extensionGenerator } from '../extension/generator';
import { hostBinaryGenerator } from './generator';

function read(tree: Tree, path: string): string {
  const text = tree.read(path, 'utf8');
  if (text === null) throw new Error(`${path} missing`);
  return text;
}

/** Paths and contents of everything the tree would write, to prove a failed run wrote nothing. */
function changes(tree: Tree): Record<string, string> {
  return Object.fromEntries(tree.listChanges().map((c) => [c.path, c.content?.toString() ?? '']));
}

describe('host-binary generator', () => {
  let tree: Tree;
  beforeEach(async () => {
    tree = createTreeWithEmptyWorkspace();
    await extensionGenerator(tree, { name: 'my-ext', skipFormat: true });
  });

  it('adds per-OS paths to metadata.json host.binaries', async () => {
    await hostBinaryGenerator(tree, { project: 'my-ext', name: 'kubectl', skipFormat: true });
    const metadata = readJson(tree, 'my-ext/metadata.json');
    expect(validateMetadata(metadata)).toEqual([]);
    expect(metadata.host).toEqual({
      binaries: [
        {
          darwin: [{ path: '/darwin/kubectl' }],
          windows: [{ path: '/windows/kubectl.exe' }],
          linux: [{ path: '/linux/kubectl' }],
        },
      ],
    });
    expect(metadata.ui).toBeDefined(); // the rest kept
  });

  describe('with a build `target` option, edits that stage as the final one', () => {
    const twoStages = 'FROM alpine AS release\nCOPY metadata.json /\nFROM alpine AS debug\nCOPY metadata.json /\n';
    const stagesAndCopies = () => {
      const df = parseDockerfile(read(tree, 'my-ext/Dockerfile'));
      return df.stages.map((s) => [
        s.name,
        stageInstructions(s, 'COPY').filter((i) => flagValue(i, 'from') === 'host-kubectl').length,
      ]);
    };
    const expected = [
      ['host-kubectl', 0],
      ['release', 3],
      ['debug', 0],
    ];
    beforeEach(() => tree.write('my-ext/Dockerfile', twoStages));

    it('from project.json, with no executor named (an override of the inferred target)', async () => {
      writeJson(tree, 'my-ext/project.json', {
        name: 'my-ext',
        targets: { build: { options: { target: 'release' } } },
      });
      await hostBinaryGenerator(tree, { project: 'my-ext', name: 'kubectl', skipFormat: true });
      expect(stagesAndCopies()).toEqual(expected);
    });

    it('from project.json under the build target name registered in nx.json', async () => {
      const nxJson = readJson(tree, 'nx.json');
      nxJson.plugins = [{ plugin: 'nx-docker-extension', options: { buildTargetName: 'image' } }];
      writeJson(tree, 'nx.json', nxJson);
      writeJson(tree, 'my-ext/project.json', {
        name: 'my-ext',
        targets: { build: { options: { target: 'debug' } }, image: { options: { target: 'release' } } },
      });
      await hostBinaryGenerator(tree, { project: 'my-ext', name: 'kubectl', skipFormat: true });
      expect(stagesAndCopies()).toEqual(expected);
    });

    it('from nx.json targetDefaults keyed by the executor', async () => {
      const nxJson = readJson(tree, 'nx.json');
      nxJson.targetDefaults = { 'nx-docker-extension:build': { options: { target: 'release' } } };
      writeJson(tree, 'nx.json', nxJson);
      await hostBinaryGenerator(tree, { project: 'my-ext', name: 'kubectl', skipFormat: true });
      expect(stagesAndCopies()).toEqual(expected);
    });
  });

  it('inserts a build-platform stage choosing files per TARGETARCH, and copies them executable into the final stage', async () => {
    const before = read(tree, 'my-ext/Dockerfile');
    await hostBinaryGenerator(tree, { project: 'my-ext', name: 'kubectl', skipFormat: true });
    const df = parseDockerfile(read(tree, 'my-ext/Dockerfile'));
    expect(df.problems).toEqual([]);
    expect(df.stages.map((s) => s.name)).toEqual(['host-kubectl', undefined]);
    const [stage, final] = df.stages;
    expect(stageOnBuildPlatform(stage)).toBe(true);
    expect(stageDeclaresArg(stage, 'TARGETARCH')).toBe(true);
    expect(stageInstructions(stage, 'COPY').map((i) => [copySpec(i)?.sources, copySpec(i)?.destination])).toEqual([
      [['binaries/darwin-${TARGETARCH}/kubectl'], '/darwin/kubectl'],
      // No windows/arm64 build in the project: the amd64 .exe serves both variants.
      [['binaries/windows-amd64/kubectl.exe'], '/windows/kubectl.exe'],
      [['binaries/linux-${TARGETARCH}/kubectl'], '/linux/kubectl'],
    ]);
    const copies = stageInstructions(final, 'COPY').filter((i) => flagValue(i, 'from') === 'host-kubectl');
    expect(copies.map((i) => [flagValue(i, 'chmod'), copySpec(i)?.sources[0]])).toEqual([
      ['0755', '/darwin/kubectl'],
      ['0755', '/windows/kubectl.exe'],
      ['0755', '/linux/kubectl'],
    ]);
    expect(finalStage(df)).toBe(final);
    // Every line of the original file is still there, in order.
    const after = read(tree, 'my-ext/Dockerfile').split('\n');
    let at = 0;
    for (const line of before.split('\n')) {
      at = after.indexOf(line, at);
      expect(at).toBeGreaterThanOrEqual(0);
    }
  });

  it('uses the windows/arm64 build when the project has one', async () => {
    tree.write('my-ext/binaries/windows-arm64/kubectl.exe', 'MZ');
    await hostBinaryGenerator(tree, { project: 'my-ext', name: 'kubectl', os: ['windows'], skipFormat: true });
    const stage = parseDockerfile(read(tree, 'my-ext/Dockerfile')).stages[0];
    expect(copySpec(stageInstructions(stage, 'COPY')[0])?.sources).toEqual([
      'binaries/windows-${TARGETARCH}/kubectl.exe',
    ]);
  });

  it('downloads from a URL template: TARGETOS and EXE filled in, TARGETARCH left to BuildKit', async () => {
    await hostBinaryGenerator(tree, {
      project: 'my-ext',
      name: 'kubectl',
      url: 'https://dl.example.com/v1/${TARGETOS}/${TARGETARCH}/kubectl${EXE}',
      os: 'darwin,windows',
      skipFormat: true,
    });
    const stage = parseDockerfile(read(tree, 'my-ext/Dockerfile')).stages[0];
    expect(stageInstructions(stage, 'ADD').map((i) => copySpec(i)?.sources[0])).toEqual([
      'https://dl.example.com/v1/darwin/${TARGETARCH}/kubectl',
      'https://dl.example.com/v1/windows/amd64/kubectl.exe',
    ]);
    expect(readJson(tree, 'my-ext/metadata.json').host.binaries[0]).toEqual({
      darwin: [{ path: '/darwin/kubectl' }],
      windows: [{ path: '/windows/kubectl.exe' }],
    });
  });

  it('with windowsArm64, the windows download follows TARGETARCH too (the source has an arm64 build)', async () => {
    await hostBinaryGenerator(tree, {
      project: 'my-ext',
      name: 'kubectl',
      url: 'https://dl.example.com/v1/${TARGETOS}/${TARGETARCH}/kubectl${EXE}',
      os: 'windows',
      windowsArm64: true,
      skipFormat: true,
    });
    const stage = parseDockerfile(read(tree, 'my-ext/Dockerfile')).stages[0];
    expect(stageInstructions(stage, 'ADD').map((i) => copySpec(i)?.sources[0])).toEqual([
      'https://dl.example.com/v1/windows/${TARGETARCH}/kubectl.exe',
    ]);
  });

  it('keeps a user Dockerfile byte-for-byte apart from the inserted lines (escape directive, CRLF, heredoc, comments)', async () => {
    const user = [
      '# escape=`',
      'FROM --platform=$BUILDPLATFORM alpine:3.22 AS build',
      'RUN <<EOF',
      'FROM fake',
      'EOF',
      '',
      '# final image',
      'FROM alpine:3.22',
      'COPY metadata.json docker.svg /',
      'CMD ["sleep", "infinity"]',
      '',
    ].join('\r\n');
    tree.write('my-ext/Dockerfile', user);
    await hostBinaryGenerator(tree, { project: 'my-ext', name: 'tool', os: ['linux'], skipFormat: true });
    const out = read(tree, 'my-ext/Dockerfile');
    const lines = out.split('\r\n');
    expect(out.includes('\n') && !/[^\r]\n/.test(out)).toBe(true); // CRLF throughout
    expect(lines.slice(0, 6)).toEqual(user.split('\r\n').slice(0, 6));
    expect(lines.slice(6, 10)).toEqual([
      expect.stringMatching(/^# Host binary tool/),
      'FROM --platform=$BUILDPLATFORM scratch AS host-tool',
      'ARG TARGETARCH',
      'COPY binaries/linux-${TARGETARCH}/tool /linux/tool',
    ]);
    expect(lines.slice(10)).toEqual([
      '',
      '# final image',
      'FROM alpine:3.22',
      'COPY metadata.json docker.svg /',
      'COPY --from=host-tool --chmod=0755 /linux/tool /linux/tool',
      'CMD ["sleep", "infinity"]',
      '',
    ]);
  });

  it('finds an extension folder made by docker extension init (no package.json) by its folder name', async () => {
    tree.write('ext/legacy/Dockerfile', 'FROM alpine\nCOPY metadata.json /\n');
    writeJson(tree, 'ext/legacy/metadata.json', { icon: 'docker.svg', vm: { image: '${DESKTOP_PLUGIN_IMAGE}' } });
    await hostBinaryGenerator(tree, { project: 'legacy', name: 'tool', skipFormat: true });
    expect(readJson(tree, 'ext/legacy/metadata.json').host.binaries).toHaveLength(1);
    expect(read(tree, 'ext/legacy/Dockerfile')).toContain(
      'COPY --from=host-tool --chmod=0755 /darwin/tool /darwin/tool',
    );
  });

  it('adds a second binary beside the first', async () => {
    await hostBinaryGenerator(tree, { project: 'my-ext', name: 'kubectl', skipFormat: true });
    await hostBinaryGenerator(tree, { project: 'my-ext', name: 'helm', os: ['darwin'], skipFormat: true });
    const df = parseDockerfile(read(tree, 'my-ext/Dockerfile'));
    expect(df.stages.map((s) => s.name)).toEqual(['host-kubectl', 'host-helm', undefined]);
    expect(readJson(tree, 'my-ext/metadata.json').host.binaries).toHaveLength(2);
  });

  describe('bad input: a clear error and no file written', () => {
    const expectNothingWritten = async (options: Parameters<typeof hostBinaryGenerator>[1], message: RegExp) => {
      const before = changes(tree);
      await expect(hostBinaryGenerator(tree, { skipFormat: true, ...options })).rejects.toThrow(message);
      expect(changes(tree)).toEqual(before);
    };

    it('an unknown project', () =>
      expectNothingWritten(
        { project: 'nope', name: 'x' },
        /--project "nope": no extension project .*Extension projects here: my-ext \(my-ext\)/,
      ));
    it('platforms with a CPU Docker Desktop does not run on', async () => {
      const manifest = readJson(tree, 'my-ext/package.json');
      manifest.dockerExtension.platforms = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];
      writeJson(tree, 'my-ext/package.json', manifest);
      await expectNothingWritten(
        { project: 'my-ext', name: 'x' },
        /my-ext\/package.json dockerExtension.platforms lists linux\/arm\/v7: host binaries exist only for Docker Desktop's CPUs \(amd64, arm64\)/,
      );
    });
    it('a bad binary name', () => expectNothingWritten({ project: 'my-ext', name: '../x' }, /--name "\.\.\/x"/));
    it('a name with .exe', () =>
      expectNothingWritten({ project: 'my-ext', name: 'x.exe' }, /without a folder or \.exe/));
    it('an unknown OS', () =>
      expectNothingWritten({ project: 'my-ext', name: 'x', os: ['freebsd'] as never }, /--os "freebsd"/));
    it('a URL without TARGETARCH', () =>
      expectNothingWritten(
        { project: 'my-ext', name: 'x', url: 'https://x.example/${TARGETOS}/x' },
        /no \$\{TARGETARCH\}/,
      ));
    it('a URL without TARGETOS for several OSes', () =>
      expectNothingWritten(
        { project: 'my-ext', name: 'x', url: 'https://x.example/${TARGETARCH}/x' },
        /no \$\{TARGETOS\}/,
      ));
    it('a URL that is not http(s)', () =>
      expectNothingWritten(
        { project: 'my-ext', name: 'x', url: 'ftp://x/${TARGETOS}/${TARGETARCH}' },
        /not an http\(s\) URL/,
      ));
    it('a binary already listed', async () => {
      await hostBinaryGenerator(tree, { project: 'my-ext', name: 'x', skipFormat: true });
      await expectNothingWritten(
        { project: 'my-ext', name: 'x' },
        /already lists \/darwin\/x, \/windows\/x\.exe, \/linux\/x/,
      );
    });
    it('a Dockerfile without a final stage', async () => {
      tree.write('my-ext/Dockerfile', '# nothing yet\nARG X=1\n');
      await expectNothingWritten(
        { project: 'my-ext', name: 'x' },
        /my-ext\/Dockerfile: cannot tell which stage is final/,
      );
    });
    it('a Dockerfile with an unterminated heredoc', async () => {
      tree.write('my-ext/Dockerfile', 'FROM a\nRUN <<EOF\nFROM b\n');
      await expectNothingWritten({ project: 'my-ext', name: 'x' }, /line 2: heredoc 'EOF' is never terminated/);
    });
    it('a stage name already taken', async () => {
      tree.write('my-ext/Dockerfile', 'FROM a AS host-x\nFROM b\n');
      await expectNothingWritten({ project: 'my-ext', name: 'x' }, /already has a stage named 'host-x' \(line 1\)/);
    });
    it('a metadata.json that is not JSON', async () => {
      tree.write('my-ext/metadata.json', '{ nope');
      await expectNothingWritten({ project: 'my-ext', name: 'x' }, /my-ext\/metadata.json is not JSON/);
    });
  });
});
