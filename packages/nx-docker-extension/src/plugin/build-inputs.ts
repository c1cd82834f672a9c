import type { TargetConfiguration } from '@nx/devkit';
import type { BuildContextFiles } from '../dockerignore';
import type { OverriddenBuildPaths } from './overridden-build-paths';

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

// Nx 22's glob engine ignores an exclusion naming one of these even when escaped (measured:
// `!dir/a\(b\).txt` leaves the file in), so such a path stays an input: a needless rebuild at
// worst, never a stale image.
const UNEXCLUDABLE = /[()?!+@]/;
const GLOB_SYNTAX = /[\\*[\]{}]/g;

/** `path` as an Nx glob matching only itself, or undefined when Nx cannot exclude it. */
export function globLiteral(path: string): string | undefined {
  return UNEXCLUDABLE.test(path) ? undefined : path.replace(GLOB_SYNTAX, (ch) => `\\${ch}`);
}

/** Exclusion globs for a build context resolved file by file: whole directories, then single files. */
export function listedExclusions(context: BuildContextFiles): string[] {
  const globs: string[] = [];
  for (const dir of context.excludedDirectories) {
    const literal = globLiteral(dir);
    if (literal !== undefined) globs.push(`${literal}/**`);
  }
  for (const file of context.excludedFiles) {
    const literal = globLiteral(file);
    if (literal !== undefined) globs.push(literal);
  }
  return globs;
}

function workspaceGlob(projectRoot: string, relative: string): string {
  if (projectRoot === '.' || projectRoot === '') return `{workspaceRoot}/${relative}`;
  return `{workspaceRoot}/${projectRoot.replace(GLOB_SYNTAX, (ch) => `\\${ch}`)}/${relative}`;
}

/**
 * The build target's inputs: every file of the build context (the project folder) that
 * .dockerignore does not exclude, the outputs of the tasks build depends on (a UI bundle the
 * Dockerfile copies is usually git-ignored, so only its task's outputs can stand for it), and
 * the environment the build reads. `{workspaceRoot}/<root>` rather than `{projectRoot}` so that
 * files of a project nested in the folder (a UI project in `ui/`) count too: Docker sends them.
 * `exclusions` are globs relative to the folder (undefined: the ignore file is unusable, so the
 * whole folder counts — too many inputs cost a rebuild, too few a stale image).
 */
export function buildInputs(
  projectRoot: string,
  exclusions: readonly string[] | undefined,
  overridden: OverriddenBuildPaths = { folders: [], files: [] },
): TargetInput[] {
  return [
    workspaceGlob(projectRoot, '**/*'),
    ...(exclusions ?? []).map((glob) => `!${workspaceGlob(projectRoot, glob)}`),
    // A context, Dockerfile or named context moved by project.json: all of it counts (its own ignore file is
    // not read here — a needless rebuild at worst, never a stale image).
    ...overridden.folders.map((folder) => workspaceGlob(folder, '**/*')),
    ...overridden.files.map((file) =>
      workspaceGlob(
        '.',
        file.replace(GLOB_SYNTAX, (ch) => `\\${ch}`),
      ),
    ),
    { dependentTasksOutputFiles: '**/*' },
    ...BUILD_ENV_INPUTS.map((env) => ({ env })),
  ];
}

/** verify checks exactly the layout build wrote: build's outputs are its only file inputs. */
export function verifyInputs(): TargetInput[] {
  return [{ dependentTasksOutputFiles: '**/*' }];
}
