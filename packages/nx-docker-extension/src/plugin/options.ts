/** Options of the plugin entry in nx.json (`{ "plugin": "nx-docker-extension", "options": { … } }`). */
export interface DockerExtensionPluginOptions {
  /** Name of the inferred target that builds the image into dist/ (default `build`). */
  buildTargetName?: string;
  /** Name of the inferred target that checks the built image (default `verify`). */
  verifyTargetName?: string;
  /** Name of the inferred target that pushes the verified image (default `push`). */
  pushTargetName?: string;
  /** Name of the inferred, never-cached target that checks the image in its registry (default `verify-remote`). */
  verifyRemoteTargetName?: string;
}

export type TargetNames = Required<DockerExtensionPluginOptions>;

/** The inferred targets' names when nx.json does not rename them (the init generator writes these too). */
export const DEFAULT_TARGET_NAMES: TargetNames = {
  buildTargetName: 'build',
  verifyTargetName: 'verify',
  pushTargetName: 'push',
  verifyRemoteTargetName: 'verify-remote',
};

const TARGET_NAME = /^[a-zA-Z0-9][a-zA-Z0-9:_-]*$/;

/** The plugin options with defaults filled in; throws with the option's name when one is unusable. */
export function normalizeTargetNames(options: DockerExtensionPluginOptions | undefined): TargetNames {
  const names: TargetNames = {
    buildTargetName: options?.buildTargetName ?? DEFAULT_TARGET_NAMES.buildTargetName,
    verifyTargetName: options?.verifyTargetName ?? DEFAULT_TARGET_NAMES.verifyTargetName,
    pushTargetName: options?.pushTargetName ?? DEFAULT_TARGET_NAMES.pushTargetName,
    verifyRemoteTargetName: options?.verifyRemoteTargetName ?? DEFAULT_TARGET_NAMES.verifyRemoteTargetName,
  };
  for (const [option, value] of Object.entries(names)) {
    if (typeof value !== 'string' || !TARGET_NAME.test(value)) {
      throw new Error(
        `nx-docker-extension plugin option "${option}" in nx.json is ${JSON.stringify(value)}: use a target name made of letters, digits, '-' or '_'.`,
      );
    }
  }
  if (new Set(Object.values(names)).size !== Object.keys(names).length) {
    throw new Error(
      `nx-docker-extension plugin options ${Object.keys(names).join(', ')} in nx.json must differ; got ${Object.values(names).join(', ')}.`,
    );
  }
  return names;
}
