import type { ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import { buildInputs, verifyInputs } from './build-inputs';
import type { ExtensionFolder } from './extension-folder';
import type { TargetNames } from './options';
import type { OverriddenBuildPaths } from './overridden-build-paths';

export const EXECUTORS = {
  build: 'nx-docker-extension:build',
  verify: 'nx-docker-extension:verify',
  push: 'nx-docker-extension:push',
  verifyRemote: 'nx-docker-extension:verify-remote',
} as const;

const TECHNOLOGIES = ['docker'];

/** The project an extension folder becomes: the same folder always gives the same object. */
export type ExtensionProject = Pick<ProjectConfiguration, 'name' | 'targets' | 'metadata'> & { name: string };

function distPath(root: string, file: string): string {
  return root === '.' ? `dist/${file}` : `dist/${root}/${file}`;
}

function describe(folder: ExtensionFolder, text: string): string {
  return folder.problems.length === 0 ? text : `${text} Will fail until fixed: ${folder.problems.join(' ')}`;
}

/**
 * Targets for an extension folder. `exclusions` are the globs (relative to the folder) that
 * .dockerignore leaves out; undefined when the ignore file is unusable (the whole folder counts).
 */
export function extensionProject(
  folder: ExtensionFolder,
  exclusions: readonly string[] | undefined,
  names: TargetNames,
  overridden?: OverriddenBuildPaths,
): ExtensionProject {
  const image = folder.image ? `${folder.image}:${folder.version ?? '<version>'}` : 'the image';
  const platforms = folder.platforms?.length ? folder.platforms.join(', ') : 'its platforms';
  const ignoreFile = folder.dockerignoreFile ?? '.dockerignore';
  // `^build` reaches a UI or backend project's own build; `^<name>` another extension's, when renamed.
  const buildDependsOn = [...new Set([`^build`, `^${names.buildTargetName}`])];

  const build: TargetConfiguration = {
    executor: EXECUTORS.build,
    cache: true,
    dependsOn: buildDependsOn,
    inputs: buildInputs(folder.root, exclusions, overridden),
    outputs: ['{workspaceRoot}/dist/{projectRoot}/image', '{workspaceRoot}/dist/{projectRoot}/image.json'],
    options: {},
    metadata: {
      description: describe(
        folder,
        `Build ${image} for ${platforms} into an OCI image layout at ${distPath(folder.root, 'image')} (cached: inputs are the Dockerfile and every file ${ignoreFile} does not exclude).`,
      ),
      technologies: TECHNOLOGIES,
    },
  };
  const verify: TargetConfiguration = {
    executor: EXECUTORS.verify,
    cache: true,
    dependsOn: [names.buildTargetName],
    inputs: verifyInputs(),
    outputs: ['{workspaceRoot}/dist/{projectRoot}/verify.json'],
    options: {},
    metadata: {
      description: describe(
        folder,
        `Check the Docker Desktop extension rules on every platform of the built image; report at ${distPath(folder.root, 'verify.json')} (cached).`,
      ),
      technologies: TECHNOLOGIES,
    },
  };
  const push: TargetConfiguration = {
    executor: EXECUTORS.push,
    // A side effect on a registry: never replayed from the cache (it is a no-op when the registry has the image).
    cache: false,
    dependsOn: [names.verifyTargetName],
    options: {},
    metadata: {
      description: describe(
        folder,
        `Push the verified image from ${distPath(folder.root, 'image')} to its registry; needs no Docker daemon and uploads nothing the registry already has.`,
      ),
      technologies: TECHNOLOGIES,
    },
  };
  // The registry is not an input Nx can hash, so a cached remote check could replay a stale verdict.
  const verifyRemote: TargetConfiguration = {
    executor: EXECUTORS.verifyRemote,
    cache: false,
    dependsOn: [names.buildTargetName],
    options: {},
    metadata: {
      description: describe(
        folder,
        `Check the extension rules on the image in its registry (the tag in ${distPath(folder.root, 'image.json')}, or the option image) and whether its digest equals the one in dist/; report at ${distPath(folder.root, 'verify-remote.json')} (never cached: the registry can change).`,
      ),
      technologies: TECHNOLOGIES,
    },
  };
  return {
    name: folder.name,
    targets: {
      [names.buildTargetName]: build,
      [names.verifyTargetName]: verify,
      [names.pushTargetName]: push,
      [names.verifyRemoteTargetName]: verifyRemote,
    },
    metadata: {
      technologies: TECHNOLOGIES,
      targetGroups: {
        'Docker extension': [
          names.buildTargetName,
          names.verifyTargetName,
          names.pushTargetName,
          names.verifyRemoteTargetName,
        ],
      },
    },
  };
}
