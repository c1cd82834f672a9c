import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createTestWorkspace, pluginTarball, TestWorkspace, workspaceNxVersion } from './test-workspace';

// The plugin's peer range is ">=22.0.0 <23.0.0": prove both ends that exist on npm.
const nxVersions = [...new Set([workspaceNxVersion, process.env.NXDE_E2E_OLDEST_NX ?? '22.0.0'])];

describe.each(nxVersions)('the packed plugin in a fresh workspace (nx %s)', (nxVersion) => {
  let ws: TestWorkspace;
  beforeAll(() => {
    ws = createTestWorkspace({ nxVersion, name: 'nxde-smoke' });
  });
  afterAll(() => ws?.cleanup());

  it('installs from the tarball with its templates, schemas and json files', () => {
    const installed = join(ws.dir, 'node_modules/nx-docker-extension');
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('nx-docker-extension');
    const generators = JSON.parse(readFileSync(join(installed, 'generators.json'), 'utf8'));
    const executors = JSON.parse(readFileSync(join(installed, 'executors.json'), 'utf8'));
    expect(Object.keys(generators.generators).sort()).toEqual(['ci', 'extension', 'host-binary', 'init']);
    expect(Object.keys(executors.executors).sort()).toEqual(['build', 'push', 'verify', 'verify-remote']);
    // every factory, implementation and schema they name is in the package
    for (const entry of [...Object.values(generators.generators), ...Object.values(executors.executors)] as {
      factory?: string;
      implementation?: string;
      schema: string;
    }[]) {
      expect(existsSync(join(installed, `${entry.factory ?? entry.implementation}.js`))).toBe(true);
      expect(existsSync(join(installed, entry.schema))).toBe(true);
    }
    const installedNx = JSON.parse(readFileSync(join(ws.dir, 'node_modules/nx/package.json'), 'utf8'));
    expect(installedNx.version).toBe(nxVersion);
  });

  it('loads as an Nx plugin and `nx show projects` works', () => {
    const nxJsonPath = join(ws.dir, 'nx.json');
    const nxJson = JSON.parse(readFileSync(nxJsonPath, 'utf8'));
    nxJson.plugins = ['nx-docker-extension'];
    writeFileSync(nxJsonPath, JSON.stringify(nxJson, null, 2));
    mkdirSync(join(ws.dir, 'libs/some-lib'), { recursive: true });
    writeFileSync(join(ws.dir, 'libs/some-lib/package.json'), JSON.stringify({ name: 'some-lib', version: '0.0.0' }));
    const out = ws.nx(['show', 'projects', '--json']);
    expect(JSON.parse(out)).toContain('some-lib');
  });

  it("infers an extension whose .dockerignore has a `!` exception (read through Nx's workspace context)", () => {
    const files: Record<string, string> = {
      'ext/Dockerfile': 'FROM alpine\nCOPY . /\n',
      'ext/metadata.json': JSON.stringify({ ui: { 'dashboard-tab': { title: 'x', root: '/ui', src: 'index.html' } } }),
      'ext/.dockerignore': '*.md\n!README.md\n',
      'ext/README.md': '# sent\n',
      'ext/NOTES.md': 'not sent\n',
      'ext/ui/index.html': '<p>x</p>\n',
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(ws.dir, path, '..'), { recursive: true });
      writeFileSync(join(ws.dir, path), text);
    }
    const project = JSON.parse(ws.nx(['show', 'project', 'ext', '--json']));
    expect(project.targets.build.inputs).toContain('!{workspaceRoot}/ext/NOTES.md');
    expect(project.targets.build.inputs).not.toContain('!{workspaceRoot}/ext/README.md');
  });
});

describe.each(nxVersions)('`nx add` of the packed plugin (nx %s)', (nxVersion) => {
  let ws: TestWorkspace;
  beforeAll(() => {
    ws = createTestWorkspace({ nxVersion, name: 'nxde-add', withPlugin: false });
  });
  afterAll(() => ws?.cleanup());

  it('installs it and runs its init: plugin entry and target defaults in nx.json', () => {
    // `nx add` takes any npm package spec: the tarball stands in for the registry version.
    const out = ws.nx(['add', `nx-docker-extension@file:${pluginTarball()}`]);
    expect(out).toMatch(/nx-docker-extension:init/);
    const nxJson = JSON.parse(readFileSync(join(ws.dir, 'nx.json'), 'utf8'));
    expect(nxJson.plugins).toContainEqual(expect.objectContaining({ plugin: 'nx-docker-extension' }));
    expect(Object.keys(nxJson.targetDefaults).sort()).toEqual(
      ['build', 'push', 'verify', 'verify-remote'].map((e) => `nx-docker-extension:${e}`),
    );
    expect(existsSync(join(ws.dir, 'node_modules/nx-docker-extension/package.json'))).toBe(true);
  });
});
