import { globAsync, readJson, type Tree } from '@nx/devkit';
import { posix } from 'node:path';

export interface ExtensionProject {
  name: string;
  root: string;
}

function nameFrom(tree: Tree, root: string, file: string): string | undefined {
  const path = posix.join(root, file);
  if (!tree.exists(path)) return undefined;
  try {
    const name = readJson(tree, path).name;
    return typeof name === 'string' && name !== '' ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Extension projects in the tree: folders with metadata.json and a Dockerfile, named as the plugin
 * names them (project.json name, else package.json name, else the folder). Sorted by name.
 */
export async function extensionProjects(tree: Tree): Promise<ExtensionProject[]> {
  const found: ExtensionProject[] = [];
  for (const metadata of await globAsync(tree, ['**/metadata.json', 'metadata.json'])) {
    const root = posix.dirname(metadata);
    if (!tree.exists(posix.join(root, 'Dockerfile'))) continue;
    const name =
      nameFrom(tree, root, 'project.json') ??
      nameFrom(tree, root, 'package.json') ??
      posix.basename(root === '.' ? tree.root : root);
    found.push({ name, root });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}
