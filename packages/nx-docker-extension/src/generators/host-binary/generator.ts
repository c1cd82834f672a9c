import { formatFiles, logger, readJson, readNxJson, writeJson, type Tree } from '@nx/devkit';
import { posix } from 'node:path';
import {
  DockerfileError,
  findStage,
  finalStage,
  insertIntoFinalStage,
  insertStageBeforeFinal,
  parseDockerfile,
} from '../../dockerfile';
import type { ExtensionMetadata } from '../../extension/metadata';
import { registeredTargetNames } from '../init/generator';
import { extensionProjects, type ExtensionProject } from './find-extension-project';
import {
  existingHostPaths,
  finalStageCopies,
  HOST_OSES,
  hostBinaryStage,
  imagePath,
  sourceFiles,
  stageName,
  urlFor,
  withHostBinary,
  type HostBinaryPlan,
} from './host-binary-plan';
import type { HostBinaryGeneratorSchema, HostOs } from './schema';

const BUILD_EXECUTOR = 'nx-docker-extension:build';
const HOST_CPUS = ['amd64', 'arm64'];

export class HostBinaryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HostBinaryError';
  }
}

const BINARY_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

function checkOses(value: HostBinaryGeneratorSchema['os']): HostOs[] {
  const items = value === undefined ? HOST_OSES : (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(','));
  const oses = [...new Set(items.map((v) => v.trim()).filter(Boolean))];
  const unknown = oses.find((os) => !HOST_OSES.includes(os as HostOs));
  if (unknown !== undefined || oses.length === 0) {
    throw new HostBinaryError(
      `--os ${JSON.stringify(unknown ?? value)}: host binaries are for darwin, windows and linux; give one or more of those.`,
    );
  }
  return HOST_OSES.filter((os) => oses.includes(os)); // a stable order, whatever the input order
}

function checkUrl(template: string, plan: Omit<HostBinaryPlan, 'url'>): string {
  const bad = (why: string) => new HostBinaryError(`--url ${JSON.stringify(template)}: ${why}`);
  const has = (name: string) => new RegExp(`\\$\\{${name}\\}|\\$${name}(?![A-Za-z0-9_])`).test(template);
  if (plan.oses.length > 1 && !has('TARGETOS')) {
    throw bad('has no ${TARGETOS}, so every OS would get the same file; put ${TARGETOS} where the OS goes.');
  }
  if (plan.arches.length > 1 && !has('TARGETARCH')) {
    throw bad(
      'has no ${TARGETARCH}, so every architecture would get the same file; put ${TARGETARCH} where the CPU goes.',
    );
  }
  for (const os of plan.oses) {
    let url: URL | undefined;
    try {
      url = new URL(urlFor(template, os, 'amd64'));
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw bad('is not an http(s) URL template, e.g. https://example.com/v1/${TARGETOS}/${TARGETARCH}/tool${EXE}.');
    }
  }
  return template;
}

async function findProject(tree: Tree, name: string): Promise<ExtensionProject> {
  const projects = await extensionProjects(tree);
  const project = projects.find((p) => p.name === name);
  if (!project) {
    const known = projects.map((p) => `${p.name} (${p.root})`).join(', ');
    throw new HostBinaryError(
      `--project ${JSON.stringify(name)}: no extension project of that name (a folder with metadata.json and a Dockerfile). ${
        known ? `Extension projects here: ${known}.` : 'Generate one with `nx g nx-docker-extension:extension <name>`.'
      }`,
    );
  }
  return project;
}

function readMetadata(tree: Tree, root: string): ExtensionMetadata {
  const path = posix.join(root, 'metadata.json');
  let value: unknown;
  try {
    value = readJson(tree, path);
  } catch (e) {
    throw new HostBinaryError(`${path} is not JSON (${(e as Error).message}); fix it, then run the generator again.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HostBinaryError(`${path} is not a JSON object; fix it, then run the generator again.`);
  }
  return value as ExtensionMetadata;
}

function readArches(tree: Tree, root: string): string[] {
  const path = posix.join(root, 'package.json');
  const platforms: unknown = tree.exists(path) ? readJson(tree, path).dockerExtension?.platforms : undefined;
  const list = Array.isArray(platforms) && platforms.length ? platforms.map(String) : ['linux/amd64', 'linux/arm64'];
  const arches = [...new Set(list.map((p) => p.split('/')[1]).filter(Boolean))];
  // Docker Desktop runs on amd64 and arm64 hosts only: there is no darwin or windows build for another CPU.
  const other = list.filter((p) => !HOST_CPUS.includes(p.split('/')[1]));
  if (other.length) {
    throw new HostBinaryError(
      `${path} dockerExtension.platforms lists ${other.join(', ')}: host binaries exist only for Docker Desktop's CPUs (amd64, arm64), and every variant must carry them. Remove ${other.join(', ')} from the platforms, then run again.`,
    );
  }
  return arches;
}

type TargetOptions = { executor?: string; options?: { target?: unknown } };

function stageOption(target: TargetOptions | undefined): string | undefined {
  return typeof target?.options?.target === 'string' ? target.options.target : undefined;
}

/**
 * A `target` in the project's build options makes that stage the final one. Looked up as Nx merges it: the
 * project.json target (by the registered build target name, or any target running our build executor), then
 * nx.json targetDefaults (by target name, then by executor).
 */
function buildTarget(tree: Tree, root: string): string | undefined {
  const nxJson = readNxJson(tree);
  const name = registeredTargetNames(nxJson).buildTargetName;
  const path = posix.join(root, 'project.json');
  const targets: Record<string, TargetOptions> = tree.exists(path) ? (readJson(tree, path).targets ?? {}) : {};
  const fromProject =
    stageOption(targets[name]) ??
    Object.values(targets)
      .filter((t) => t.executor === BUILD_EXECUTOR)
      .map(stageOption)
      .find((stage) => stage !== undefined);
  if (fromProject) return fromProject;
  const defaults = (nxJson?.targetDefaults ?? {}) as Record<string, TargetOptions>;
  return stageOption(defaults[name]) ?? stageOption(defaults[BUILD_EXECUTOR]);
}

/** The edited Dockerfile: a stage before the final one, and the copies into the final one. */
function editDockerfile(path: string, text: string, plan: HostBinaryPlan, target: string | undefined): string {
  const df = parseDockerfile(text);
  try {
    if (df.problems.length > 0) {
      throw new DockerfileError(df.problems.map((p) => `line ${p.line}: ${p.message}`).join('; '));
    }
    finalStage(df, target);
    const clash = findStage(df, stageName(plan));
    if (clash) {
      throw new DockerfileError(
        `it already has a stage named '${stageName(plan)}' (line ${clash.startLine}); was ${plan.name} added before?`,
      );
    }
    const withStage = insertStageBeforeFinal(df, hostBinaryStage(plan), target);
    return insertIntoFinalStage(parseDockerfile(withStage), finalStageCopies(plan), 'after-last-copy', target);
  } catch (e) {
    if (!(e instanceof DockerfileError)) throw e;
    throw new HostBinaryError(`${path}: ${e.message}. Fix the Dockerfile, then run again.`);
  }
}

export async function hostBinaryGenerator(tree: Tree, schema: HostBinaryGeneratorSchema) {
  const name = schema.name?.trim() ?? '';
  if (!BINARY_NAME.test(name) || /\.exe$/i.test(name)) {
    throw new HostBinaryError(
      `--name ${JSON.stringify(schema.name)}: give the binary's file name without a folder or .exe (letters, digits, '.', '_', '-', '+'), e.g. kubectl.`,
    );
  }
  const oses = checkOses(schema.os);
  const project = await findProject(tree, schema.project);
  const metadata = readMetadata(tree, project.root);
  const arches = readArches(tree, project.root);
  const filesHaveWindowsArm64 = tree.exists(posix.join(project.root, `binaries/windows-arm64/${name}.exe`));
  const partial = { name, oses, arches, windowsArm64: schema.url ? !!schema.windowsArm64 : filesHaveWindowsArm64 };
  const plan: HostBinaryPlan = { ...partial, url: schema.url ? checkUrl(schema.url.trim(), partial) : undefined };

  const taken = oses.map((os) => imagePath(os, name)).filter((p) => existingHostPaths(metadata).includes(p));
  if (taken.length) {
    throw new HostBinaryError(
      `--name ${JSON.stringify(name)}: ${project.root}/metadata.json already lists ${taken.join(', ')}; choose another name or remove that entry.`,
    );
  }
  const dockerfilePath = posix.join(project.root, 'Dockerfile');
  const dockerfile = editDockerfile(
    dockerfilePath,
    tree.read(dockerfilePath, 'utf8') ?? '',
    plan,
    buildTarget(tree, project.root),
  );

  // Everything is known to work: only now write.
  tree.write(dockerfilePath, dockerfile);
  writeJson(tree, posix.join(project.root, 'metadata.json'), withHostBinary(metadata, plan));
  if (!plan.url) {
    const missing = sourceFiles(plan).filter((f) => !tree.exists(posix.join(project.root, f)));
    if (missing.length) {
      logger.warn(`Put the ${name} binaries in ${project.root} before building; missing: ${missing.join(', ')}.`);
    }
  }
  if (!schema.skipFormat) await formatFiles(tree);
}

export default hostBinaryGenerator;
