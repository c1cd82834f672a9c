import {
  formatFiles,
  logger,
  readNxJson,
  updateNxJson,
  type NxJsonConfiguration,
  type TargetConfiguration,
  type Tree,
} from '@nx/devkit';
import { DEFAULT_TARGET_NAMES, type TargetNames } from '../../plugin/options';
import type { InitGeneratorSchema } from './schema';

export const PLUGIN_NAME = 'nx-docker-extension';

export type { TargetNames };

const TARGET_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;

/** Target names from the options, checked before anything is written. */
export function targetNames(schema: InitGeneratorSchema): TargetNames {
  const names: TargetNames = {
    buildTargetName: schema.buildTargetName ?? DEFAULT_TARGET_NAMES.buildTargetName,
    verifyTargetName: schema.verifyTargetName ?? DEFAULT_TARGET_NAMES.verifyTargetName,
    pushTargetName: schema.pushTargetName ?? DEFAULT_TARGET_NAMES.pushTargetName,
    verifyRemoteTargetName: schema.verifyRemoteTargetName ?? DEFAULT_TARGET_NAMES.verifyRemoteTargetName,
  };
  for (const [option, value] of Object.entries(names)) {
    if (!TARGET_NAME.test(value)) {
      throw new Error(
        `--${option} '${value}' is not a valid target name: use letters, digits, '-' or '_' (e.g. 'docker-${option.replace('TargetName', '')}').`,
      );
    }
  }
  const values = Object.values(names);
  if (new Set(values).size !== values.length) {
    throw new Error(
      `--buildTargetName, --verifyTargetName, --pushTargetName and --verifyRemoteTargetName must differ; got ${values.join(', ')}.`,
    );
  }
  return names;
}

/** Nx's own rule for inference plugins: on unless the workspace or the environment turned them off. */
export function shouldAddPlugin(nxJson: NxJsonConfiguration, schema: InitGeneratorSchema): boolean {
  if (schema.addPlugin !== undefined) return schema.addPlugin;
  return process.env.NX_ADD_PLUGINS !== 'false' && nxJson.useInferencePlugins !== false;
}

export function findPluginEntry(nxJson: NxJsonConfiguration) {
  return (nxJson.plugins ?? []).find((p) => (typeof p === 'string' ? p : p.plugin) === PLUGIN_NAME);
}

/** Registered target names (from the plugin entry's options), or the defaults. */
export function registeredTargetNames(nxJson: NxJsonConfiguration | null): TargetNames {
  const entry = nxJson ? findPluginEntry(nxJson) : undefined;
  const options = (entry && typeof entry !== 'string' ? entry.options : undefined) as Partial<TargetNames> | undefined;
  return targetNames(options ?? {});
}

/** Defaults for targets that name our executors in a project.json, so they cache and order like inferred ones. */
export function executorTargetDefaults(names: TargetNames): Record<string, Partial<TargetConfiguration>> {
  return {
    [`${PLUGIN_NAME}:build`]: {
      cache: true,
      dependsOn: ['^build'],
      outputs: ['{workspaceRoot}/dist/{projectRoot}/image', '{workspaceRoot}/dist/{projectRoot}/image.json'],
    },
    [`${PLUGIN_NAME}:verify`]: {
      cache: true,
      dependsOn: [names.buildTargetName],
      outputs: ['{workspaceRoot}/dist/{projectRoot}/verify.json'],
    },
    // Pushing is a side effect, and a registry is no input Nx can hash: never restored from cache.
    [`${PLUGIN_NAME}:push`]: { cache: false, dependsOn: [names.verifyTargetName] },
    [`${PLUGIN_NAME}:verify-remote`]: { cache: false, dependsOn: [names.buildTargetName] },
  };
}

/** `nx add nx-docker-extension` runs this (Nx calls the package's `init` generator). Idempotent. */
export async function initGenerator(tree: Tree, schema: InitGeneratorSchema = {}) {
  const names = targetNames(schema);
  const nxJson: NxJsonConfiguration = readNxJson(tree) ?? {};
  let changed = false;

  const existing = findPluginEntry(nxJson);
  if (shouldAddPlugin(nxJson, schema) && !existing) {
    nxJson.plugins = [...(nxJson.plugins ?? []), { plugin: PLUGIN_NAME, options: { ...names } }];
    changed = true;
  }
  // Names already registered stay (renaming targets is an edit of nx.json, not a side effect of a re-run).
  const registered = existing ? registeredTargetNames(nxJson) : names;
  const ignored = (Object.keys(names) as (keyof TargetNames)[]).filter(
    (key) => schema[key] !== undefined && schema[key] !== registered[key],
  );
  if (existing && ignored.length > 0) {
    logger.warn(
      `nx-docker-extension is already registered in nx.json; ${ignored.map((k) => `--${k}`).join(', ')} left as registered (${ignored.map((k) => registered[k]).join(', ')}). Edit the plugin entry's options in nx.json to rename targets.`,
    );
  }
  nxJson.targetDefaults ??= {};
  for (const [key, value] of Object.entries(executorTargetDefaults(registered))) {
    if (nxJson.targetDefaults[key]) continue; // the user's own defaults win
    nxJson.targetDefaults[key] = value;
    changed = true;
  }
  if (changed) updateNxJson(tree, nxJson);
  if (!schema.skipFormat) await formatFiles(tree);
}

export default initGenerator;
