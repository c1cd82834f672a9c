import {
  formatFiles,
  generateFiles,
  installPackagesTask,
  joinPathFragments,
  logger,
  readNxJson,
  writeJson,
  type GeneratorCallback,
  type Tree,
} from '@nx/devkit';
import { join } from 'node:path';
import { findPluginEntry, initGenerator, PLUGIN_NAME, registeredTargetNames } from '../init/generator';
import { extensionLabels, labelInstruction } from './extension-labels';
import { COMPOSE_FILE, extensionMetadata, ICON_FILE } from './extension-metadata';
import { normalizeOptions, type NormalizedExtensionOptions } from './normalize-options';
import type { ExtensionGeneratorSchema } from './schema';
import { addUiToWorkspaces } from './ui-workspace';
import { ALPINE_TAG, GO_MOD_VERSION, GOLANG_TAG, UI_VERSIONS } from './versions';

/** The contract with the targets and the Makefile: the one place for name, version and image. */
export function extensionPackageJson(o: NormalizedExtensionOptions) {
  return {
    name: o.name,
    version: o.version,
    private: true,
    dockerExtension: { image: o.image, platforms: o.platforms },
  };
}

function templateValues(o: NormalizedExtensionOptions) {
  return {
    ...o,
    tmpl: '',
    dot: '.',
    description: o.description ?? '',
    labels: labelInstruction(extensionLabels(o)),
    alpineTag: ALPINE_TAG,
    golangTag: GOLANG_TAG,
    goModVersion: GO_MOD_VERSION,
    goModule: `${o.name.replace(/[^a-z0-9._-]/g, '-')}/backend`,
    iconFile: ICON_FILE,
    composeFile: COMPOSE_FILE,
    uiProjectName: o.uiProject?.name ?? '',
    socket: o.socket ?? '',
    // JSX text: an expression with a JSON string cannot break out of the element.
    jsTitle: `{${JSON.stringify(o.title)}}`,
    jsDescription: `{${JSON.stringify(o.description ?? 'A Docker Desktop extension.')}}`,
  };
}

function writeUiProject(tree: Tree, o: NormalizedExtensionOptions) {
  const ui = o.uiProject!;
  writeJson(tree, joinPathFragments(ui.root, 'package.json'), {
    name: ui.name,
    version: o.version,
    private: true,
    type: 'module',
    scripts: { build: 'vite build', dev: 'vite' },
    dependencies: {
      '@docker/extension-api-client': ui.clientVersion,
      react: UI_VERSIONS.react,
      'react-dom': UI_VERSIONS.reactDom,
    },
    devDependencies: {
      '@types/react': UI_VERSIONS.typesReact,
      '@types/react-dom': UI_VERSIONS.typesReactDom,
      '@vitejs/plugin-react': UI_VERSIONS.vitePluginReact,
      vite: UI_VERSIONS.vite,
    },
  });
  // project.json makes the folder a project wherever it sits; Nx merges the package.json scripts in.
  writeJson(tree, joinPathFragments(ui.root, 'project.json'), {
    name: ui.name,
    $schema: `${o.offsetFromRoot}../node_modules/nx/schemas/project-schema.json`,
    projectType: 'application',
    sourceRoot: `${ui.root}/src`,
    tags: ['docker-extension-ui'],
    targets: {
      build: {
        cache: true,
        inputs: ['{projectRoot}/**/*', '!{projectRoot}/dist/**/*', '!{projectRoot}/node_modules/**/*'],
        outputs: ['{projectRoot}/dist'],
      },
    },
  });
}

/** Without the inference plugin (useInferencePlugins: false) the targets are written out instead. */
function writeProjectJson(tree: Tree, o: NormalizedExtensionOptions) {
  const names = registeredTargetNames(readNxJson(tree));
  writeJson(tree, joinPathFragments(o.projectRoot, 'project.json'), {
    name: o.name,
    $schema: `${o.offsetFromRoot}node_modules/nx/schemas/project-schema.json`,
    projectType: 'application',
    ...(o.uiProject ? { implicitDependencies: [o.uiProject.name] } : {}),
    targets: {
      [names.buildTargetName]: { executor: `${PLUGIN_NAME}:build` },
      [names.verifyTargetName]: { executor: `${PLUGIN_NAME}:verify` },
      [names.pushTargetName]: { executor: `${PLUGIN_NAME}:push` },
      [names.verifyRemoteTargetName]: { executor: `${PLUGIN_NAME}:verify-remote` },
    },
  });
}

export async function extensionGenerator(tree: Tree, schema: ExtensionGeneratorSchema): Promise<GeneratorCallback> {
  const o = normalizeOptions(tree, schema); // every check first: a failed generator writes nothing
  await initGenerator(tree, { skipFormat: true });

  const values = templateValues(o);
  generateFiles(tree, join(__dirname, 'files/extension'), o.projectRoot, values);
  writeJson(tree, joinPathFragments(o.projectRoot, 'metadata.json'), extensionMetadata(o));
  writeJson(tree, joinPathFragments(o.projectRoot, 'package.json'), extensionPackageJson(o));
  if (o.ui === 'html') generateFiles(tree, join(__dirname, 'files/ui-html'), o.projectRoot, values);
  if (o.backend === 'go') generateFiles(tree, join(__dirname, 'files/backend-go'), o.projectRoot, values);
  if (!findPluginEntry(readNxJson(tree) ?? {})) writeProjectJson(tree, o);

  let install: GeneratorCallback | undefined;
  if (o.uiProject) {
    generateFiles(tree, join(__dirname, 'files/ui-react'), o.projectRoot, values);
    writeUiProject(tree, o);
    const membership = addUiToWorkspaces(tree, o.uiProject.root);
    const uiRoot = o.uiProject.root;
    if (!o.skipInstall) {
      install = () =>
        membership === 'standalone' ? installPackagesTask(tree, true, uiRoot) : installPackagesTask(tree, true);
    } else {
      logger.info(`Run your package manager's install to fetch the UI's packages (${uiRoot}/package.json).`);
    }
  }

  if (!o.skipFormat) await formatFiles(tree);
  return () => install?.();
}

export default extensionGenerator;
