import { formatFiles, generateFiles, type Tree } from '@nx/devkit';
import { join } from 'node:path';
import { normalizeOptions } from './normalize-options';
import { workflowPackageManager } from './package-manager';
import type { CiGeneratorSchema } from './schema';

/** `nx g nx-docker-extension:ci`: a GitHub Actions workflow that verifies and pushes only affected extensions. */
export async function ciGenerator(tree: Tree, schema: CiGeneratorSchema = {}) {
  const options = normalizeOptions(tree, schema);
  generateFiles(tree, join(__dirname, 'files'), '.', {
    ...options,
    packageManager: workflowPackageManager(tree),
    tmpl: '',
  });
  if (!schema.skipFormat) await formatFiles(tree);
}

export default ciGenerator;
