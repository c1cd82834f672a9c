// The generators as a user runs them: `nx g` in a fresh workspace with the packed plugin, then Nx and make.
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { requireTestBed, type TestBed } from '../../../packages/nx-docker-extension/src/test-support/test-bed';
import { baseImageContexts, registryDigest, setBuildDefaults, uniqueNamespace } from './journey-support';
import { createTestWorkspace, TestWorkspace } from './test-workspace';

function readJson(path: string) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

describe('generators in a fresh workspace', () => {
  let ws: TestWorkspace;
  let bed: TestBed;
  let image: string;
  beforeAll(() => {
    bed = requireTestBed();
    image = `${bed.registry}/${uniqueNamespace('generators')}/react-ext`;
    ws = createTestWorkspace({ name: 'nxde-generators' });
  });
  afterAll(() => ws?.cleanup());

  it('init (what `nx add` runs) registers the plugin, and a second run changes nothing', () => {
    ws.nx(['g', 'nx-docker-extension:init', '--no-interactive']);
    const first = readFileSync(join(ws.dir, 'nx.json'), 'utf8');
    expect(JSON.parse(first).plugins).toContainEqual(
      expect.objectContaining({
        plugin: 'nx-docker-extension',
        options: expect.objectContaining({ buildTargetName: 'build' }),
      }),
    );
    ws.nx(['g', 'nx-docker-extension:init', '--no-interactive']);
    expect(readFileSync(join(ws.dir, 'nx.json'), 'utf8')).toBe(first);
  });

  it('refuses bad options with a message naming the option, and writes nothing', () => {
    const before = readdirSync(ws.dir).sort();
    const nxJson = readFileSync(join(ws.dir, 'nx.json'), 'utf8');
    for (const [args, message] of [
      [['My Ext'], /--name "My Ext": is not a valid extension name/],
      [['good-ext', '--extensionVersion', 'latest'], /--extensionVersion "latest": 'latest' is not a release/],
      [
        ['good-ext', '--platforms', 'linux/amd64,windows/amd64'],
        /--platforms "windows\/amd64": is not a Linux platform/,
      ],
      [['good-ext', '--image', 'Acme/good-ext'], /--image "Acme\/good-ext"/],
    ] as const) {
      const r = ws.run(join(ws.dir, 'node_modules/.bin/nx'), [
        'g',
        'nx-docker-extension:extension',
        ...args,
        '--no-interactive',
      ]);
      expect(r.exitCode).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(message);
    }
    expect(readdirSync(ws.dir).sort()).toEqual(before);
    expect(readFileSync(join(ws.dir, 'nx.json'), 'utf8')).toBe(nxJson);
  });

  it('ui=react: the UI is its own Nx project, installed from npm and built by Nx with vite', () => {
    ws.nx([
      'g',
      'nx-docker-extension:extension',
      'react-ext',
      '--directory',
      'apps/react-ext',
      '--ui',
      'react',
      '--image',
      image,
      '--no-interactive',
    ]);
    const root = join(ws.dir, 'apps/react-ext');
    for (const file of [
      'Dockerfile',
      'Makefile',
      'metadata.json',
      'package.json',
      'docker.svg',
      'README.md',
      '.dockerignore',
    ]) {
      expect([file, existsSync(join(root, file))]).toEqual([file, true]);
    }
    expect(readJson(join(ws.dir, 'package.json')).workspaces).toContain('apps/react-ext/ui');
    // The generator's install task ran: vite and the client are there.
    expect(existsSync(join(ws.dir, 'node_modules/vite/package.json'))).toBe(true);
    expect(readJson(join(ws.dir, 'node_modules/@docker/extension-api-client/package.json')).version).toBe('0.4.2');

    const projects: string[] = JSON.parse(ws.nx(['show', 'projects', '--json']));
    expect(projects).toEqual(expect.arrayContaining(['react-ext', 'react-ext-ui']));

    ws.nx(['run', 'react-ext-ui:build']);
    const html = readFileSync(join(root, 'ui/dist/index.html'), 'utf8');
    expect(html).toMatch(/src="\.\/assets\/[^"]+\.js"/); // relative: Docker Desktop loads the UI from files
    const asset = readdirSync(join(root, 'ui/dist/assets')).find((f) => f.endsWith('.js'));
    expect(readFileSync(join(root, 'ui/dist/assets', asset as string), 'utf8')).toContain('React Ext');

    // A second run is a cache hit that restores the output.
    const again = ws.nx(['run', 'react-ext-ui:build']);
    expect(again).toMatch(/existing outputs match the cache|local cache/i);
  });

  it('the extension depends on its UI project in the graph', () => {
    ws.nx(['graph', '--file', 'graph.json']);
    const graph = readJson(join(ws.dir, 'graph.json')).graph;
    expect(graph.dependencies['react-ext'].map((d: { target: string }) => d.target)).toContain('react-ext-ui');
  });

  it('the Makefile reads package.json and lists Docker familiar targets', () => {
    const r = ws.run('make', ['-s', '-C', join(ws.dir, 'apps/react-ext'), 'help']);
    expect(r.exitCode).toBe(0);
    for (const target of [
      'build-extension',
      'verify-extension',
      'install-extension',
      'update-extension',
      'prepare-buildx',
      'push-extension',
    ]) {
      expect(r.stdout).toMatch(new RegExp(`^  ${target} `, 'm'));
    }
    expect(r.stdout).toContain(`TAG defaults to the version in package.json (0.1.0); IMAGE to ${image}.`);
    const latest = ws.run('make', ['-s', '-C', join(ws.dir, 'apps/react-ext'), 'build-extension', 'TAG=latest']);
    expect(latest.exitCode).not.toBe(0);
    expect(latest.stderr).toMatch(/TAG=latest is not a release/);
    // What make runs: the Nx target, from the workspace root (dry run, so nothing is built here).
    const dry = ws.run('make', ['-n', '-C', join(ws.dir, 'apps/react-ext'), 'push-extension', 'TAG=0.2.0']);
    expect(dry.stdout).toContain(`apps/react-ext/../../ && npx nx run react-ext:push --tags=${image}:0.2.0`);
  });

  it('make push-extension builds (UI first), verifies and pushes; changed content under the same tag fails make', async () => {
    const root = join(ws.dir, 'apps/react-ext');
    // The test bed's busybox stands in for Docker Hub's alpine (the Dockerfile stays as generated).
    setBuildDefaults(ws.dir, { buildContexts: baseImageContexts(ws.dir, ['apps/react-ext'], bed) });
    const first = ws.run('make', ['-C', root, 'push-extension']);
    expect([first.exitCode, first.stdout + first.stderr]).toEqual([0, expect.stringMatching(/react-ext:push/)]);
    expect(first.stdout).toMatch(/react-ext-ui:build/); // ^build: the UI project comes first
    const digest = await registryDigest(image, '0.1.0');
    expect(digest).toMatch(/^sha256:/);

    const app = join(root, 'ui/src/App.tsx');
    writeFileSync(app, readFileSync(app, 'utf8').replace('{"React Ext"}', '{"React Ext, changed"}'));
    const second = ws.run('make', ['-C', root, 'push-extension']);
    expect(second.exitCode).not.toBe(0);
    expect(second.stdout + second.stderr).toMatch(/react-ext:0\.1\.0 already points to sha256:\w+, not to this build/);
    expect(second.stderr).toMatch(/push-extension\] Error/); // make itself reports the failure
    expect(await registryDigest(image, '0.1.0')).toBe(digest); // the release was not overwritten
  });

  it('host-binary: adds a binary from the project files to metadata.json and the Dockerfile', () => {
    const root = join(ws.dir, 'apps/react-ext');
    for (const dir of ['darwin-amd64', 'darwin-arm64', 'linux-amd64', 'linux-arm64', 'windows-amd64']) {
      mkdirSync(join(root, 'binaries', dir), { recursive: true });
      writeFileSync(join(root, 'binaries', dir, dir.startsWith('windows') ? 'tool.exe' : 'tool'), 'binary');
    }
    ws.nx(['g', 'nx-docker-extension:host-binary', 'tool', '--project', 'react-ext', '--no-interactive']);
    expect(readJson(join(root, 'metadata.json')).host.binaries).toEqual([
      {
        darwin: [{ path: '/darwin/tool' }],
        windows: [{ path: '/windows/tool.exe' }],
        linux: [{ path: '/linux/tool' }],
      },
    ]);
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toContain(
      'FROM --platform=$BUILDPLATFORM scratch AS host-tool',
    );
    const r = ws.run(join(ws.dir, 'node_modules/.bin/nx'), [
      'g',
      'nx-docker-extension:host-binary',
      'x',
      '--project',
      'nope',
      '--no-interactive',
    ]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/--project "nope": no extension project .*react-ext/);
  });
});
