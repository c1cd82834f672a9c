import { posix } from 'node:path';
import { EXECUTORS } from './extension-targets';
import type { TargetNames } from './options';

// Named contexts that are images, URLs or other targets, not folders of the workspace.
export const NOT_A_FOLDER = /^([a-z][a-z0-9+.-]*:\/\/|[a-z-]+:|git@)/i;

/** Where a project.json moves the build's files: folders and files outside the ones the folder implies. */
export interface OverriddenBuildPaths {
  /** Folders whose every file Docker may read (another context, local named contexts), workspace-relative. */
  folders: string[];
  /** A Dockerfile outside the project folder, workspace-relative. */
  files: string[];
}

/** A workspace-relative path as Nx writes it: `/`-separated, no `./`, no trailing `/`, `.` for the root. */
export function workspacePath(path: string): string {
  return posix.normalize(path.replace(/\\/g, '/')).replace(/^\.\/|\/+$/g, '') || '.';
}

function inside(path: string, folder: string): boolean {
  return folder === '.' || path === folder || path.startsWith(`${folder}/`);
}

/**
 * The build options a project.json sets (on the registered build target, or any target running the build
 * executor) that make Docker read files outside the project folder. Paths leaving the workspace are dropped:
 * Nx cannot hash them anyway. Sorted, so inferred inputs stay deterministic.
 */
export function overriddenBuildPaths(projectJsonText: string | undefined, root: string, names: TargetNames) {
  const result: OverriddenBuildPaths = { folders: [], files: [] };
  if (projectJsonText === undefined) return result;
  let targets: Record<string, { executor?: unknown; options?: Record<string, unknown> }>;
  try {
    targets = JSON.parse(projectJsonText.replace(/^\uFEFF/, '')).targets ?? {};
  } catch {
    return result; // Nx itself reports a broken project.json
  }
  if (typeof targets !== 'object' || targets === null) return result;
  const build = Object.entries(targets).filter(
    ([name, target]) => name === names.buildTargetName || target?.executor === EXECUTORS.build,
  );
  const folders = new Set<string>();
  const files = new Set<string>();
  const usable = (path: string) => path !== '..' && !path.startsWith('../') && !posix.isAbsolute(path);
  for (const [, target] of build) {
    const options = target?.options ?? {};
    if (typeof options.context === 'string') {
      const context = workspacePath(options.context);
      if (usable(context) && !inside(context, root)) folders.add(context);
    }
    if (typeof options.dockerfile === 'string') {
      const dockerfile = workspacePath(options.dockerfile);
      if (usable(dockerfile) && !inside(dockerfile, root)) files.add(dockerfile);
    }
    const contexts = options.buildContexts;
    if (typeof contexts === 'object' && contexts !== null) {
      for (const value of Object.values(contexts)) {
        if (typeof value !== 'string' || NOT_A_FOLDER.test(value)) continue;
        const folder = workspacePath(value);
        if (usable(folder) && !inside(folder, root)) folders.add(folder);
      }
    }
  }
  result.folders = [...folders].sort();
  result.files = [...files].sort();
  return result;
}
