import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestBed } from '../../../packages/nx-docker-extension/src/test-support/test-bed';
import type { RunOutput } from './test-workspace';

/** A registry namespace no other test run uses. */
export function uniqueNamespace(prefix: string): string {
  return `nxde-e2e/${prefix}-${process.pid}-${Date.now().toString(36)}`;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function readJson(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Runs a program in `dir`; never throws on a non-zero exit. */
export function runIn(dir: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): RunOutput {
  const r = spawnSync(command, args, {
    cwd: dir,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', CI: 'true', ...env },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return { exitCode: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Options for every build target of the workspace, through nx.json target defaults (Dockerfiles untouched). */
export function setBuildDefaults(workspace: string, options: Record<string, unknown>): void {
  const path = join(workspace, 'nx.json');
  const nxJson = readJson(path);
  nxJson.targetDefaults ??= {};
  const defaults = (nxJson.targetDefaults['nx-docker-extension:build'] ??= {});
  defaults.options = { ...(defaults.options ?? {}), ...options };
  writeFileSync(path, JSON.stringify(nxJson, null, 2) + '\n');
}

/** `--build-context` values that replace the Dockerfiles' Docker Hub bases with the test bed's images. */
export function baseImageContexts(workspace: string, roots: string[], bed: TestBed): Record<string, string> {
  const contexts: Record<string, string> = {};
  for (const root of roots) {
    const dockerfile = readFileSync(join(workspace, root, 'Dockerfile'), 'utf8');
    for (const [, image] of dockerfile.matchAll(/^FROM\s+(?:--platform=\S+\s+)?(\S+)/gim)) {
      if (image.startsWith('alpine')) contexts[image] = `docker-image://${bed.baseImage}`;
      else if (image.startsWith('golang')) contexts[image] = `docker-image://${bed.goImage}`;
    }
  }
  return contexts;
}

export interface NxTask {
  task: string;
  /** Restored from the cache rather than run. */
  cached: boolean;
}

/** The tasks Nx ran, from its `> nx run project:target [args] [local cache]` lines. */
export function nxTasks(output: string): NxTask[] {
  const tasks = new Map<string, boolean>();
  for (const [, task, rest] of output.matchAll(/^\s*>\s+nx run (\S+:\S+)(.*)$/gm)) {
    tasks.set(task, /\[(local|remote) cache\]|existing outputs match the cache/.test(rest));
  }
  return [...tasks].map(([task, cached]) => ({ task, cached }));
}

/** The digest a tag points to in a registry on loopback, read with the distribution API. */
export async function registryDigest(repository: string, tag: string): Promise<string | undefined> {
  const slash = repository.indexOf('/');
  const host = repository.slice(0, slash);
  const name = repository.slice(slash + 1);
  const response = await fetch(`http://${host}/v2/${name}/manifests/${tag}`, {
    method: 'HEAD',
    headers: {
      Accept: [
        'application/vnd.oci.image.index.v1+json',
        'application/vnd.docker.distribution.manifest.list.v2+json',
      ].join(', '),
    },
  });
  return response.ok ? (response.headers.get('docker-content-digest') ?? undefined) : undefined;
}
