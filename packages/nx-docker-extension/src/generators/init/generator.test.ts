import { readNxJson, updateNxJson, type Tree } from '@nx/devkit';
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
      options: { buildTargetName: 'build', verifyTargetName: 'verify', pushTargetName: 'push' },
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
      options: { buildTargetName: 'image', verifyTargetName: 'check', pushTargetName: 'push' },
    });
    expect(nxJson.targetDefaults?.['nx-docker-extension:verify']?.dependsOn).toEqual(['image']);
    expect(nxJson.targetDefaults?.['nx-docker-extension:push']?.dependsOn).toEqual(['check']);
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
