import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type {
  CreateDependencies,
  CreateDependenciesContext,
  DependencyType,
  RawProjectGraphDependency,
} from '@nx/devkit';
import { workspaceDataDirectoryForWorkspace } from 'nx/src/utils/cache-directory';
import { parseDockerfile } from '../dockerfile';
import { contextPaths, type ContextPath } from './context-paths';
import { EXECUTORS } from './extension-targets';
import { NOT_A_FOLDER, workspacePath } from './overridden-build-paths';
import { ProjectRoots } from './project-roots';
import { TargetsCache } from './targets-cache';

// What each Dockerfile reads, by its content hash: kept between runs in Nx's workspace data directory.
type PathsCache = TargetsCache<ContextPath[]>;

interface DockerBuild {
  project: string;
  dockerfile: string;
  context: string;
  /** Named contexts that are folders of the workspace (not images, URLs or other targets). */
  namedContexts: Record<string, string>;
}

/** The Docker builds in the graph: every target running our build executor, with its options. */
export function dockerBuilds(projects: CreateDependenciesContext['projects']): DockerBuild[] {
  const builds: DockerBuild[] = [];
  for (const [project, config] of Object.entries(projects)) {
    for (const target of Object.values(config.targets ?? {})) {
      if (target.executor !== EXECUTORS.build) continue;
      const options = target.options ?? {};
      const root = config.root || '.';
      const context = workspacePath(options.context ?? root);
      const namedContexts: Record<string, string> = {};
      for (const [name, value] of Object.entries((options.buildContexts ?? {}) as Record<string, string>)) {
        if (typeof value === 'string' && !NOT_A_FOLDER.test(value)) namedContexts[name] = workspacePath(value);
      }
      builds.push({
        project,
        dockerfile: workspacePath(options.dockerfile ?? posix.join(root, 'Dockerfile')),
        context,
        namedContexts,
      });
    }
  }
  return builds;
}

function readPaths(
  cache: PathsCache,
  workspaceRoot: string,
  dockerfile: string,
  hash: string | undefined,
): ContextPath[] {
  const key = hash ? `${dockerfile}\0${hash}` : undefined;
  const known = key ? cache.get(key) : undefined;
  if (known) return known;
  let text: string;
  try {
    text = readFileSync(join(workspaceRoot, dockerfile), 'utf8');
  } catch {
    return []; // a missing Dockerfile is the build target's error to report, not the graph's
  }
  const paths = contextPaths(parseDockerfile(text));
  if (key) cache.set(key, paths);
  return paths;
}

/** The Dockerfile's hash in Nx's file map and whether it belongs to the building project. */
function dockerfileHash(context: CreateDependenciesContext, build: DockerBuild): { hash?: string; own: boolean } {
  const own = context.fileMap.projectFileMap[build.project]?.find((f) => f.file === build.dockerfile);
  if (own) return { hash: own.hash, own: true };
  for (const files of [context.fileMap.nonProjectFiles, ...Object.values(context.fileMap.projectFileMap)]) {
    const found = files.find((f) => f.file === build.dockerfile);
    if (found) return { hash: found.hash, own: false };
  }
  return { own: false };
}

/**
 * An extension depends on every other project its Dockerfile copies from (COPY/ADD sources and
 * RUN bind mounts, in the main build context or a named context that is a workspace folder):
 * the project owning the copied path, and, for a plain directory, every project inside it.
 * So `^build` builds a UI project before the image that copies its output, and `nx affected`
 * follows a change in it.
 */
export const createDependencies: CreateDependencies = (_options, context) => {
  const roots = new ProjectRoots(context.projects);
  const dependencies = new Map<string, RawProjectGraphDependency>();
  const cache: PathsCache = new TargetsCache(
    join(workspaceDataDirectoryForWorkspace(context.workspaceRoot), 'nx-docker-extension-dockerfiles.hash'),
  );
  for (const build of dockerBuilds(context.projects)) {
    const dockerfile = dockerfileHash(context, build);
    for (const used of readPaths(cache, context.workspaceRoot, build.dockerfile, dockerfile.hash)) {
      const base = used.context === undefined ? build.context : build.namedContexts[used.context];
      if (base === undefined) continue; // an image or a context given on the command line
      const path = workspacePath(posix.join(base, used.path));
      if (path.startsWith('../')) continue;
      const targets = [roots.owner(path), ...(used.exact ? roots.inside(path) : [])];
      for (const target of targets) {
        if (!target || target === build.project) continue;
        const key = `${build.project}\0${target}`;
        if (dependencies.has(key)) continue;
        // A static edge must name a file of the source project; a Dockerfile kept elsewhere gives an implicit one.
        dependencies.set(
          key,
          dockerfile.own
            ? { source: build.project, target, type: 'static' as DependencyType.static, sourceFile: build.dockerfile }
            : { source: build.project, target, type: 'implicit' as DependencyType.implicit },
        );
      }
    }
  }
  cache.save();
  return [...dependencies.values()].sort(
    (a, b) => a.source.localeCompare(b.source) || a.target.localeCompare(b.target),
  );
};
