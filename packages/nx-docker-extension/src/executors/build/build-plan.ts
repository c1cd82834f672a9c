import { posix } from 'node:path';
import type { BuildxBuildOptions, Progress, SecretSource } from '../../buildx/build-args';
import { imageSummaryPath } from '../../oci/image-summary';
import { ImageReferenceError, parseImageReference } from '../../registry/image-reference';
import type { BuildExecutorSchema } from './schema';

export const DEFAULT_PLATFORMS = ['linux/amd64', 'linux/arm64'];

/** A bad option or project file: the message names the project, the option or file, and what to do. */
export class BuildOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BuildOptionsError';
  }
}

/** What the build knows about the project before it looks at options. */
export interface ProjectFacts {
  name: string;
  /** Project root relative to the workspace root (`packages/my-ext`, or `.`). */
  root: string;
  /** package.json beside the Dockerfile, parsed; undefined when there is none (a `docker extension init` folder). */
  packageJson?: unknown;
  /** SOURCE_DATE_EPOCH from the environment, when set. */
  sourceDateEpoch?: string;
}

/** Options resolved against the project: everything the executor needs, paths relative to the workspace root. */
export interface BuildPlan {
  project: string;
  dockerfile: string;
  context: string;
  platforms: string[];
  tags: string[];
  outputPath: string;
  summaryPath: string;
  buildArgs: Record<string, string>;
  buildContexts: Record<string, string>;
  secrets: Record<string, SecretSource>;
  target?: string;
  builder?: string;
  cacheFrom: string[];
  cacheTo: string[];
  provenance: NonNullable<BuildxBuildOptions['provenance']>;
  sbom: boolean;
  load: boolean;
  pull: boolean;
  noCache: boolean;
  progress?: Progress;
  verbose: boolean;
  rewriteTimestamp: boolean;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Platforms: at least one, each `linux/<arch>[/<variant>]`, no duplicates. */
export function checkPlatforms(platforms: unknown, where: string): string[] {
  if (!Array.isArray(platforms) || platforms.length === 0) {
    throw new BuildOptionsError(
      `${where} is empty. An extension needs at least linux/amd64 and linux/arm64 (Docker Desktop pulls the variant for the user's CPU).`,
    );
  }
  const seen = new Set<string>();
  for (const p of platforms) {
    if (typeof p !== 'string' || !/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(p)) {
      throw new BuildOptionsError(
        `${where}: '${String(p)}' is not a platform. Write os/arch[/variant], e.g. linux/arm64.`,
      );
    }
    if (!p.startsWith('linux/')) {
      throw new BuildOptionsError(
        `${where}: '${p}' is not a Linux platform; Docker Desktop extensions are Linux images.`,
      );
    }
    if (seen.has(p)) throw new BuildOptionsError(`${where}: '${p}' is listed twice.`);
    seen.add(p);
  }
  return platforms as string[];
}

/** A tag must be a full reference with a tag and no digest: `[registry/]repository:tag`. */
export function checkTag(tag: unknown, where: string): string {
  if (typeof tag !== 'string')
    throw new BuildOptionsError(`${where}: expected a string, found ${JSON.stringify(tag)}.`);
  let ref;
  try {
    ref = parseImageReference(tag);
  } catch (e) {
    if (e instanceof ImageReferenceError) throw new BuildOptionsError(`${where}: ${e.message}`);
    throw e;
  }
  if (ref.digest) {
    throw new BuildOptionsError(
      `${where}: '${tag}' names a digest; a build tags images with name:tag, e.g. acme/my-ext:1.0.0.`,
    );
  }
  if (!ref.tag) {
    throw new BuildOptionsError(
      `${where}: '${tag}' has no tag (Docker would use 'latest', which is not a release). Add the version, e.g. ${tag}:1.0.0.`,
    );
  }
  return tag;
}

/** Tags from options, else `<dockerExtension.image>:<version>` from package.json. */
function planTags(options: BuildExecutorSchema, project: ProjectFacts): string[] {
  if (options.tags !== undefined) {
    if (options.tags.length === 0)
      throw new BuildOptionsError(`${project.name}: option tags is empty; give at least one image:tag.`);
    return options.tags.map((t, i) => checkTag(t, `${project.name}: option tags[${i}]`));
  }
  const file = posix.join(project.root, 'package.json');
  const fix = `or set the build option "tags", e.g. ["acme/${project.name}:0.1.0"].`;
  if (project.packageJson === undefined) {
    throw new BuildOptionsError(
      `${project.name}: no image to tag. ${file} does not exist; create it with "version" and "dockerExtension": { "image": "acme/${project.name}" }, ${fix}`,
    );
  }
  const pkg = project.packageJson as { version?: unknown; dockerExtension?: { image?: unknown } };
  const image = pkg.dockerExtension?.image;
  if (typeof image !== 'string' || image.trim() === '') {
    throw new BuildOptionsError(`${project.name}: ${file} has no "dockerExtension": { "image": "…" }; add it, ${fix}`);
  }
  if (typeof pkg.version !== 'string' || pkg.version.trim() === '') {
    throw new BuildOptionsError(`${project.name}: ${file} has no "version"; add one (e.g. "0.1.0"), ${fix}`);
  }
  let ref;
  try {
    ref = parseImageReference(image);
  } catch (e) {
    throw new BuildOptionsError(`${project.name}: ${file} dockerExtension.image: ${(e as Error).message}`);
  }
  if (ref.tag || ref.digest) {
    throw new BuildOptionsError(
      `${project.name}: ${file} dockerExtension.image '${image}' includes a ${ref.tag ? 'tag' : 'digest'}; write the repository only (the tag comes from "version").`,
    );
  }
  return [checkTag(`${image}:${pkg.version}`, `${project.name}: ${file} dockerExtension.image + version`)];
}

/** Nx splits a comma list given on the command line; rejoin `type=registry` + `ref=…` pieces of one cache spec. */
export function joinCacheSpecs(items: string[] | undefined): string[] {
  const out: string[] = [];
  for (const item of items ?? []) {
    const key = /^([a-z-]+)=/.exec(item)?.[1];
    if (key && key !== 'type' && out.length > 0 && out[out.length - 1].includes('=')) out[out.length - 1] += `,${item}`;
    else out.push(item);
  }
  return out;
}

function checkSecrets(secrets: BuildExecutorSchema['secrets'], project: string): Record<string, SecretSource> {
  const out: Record<string, SecretSource> = {};
  for (const [id, source] of Object.entries(secrets ?? {})) {
    const where = `${project}: option secrets.${id}`;
    if (!/^[A-Za-z0-9_.-]+$/.test(id)) {
      throw new BuildOptionsError(
        `${project}: option secrets: id '${id}' may only hold letters, digits, '_', '.', '-'.`,
      );
    }
    if (!isObject(source) || (source.src === undefined) === (source.env === undefined)) {
      throw new BuildOptionsError(`${where}: give exactly one of { "src": "<file>" } or { "env": "<VARIABLE>" }.`);
    }
    if (source.env !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(source.env)) {
      throw new BuildOptionsError(`${where}: env '${source.env}' is not an environment variable name.`);
    }
    if (source.src !== undefined && source.src.trim() === '') throw new BuildOptionsError(`${where}: src is empty.`);
    out[id] = source.env !== undefined ? { env: source.env } : { src: source.src };
  }
  return out;
}

function checkNames(
  record: Record<string, string> | undefined,
  option: string,
  project: string,
): Record<string, string> {
  for (const [name, value] of Object.entries(record ?? {})) {
    if (name === '' || /[=\s]/.test(name)) {
      throw new BuildOptionsError(
        `${project}: option ${option}: name '${name}' may not be empty or hold '=' or spaces.`,
      );
    }
    if (typeof value !== 'string') {
      throw new BuildOptionsError(
        `${project}: option ${option}.${name}: expected a string, found ${JSON.stringify(value)}.`,
      );
    }
    if (option === 'buildContexts' && value.trim() === '') {
      throw new BuildOptionsError(`${project}: option buildContexts.${name} is empty.`);
    }
  }
  return { ...(record ?? {}) };
}

function checkOutputPath(outputPath: string, plan: Pick<BuildPlan, 'project' | 'dockerfile' | 'context'>): string {
  const normal = posix.normalize(outputPath.replace(/\\/g, '/')).replace(/\/+$/, '');
  const inside = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);
  if (posix.isAbsolute(normal) || normal === '.' || normal === '..' || normal.startsWith('../')) {
    throw new BuildOptionsError(
      `${plan.project}: option outputPath '${outputPath}' must be a folder inside the workspace (it is replaced on every build), e.g. dist/<projectRoot>/image.`,
    );
  }
  const context = posix.normalize(plan.context);
  if (inside(context, normal) || inside(posix.normalize(plan.dockerfile), normal)) {
    throw new BuildOptionsError(
      `${plan.project}: option outputPath '${outputPath}' holds the build context or Dockerfile, and is replaced on every build; choose a folder under dist/.`,
    );
  }
  return normal;
}

/**
 * Resolves options against the project (package.json beside the Dockerfile) and checks every value before
 * any work. Pure: file existence is checked by the executor.
 */
export function planBuild(options: BuildExecutorSchema, project: ProjectFacts): BuildPlan {
  const root = project.root === '' ? '.' : project.root;
  const pkg = project.packageJson;
  if (pkg !== undefined && !isObject(pkg)) {
    throw new BuildOptionsError(`${project.name}: ${posix.join(root, 'package.json')} is not a JSON object.`);
  }
  const pkgPlatforms = isObject(pkg) && isObject(pkg.dockerExtension) ? pkg.dockerExtension.platforms : undefined;
  const platforms =
    options.platforms !== undefined
      ? checkPlatforms(options.platforms, `${project.name}: option platforms`)
      : pkgPlatforms !== undefined
        ? checkPlatforms(pkgPlatforms, `${project.name}: ${posix.join(root, 'package.json')} dockerExtension.platforms`)
        : DEFAULT_PLATFORMS;
  if (project.sourceDateEpoch !== undefined && !/^\d+$/.test(project.sourceDateEpoch)) {
    throw new BuildOptionsError(
      `SOURCE_DATE_EPOCH='${project.sourceDateEpoch}' is not a number of seconds since 1970 (e.g. $(git log -1 --format=%ct)).`,
    );
  }
  const base = {
    project: project.name,
    dockerfile: posix.normalize(options.dockerfile ?? posix.join(root, 'Dockerfile')),
    context: posix.normalize(options.context ?? root),
  };
  const outputPath = checkOutputPath(options.outputPath ?? posix.join('dist', root, 'image'), base);
  if (options.target !== undefined && options.target.trim() === '') {
    throw new BuildOptionsError(`${project.name}: option target is empty; leave it out to build the last stage.`);
  }
  return {
    ...base,
    platforms,
    tags: planTags(options, { ...project, root }),
    outputPath,
    summaryPath: imageSummaryPath(outputPath),
    buildArgs: checkNames(options.buildArgs, 'buildArgs', project.name),
    buildContexts: checkNames(options.buildContexts, 'buildContexts', project.name),
    secrets: checkSecrets(options.secrets, project.name),
    target: options.target,
    builder: options.builder || undefined,
    cacheFrom: joinCacheSpecs(options.cacheFrom),
    cacheTo: joinCacheSpecs(options.cacheTo),
    provenance: options.provenance ?? false,
    sbom: options.sbom ?? false,
    load: options.load ?? false,
    pull: options.pull ?? false,
    noCache: options.noCache ?? false,
    progress: options.progress,
    verbose: options.verbose ?? false,
    rewriteTimestamp: project.sourceDateEpoch !== undefined,
  };
}
