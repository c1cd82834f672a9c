import { readJson, readNxJson, updateNxJson, writeJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parse as parseYaml } from 'yaml';
import {
  copySpec,
  finalStage,
  parseDockerfile,
  stageDeclaresArg,
  stageHasRun,
  stageInstructions,
  stageLabels,
  stageOnBuildPlatform,
} from '../../dockerfile';
import { DockerignoreMatcher, readDockerignore } from '../../dockerignore';
import { REQUIRED_LABELS } from '../../extension/labels';
import { validateMetadata } from '../../extension/metadata';
import { extensionGenerator } from './generator';
import type { ExtensionGeneratorSchema } from './schema';

const base: ExtensionGeneratorSchema = { name: 'my-ext', skipFormat: true, skipInstall: true };

function read(tree: Tree, path: string): string {
  const text = tree.read(path, 'utf8');
  if (text === null) throw new Error(`${path} was not written`);
  return text;
}

function dockerfileOf(tree: Tree, root = 'my-ext') {
  const df = parseDockerfile(read(tree, `${root}/Dockerfile`));
  expect(df.problems).toEqual([]);
  return df;
}

/** Targets of a Makefile and their recipe lines. */
function makeTargets(text: string): Record<string, string[]> {
  const targets: Record<string, string[]> = {};
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const m = /^([a-z][a-z-]*):(?!=)/.exec(line);
    if (m) targets[(current = m[1])] = [];
    else if (current && line.startsWith('\t')) targets[current].push(line.slice(1));
    else if (line.trim() === '' || !line.startsWith('\t')) current = line.trim() === '' ? current : undefined;
  }
  return targets;
}

describe('extension generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  describe('defaults (ui=html, backend=none)', () => {
    beforeEach(async () => {
      await extensionGenerator(tree, base);
    });

    it('writes the extension files where the name says', () => {
      for (const file of [
        'Dockerfile',
        'Makefile',
        'metadata.json',
        'package.json',
        'docker.svg',
        'README.md',
        '.dockerignore',
        'ui/index.html',
      ]) {
        expect(tree.exists(`my-ext/${file}`)).toBe(true);
      }
      expect(tree.exists('my-ext/docker-compose.yaml')).toBe(false);
      expect(tree.exists('my-ext/backend')).toBe(false);
    });

    it('registers the plugin through init', () => {
      expect(readNxJson(tree)?.plugins).toContainEqual(expect.objectContaining({ plugin: 'nx-docker-extension' }));
    });

    it('keeps name, version and image in package.json beside the Dockerfile', () => {
      expect(readJson(tree, 'my-ext/package.json')).toEqual({
        name: 'my-ext',
        version: '0.1.0',
        private: true,
        dockerExtension: { image: 'my-ext', platforms: ['linux/amd64', 'linux/arm64'] },
      });
    });

    it('writes a metadata.json the extension schema accepts, with only allowed keys', () => {
      const metadata = readJson(tree, 'my-ext/metadata.json');
      expect(validateMetadata(metadata)).toEqual([]);
      expect(metadata).toEqual({
        icon: 'docker.svg',
        ui: { 'dashboard-tab': { title: 'My Ext', root: 'ui', src: 'index.html' } },
      });
      expect(read(tree, 'my-ext/docker.svg')).toContain('<svg');
    });

    it('writes a Dockerfile whose final stage has every Marketplace label, none empty, and no RUN step', () => {
      const df = dockerfileOf(tree);
      expect(df.stages).toHaveLength(1);
      const final = finalStage(df);
      expect(final.baseImage).toMatch(/^alpine:\d+\.\d+$/);
      expect(stageHasRun(final)).toBe(false);
      const labels = stageLabels(df, final);
      for (const label of REQUIRED_LABELS) expect(labels[label]?.trim()).toBeTruthy();
      expect(labels['org.opencontainers.image.title']).toBe('My Ext');
      expect(labels['org.opencontainers.image.vendor']).toMatch(/^TODO: /);
      expect(labels['com.docker.extension.categories']).toMatch(/^TODO: /);
      expect(labels['com.docker.desktop.extension.api.version']).toBe('>= 0.4.2');
      expect(JSON.parse(labels['com.docker.extension.screenshots'])).toEqual([
        { alt: expect.stringMatching(/^TODO: /), url: expect.stringMatching(/^TODO: /) },
      ]);
      const copies = stageInstructions(final, 'COPY').map((i) => copySpec(i));
      expect(copies).toEqual([
        expect.objectContaining({ sources: ['metadata.json', 'docker.svg'], destination: '/' }),
        expect.objectContaining({ sources: ['ui'], destination: '/ui' }),
      ]);
    });

    it('writes a Makefile with Docker familiar targets delegating to Nx, tab-indented, TAG = version', () => {
      const text = read(tree, 'my-ext/Makefile');
      const targets = makeTargets(text);
      expect(Object.keys(targets).sort()).toEqual(
        [
          'build-extension',
          'help',
          'install-extension',
          'prepare-buildx',
          'push-extension',
          'update-extension',
          'verify-extension',
        ].sort(),
      );
      expect(targets['build-extension'].join('\n')).toContain('$(NX) run $(PROJECT):build');
      expect(targets['verify-extension'].join('\n')).toContain('$(NX) run $(PROJECT):verify');
      expect(targets['push-extension'].join('\n')).toContain('$(NX) run $(PROJECT):push');
      expect(targets['push-extension'].join('\n')).not.toMatch(/\|\|\s*true|^-/m);
      expect(text).toMatch(/^TAG \?= \$\(VERSION\)$/m);
      expect(text).toMatch(/^NX \?= npx nx$/m);
      expect(text).toMatch(/^WORKSPACE_ROOT := \$\(HERE\)\.\.\/$/m);
      expect(text).not.toMatch(/TAG\s*\?=\s*latest/);
      // Every recipe line starts with a tab, never spaces.
      const lines = text.split('\n');
      lines.forEach((line, i) => {
        if (/^ +\S/.test(line)) throw new Error(`Makefile line ${i + 1} is indented with spaces: ${line}`);
      });
    });

    it('writes a .dockerignore that keeps node_modules, dist, .git, .env files and keys out, and the UI in', () => {
      const matcher = new DockerignoreMatcher(readDockerignore(read(tree, 'my-ext/.dockerignore')));
      for (const path of [
        'node_modules/x',
        'ui/node_modules/react/index.js',
        'dist/image/index.json',
        '.git/HEAD',
        '.env',
        '.env.local',
        'ui/.env.production',
        'id_rsa',
        'certs/server.key',
      ]) {
        expect([path, matcher.excludes(path)]).toEqual([path, true]);
      }
      for (const path of ['Dockerfile', 'metadata.json', 'docker.svg', 'ui/index.html']) {
        expect([path, matcher.excludes(path)]).toEqual([path, false]);
      }
    });

    it('writes a README naming the targets', () => {
      const readme = read(tree, 'my-ext/README.md');
      expect(readme).toContain('nx run my-ext:build');
      expect(readme).toContain('make help');
    });

    it('snapshot of the Dockerfile (beside the assertions above)', () => {
      expect(read(tree, 'my-ext/Dockerfile')).toMatchSnapshot();
    });
  });

  describe('backend=go', () => {
    beforeEach(async () => {
      await extensionGenerator(tree, { ...base, backend: 'go' });
    });

    it('cross-compiles the service on the build platform for TARGETOS/TARGETARCH', () => {
      const df = dockerfileOf(tree);
      const [builder, final] = df.stages;
      expect(df.stages).toHaveLength(2);
      expect(builder.name).toBe('backend');
      expect(stageOnBuildPlatform(builder)).toBe(true);
      expect(builder.baseImage).toMatch(/^golang:[\d.]+-alpine$/);
      expect(stageDeclaresArg(builder, 'TARGETOS') && stageDeclaresArg(builder, 'TARGETARCH')).toBe(true);
      const run = stageInstructions(builder, 'RUN')[0];
      expect(run.args).toMatch(/CGO_ENABLED=0 GOOS=\$TARGETOS GOARCH=\$TARGETARCH go build/);
      expect(stageHasRun(final)).toBe(false);
      const service = stageInstructions(final, 'COPY')
        .map(copySpec)
        .find((c) => c?.from === 'backend');
      expect(service).toMatchObject({ sources: ['/out/service'], destination: '/service', chmod: '0755' });
      const cmd = stageInstructions(final, 'CMD')[0];
      expect(cmd.json).toEqual(['/service', '-socket', '/run/guest-services/my-ext.sock']);
      expect(copySpec(stageInstructions(final, 'COPY')[0])?.sources).toContain('docker-compose.yaml');
    });

    it('wires the service through vm.composefile and exposes.socket, keeping ${DESKTOP_PLUGIN_IMAGE}', () => {
      const metadata = readJson(tree, 'my-ext/metadata.json');
      expect(validateMetadata(metadata)).toEqual([]);
      expect(metadata.vm).toEqual({ composefile: 'docker-compose.yaml', exposes: { socket: 'my-ext.sock' } });
      expect(metadata.ui['dashboard-tab'].backend).toEqual({ socket: 'my-ext.sock' });
      const compose = parseYaml(read(tree, 'my-ext/docker-compose.yaml'));
      expect(compose.services['my-ext'].image).toBe('${DESKTOP_PLUGIN_IMAGE}');
    });

    it('writes a Go service that imports only the standard library and listens on the socket', () => {
      const main = read(tree, 'my-ext/backend/main.go');
      const imports = [.../import \(([^)]*)\)/.exec(main)![1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
      expect(imports.length).toBeGreaterThan(0);
      for (const path of imports) expect(path.split('/')[0]).not.toContain('.');
      expect(main).toContain('net.Listen("unix", *socket)');
      expect(main).toContain('"/run/guest-services/my-ext.sock"');
      const goMod = read(tree, 'my-ext/backend/go.mod');
      expect(goMod).toMatch(/^module my-ext\/backend$/m);
      expect(goMod).not.toMatch(/^require/m);
    });

    it('lists the backend in the html page', () => {
      expect(read(tree, 'my-ext/ui/index.html')).toContain("vm.service.get('/hello')");
    });
  });

  describe('ui=react', () => {
    it('makes the UI its own Nx project with pinned packages and copies only its build output', async () => {
      writeJson(tree, 'package.json', { name: 'ws', private: true, workspaces: ['apps/*', 'libs/*'] });
      tree.write('apps/.gitkeep', '');
      await extensionGenerator(tree, { ...base, ui: 'react' });
      const pkg = readJson(tree, 'apps/my-ext/ui/package.json');
      expect(pkg.name).toBe('my-ext-ui');
      expect(pkg.scripts.build).toBe('vite build');
      expect(pkg.dependencies['@docker/extension-api-client']).toBe('0.4.2');
      for (const version of [...Object.values(pkg.dependencies), ...Object.values(pkg.devDependencies)]) {
        expect(version).toMatch(/^\d+\.\d+\.\d+$/);
      }
      expect(pkg.devDependencies.vite).toMatch(/^[78]\./);
      const project = readJson(tree, 'apps/my-ext/ui/project.json');
      expect(project).toMatchObject({ name: 'my-ext-ui', targets: { build: { outputs: ['{projectRoot}/dist'] } } });
      expect(readJson(tree, 'package.json').workspaces).toEqual(['apps/*', 'libs/*', 'apps/my-ext/ui']);
      expect(read(tree, 'apps/my-ext/ui/vite.config.ts')).toContain("base: './'");
      expect(read(tree, 'apps/my-ext/ui/src/App.tsx')).toContain('<h1>{"My Ext"}</h1>');

      const df = dockerfileOf(tree, 'apps/my-ext');
      expect(df.stages).toHaveLength(1); // no Node stage: Nx builds the UI
      const uiCopy = stageInstructions(finalStage(df), 'COPY').map(copySpec)[1];
      expect(uiCopy).toMatchObject({ sources: ['ui/dist'], destination: '/ui' });
      const matcher = new DockerignoreMatcher(readDockerignore(read(tree, 'apps/my-ext/.dockerignore')));
      expect(matcher.excludes('ui/src/App.tsx')).toBe(true);
      expect(matcher.excludes('ui/node_modules/vite/package.json')).toBe(true);
      expect(matcher.excludes('ui/dist/index.html')).toBe(false);
      expect(matcher.excludes('ui/dist/assets/index.js')).toBe(false);
    });

    it('with the Go backend, asks the route the backend serves; without, asks the engine', async () => {
      await extensionGenerator(tree, { ...base, ui: 'react', backend: 'go' });
      const app = read(tree, 'my-ext/ui/src/App.tsx');
      const route = /vm\?\.service\?\.get\('([^']+)'\)/.exec(app)?.[1];
      expect(route).toBe('/hello');
      expect(read(tree, 'my-ext/backend/main.go')).toContain(`mux.HandleFunc("${route}"`);
      expect(app).not.toContain('docker.cli.exec');

      const other = createTreeWithEmptyWorkspace();
      await extensionGenerator(other, { ...base, ui: 'react', backend: 'none' });
      const plain = read(other, 'my-ext/ui/src/App.tsx');
      expect(plain).toContain("docker.cli.exec('version'");
      expect(plain).not.toContain('vm?.service');
    });

    it('picks the client that matches apiVersion', async () => {
      await extensionGenerator(tree, { ...base, ui: 'react', apiVersion: '>=0.3.4' });
      expect(readJson(tree, 'my-ext/ui/package.json').dependencies['@docker/extension-api-client']).toBe('0.3.4');
      const labels = stageLabels(dockerfileOf(tree), finalStage(dockerfileOf(tree)));
      expect(labels['com.docker.desktop.extension.api.version']).toBe('>=0.3.4');
    });

    it('leaves workspaces alone when a glob already covers the UI folder', async () => {
      writeJson(tree, 'package.json', { name: 'ws', private: true, workspaces: ['exts/**'] });
      await extensionGenerator(tree, { ...base, ui: 'react', directory: 'exts/my-ext' });
      expect(readJson(tree, 'package.json').workspaces).toEqual(['exts/**']);
    });

    it('adds the UI folder to pnpm-workspace.yaml', async () => {
      tree.write('pnpm-workspace.yaml', 'packages:\n  - libs/*\n');
      await extensionGenerator(tree, { ...base, ui: 'react' });
      expect(parseYaml(read(tree, 'pnpm-workspace.yaml')).packages).toEqual(['libs/*', 'my-ext/ui']);
    });
  });

  it('ui=none with a backend writes no ui key and no ui folder', async () => {
    await extensionGenerator(tree, { ...base, ui: 'none', backend: 'go' });
    const metadata = readJson(tree, 'my-ext/metadata.json');
    expect(metadata.ui).toBeUndefined();
    expect(validateMetadata(metadata)).toEqual([]);
    expect(tree.exists('my-ext/ui')).toBe(false);
    const copies = stageInstructions(finalStage(dockerfileOf(tree)), 'COPY').map(copySpec);
    expect(copies.some((c) => c?.destination === '/ui')).toBe(false);
  });

  it('puts every Marketplace value from the options into the labels, quoting what needs it', async () => {
    await extensionGenerator(tree, {
      ...base,
      title: 'Tom "The" $HOME \\ Jerry',
      description: 'Shows containers & volumes.',
      vendor: 'Acme, Inc.',
      publisherUrl: 'https://acme.example/',
      iconUrl: 'https://acme.example/icon.svg',
      screenshots: 'https://acme.example/1.png,https://acme.example/2.png',
      detailedDescription: '<p>Long</p>\n<p>text</p>',
      changelog: 'First release.',
      categories: ['utility-tools', 'volumes'],
      additionalUrls: ['Docs=https://acme.example/docs'],
      accountInfo: 'required',
      apiVersion: '>= 0.3.4',
    });
    const df = dockerfileOf(tree);
    expect(stageLabels(df, finalStage(df))).toEqual({
      'org.opencontainers.image.title': 'Tom "The" $HOME \\ Jerry',
      'org.opencontainers.image.description': 'Shows containers & volumes.',
      'org.opencontainers.image.vendor': 'Acme, Inc.',
      'com.docker.desktop.extension.api.version': '>= 0.3.4',
      'com.docker.desktop.extension.icon': 'https://acme.example/icon.svg',
      'com.docker.extension.screenshots': JSON.stringify([
        { alt: 'Tom "The" $HOME \\ Jerry, screenshot 1', url: 'https://acme.example/1.png' },
        { alt: 'Tom "The" $HOME \\ Jerry, screenshot 2', url: 'https://acme.example/2.png' },
      ]),
      'com.docker.extension.detailed-description': '<p>Long</p> <p>text</p>',
      'com.docker.extension.publisher-url': 'https://acme.example/',
      'com.docker.extension.changelog': 'First release.',
      'com.docker.extension.categories': 'utility-tools,volumes',
      'com.docker.extension.additional-urls': JSON.stringify([{ title: 'Docs', url: 'https://acme.example/docs' }]),
      'com.docker.extension.account-info': 'required',
    });
    expect(readJson(tree, 'my-ext/metadata.json').ui['dashboard-tab'].title).toBe('Tom "The" $HOME \\ Jerry');
    expect(read(tree, 'my-ext/ui/index.html')).toContain('<h1>Tom &#34;The&#34; $HOME \\ Jerry</h1>');
  });

  it('takes image, version, platforms and directory from the options', async () => {
    await extensionGenerator(tree, {
      ...base,
      directory: 'extensions/my-ext/',
      image: '127.0.0.1:5000/acme/my-ext',
      extensionVersion: '1.2.3-rc.1',
      platforms: 'linux/amd64,linux/arm64,linux/arm/v7',
    });
    expect(readJson(tree, 'extensions/my-ext/package.json')).toMatchObject({
      version: '1.2.3-rc.1',
      dockerExtension: {
        image: '127.0.0.1:5000/acme/my-ext',
        platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],
      },
    });
    expect(read(tree, 'extensions/my-ext/Makefile')).toMatch(/^WORKSPACE_ROOT := \$\(HERE\)\.\.\/\.\.\/$/m);
    const labels = stageLabels(
      dockerfileOf(tree, 'extensions/my-ext'),
      finalStage(dockerfileOf(tree, 'extensions/my-ext')),
    );
    expect(labels['com.docker.extension.changelog']).toBe('TODO: what changed in 1.2.3-rc.1');
  });

  it('defaults the folder to the apps directory when the workspace has one', async () => {
    tree.write('apps/.gitkeep', '');
    await extensionGenerator(tree, base);
    expect(tree.exists('apps/my-ext/Dockerfile')).toBe(true);
  });

  it('writes the targets into project.json when the workspace turned inference plugins off', async () => {
    const nxJson = readNxJson(tree)!;
    nxJson.useInferencePlugins = false;
    updateNxJson(tree, nxJson);
    await extensionGenerator(tree, { ...base, ui: 'react' });
    expect(readJson(tree, 'my-ext/project.json')).toMatchObject({
      name: 'my-ext',
      implicitDependencies: ['my-ext-ui'],
      targets: {
        build: { executor: 'nx-docker-extension:build' },
        verify: { executor: 'nx-docker-extension:verify' },
        push: { executor: 'nx-docker-extension:push' },
        'verify-remote': { executor: 'nx-docker-extension:verify-remote' },
      },
    });
  });

  describe('bad input: a clear error naming the option, and no file written', () => {
    const cases: Array<[string, ExtensionGeneratorSchema, RegExp]> = [
      ['a name with spaces', { ...base, name: 'my ext' }, /--name "my ext": .*lowercase letters/],
      ['an uppercase name', { ...base, name: 'MyExt' }, /--name "MyExt": .*lowercase/],
      ['a path as name', { ...base, name: '../x' }, /--name "\.\.\/x"/],
      [
        'a directory outside the workspace',
        { ...base, directory: '../x' },
        /--directory "\.\.\/x": .*inside the workspace/,
      ],
      ['an absolute directory', { ...base, directory: '/tmp/x' }, /--directory "\/tmp\/x"/],
      [
        'a version that is not semver',
        { ...base, extensionVersion: '1.0' },
        /--extensionVersion "1.0": is not a semver/,
      ],
      [
        'latest as version',
        { ...base, extensionVersion: 'latest' },
        /--extensionVersion "latest": 'latest' is not a release/,
      ],
      ['a v-prefixed version', { ...base, extensionVersion: 'v1.0.0' }, /--extensionVersion "v1.0.0"/],
      [
        'build metadata in the version',
        { ...base, extensionVersion: '1.0.0+abc' },
        /--extensionVersion "1.0.0\+abc": .*'\+'/,
      ],
      [
        'a non-linux platform',
        { ...base, platforms: ['linux/amd64', 'windows/amd64'] },
        /--platforms "windows\/amd64": is not a Linux platform/,
      ],
      [
        'a malformed platform',
        { ...base, platforms: ['amd64'] },
        /--platforms "amd64": is not a platform: write os\/arch/,
      ],
      ['an unknown architecture', { ...base, platforms: ['linux/sparc'] }, /unknown architecture 'sparc'/],
      ['a platform twice', { ...base, platforms: ['linux/amd64', 'linux/amd64'] }, /lists linux\/amd64 twice/],
      ['no platform', { ...base, platforms: [] }, /--platforms .*is empty/],
      [
        'no arm64',
        { ...base, platforms: ['linux/amd64'] },
        /--platforms "linux\/amd64": lacks linux\/arm64: Docker Desktop/,
      ],
      [
        'an unknown category',
        { ...base, categories: ['games'] },
        /--categories "games": is not a Marketplace category/,
      ],
      ['an uppercase image', { ...base, image: 'Acme/my-ext' }, /--image "Acme\/my-ext"/],
      ['an image with a tag', { ...base, image: 'acme/my-ext:1.0.0' }, /--image "acme\/my-ext:1.0.0": .*without a tag/],
      ['an image with a scheme', { ...base, image: 'https://acme/x' }, /--image "https:\/\/acme\/x"/],
      [
        'a publisher URL that is not http(s)',
        { ...base, publisherUrl: 'ftp://acme' },
        /--publisherUrl "ftp:\/\/acme": is not an http\(s\) URL/,
      ],
      ['a screenshot that is not a URL', { ...base, screenshots: ['shot.png'] }, /--screenshots "shot.png"/],
      [
        'an additional URL without a title',
        { ...base, additionalUrls: ['https://x.example'] },
        /--additionalUrls .*title=url/,
      ],
      ['an api version that is no range', { ...base, apiVersion: 'new' }, /--apiVersion "new": is not a semver range/],
      [
        'an api version older than any client (react)',
        { ...base, ui: 'react', apiVersion: '>=0.1.0' },
        /--apiVersion ">=0.1.0": admits APIs older/,
      ],
      ['neither ui nor backend', { ...base, ui: 'none', backend: 'none' }, /--ui "none": .*nothing for metadata.json/],
      ['an unknown ui', { ...base, ui: 'vue' as never }, /--ui "vue": must be react, html or none/],
      ['an unknown backend', { ...base, backend: 'rust' as never }, /--backend "rust"/],
      ['a multi-line title', { ...base, title: 'a\nb' }, /--title "a\\nb": must be a single line/],
      [
        'a name longer than npm allows',
        { ...base, name: 'x'.repeat(300) },
        /--name "x+": is 300 characters long; use at most 214/,
      ],
      ['a bad account-info', { ...base, accountInfo: 'yes' as never }, /--accountInfo "yes"/],
    ];

    // Paths and contents: a failed run must not even rewrite nx.json with the same path.
    const changes = () => Object.fromEntries(tree.listChanges().map((c) => [c.path, c.content?.toString() ?? '']));

    it.each(cases)('%s', async (_what, options, message) => {
      const before = changes();
      await expect(extensionGenerator(tree, options)).rejects.toThrow(message);
      expect(changes()).toEqual(before);
    });

    it('a directory that exists', async () => {
      tree.write('my-ext/notes.txt', 'mine');
      const before = changes();
      await expect(extensionGenerator(tree, base)).rejects.toThrow(/--directory "my-ext": already exists/);
      expect(changes()).toEqual(before);
    });

    it('a project that exists', async () => {
      writeJson(tree, 'libs/other/project.json', { name: 'my-ext', root: 'libs/other' });
      const before = changes();
      await expect(extensionGenerator(tree, base)).rejects.toThrow(
        /--name "my-ext": a project named 'my-ext' already exists at libs\/other/,
      );
      expect(changes()).toEqual(before);
    });
  });
});
