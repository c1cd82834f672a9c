import { DockerignoreMatcher, type ParentMatches } from './matcher';

/** What `docker build` sends of a set of files, given the context's .dockerignore patterns. */
export interface BuildContextFiles {
  /** Files sent to the builder (sorted). */
  sent: string[];
  /** Excluded files outside `excludedDirectories` (sorted). */
  excludedFiles: string[];
  /** Directories left out as a whole: nothing below them is sent, now or when files are added (sorted). */
  excludedDirectories: string[];
}

interface Folder {
  files: string[];
  folders: Map<string, Folder>;
}

function folderTree(files: readonly string[]): Folder {
  const root: Folder = { files: [], folders: new Map() };
  for (const file of files) {
    const parts = file.split('/');
    let folder = root;
    for (const part of parts.slice(0, -1)) {
      let next = folder.folders.get(part);
      if (!next) folder.folders.set(part, (next = { files: [], folders: new Map() }));
      folder = next;
    }
    folder.files.push(parts[parts.length - 1]);
  }
  return root;
}

function containsAny(prefix: string, paths: ReadonlySet<string>): boolean {
  for (const path of paths) if (path.startsWith(`${prefix}/`)) return true;
  return false;
}

/**
 * Splits `files` (slash paths relative to the build context) into what Docker sends and what
 * .dockerignore leaves out, walking directories from the root as BuildKit does: an excluded
 * directory is skipped whole unless an exception may re-include something inside it.
 * `alwaysSent` files (the Dockerfile, .dockerignore) count as sent whatever the patterns say:
 * Docker always reads them, so they always change the build.
 */
export function filterBuildContext(
  files: readonly string[],
  patterns: readonly string[],
  alwaysSent: readonly string[] = [],
): BuildContextFiles {
  const matcher = new DockerignoreMatcher(patterns);
  const always = new Set(alwaysSent);
  const result: BuildContextFiles = { sent: [], excludedFiles: [], excludedDirectories: [] };

  const walk = (folder: Folder, prefix: string, parent: ParentMatches | undefined, skipped: boolean) => {
    for (const name of folder.files) {
      const path = prefix + name;
      if (always.has(path)) result.sent.push(path);
      else if (skipped || matcher.excludesBelow(path, parent).excluded) result.excludedFiles.push(path);
      else result.sent.push(path);
    }
    for (const [name, child] of folder.folders) {
      const path = prefix + name;
      if (skipped) {
        walk(child, `${path}/`, undefined, true);
        continue;
      }
      const { excluded, matches } = matcher.excludesBelow(path, parent);
      const skip = excluded && matcher.canSkipExcludedDirectory(path);
      // A directory holding an always-sent file is listed file by file instead of as a whole.
      if (skip && !containsAny(path, always)) result.excludedDirectories.push(path);
      else walk(child, `${path}/`, matches, skip);
    }
  };
  walk(folderTree(files), '', undefined, false);
  for (const list of Object.values(result)) list.sort();
  return result;
}
