import { logger, readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { initGenerator } from './generator';

function snapshotOf(tree: Tree): Record<string, string> {
  return Object.fromEntries(tree.listChanges().map((c) => [c.path, c.content?.toString() ?? '<deleted>']));
}

describe('init generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('registers the plugin with its target names and executor target defaults', async () => {
    await initGenerator(tree, { skipFormat: true });
    const nxJson = readNxJson(tree)!;
    expect(nxJson.plugins).toContainEqual({
      plugin: 'nx-docker-extension',
      options: {
        buildTargetName: 'build',
        verifyTargetName: 'verify',
        pushTargetName: 'push',
        verifyRemoteTargetName: 'verify-remote',
      },
    });
    expect(nxJson.targetDefaults?.['nx-docker-extension:build']).toMatchObject({ cache: true, dependsOn: ['^build'] });
    expect(nxJson.targetDefaults?.['nx-docker-extension:verify']).toMatchObject({ cache: true, dependsOn: ['build'] });
    expect(nxJson.targetDefaults?.['nx-docker-extension:push']).toEqual({ cache: false, dependsOn: ['verify'] });
    expect(nxJson.targetDefaults?.['nx-docker-extension:verify-remote']).toEqual({
      cache: false,
      dependsOn: ['build'],
    });
  });

  it('changes nothing when run twice', async () => {
    await initGenerator(tree, {});
    const first = snapshotOf(tree);
    await initGenerator(tree, {});
    expect(snapshotOf(tree)).toEqual(first);
  });

  it('keeps an existing registration (string form) and the user target defaults', async () => {
    const nxJson = readNxJson(tree)!;
    nxJson.plugins = ['nx-docker-extension'];
    nxJson.targetDefaults = { 'nx-docker-extension:push': { dependsOn: ['build'] } };
    updateNxJson(tree, nxJson);
    await initGenerator(tree, { pushTargetName: 'publish', skipFormat: true });
    const after = readNxJson(tree)!;
    expect(after.plugins).toEqual(['nx-docker-extension']);
    expect(after.targetDefaults?.['nx-docker-extension:push']).toEqual({ dependsOn: ['build'] });
  });

  it('uses custom target names in the plugin entry and in dependsOn', async () => {
    await initGenerator(tree, { buildTargetName: 'image', verifyTargetName: 'check', skipFormat: true });
    const nxJson = readNxJson(tree)!;
    expect(nxJson.plugins).toContainEqual({
      plugin: 'nx-docker-extension',
      options: {
        buildTargetName: 'image',
        verifyTargetName: 'check',
        pushTargetName: 'push',
        verifyRemoteTargetName: 'verify-remote',
      },
    });
    expect(nxJson.targetDefaults?.['nx-docker-extension:verify']?.dependsOn).toEqual(['image']);
    expect(nxJson.targetDefaults?.['nx-docker-extension:verify-remote']?.dependsOn).toEqual(['image']);
    expect(nxJson.targetDefaults?.['nx-docker-extension:push']?.dependsOn).toEqual(['check']);
  });

  it('says so when a re-run asks for other target names, and keeps the registered ones', async () => {
    await initGenerator(tree, { skipFormat: true });
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const before = snapshotOf(tree);
    await initGenerator(tree, { buildTargetName: 'image', skipFormat: true });
    expect(snapshotOf(tree)).toEqual(before);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/--buildTargetName left as registered \(build\)/));
    warn.mockRestore();
  });

  it('with addPlugin false, still writes target defaults that follow the given names', async () => {
    await initGenerator(tree, { addPlugin: false, buildTargetName: 'image', skipFormat: true });
    const nxJson = readNxJson(tree)!;
    expect(nxJson.plugins ?? []).not.toContainEqual(expect.objectContaining({ plugin: 'nx-docker-extension' }));
    expect(nxJson.targetDefaults?.['nx-docker-extension:verify']?.dependsOn).toEqual(['image']);
  });

  it('does not register the plugin when the workspace turned inference off', async () => {
    const nxJson = readNxJson(tree)!;
    nxJson.useInferencePlugins = false;
    updateNxJson(tree, nxJson);
    await initGenerator(tree, { skipFormat: true });
    const after = readNxJson(tree)!;
    expect(after.plugins ?? []).not.toContainEqual(expect.objectContaining({ plugin: 'nx-docker-extension' }));
    expect(after.targetDefaults?.['nx-docker-extension:build']).toBeDefined();
  });

  it('rejects bad or clashing target names and writes nothing', async () => {
    const before = tree.read('nx.json', 'utf8');
    await expect(initGenerator(tree, { buildTargetName: 'my build' })).rejects.toThrow(
      /--buildTargetName 'my build' is not a valid target name/,
    );
    await expect(initGenerator(tree, { verifyTargetName: 'build' })).rejects.toThrow(/must differ/);
    expect(tree.read('nx.json', 'utf8')).toBe(before);
  });
});
