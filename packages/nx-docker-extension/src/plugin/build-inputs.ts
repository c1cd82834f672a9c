import type { TargetConfiguration } from '@nx/devkit';
import type { BuildContextFiles } from '../dockerignore';

export type TargetInput = NonNullable<TargetConfiguration['inputs']>[number];

/**
 * Environment variables that change the bytes `docker buildx build` produces: SOURCE_DATE_EPOCH
 * sets every timestamp in the image (the build executor then rewrites file times too, so equal
 * inputs give an equal digest), BUILDX_GIT_LABELS adds git source and revision labels to it.
 * Not inputs: DOCKER_HOST, DOCKER_CONTEXT, BUILDX_BUILDER and DOCKER_CONFIG choose where and with
 * whose credentials the build runs, not what it builds; hashing them would make CI and laptops
 * miss each other's cache for the same image. BUILDX_NO_DEFAULT_ATTESTATIONS has no effect: the
 * executor always passes --provenance and --sbom.
 */
export const BUILD_ENV_INPUTS = ['BUILDX_GIT_LABELS', 'SOURCE_DATE_EPOCH'] as const;

// The characters Nx's glob engine reads as syntax; escaped, a path matches only itself.
const GLOB_SYNTAX = /[\\*?[\]{}()!]/g;

export function globLiteral(path: string): string {
  return path.replace(GLOB_SYNTAX, (ch) => `\\${ch}`);
}

function workspacePath(projectRoot: string, relative: string): string {
  const root = projectRoot === '.' || projectRoot === '' ? '' : `${globLiteral(projectRoot)}/`;
  return `{workspaceRoot}/${root}${relative}`;
}

/**
 * The build target's inputs: every file of the build context (the project folder) that
 * .dockerignore does not exclude, the outputs of the tasks build depends on (a UI bundle the
 * Dockerfile copies is usually git-ignored, so only its task's outputs can stand for it), and
 * the environment the build reads. `{workspaceRoot}/<root>` rather than `{projectRoot}` so that
 * files of a project nested in the folder (a UI project in `ui/`) count too: Docker sends them.
 * Nx applies every `!` exclusion whatever the order, so the exclusions are exact paths computed
 * with Docker's own rules, never patterns that an exception could contradict.
 * `context` undefined (an unreadable .dockerignore) falls back to the whole folder: too many
 * inputs cost a rebuild, too few a stale image.
 */
export function buildInputs(projectRoot: string, context: BuildContextFiles | undefined): TargetInput[] {
  const files: string[] = [workspacePath(projectRoot, '**/*')];
  if (context) {
    for (const dir of context.excludedDirectories)
      files.push(`!${workspacePath(projectRoot, `${globLiteral(dir)}/**`)}`);
    for (const file of context.excludedFiles) files.push(`!${workspacePath(projectRoot, globLiteral(file))}`);
  }
  return [...files, { dependentTasksOutputFiles: '**/*' }, ...BUILD_ENV_INPUTS.map((env) => ({ env }))];
}

/** verify checks exactly the layout build wrote: build's outputs are its only file inputs. */
export function verifyInputs(): TargetInput[] {
  return [{ dependentTasksOutputFiles: '**/*' }];
}
