import { ImageFiles, LayerChanges, LayerEntry } from '../oci/layer-files';
import {
  CPU_ARM64,
  CPU_X86_64,
  ELF_AARCH64,
  ELF_X86_64,
  elfHeader,
  fatHeader,
  machoHeader,
  PE_AMD64,
  PE_ARM64,
  PE_I386,
  peHeader,
} from '../verify/test-support/binary-headers';
import { ImageUnderTest, PlatformUnderTest } from './image-view';
import { GOOD_LABELS, GOOD_METADATA } from '../verify/test-support/extension-fixture';
import { checkDisabledRules, RULE_IDS, RuleOptions, runRules } from './rule-set';

type Files = Record<
  string,
  string | Buffer | { symlink: string } | { dir: true } | { mode: number; data: string | Buffer }
>;

function tree(files: Files): ImageFiles {
  const entries = new Map<string, LayerEntry>();
  for (const [path, spec] of Object.entries(files)) {
    const base = { path, layer: 'sha256:test', complete: true };
    if (typeof spec === 'string' || Buffer.isBuffer(spec)) {
      const content = Buffer.from(spec);
      entries.set(path, { ...base, type: 'file', mode: 0o644, size: content.length, content });
    } else if ('symlink' in spec)
      entries.set(path, { ...base, type: 'symlink', mode: 0o777, size: 0, linkname: spec.symlink });
    else if ('dir' in spec) entries.set(path, { ...base, type: 'directory', mode: 0o755, size: 0 });
    else {
      const content = Buffer.from(spec.data);
      entries.set(path, { ...base, type: 'file', mode: spec.mode, size: content.length, content });
    }
  }
  const layer: LayerChanges = { digest: 'sha256:test', entries, whiteouts: [], opaqueDirs: [] };
  return ImageFiles.fromLayers([layer]);
}

function goodFiles(arch: 'amd64' | 'arm64'): Files {
  return {
    'metadata.json': JSON.stringify(GOOD_METADATA),
    'docker.svg': '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
    'docker-compose.yaml': 'services:\n  backend:\n    image: ${DESKTOP_PLUGIN_IMAGE}\n',
    ui: { dir: true },
    'ui/index.html': '<html>',
    windows: { dir: true },
    'darwin/kubectl': { mode: 0o755, data: machoHeader(arch === 'amd64' ? CPU_X86_64 : CPU_ARM64) },
    'linux/kubectl': { mode: 0o755, data: elfHeader(arch === 'amd64' ? ELF_X86_64 : ELF_AARCH64) },
    'windows/kubectl.exe': { mode: 0o644, data: peHeader(arch === 'amd64' ? PE_AMD64 : PE_ARM64) },
  };
}

function platform(
  arch: 'amd64' | 'arm64',
  change: (files: Files) => void = () => undefined,
  labels = GOOD_LABELS,
): PlatformUnderTest {
  const files = goodFiles(arch);
  change(files);
  return { platform: `linux/${arch}`, os: 'linux', architecture: arch, labels: { ...labels }, files: tree(files) };
}

function image(
  change?: (files: Files, arch: 'amd64' | 'arm64') => void,
  extra: Partial<ImageUnderTest> = {},
): ImageUnderTest {
  return {
    platforms: (['amd64', 'arm64'] as const).map((arch) => platform(arch, change && ((f) => change(f, arch)))),
    tags: ['127.0.0.1:5000/acme/ext:1.0.0'],
    ...extra,
  };
}

function failures(img: ImageUnderTest, options: Partial<RuleOptions> = {}) {
  return runRules(img, { profile: 'default', ...options })
    .filter((r) => r.status === 'fail' || r.status === 'warn')
    .flatMap((r) => r.findings.map((f) => `${r.rule} ${f.level} ${f.message}`));
}

describe('the verify rule set', () => {
  it('passes a correct extension in both profiles, every rule reporting for every platform', () => {
    const results = runRules(image(), { profile: 'marketplace' });
    expect(results.filter((r) => r.status !== 'pass' && r.status !== 'n/a')).toEqual([]);
    const perPlatform = RULE_IDS.length - 3; // platforms-required, platforms-linux, tag-semver are image-wide
    expect(results).toHaveLength(3 + perPlatform * 2);
    expect(new Set(results.map((r) => r.rule))).toEqual(new Set(RULE_IDS));
  });

  describe('platforms-required / platforms-linux', () => {
    it('names the missing platform and what was found', () => {
      const img = image();
      img.platforms = img.platforms.filter((p) => p.architecture === 'amd64');
      expect(failures(img)).toEqual([
        "platforms-required fail image: image index: found platforms linux/amd64; no linux/arm64 variant; expected a variant for each of linux/amd64, linux/arm64 (Docker Desktop pulls the one for the user's CPU; build with --platform linux/amd64,linux/arm64)",
      ]);
    });

    it('takes the required list from options and treats arm64/v8 as arm64', () => {
      const img = image();
      img.platforms[1].platform = 'linux/arm64/v8';
      expect(failures(img, { platforms: ['linux/arm64'] })).toEqual([]);
      expect(failures(img, { platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'] })[0]).toMatch(
        /no linux\/arm\/v7 variant/,
      );
    });

    it('fails a non-linux variant', () => {
      const img = image();
      img.platforms.push({ ...platform('amd64'), platform: 'windows/amd64', os: 'windows' });
      expect(failures(img).filter((f) => f.startsWith('platforms-linux'))).toEqual([
        "platforms-linux fail image: variant windows/amd64: found os 'windows'; expected 'linux' (Docker Desktop runs only Linux-container extensions)",
      ]);
    });
  });

  describe('metadata-present / metadata-schema', () => {
    it('fails when metadata.json is missing, not JSON, a folder or too big', () => {
      expect(failures(image((f) => delete f['metadata.json'])).filter((f) => f.startsWith('metadata'))).toEqual([
        'metadata-present fail linux/amd64: /metadata.json: found no such file; expected a JSON file at the image root (COPY metadata.json .)',
        'metadata-present fail linux/arm64: /metadata.json: found no such file; expected a JSON file at the image root (COPY metadata.json .)',
      ]);
      expect(failures(image((f) => (f['metadata.json'] = '{ nope')))[0]).toMatch(
        /^metadata-present fail linux\/amd64: \/metadata.json: found text that is not JSON/,
      );
      expect(failures(image((f) => (f['metadata.json'] = { dir: true })))[0]).toMatch(/found a directory/);
      expect(failures(image((f) => (f['metadata.json'] = ' '.repeat((1 << 20) + 1))))[0]).toMatch(
        /found 1048577 bytes; expected at most 1048576 bytes/,
      );
    });

    it('lists every schema problem, not just the first', () => {
      const bad = {
        name: 'x',
        icon: '',
        ui: { 'dashboard-tab': { title: 1, root: 'ui' } },
        host: { binaries: [{ macos: [], linux: [{ path: 'rel/kubectl' }] }] },
      };
      const found = failures(image((f) => (f['metadata.json'] = JSON.stringify(bad)))).filter(
        (f) => f.startsWith('metadata-schema') && f.includes('amd64'),
      );
      expect(found).toEqual([
        "metadata-schema fail linux/amd64: /metadata.json name: found extra root key 'name'; expected only icon, ui, vm, host at the root",
        'metadata-schema fail linux/amd64: /metadata.json icon: found an empty string; expected a non-empty string',
        'metadata-schema fail linux/amd64: /metadata.json ui.dashboard-tab.title: found number 1; expected a non-empty string',
        'metadata-schema fail linux/amd64: /metadata.json ui.dashboard-tab.src: found nothing; expected a non-empty string',
        "metadata-schema fail linux/amd64: /metadata.json host.binaries[0].macos: found unknown key 'macos'; expected only darwin, windows, linux",
        "metadata-schema fail linux/amd64: /metadata.json host.binaries[0].linux[0].path: found 'rel/kubectl'; expected an absolute path in the image, e.g. /darwin/kubectl",
      ]);
    });

    it('requires one of ui, vm, host and rejects paths with ..', () => {
      const found = failures(image((f) => (f['metadata.json'] = JSON.stringify({ icon: '../etc/icon.svg' })))).filter(
        (f) => f.includes('amd64') && f.startsWith('metadata-schema'),
      );
      expect(found).toEqual([
        'metadata-schema fail linux/amd64: /metadata.json (root): found none of ui, vm, host; expected at least one of ui, vm, host',
        "metadata-schema fail linux/amd64: /metadata.json icon: found '../etc/icon.svg'; expected a path inside the image, without ..",
      ]);
    });
  });

  describe('icon-present', () => {
    it('fails a missing or empty icon and a metadata.json without icon', () => {
      expect(failures(image((f) => delete f['docker.svg']))).toEqual([
        'icon-present fail linux/amd64: /docker.svg: found no such file; expected the icon file metadata.json names (e.g. COPY docker.svg .)',
        'icon-present fail linux/arm64: /docker.svg: found no such file; expected the icon file metadata.json names (e.g. COPY docker.svg .)',
      ]);
      expect(failures(image((f) => (f['docker.svg'] = '')))[0]).toMatch(/\/docker.svg: found an empty file/);
      const noIcon = { ...GOOD_METADATA, icon: undefined };
      expect(failures(image((f) => (f['metadata.json'] = JSON.stringify(noIcon))))[0]).toMatch(
        /icon-present fail linux\/amd64: \/metadata.json icon: found no icon/,
      );
    });

    it('follows a symlinked icon and warns for a file that is not an image', () => {
      expect(
        failures(
          image(
            (f) => (
              (f['docker.svg'] = { symlink: 'assets/icon.png' }),
              (f['assets/icon.png'] = Buffer.from('89504e470d0a1a0a00', 'hex'))
            ),
          ),
        ),
      ).toEqual([]);
      expect(failures(image((f) => (f['docker.svg'] = 'just text')))[0]).toBe(
        'icon-present warn linux/amd64: /docker.svg: found a file that is not a recognized image; expected an svg, png or jpeg image',
      );
    });
  });

  describe('ui-entry-present / ui-no-node-modules / ui-no-symlinks', () => {
    it('fails a missing entry file and says when the whole UI folder is missing', () => {
      expect(failures(image((f, a) => a === 'arm64' && delete f['ui/index.html']))).toEqual([
        'ui-entry-present fail linux/arm64: /ui/index.html: found no such file; expected the UI entry file ui.dashboard-tab.root/src names',
      ]);
      expect(failures(image((f, a) => a === 'arm64' && ((f['ui'] = 'a file'), delete f['ui/index.html'])))[0]).toMatch(
        /\/ui\/index.html: found no such file \(no folder \/ui\)|\/ui is a file/,
      );
    });

    it('lists node_modules folders and symlinks under the UI root', () => {
      const found = failures(
        image(
          (f, a) =>
            a === 'amd64' &&
            Object.assign(f, {
              'ui/node_modules/a/index.js': 'x',
              'ui/node_modules/b/index.js': 'y',
              'ui/assets/node_modules/c.js': 'z',
              'ui/link.js': { symlink: '../etc/passwd' },
            }),
        ),
      );
      expect(found).toEqual([
        'ui-no-node-modules fail linux/amd64: /ui/assets/node_modules: found a node_modules folder under the UI root; expected only the built UI bundle (copy the build output, not the project)',
        'ui-no-node-modules fail linux/amd64: /ui/node_modules: found a node_modules folder under the UI root; expected only the built UI bundle (copy the build output, not the project)',
        "ui-no-symlinks fail linux/amd64: /ui/link.js: found a symlink to '../etc/passwd'; expected regular files only under the UI root (symlinks break the install on Windows)",
      ]);
    });

    it('caps long lists and says how many more', () => {
      const found = failures(
        image((f, a) => {
          if (a === 'amd64')
            for (let i = 0; i < 15; i++) f[`ui/l${String(i).padStart(2, '0')}`] = { symlink: 'index.html' };
        }),
      );
      expect(found).toHaveLength(10);
      expect(found[9]).toMatch(/\/ui\/l09: found a symlink to 'index.html' \(and 5 more\); expected/);
    });

    it('does not apply without a dashboard tab', () => {
      const results = runRules(
        image(
          (f) =>
            (f['metadata.json'] = JSON.stringify({ icon: 'docker.svg', vm: { image: '${DESKTOP_PLUGIN_IMAGE}' } })),
        ),
        { profile: 'default' },
      );
      expect(results.filter((r) => r.rule.startsWith('ui-')).map((r) => r.status)).toEqual(Array(6).fill('n/a'));
    });
  });

  describe('vm-backend / compose-file', () => {
    const withVm = (vm: unknown) => image((f) => (f['metadata.json'] = JSON.stringify({ ...GOOD_METADATA, vm })));
    it('wants exactly one of image and composefile', () => {
      expect(failures(withVm({ image: '${DESKTOP_PLUGIN_IMAGE}', composefile: 'docker-compose.yaml' }))[0]).toBe(
        'vm-backend fail linux/amd64: /metadata.json vm: found both image and composefile; expected exactly one of "image": "${DESKTOP_PLUGIN_IMAGE}" or "composefile": "<file>"',
      );
      expect(failures(withVm({ exposes: { socket: 's.sock' } }))[0]).toMatch(/found neither image nor composefile/);
      expect(failures(withVm({ image: 'acme/backend:1.0.0' }))[0]).toMatch(
        /^vm-backend warn linux\/amd64: \/metadata.json vm.image: found 'acme\/backend:1.0.0'; expected '\$\{DESKTOP_PLUGIN_IMAGE\}'/,
      );
      expect(failures(withVm({ image: '${DESKTOP_PLUGIN_IMAGE}' }))).toEqual([]);
    });

    it('fails a compose file that is missing, not YAML, or lost the placeholder', () => {
      expect(failures(image((f) => delete f['docker-compose.yaml']))[0]).toBe(
        'compose-file fail linux/amd64: /docker-compose.yaml: found no such file; expected the compose file vm.composefile names',
      );
      expect(failures(image((f) => (f['docker-compose.yaml'] = 'services: [')))[0]).toMatch(
        /found text that is not YAML/,
      );
      expect(failures(image((f) => (f['docker-compose.yaml'] = 'version: "3"\n')))[0]).toMatch(
        /found no services; expected a compose file with a services section/,
      );
      expect(
        failures(image((f) => (f['docker-compose.yaml'] = 'services:\n  b:\n    image: acme/ext:1.0.0\n')))[0],
      ).toBe(
        'compose-file fail linux/amd64: /docker-compose.yaml: found services b (image acme/ext:1.0.0); expected a service with image: ${DESKTOP_PLUGIN_IMAGE}, kept literally (Docker Desktop fills it in at install)',
      );
    });

    it('warns for other services whose images Docker Desktop pulls as named', () => {
      const compose = 'services:\n  b:\n    image: ${DESKTOP_PLUGIN_IMAGE}\n  db:\n    image: postgres:16\n';
      expect(failures(image((f) => (f['docker-compose.yaml'] = compose)))[0]).toMatch(
        /^compose-file warn linux\/amd64: \/docker-compose.yaml services.db.image: found 'postgres:16'/,
      );
    });
  });

  describe('host-binary-present / -executable / -windows-name', () => {
    it('fails a binary absent from one variant, naming the variant', () => {
      expect(failures(image((f, a) => a === 'arm64' && delete f['windows/kubectl.exe']))).toEqual([
        "host-binary-present fail linux/arm64: /windows/kubectl.exe: found no such file; expected the windows binary metadata.json names, in every variant (Docker Desktop installs whichever variant matches the user's CPU)",
      ]);
    });

    it('fails a darwin or linux binary without an executable mode, not a windows one', () => {
      expect(failures(image((f, a) => a === 'amd64' && (f['linux/kubectl'] = elfHeader(ELF_X86_64))))).toEqual([
        'host-binary-executable fail linux/amd64: /linux/kubectl: found mode 0644; expected an executable file (COPY --chmod=0755)',
      ]);
    });

    it('fails windows binaries without .exe or .cmd', () => {
      const metadata = {
        ...GOOD_METADATA,
        host: { binaries: [{ windows: [{ path: '/windows/kubectl' }, { path: '/windows/run.CMD' }] }] },
      };
      const found = failures(
        image((f) =>
          Object.assign(f, {
            'metadata.json': JSON.stringify(metadata),
            'windows/kubectl': peHeader(PE_AMD64),
            'windows/run.CMD': '@echo off',
          }),
        ),
      );
      expect(found.filter((x) => x.includes('amd64'))).toEqual([
        'host-binary-windows-name fail linux/amd64: /windows/kubectl: found a windows binary without .exe or .cmd; expected a name ending in .exe or .cmd',
      ]);
    });
  });

  describe('host-binary-arch', () => {
    it('fails a darwin binary of the other architecture', () => {
      expect(
        failures(
          image((f, a) => a === 'arm64' && (f['darwin/kubectl'] = { mode: 0o755, data: machoHeader(CPU_X86_64) })),
        ),
      ).toEqual([
        'host-binary-arch fail linux/arm64: /darwin/kubectl: found Mach-O x86_64; expected Mach-O arm64 or universal for the linux/arm64 variant',
      ]);
    });

    it('passes a universal darwin binary in both variants and #! scripts anywhere', () => {
      expect(
        failures(
          image(
            (f) => (
              (f['darwin/kubectl'] = { mode: 0o755, data: fatHeader([CPU_X86_64, CPU_ARM64]) }),
              (f['linux/kubectl'] = { mode: 0o755, data: '#!/bin/sh\nexec true\n' })
            ),
          ),
        ),
      ).toEqual([]);
    });

    it('fails the wrong format for the OS and a linux binary of the other architecture', () => {
      expect(
        failures(
          image((f, a) => a === 'amd64' && (f['darwin/kubectl'] = { mode: 0o755, data: elfHeader(ELF_X86_64) })),
        ),
      ).toEqual([
        'host-binary-arch fail linux/amd64: /darwin/kubectl: found ELF 64-bit x86-64; expected a Mach-O executable for darwin: Mach-O amd64 or universal for the linux/amd64 variant',
      ]);
      expect(
        failures(image((f, a) => a === 'arm64' && (f['linux/kubectl'] = { mode: 0o755, data: elfHeader(ELF_X86_64) }))),
      ).toEqual([
        'host-binary-arch fail linux/arm64: /linux/kubectl: found ELF 64-bit x86-64; expected ELF arm64 for the linux/arm64 variant',
      ]);
      expect(
        failures(image((f, a) => a === 'amd64' && (f['linux/kubectl'] = { mode: 0o755, data: 'plain text' })))[0],
      ).toMatch(/found not an executable \(starts with 70 6c 61 69\)/);
    });

    it('checks PE machines: arm64 fails in amd64, x64 and i386 warn where Windows runs them anyway', () => {
      expect(failures(image((f, a) => a === 'amd64' && (f['windows/kubectl.exe'] = peHeader(PE_ARM64))))).toEqual([
        'host-binary-arch fail linux/amd64: /windows/kubectl.exe: found PE ARM64; expected PE amd64 for the linux/amd64 variant',
      ]);
      expect(failures(image((f, a) => a === 'arm64' && (f['windows/kubectl.exe'] = peHeader(PE_AMD64))))).toEqual([
        'host-binary-arch warn linux/arm64: /windows/kubectl.exe: found PE AMD64; expected PE arm64 for the linux/arm64 variant (it runs, but under emulation or as 32-bit)',
      ]);
      expect(failures(image((f, a) => a === 'amd64' && (f['windows/kubectl.exe'] = peHeader(PE_I386))))[0]).toMatch(
        /warn linux\/amd64: .*found PE i386/,
      );
    });

    it('treats .cmd files as neutral and reports unreadable PE headers', () => {
      const metadata = {
        ...GOOD_METADATA,
        host: { binaries: [{ windows: [{ path: '/windows/run.cmd' }, { path: '/windows/odd.exe' }] }] },
      };
      const found = failures(
        image((f) =>
          Object.assign(f, {
            'metadata.json': JSON.stringify(metadata),
            'windows/run.cmd': '@echo off',
            'windows/odd.exe': peHeader(PE_AMD64, 8000, 600),
          }),
        ),
      );
      expect(found.filter((x) => x.includes('amd64'))).toEqual([
        'host-binary-arch fail linux/amd64: /windows/odd.exe: found MZ executable whose header cannot be read: its PE header offset 8000 lies beyond the first 600 bytes read; expected PE amd64 for the linux/amd64 variant',
      ]);
    });
  });

  describe('labels', () => {
    const withLabels = (labels: Record<string, string>) => ({
      platforms: [platform('amd64', undefined, labels)],
      tags: [],
    });

    it('label-required warns in the default profile and fails in the marketplace profile', () => {
      const labels = { ...GOOD_LABELS, 'com.docker.extension.changelog': '' };
      delete (labels as Record<string, string>)['org.opencontainers.image.vendor'];
      const expected = [
        'label org.opencontainers.image.vendor: found no such label; expected a non-empty value (text)',
        'label com.docker.extension.changelog: found an empty value; expected a non-empty value (text)',
      ];
      expect(failures(withLabels(labels), { platforms: ['linux/amd64'] })).toEqual(
        expected.map((m) => `label-required warn linux/amd64: ${m}`),
      );
      expect(failures(withLabels(labels), { platforms: ['linux/amd64'], profile: 'marketplace' })).toEqual(
        expected.map((m) => `label-required fail linux/amd64: ${m}`),
      );
    });

    it("label-required treats the generator's TODO placeholders as missing", () => {
      const labels = { ...GOOD_LABELS, 'org.opencontainers.image.vendor': 'TODO: your name or company' };
      expect(failures(withLabels(labels), { platforms: ['linux/amd64'], profile: 'marketplace' })).toEqual([
        'label-required fail linux/amd64: label org.opencontainers.image.vendor: found the placeholder "TODO: your name or company"; expected a non-empty value (text)',
      ]);
    });

    it('label-format checks JSON labels, URLs and account-info', () => {
      const labels = {
        ...GOOD_LABELS,
        'com.docker.extension.screenshots': '[{"alt":"a"}]',
        'com.docker.extension.additional-urls': 'not json',
        'com.docker.extension.publisher-url': 'example.com',
        'com.docker.extension.account-info': 'maybe',
      };
      const found = failures(withLabels(labels), { platforms: ['linux/amd64'], profile: 'marketplace' });
      expect(found).toEqual([
        'label-format fail linux/amd64: label com.docker.extension.screenshots: found item 0 lacks url; expected a JSON array of { "alt", "url" } objects',
        expect.stringMatching(
          /^label-format fail linux\/amd64: label com.docker.extension.additional-urls: found text that is not JSON \(.*\); expected a JSON array of \{ "title", "url" \} objects$/,
        ),
        "label-format fail linux/amd64: label com.docker.extension.publisher-url: found 'example.com'; expected an http(s) URL",
        "label-format fail linux/amd64: label com.docker.extension.account-info: found 'maybe'; expected 'required' or empty",
      ]);
    });

    it('label-categories names each unknown category', () => {
      const found = failures(
        withLabels({ ...GOOD_LABELS, 'com.docker.extension.categories': 'utility-tools, games,' }),
        { platforms: ['linux/amd64'], profile: 'marketplace' },
      );
      expect(found).toEqual([
        expect.stringMatching(
          /^label-categories fail linux\/amd64: label com.docker.extension.categories: found 'games'; expected one of ci-cd, /,
        ),
        expect.stringMatching(/found an empty item in the list/),
      ]);
    });

    it('label-api-version fails a value that is not a semver range in any profile', () => {
      expect(
        failures(withLabels({ ...GOOD_LABELS, 'com.docker.desktop.extension.api.version': 'latest' }), {
          platforms: ['linux/amd64'],
        }),
      ).toEqual([
        `label-api-version fail linux/amd64: label com.docker.desktop.extension.api.version: found 'latest'; expected a semver version or range, e.g. ">= 0.3.3"`,
      ]);
      expect(
        failures(withLabels({ ...GOOD_LABELS, 'com.docker.desktop.extension.api.version': '0.4.2' }), {
          platforms: ['linux/amd64'],
        }),
      ).toEqual([]);
    });
  });

  describe('tag-semver', () => {
    it.each([
      ['127.0.0.1:5000/acme/ext:latest', "found 'latest', which is not a release"],
      ['127.0.0.1:5000/acme/ext', "found no tag, which means 'latest'"],
      ['acme/ext:v1', "found 'v1', not semver"],
    ])('%s', (tag, found) => {
      expect(failures(image(undefined, { tags: [tag] }), { profile: 'marketplace' })).toEqual([
        `tag-semver fail image: tag ${tag}: ${found}; expected a semver tag such as 1.2.3`,
      ]);
      expect(failures(image(undefined, { tags: [tag] }))[0]).toMatch(/^tag-semver warn/);
    });

    it('passes semver tags and does not apply to digest references', () => {
      expect(
        failures(image(undefined, { tags: ['acme/ext:1.2.3', 'acme/ext:2.0.0-rc.1'] }), { profile: 'marketplace' }),
      ).toEqual([]);
      const results = runRules(image(undefined, { tags: [] }), { profile: 'marketplace' });
      expect(results.find((r) => r.rule === 'tag-semver')).toMatchObject({ status: 'n/a' });
    });
  });

  describe('disabled rules', () => {
    it('marks a disabled rule off with its reason on every platform', () => {
      const results = runRules(
        image((f) => delete f['docker.svg']),
        { profile: 'default', disabledRules: { 'icon-present': 'icon comes from a CDN in this test' } },
      );
      expect(results.filter((r) => r.rule === 'icon-present')).toEqual([
        {
          rule: 'icon-present',
          where: 'linux/amd64',
          status: 'off',
          findings: [],
          note: 'icon comes from a CDN in this test',
        },
        {
          rule: 'icon-present',
          where: 'linux/arm64',
          status: 'off',
          findings: [],
          note: 'icon comes from a CDN in this test',
        },
      ]);
    });

    it('rejects unknown rule ids and missing reasons', () => {
      expect(() => checkDisabledRules({ 'no-such-rule': 'x' })).toThrow(
        /'no-such-rule' is not a verify rule. Rules: platforms-required, /,
      );
      expect(() => checkDisabledRules({ 'icon-present': ' ' })).toThrow(/'icon-present' has no reason/);
    });
  });
});
