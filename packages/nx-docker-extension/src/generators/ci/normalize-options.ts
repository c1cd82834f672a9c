import { readNxJson, type Tree } from '@nx/devkit';
import { registeredTargetNames } from '../init/generator';
import type { CiGeneratorSchema } from './schema';

export interface NormalizedCiOptions {
  fileName: string;
  workflowPath: string;
  mainBranch: string;
  registry?: string;
  usernameSecret: string;
  passwordSecret: string;
  nodeVersion: string;
  verifyTargetName: string;
  pushTargetName: string;
}

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
// GitHub secret names: letters, digits and underscores, not starting with a digit or GITHUB_.
const SECRET_NAME = /^(?!GITHUB_)[A-Za-z_][A-Za-z0-9_]*$/i;
const BRANCH = /^(?!\/|.*\/$|.*\.\.|.*\/\/)[A-Za-z0-9._/-]+$/;
const REGISTRY = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/i;
const NODE_VERSION = /^(\d+(\.(\d+|x))*|lts\/\*|lts\/[a-z]+|latest|node)$/;

function check(valid: boolean, option: string, value: string, what: string): void {
  if (!valid) throw new Error(`--${option} '${value}' is not valid: ${what}.`);
}

/** Options checked and defaulted before anything is written, each error naming its option. */
export function normalizeOptions(tree: Tree, schema: CiGeneratorSchema): NormalizedCiOptions {
  const nxJson = readNxJson(tree);
  const fileName = schema.name ?? 'docker-extensions';
  const mainBranch = schema.mainBranch ?? nxJson?.defaultBase ?? 'main';
  const usernameSecret = schema.usernameSecret ?? 'REGISTRY_USERNAME';
  const passwordSecret = schema.passwordSecret ?? 'REGISTRY_PASSWORD';
  const nodeVersion = schema.nodeVersion ?? '20';
  const registry = schema.registry?.trim() || undefined;

  check(
    FILE_NAME.test(fileName),
    'name',
    fileName,
    "use letters, digits, '-' or '_' (the file is .github/workflows/<name>.yml)",
  );
  check(BRANCH.test(mainBranch), 'mainBranch', mainBranch, 'use a git branch name such as main');
  check(SECRET_NAME.test(usernameSecret), 'usernameSecret', usernameSecret, 'use a GitHub secret name (A-Z, 0-9, _)');
  check(SECRET_NAME.test(passwordSecret), 'passwordSecret', passwordSecret, 'use a GitHub secret name (A-Z, 0-9, _)');
  check(NODE_VERSION.test(nodeVersion), 'nodeVersion', nodeVersion, 'use a Node.js version such as 20, 22.x or lts/*');
  if (registry !== undefined) {
    check(
      REGISTRY.test(registry),
      'registry',
      registry,
      'use a registry host such as ghcr.io or registry.example.com:5000',
    );
  }
  const workflowPath = `.github/workflows/${fileName}.yml`;
  if (tree.exists(workflowPath)) {
    throw new Error(`${workflowPath} already exists. Delete it first, or pass --name to write another workflow.`);
  }
  const names = registeredTargetNames(nxJson);
  return {
    fileName,
    workflowPath,
    mainBranch,
    registry,
    usernameSecret,
    passwordSecret,
    nodeVersion,
    verifyTargetName: names.verifyTargetName,
    pushTargetName: names.pushTargetName,
  };
}
