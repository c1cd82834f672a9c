import type { Tree } from '@nx/devkit';

/** How a workflow installs dependencies and runs nx for the workspace's package manager. */
export interface WorkflowPackageManager {
  name: 'npm' | 'yarn' | 'pnpm';
  install: string;
  /** Prefix that runs a workspace binary: `npx`, `yarn`, `pnpm exec`. */
  exec: string;
}

/** Chosen from the lock file in the workspace, npm when there is none. */
export function workflowPackageManager(tree: Tree): WorkflowPackageManager {
  if (tree.exists('pnpm-lock.yaml'))
    return { name: 'pnpm', install: 'pnpm install --frozen-lockfile', exec: 'pnpm exec' };
  if (tree.exists('yarn.lock')) return { name: 'yarn', install: 'yarn install --frozen-lockfile', exec: 'yarn' };
  return { name: 'npm', install: tree.exists('package-lock.json') ? 'npm ci' : 'npm install', exec: 'npx' };
}
