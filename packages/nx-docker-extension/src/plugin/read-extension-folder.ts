import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DockerignoreError, readDockerignore, DockerignoreMatcher } from '../dockerignore';
import { finalStage, parseDockerfile } from '../dockerfile';
import type { ExtensionFolder } from './extension-folder';

export const DOCKERFILE = 'Dockerfile';
// BuildKit prefers `<Dockerfile>.dockerignore` beside the Dockerfile over the context's `.dockerignore`.
export const DOCKERIGNORE_FILES = [`${DOCKERFILE}.dockerignore`, '.dockerignore'] as const;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
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

/** The ignore patterns Docker would apply, or why they cannot be used. */
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
 * Reads what the targets need from an extension folder: its name (project.json `name`, else
 * package.json `name`, else the folder's name), the image settings from package.json, the ignore
 * file, and every problem that will make build fail. Never throws for a bad file: a broken folder
 * still becomes a project whose targets say what is wrong.
 */
export function readExtensionFolder(
  workspaceRoot: string,
  root: string,
): { folder: ExtensionFolder; ignorePatterns?: string[] } {
  const dir = join(workspaceRoot, root);
  const problems: string[] = [];
  const folderName = basename(root === '.' ? workspaceRoot : root);
  let name = folderName;
  let nameFrom: ExtensionFolder['nameFrom'] = 'folder';
  const folder: Omit<ExtensionFolder, 'name' | 'nameFrom' | 'problems'> = { root };

  const packageText = readText(join(dir, 'package.json'));
  if (packageText !== undefined) {
    const { value, error } = parseJson(packageText);
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
  const projectText = readText(join(dir, 'project.json'));
  if (projectText !== undefined) {
    const { value } = parseJson(projectText);
    const projectName = isObject(value) ? stringOf(value.name) : undefined;
    if (projectName) [name, nameFrom] = [projectName, 'project.json'];
  }

  const metadataText = readText(join(dir, 'metadata.json'));
  if (metadataText !== undefined) {
    const { value, error } = parseJson(metadataText);
    if (error) problems.push(`metadata.json is not valid JSON (${error}).`);
    else if (!isObject(value)) problems.push(`metadata.json must be a JSON object, found ${JSON.stringify(value)}.`);
  }
  const dockerfileText = readText(join(dir, DOCKERFILE));
  if (dockerfileText === undefined) problems.push(`${DOCKERFILE} cannot be read.`);
  else problems.push(...dockerfileProblems(dockerfileText));

  let ignorePatterns: string[] | undefined = [];
  for (const file of DOCKERIGNORE_FILES) {
    const text = readText(join(dir, file));
    if (text === undefined) continue;
    folder.dockerignoreFile = file;
    const read = readIgnoreFile(text);
    ignorePatterns = read.patterns;
    if (read.problem) problems.push(`${file}: ${read.problem}; Docker refuses it.`);
    break;
  }
  return { folder: { ...folder, name, nameFrom, problems }, ignorePatterns };
}
