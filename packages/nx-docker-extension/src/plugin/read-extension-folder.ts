import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DockerignoreError, DockerignoreMatcher, readDockerignore } from '../dockerignore';
import { finalStage, parseDockerfile } from '../dockerfile';
import type { ExtensionFolder } from './extension-folder';

export const DOCKERFILE = 'Dockerfile';
// BuildKit prefers `<Dockerfile>.dockerignore` beside the Dockerfile over the context's `.dockerignore`.
export const DOCKERIGNORE_FILES = [`${DOCKERFILE}.dockerignore`, '.dockerignore'] as const;

/** The files of an extension folder the plugin reads (undefined: not there). */
export interface ExtensionFiles {
  dockerfile?: string;
  metadata?: string;
  packageJson?: string;
  projectJson?: string;
  ignoreFile?: { name: string; text: string };
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Reads the few small files the targets depend on; the only I/O of inference besides listing files. */
export function readExtensionFiles(workspaceRoot: string, root: string): ExtensionFiles {
  const dir = join(workspaceRoot, root);
  let present: Set<string>;
  try {
    present = new Set(readdirSync(dir));
  } catch {
    return {};
  }
  if (!present.has(DOCKERFILE)) return {}; // not an extension folder: nothing else is read
  // One directory listing instead of a failed open per absent file: inference runs on every graph computation.
  const read = (name: string) => (present.has(name) ? readText(join(dir, name)) : undefined);
  const files: ExtensionFiles = {
    dockerfile: read(DOCKERFILE),
    metadata: read('metadata.json'),
    packageJson: read('package.json'),
    projectJson: read('project.json'),
  };
  const ignoreName = DOCKERIGNORE_FILES.find((name) => present.has(name));
  const ignoreText = ignoreName ? read(ignoreName) : undefined;
  if (ignoreName && ignoreText !== undefined) files.ignoreFile = { name: ignoreName, text: ignoreText };
  return files;
}

function parseJson(text: string): { value?: unknown; error?: string } {
  try {
    return { value: JSON.parse(text.replace(/^\uFEFF/, '')) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** Why the Dockerfile cannot be built, in one sentence per problem; empty when it parses. */
export function dockerfileProblems(text: string): string[] {
  const df = parseDockerfile(text);
  const problems = df.problems.map((p) => `${DOCKERFILE} line ${p.line}: ${p.message}.`);
  if (problems.length === 0) {
    try {
      finalStage(df);
    } catch (e) {
      problems.push(`${DOCKERFILE}: ${(e as Error).message}.`);
    }
  }
  return problems;
}

/** The ignore patterns Docker would apply, or why Docker would refuse the file. */
export function readIgnoreFile(text: string): { patterns?: string[]; problem?: string } {
  const patterns = readDockerignore(text);
  try {
    new DockerignoreMatcher(patterns);
    return { patterns };
  } catch (e) {
    if (e instanceof DockerignoreError) return { problem: e.message };
    throw e;
  }
}

/**
 * What the targets need from an extension folder's files: its name (project.json `name`, else
 * package.json `name`, else the folder's name), the image settings from package.json, the
 * ignore file, and every problem that will make build fail. Never throws for a bad file: a
 * broken folder still becomes a project whose targets say what is wrong.
 */
export function describeExtensionFolder(
  root: string,
  files: ExtensionFiles,
  workspaceName: string,
): { folder: ExtensionFolder; ignorePatterns?: string[] } {
  const problems: string[] = [];
  let name = basename(root === '.' ? workspaceName : root);
  let nameFrom: ExtensionFolder['nameFrom'] = 'folder';
  const folder: Omit<ExtensionFolder, 'name' | 'nameFrom' | 'problems'> = { root };

  if (files.packageJson !== undefined) {
    const { value, error } = parseJson(files.packageJson);
    if (error || !isObject(value)) {
      problems.push(`package.json is not a JSON object (${error ?? 'found ' + typeof value}); fix it or remove it.`);
    } else {
      const packageName = stringOf(value.name);
      if (packageName) [name, nameFrom] = [packageName, 'package.json'];
      folder.version = stringOf(value.version);
      const settings = value.dockerExtension;
      if (isObject(settings)) {
        folder.image = stringOf(settings.image);
        if (Array.isArray(settings.platforms)) {
          folder.platforms = settings.platforms.filter((p): p is string => typeof p === 'string');
        }
      }
    }
  }
  if (files.projectJson !== undefined) {
    const { value } = parseJson(files.projectJson);
    const projectName = isObject(value) ? stringOf(value.name) : undefined;
    if (projectName) [name, nameFrom] = [projectName, 'project.json'];
  }
  if (files.metadata !== undefined) {
    const { value, error } = parseJson(files.metadata);
    if (error) problems.push(`metadata.json is not valid JSON (${error}).`);
    else if (!isObject(value)) problems.push(`metadata.json must be a JSON object, found ${JSON.stringify(value)}.`);
  }
  if (files.dockerfile === undefined) problems.push(`${DOCKERFILE} cannot be read.`);
  else problems.push(...dockerfileProblems(files.dockerfile));

  let ignorePatterns: string[] | undefined = [];
  if (files.ignoreFile) {
    folder.dockerignoreFile = files.ignoreFile.name;
    const read = readIgnoreFile(files.ignoreFile.text);
    ignorePatterns = read.patterns;
    if (read.problem) problems.push(`${files.ignoreFile.name}: ${read.problem}; Docker refuses it.`);
  }
  return { folder: { ...folder, name, nameFrom, problems }, ignorePatterns };
}
