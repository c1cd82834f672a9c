import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '../../..');

/** The Nx version the workspace itself uses: the e2e proves at least this one. */
export const workspaceNxVersion: string = JSON.parse(
  readFileSync(join(repoRoot, 'node_modules/nx/package.json'), 'utf8'),
).version;

export function pluginTarball(): string {
  const { version } = JSON.parse(readFileSync(join(repoRoot, 'packages/nx-docker-extension/package.json'), 'utf8'));
  const tarball = join(repoRoot, 'dist', `nx-docker-extension-${version}.tgz`);
  if (!existsSync(tarball)) throw new Error(`${tarball} is missing: run \`npm run package\` first.`);
  return tarball;
}

export interface RunOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface TestWorkspace {
  dir: string;
  /** Runs a program in the workspace; never throws on a non-zero exit. */
  run(command: string, args: string[], env?: NodeJS.ProcessEnv): RunOutput;
  /** Runs `nx <args>` with the daemon off and fails with the output when nx fails. */
  nx(args: string[], env?: NodeJS.ProcessEnv): string;
  cleanup(): void;
}

/**
 * A throwaway Nx workspace in a temp folder with `nx@nxVersion` and the packed plugin installed
 * from its tarball, the way a user installs it from npm.
 */
export function createTestWorkspace(
  options: { nxVersion?: string; name?: string; withPlugin?: boolean } = {},
): TestWorkspace {
  const nxVersion = options.nxVersion ?? workspaceNxVersion;
  const dir = mkdtempSync(join(tmpdir(), `${options.name ?? 'nxde-e2e'}-`));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      { name: 'e2e-workspace', version: '0.0.0', private: true, workspaces: ['apps/*', 'libs/*'] },
      null,
      2,
    ),
  );
  writeFileSync(join(dir, 'nx.json'), JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json' }, null, 2));
  writeFileSync(join(dir, '.gitignore'), 'node_modules\ndist\n.nx/cache\n.nx/workspace-data\n');
  execFileSync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '-D',
      `nx@${nxVersion}`,
      `@nx/devkit@${nxVersion}`,
      ...(options.withPlugin === false ? [] : [pluginTarball()]),
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const baseEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_SKIP_NX_CACHE: undefined, CI: 'true' };
  const run = (command: string, args: string[], env: NodeJS.ProcessEnv = {}): RunOutput => {
    const r = spawnSync(command, args, {
      cwd: dir,
      env: { ...baseEnv, ...env },
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    return { exitCode: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  };
  return {
    dir,
    run,
    nx(args, env) {
      const r = run(join(dir, 'node_modules/.bin/nx'), args, env);
      if (r.exitCode !== 0) {
        throw new Error(`nx ${args.join(' ')} exited ${r.exitCode}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
      }
      return r.stdout;
    },
    cleanup() {
      if (!process.env.NXDE_KEEP_E2E) rmSync(dir, { recursive: true, force: true });
    },
  };
}
