import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import type { CreateNodesContextV2, CreateNodesResult, CreateNodesV2 } from '@nx/devkit';
// The class @nx/devkit re-exports, taken from where it lives: loading all of @nx/devkit costs every
// graph computation ~0.3 s in the plugin's worker process.
import { AggregateCreateNodesError } from 'nx/src/project-graph/error-types';
import { workspaceDataDirectoryForWorkspace } from 'nx/src/utils/cache-directory';
import { filterBuildContext } from '../dockerignore';
import { listedExclusions } from './build-inputs';
import { extensionProject, type ExtensionProject } from './extension-targets';
import type { ExtensionFolder } from './extension-folder';
import { exclusionGlobs } from './ignore-globs';
import { overriddenBuildPaths } from './overridden-build-paths';
import { normalizeTargetNames, type DockerExtensionPluginOptions, type TargetNames } from './options';
import {
  DOCKERFILE,
  describeExtensionFolder,
  readExtensionFiles,
  readIgnoreFile,
  type ExtensionFiles,
} from './read-extension-folder';
import { TargetsCache, targetsCachePath } from './targets-cache';

export type { DockerExtensionPluginOptions } from './options';

interface CachedFolder {
  folder: ExtensionFolder;
  project: ExtensionProject;
}

interface Candidate {
  file: string;
  root: string;
  files: ExtensionFiles;
  /** The ignore file's patterns; undefined when Docker would refuse the file. */
  patterns?: string[];
  /** Exclusions from the patterns alone; undefined when they need the folder's file list. */
  exclusions?: string[];
  needsFileList: boolean;
  key: string;
}

const METADATA_GLOB = '**/metadata.json';

// Part of every cache key: a new plugin version may infer different targets from the same files.
const PLUGIN_VERSION: string = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')).version;

function alwaysInputs(files: ExtensionFiles): string[] {
  return [DOCKERFILE, 'package.json', ...(files.ignoreFile ? [files.ignoreFile.name] : [])];
}

function hashOf(parts: (string | undefined)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part === undefined ? '\u0000missing' : `\u0001${part.length}:${part}`);
  return hash.digest('hex');
}

// Generated folders share one .dockerignore text: its patterns and exclusions are worked out once.
const rulesByIgnoreFile = new Map<string, { patterns?: string[]; exclusions?: string[] }>();

function ignoreRules(files: ExtensionFiles): { patterns?: string[]; exclusions?: string[] } {
  if (!files.ignoreFile) return { patterns: [], exclusions: [] };
  const key = `${files.ignoreFile.name}\0${files.ignoreFile.text}`;
  let rules = rulesByIgnoreFile.get(key);
  if (!rules) {
    const { patterns } = readIgnoreFile(files.ignoreFile.text);
    rules = { patterns, exclusions: patterns ? exclusionGlobs(patterns, alwaysInputs(files)) : undefined };
    rulesByIgnoreFile.set(key, rules);
  }
  return rules;
}

/** Reads each folder's few files and decides how its .dockerignore becomes Nx exclusions. */
function readCandidate(file: string, context: CreateNodesContextV2, names: TargetNames): Candidate {
  const root = dirname(file);
  const files = readExtensionFiles(context.workspaceRoot, root);
  const { patterns, exclusions } = ignoreRules(files);
  const needsFileList = patterns !== undefined && exclusions === undefined;
  const { dockerfile, metadata, packageJson, projectJson, ignoreFile } = files;
  const key = hashOf([
    PLUGIN_VERSION,
    JSON.stringify(names),
    root,
    dockerfile,
    metadata,
    packageJson,
    projectJson,
    ignoreFile?.name,
    ignoreFile?.text,
  ]);
  return { file, root, files, patterns, exclusions, needsFileList, key };
}

/**
 * A .dockerignore with exceptions (`!`) cannot become order-free Nx exclusions; then the folder's
 * files (as Nx sees them) are split with Docker's rules, and the list joins the cache key.
 */
async function addFileLists(candidates: Candidate[], context: CreateNodesContextV2): Promise<void> {
  const listed = candidates.filter((c) => c.needsFileList);
  if (listed.length === 0) return;
  const globs = listed.map((c) => (c.root === '.' ? '**/*' : `${c.root}/**/*`));
  // Loaded only here: the workspace context indexes every file of the workspace in this process.
  const { multiGlobWithWorkspaceContext } = await import('nx/src/utils/workspace-context');
  const lists = await multiGlobWithWorkspaceContext(context.workspaceRoot, globs);
  listed.forEach((candidate, i) => {
    const files = lists[i].map((f) => (candidate.root === '.' ? f : posix.relative(candidate.root, f))).sort();
    const split = filterBuildContext(files, candidate.patterns ?? [], alwaysInputs(candidate.files));
    candidate.exclusions = listedExclusions(split);
    candidate.key = hashOf([candidate.key, ...files]);
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
 * and push targets. Reads files only; results depend only on them (sorted, no dates or absolute
 * paths) and are cached under a hash of what they were computed from.
 */
export const createNodesV2: CreateNodesV2<DockerExtensionPluginOptions> = [
  METADATA_GLOB,
  async (metadataFiles, options, context) => {
    const names = normalizeTargetNames(options);
    // Early return for a metadata.json with no Dockerfile beside it: not an extension.
    const candidates = [...metadataFiles]
      .sort()
      .map((file) => readCandidate(file, context, names))
      .filter((candidate) => candidate.files.dockerfile !== undefined);
    if (candidates.length === 0) return [];
    await addFileLists(candidates, context);

    const cache = new TargetsCache<CachedFolder>(
      targetsCachePath(workspaceDataDirectoryForWorkspace(context.workspaceRoot), options),
    );
    const results: [string, CreateNodesResult][] = [];
    const errors: [string, Error][] = [];
    const byName = new Map<string, ExtensionFolder>();
    for (const candidate of candidates) {
      let computed = cache.get(candidate.key);
      if (!computed) {
        const { folder } = describeExtensionFolder(candidate.root, candidate.files, basename(context.workspaceRoot));
        const overridden = overriddenBuildPaths(candidate.files.projectJson, candidate.root, names);
        computed = { folder, project: extensionProject(folder, candidate.exclusions, names, overridden) };
        cache.set(candidate.key, computed);
      }
      const { folder, project } = computed;
      const other = byName.get(folder.name);
      if (other) {
        errors.push([candidate.file, duplicateNameError(other, folder)]);
        continue;
      }
      byName.set(folder.name, folder);
      results.push([candidate.file, { projects: { [folder.root]: { root: folder.root, ...project } } }]);
    }
    cache.save();
    if (errors.length > 0) throw new AggregateCreateNodesError(errors, results);
    return results;
  },
];

/** Nx 22 loads `createNodesV2` first and falls back to `createNodes`; both carry the same tuple. */
export const createNodes = createNodesV2;
