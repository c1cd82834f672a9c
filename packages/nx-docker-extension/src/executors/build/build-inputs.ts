import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { BuildOptionsError, type BuildPlan, type ProjectFacts } from './build-plan';

/** The project as Nx knows it, plus its package.json (beside the Dockerfile) when there is one. */
export async function readProjectFacts(context: ExecutorContext, env = process.env): Promise<ProjectFacts> {
  const name = context.projectName;
  const project = name ? context.projectsConfigurations?.projects[name] : undefined;
  if (!name || !project)
    throw new BuildOptionsError('The build executor needs a project; run it as nx run <project>:build.');
  const path = join(context.root, project.root, 'package.json');
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    text = undefined;
  }
  let packageJson: unknown;
  if (text !== undefined) {
    try {
      packageJson = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (e) {
      throw new BuildOptionsError(
        `${name}: ${join(project.root, 'package.json')} is not valid JSON (${(e as Error).message}).`,
      );
    }
  }
  return { name, root: project.root || '.', packageJson, sourceDateEpoch: env.SOURCE_DATE_EPOCH || undefined };
}

async function kind(path: string): Promise<'file' | 'dir' | 'missing'> {
  try {
    return (await stat(path)).isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}

/** `~/x` and workspace-relative paths, as buildx would not resolve them the way a user means. */
export function resolveUserPath(path: string, workspaceRoot: string): string {
  if (path === '~' || path.startsWith('~/')) return join(homedir(), path.slice(1));
  return isAbsolute(path) ? path : join(workspaceRoot, path);
}

export interface BuildInputs {
  dockerfileText: string;
  /** Secrets with `src` resolved to absolute paths. */
  secrets: BuildPlan['secrets'];
}

/**
 * Checks the files and variables the plan names, before any work; returns the Dockerfile's text.
 * Secret values are never read or printed, only whether they exist.
 */
export async function checkBuildInputs(
  plan: BuildPlan,
  workspaceRoot: string,
  env = process.env,
): Promise<BuildInputs> {
  const dockerfile = join(workspaceRoot, plan.dockerfile);
  if ((await kind(dockerfile)) !== 'file') {
    throw new BuildOptionsError(
      `${plan.project}: Dockerfile ${plan.dockerfile} does not exist. Create it, or point the build option "dockerfile" at it.`,
    );
  }
  if ((await kind(join(workspaceRoot, plan.context))) !== 'dir') {
    throw new BuildOptionsError(
      `${plan.project}: build context ${plan.context} is not a folder. Set the build option "context".`,
    );
  }
  const secrets: BuildPlan['secrets'] = {};
  for (const [id, source] of Object.entries(plan.secrets)) {
    secrets[id] = source;
    if (source.env !== undefined && env[source.env] === undefined) {
      throw new BuildOptionsError(
        `${plan.project}: secret '${id}' comes from the environment variable ${source.env}, which is not set. Export it before the build.`,
      );
    }
    if (source.src !== undefined) {
      const path = resolveUserPath(source.src, workspaceRoot);
      if ((await kind(path)) !== 'file') {
        throw new BuildOptionsError(
          `${plan.project}: secret '${id}' file ${source.src} does not exist (looked at ${path}).`,
        );
      }
      secrets[id] = { src: path };
    }
  }
  const output = join(workspaceRoot, plan.outputPath);
  const outputKind = await kind(output);
  if (outputKind === 'file' || (outputKind === 'dir' && (await kind(join(output, 'oci-layout'))) !== 'file')) {
    throw new BuildOptionsError(
      `${plan.project}: ${plan.outputPath} exists and is not an OCI image layout; the build replaces that folder, so it stops here. ` +
        `Remove it or choose another "outputPath".`,
    );
  }
  return { dockerfileText: await readFile(dockerfile, 'utf8'), secrets };
}
