import { readJson, updateJson, type Tree } from '@nx/devkit';
import { parseDocument } from 'yaml';

/** A package-manager workspace glob (`apps/*`, `packages/**`, `!x`) as a test on a folder path. */
function globMatches(pattern: string, path: string): boolean {
  const source = pattern
    .replace(/\/+$/, '')
    .replace(/^\.\//, '')
    .split('/')
    .map((part) =>
      part === '**'
        ? '.*'
        : part
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '[^/]*')
            .replace(/\?/g, '[^/]'),
    )
    .join('/');
  return new RegExp(`^${source.replace(/\/\.\*/g, '(?:/.*)?')}$`).test(path);
}

export function inWorkspaces(patterns: string[], path: string): boolean {
  const included = patterns.filter((p) => !p.startsWith('!')).some((p) => globMatches(p, path));
  const excluded = patterns.filter((p) => p.startsWith('!')).some((p) => globMatches(p.slice(1), path));
  return included && !excluded;
}

export type UiWorkspace = 'added' | 'already' | 'standalone';

/**
 * Makes the UI folder a member of the package manager's workspaces (npm/yarn `workspaces`, or
 * pnpm-workspace.yaml), so the root install gives it vite and react. `standalone` when the workspace
 * has neither: the UI then installs in its own folder.
 */
export function addUiToWorkspaces(tree: Tree, uiRoot: string): UiWorkspace {
  if (tree.exists('pnpm-workspace.yaml')) {
    const doc = parseDocument(tree.read('pnpm-workspace.yaml', 'utf8') ?? '');
    const packages = (doc.get('packages') as { toJSON(): unknown } | undefined)?.toJSON();
    const list = Array.isArray(packages) ? packages.map(String) : [];
    if (inWorkspaces(list, uiRoot)) return 'already';
    doc.set('packages', [...list, uiRoot]);
    tree.write('pnpm-workspace.yaml', doc.toString());
    return 'added';
  }
  if (!tree.exists('package.json')) return 'standalone';
  const pkg = readJson(tree, 'package.json');
  const workspaces: unknown = pkg.workspaces;
  const list = Array.isArray(workspaces)
    ? workspaces.map(String)
    : Array.isArray((workspaces as { packages?: unknown })?.packages)
      ? (workspaces as { packages: unknown[] }).packages.map(String)
      : undefined;
  if (!list) return 'standalone';
  if (inWorkspaces(list, uiRoot)) return 'already';
  updateJson(tree, 'package.json', (json) => {
    if (Array.isArray(json.workspaces)) json.workspaces = [...json.workspaces, uiRoot];
    else json.workspaces.packages = [...json.workspaces.packages, uiRoot];
    return json;
  });
  return 'added';
}
