import { readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parse } from 'yaml';
import { ciGenerator } from './generator';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: { push: { branches: string[] }; pull_request: unknown };
  permissions: Record<string, string>;
  jobs: Record<string, { 'runs-on': string; steps: Step[] }>;
}

const PATH = '.github/workflows/docker-extensions.yml';

function workflow(tree: Tree, path = PATH): { text: string; yaml: Workflow; steps: Step[] } {
  const text = tree.read(path, 'utf8') ?? '';
  const yaml = parse(text) as Workflow;
  return { text, yaml, steps: Object.values(yaml.jobs)[0].steps };
}

const step = (steps: Step[], uses: string) => steps.find((s) => s.uses?.startsWith(`${uses}@`));

describe('ci generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    tree.write('package-lock.json', '{}');
  });

  it('checks out the full history, sets affected SHAs, installs with the npm cache, sets up QEMU and buildx', async () => {
    await ciGenerator(tree, { skipFormat: true });
    const { yaml, steps } = workflow(tree);
    expect(yaml.on.push.branches).toEqual(['main']);
    expect(yaml.on).toHaveProperty('pull_request');
    expect(yaml.permissions).toEqual({ contents: 'read', actions: 'read' });
    const order = steps.map((s) => s.uses?.split('@')[0] ?? s.run ?? s.name);
    expect(order.slice(0, 7)).toEqual([
      'actions/checkout',
      'nrwl/nx-set-shas',
      'actions/setup-node',
      'npm ci',
      'docker/setup-qemu-action',
      'docker/setup-buildx-action',
      'docker/login-action',
    ]);
    expect(step(steps, 'actions/checkout')?.with).toEqual({ 'fetch-depth': 0 });
    expect(step(steps, 'nrwl/nx-set-shas')?.with).toEqual({ 'main-branch-name': 'main' });
    expect(step(steps, 'actions/setup-node')?.with).toEqual({ 'node-version': '20', cache: 'npm' });
  });

  it('logs in from secrets and pushes only on the main branch; pull requests verify', async () => {
    await ciGenerator(tree, { skipFormat: true });
    const { steps } = workflow(tree);
    const login = step(steps, 'docker/login-action');
    expect(login?.if).toBe("github.event_name == 'push'");
    expect(login?.with).toEqual({
      username: '${{ secrets.REGISTRY_USERNAME }}',
      password: '${{ secrets.REGISTRY_PASSWORD }}',
    });
    const runs = steps.filter((s) => s.run?.includes('nx affected'));
    expect(runs.map((s) => [s.if, s.run])).toEqual([
      ["github.event_name == 'pull_request'", 'npx nx affected -t verify'],
      ["github.event_name == 'push'", 'npx nx affected -t verify push'],
    ]);
  });

  it('documents remote-cache settings as comments', async () => {
    await ciGenerator(tree, { skipFormat: true });
    const { text, yaml } = workflow(tree);
    expect(text).toMatch(/^#\s+NX_CLOUD_ACCESS_TOKEN: \$\{\{ secrets\.NX_CLOUD_ACCESS_TOKEN \}\}$/m);
    expect(text).toMatch(/^#\s+NX_SELF_HOSTED_REMOTE_CACHE_SERVER: /m);
    expect(text).toContain('@nx/s3-cache');
    expect(text).toMatch(/^#\s+SOURCE_DATE_EPOCH: \d+$/m);
    expect(yaml).not.toHaveProperty('env');
  });

  it('uses the registry, secret names, branch, node version and workflow name given', async () => {
    await ciGenerator(tree, {
      name: 'release',
      registry: 'ghcr.io',
      usernameSecret: 'GHCR_USER',
      passwordSecret: 'GHCR_TOKEN',
      mainBranch: 'trunk',
      nodeVersion: '22',
      skipFormat: true,
    });
    const { yaml, steps } = workflow(tree, '.github/workflows/release.yml');
    expect(yaml.on.push.branches).toEqual(['trunk']);
    expect(step(steps, 'nrwl/nx-set-shas')?.with).toEqual({ 'main-branch-name': 'trunk' });
    expect(step(steps, 'actions/setup-node')?.with?.['node-version']).toBe('22');
    expect(step(steps, 'docker/login-action')?.with).toEqual({
      registry: 'ghcr.io',
      username: '${{ secrets.GHCR_USER }}',
      password: '${{ secrets.GHCR_TOKEN }}',
    });
  });

  it('takes the main branch from nx.json defaultBase and target names from the plugin registration', async () => {
    const nxJson = readNxJson(tree)!;
    nxJson.defaultBase = 'develop';
    nxJson.plugins = [
      { plugin: 'nx-docker-extension', options: { verifyTargetName: 'docker-verify', pushTargetName: 'publish' } },
    ];
    updateNxJson(tree, nxJson);
    await ciGenerator(tree, { skipFormat: true });
    const { yaml, steps } = workflow(tree);
    expect(yaml.on.push.branches).toEqual(['develop']);
    expect(steps.map((s) => s.run).filter(Boolean)).toContain('npx nx affected -t docker-verify publish');
  });

  it('follows the package manager of the lock file', async () => {
    tree.delete('package-lock.json');
    tree.write('pnpm-lock.yaml', '');
    await ciGenerator(tree, { skipFormat: true });
    const { steps } = workflow(tree);
    expect(steps.findIndex((s) => s.uses?.startsWith('pnpm/action-setup@'))).toBeLessThan(
      steps.findIndex((s) => s.uses?.startsWith('actions/setup-node@')),
    );
    expect(step(steps, 'actions/setup-node')?.with?.cache).toBe('pnpm');
    expect(steps.map((s) => s.run).filter(Boolean)).toEqual([
      'pnpm install --frozen-lockfile',
      'pnpm exec nx affected -t verify',
      'pnpm exec nx affected -t verify push',
    ]);
  });

  it.each([
    [{ name: '../evil' }, /--name '..\/evil'/],
    [{ registry: 'https://ghcr.io' }, /--registry 'https:\/\/ghcr.io'/],
    [{ usernameSecret: 'GITHUB_TOKEN' }, /--usernameSecret 'GITHUB_TOKEN'/],
    [{ passwordSecret: 'my secret' }, /--passwordSecret/],
    [{ mainBranch: 'a..b' }, /--mainBranch 'a..b'/],
    [{ nodeVersion: 'twenty' }, /--nodeVersion 'twenty'/],
  ])('rejects %j, naming the option, and writes nothing', async (schema, message) => {
    const before = tree.listChanges().length;
    await expect(ciGenerator(tree, { ...schema, skipFormat: true })).rejects.toThrow(message);
    expect(tree.listChanges()).toHaveLength(before);
  });

  it('refuses to overwrite an existing workflow', async () => {
    tree.write(PATH, 'name: mine\n');
    await expect(ciGenerator(tree, { skipFormat: true })).rejects.toThrow(/already exists/);
    expect(tree.read(PATH, 'utf8')).toBe('name: mine\n');
  });
});
