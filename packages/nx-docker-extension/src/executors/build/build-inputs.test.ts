import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkBuildInputs, resolveUserPath } from './build-inputs';
import { planBuild } from './build-plan';
import type { BuildExecutorSchema } from './schema';

let root: string;
// Plans as the executor makes them, so the fixture follows BuildPlan instead of copying it.
const plan = (options: BuildExecutorSchema = {}) =>
  planBuild(options, {
    name: 'my-ext',
    root: 'apps/my-ext',
    packageJson: { name: 'my-ext', version: '0.1.0', dockerExtension: { image: 'acme/my-ext' } },
  });

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'nxde-build-inputs-'));
  mkdirSync(join(root, 'apps/my-ext'), { recursive: true });
  writeFileSync(join(root, 'apps/my-ext/Dockerfile'), 'FROM alpine\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('checkBuildInputs', () => {
  it("returns the Dockerfile's text and secrets with file paths resolved", async () => {
    writeFileSync(join(root, 'token.txt'), 's3cret');
    const inputs = await checkBuildInputs(
      plan({ secrets: { npm: { src: 'token.txt' }, gh: { env: 'GH_TOKEN' } } }),
      root,
      { GH_TOKEN: 'x' },
    );
    expect(inputs.dockerfileText).toBe('FROM alpine\n');
    expect(inputs.secrets).toEqual({ npm: { src: join(root, 'token.txt') }, gh: { env: 'GH_TOKEN' } });
  });

  it('says when the build context is not a folder', async () => {
    writeFileSync(join(root, 'file-context'), '');
    await expect(checkBuildInputs(plan({ context: 'file-context' }), root, {})).rejects.toThrow(
      'my-ext: build context file-context is not a folder. Set the build option "context".',
    );
    await expect(checkBuildInputs(plan({ context: 'nowhere' }), root, {})).rejects.toThrow(/nowhere is not a folder/);
  });

  it('names the unset environment variable of a secret, never a value', async () => {
    await expect(
      checkBuildInputs(plan({ secrets: { gh: { env: 'GH_TOKEN' } } }), root, { OTHER: 'value-not-printed' }),
    ).rejects.toThrow(
      "my-ext: secret 'gh' comes from the environment variable GH_TOKEN, which is not set. Export it before the build.",
    );
  });

  it('names a missing secret file and where it looked', async () => {
    await expect(checkBuildInputs(plan({ secrets: { npm: { src: 'missing.txt' } } }), root, {})).rejects.toThrow(
      `my-ext: secret 'npm' file missing.txt does not exist (looked at ${join(root, 'missing.txt')}).`,
    );
  });

  it('refuses to replace an output folder that is not an OCI layout, or a file there', async () => {
    mkdirSync(join(root, 'dist/apps/my-ext/image'), { recursive: true });
    writeFileSync(join(root, 'dist/apps/my-ext/image/notes.txt'), 'mine');
    await expect(checkBuildInputs(plan(), root, {})).rejects.toThrow(
      /dist\/apps\/my-ext\/image exists and is not an OCI image layout; .* Remove it or choose another "outputPath"/,
    );
    writeFileSync(join(root, 'dist/apps/my-ext/image/oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    await expect(checkBuildInputs(plan(), root, {})).resolves.toBeDefined(); // a previous build's layout
    writeFileSync(join(root, 'dist/file'), '');
    await expect(checkBuildInputs(plan({ outputPath: 'dist/file' }), root, {})).rejects.toThrow(/not an OCI image/);
  });
});

describe('resolveUserPath', () => {
  it('expands ~ and resolves relative paths against the workspace root', () => {
    expect(resolveUserPath('~/.npmrc', '/ws')).toBe(join(homedir(), '.npmrc'));
    expect(resolveUserPath('secrets/a', '/ws')).toBe('/ws/secrets/a');
    expect(resolveUserPath('/etc/a', '/ws')).toBe('/etc/a');
  });
});
