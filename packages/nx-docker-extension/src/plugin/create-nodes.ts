import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import {
  AggregateCreateNodesError,
  type CreateNodesContextV2,
  type CreateNodesResult,
  type CreateNodesV2,
} from '@nx/devkit';
import { calculateHashesForCreateNodes } from '@nx/devkit/src/utils/calculate-hash-for-create-nodes';
import { workspaceDataDirectoryForWorkspace } from 'nx/src/utils/cache-directory';
import { multiGlobWithWorkspaceContext } from 'nx/src/utils/workspace-context';
import { filterBuildContext } from '../dockerignore';
import { extensionProject, type ExtensionProject } from './extension-targets';
import type { ExtensionFolder } from './extension-folder';
import { normalizeTargetNames, type DockerExtensionPluginOptions } from './options';
import { DOCKERFILE, readExtensionFolder } from './read-extension-folder';
import { TargetsCache, targetsCachePath } from './targets-cache';

export type { DockerExtensionPluginOptions } from './options';

interface CachedFolder {
  folder: ExtensionFolder;
  project: ExtensionProject;
}

const METADATA_GLOB = '**/metadata.json';

// Part of every cache key: a new plugin version may infer different targets from the same files.
const PLUGIN_VERSION: string = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')).version;

function filesGlob(root: string): string {
  return root === '.' ? '**/*' : `${root}/**/*`;
}

function relativeTo(root: string, file: string): string {
  return root === '.' ? file : posix.relative(root, file);
}

/** Computes the project of each folder not in the cache; reads files only, never runs anything. */
async function computeFolders(
  roots: string[],
  context: CreateNodesContextV2,
  names: ReturnType<typeof normalizeTargetNames>,
) {
  const fileLists = roots.length
    ? await multiGlobWithWorkspaceContext(context.workspaceRoot, roots.map(filesGlob))
    : [];
  return roots.map((root, i): CachedFolder => {
    const { folder, ignorePatterns } = readExtensionFolder(context.workspaceRoot, root);
    const alwaysInputs = [DOCKERFILE, 'package.json', ...(folder.dockerignoreFile ? [folder.dockerignoreFile] : [])];
    const files = fileLists[i].map((file) => relativeTo(root, file));
    const buildContext = ignorePatterns ? filterBuildContext(files, ignorePatterns, alwaysInputs) : undefined;
    return { folder, project: extensionProject(folder, buildContext, names) };
  });
}

function duplicateNameError(first: ExtensionFolder, second: ExtensionFolder): Error {
  const where = (f: ExtensionFolder) => `${f.root} (from ${f.nameFrom === 'folder' ? 'the folder name' : f.nameFrom})`;
  return new Error(
    `Two Docker extension folders are both named "${second.name}": ${where(first)} and ${where(second)}. ` +
      `Project names must be unique: change the "name" in one folder's package.json, or add a project.json with a "name".`,
  );
}

/**
 * Every folder holding metadata.json beside a Dockerfile becomes a project with build, verify
 * and push targets. Results depend only on the files (sorted, no dates or absolute paths) and
 * are cached by their hash.
 */
export const createNodesV2: CreateNodesV2<DockerExtensionPluginOptions> = [
  METADATA_GLOB,
  async (metadataFiles, options, context) => {
    const names = normalizeTargetNames(options);
    const candidates = [...metadataFiles]
      .filter((file) => existsSync(join(context.workspaceRoot, dirname(file), DOCKERFILE)))
      .sort();
    if (candidates.length === 0) return [];
    const roots = candidates.map((file) => dirname(file));

    const hashes = await calculateHashesForCreateNodes(roots, { names, PLUGIN_VERSION }, context);
    const cache = new TargetsCache<CachedFolder>(
      targetsCachePath(workspaceDataDirectoryForWorkspace(context.workspaceRoot), options),
    );
    const computed: (CachedFolder | undefined)[] = roots.map((_, i) => cache.get(hashes[i]));
    const missing = roots.map((root, i) => (computed[i] ? undefined : i)).filter((i): i is number => i !== undefined);
    const fresh = await computeFolders(
      missing.map((i) => roots[i]),
      context,
      names,
    );
    missing.forEach((i, k) => {
      computed[i] = fresh[k];
      cache.set(hashes[i], fresh[k]);
    });
    cache.save();

    const results: [string, CreateNodesResult][] = [];
    const errors: [string, Error][] = [];
    const byName = new Map<string, ExtensionFolder>();
    candidates.forEach((file, i) => {
      const { folder, project } = computed[i] as CachedFolder;
      const other = byName.get(folder.name);
      if (other) {
        errors.push([file, duplicateNameError(other, folder)]);
        return;
      }
      byName.set(folder.name, folder);
      results.push([file, { projects: { [folder.root]: { root: folder.root, ...project } } }]);
    });
    if (errors.length > 0) throw new AggregateCreateNodesError(errors, results);
    return results;
  },
];

/** Nx 22 loads `createNodesV2` first and falls back to `createNodes`; both carry the same tuple. */
export const createNodes = createNodesV2;
