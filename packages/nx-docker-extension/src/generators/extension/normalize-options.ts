import {
  getProjects,
  getWorkspaceLayout,
  joinPathFragments,
  normalizePath,
  offsetFromRoot,
  type Tree,
} from '@nx/devkit';
import { valid, validRange } from 'semver';
import { EXTENSION_CATEGORIES } from '../../extension/labels';
import { parseImageReference } from '../../registry/image-reference';
import type { ExtensionBackend, ExtensionGeneratorSchema, ExtensionUi } from './schema';
import { DEFAULT_API_VERSION, EXTENSION_API_CLIENT_VERSIONS, extensionApiClientVersion } from './versions';

export interface NormalizedExtensionOptions {
  name: string;
  /** Workspace-relative, '/'-separated. */
  projectRoot: string;
  /** `../../` from projectRoot back to the workspace root. */
  offsetFromRoot: string;
  title: string;
  description?: string;
  vendor?: string;
  image: string;
  version: string;
  apiVersion: string;
  platforms: string[];
  ui: ExtensionUi;
  backend: ExtensionBackend;
  categories: string[];
  publisherUrl?: string;
  iconUrl?: string;
  screenshots: string[];
  detailedDescription?: string;
  changelog?: string;
  additionalUrls: { title: string; url: string }[];
  accountInfo?: 'required';
  /** ui=react: the UI's own Nx project. */
  uiProject?: { name: string; root: string; clientVersion: string };
  /** backend=go: the socket under /run/guest-services/ the service listens on. */
  socket?: string;
  skipInstall: boolean;
  skipFormat: boolean;
}

/** A bad option: the message names the option, what was given, and what to do. */
export class ExtensionOptionError extends Error {
  constructor(option: string, value: unknown, problem: string) {
    super(`--${option} ${JSON.stringify(value)}: ${problem}`);
    this.name = 'ExtensionOptionError';
  }
}

const NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const LINUX_ARCHES = ['amd64', 'arm64', 'arm', '386', 'ppc64le', 's390x', 'riscv64'];
const PLATFORM = /^([a-z0-9]+)\/([a-z0-9]+)(?:\/(v[0-9]+))?$/;

/** CLI arrays may arrive as one comma-separated string. */
function list(value: string[] | string | undefined): string[] {
  if (value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  return items
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

function optionalText(option: string, value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/[\r\n]/.test(value) && option !== 'detailedDescription' && option !== 'changelog') {
    throw new ExtensionOptionError(option, value, 'must be a single line.');
  }
  return value.trim();
}

function checkUrl(option: string, value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new ExtensionOptionError(
      option,
      value,
      'is not an http(s) URL; write it in full, e.g. https://example.com/….',
    );
  }
  return value;
}

export function checkName(name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new ExtensionOptionError(
      'name',
      name,
      "is not a valid extension name: use lowercase letters and digits, with '-', '_' or '.' between them (e.g. my-ext). It names the Nx project and the npm package.",
    );
  }
  // npm caps package names at 214 characters; it also keeps the default image name well under 255.
  if (name.length > 214) {
    throw new ExtensionOptionError('name', name, `is ${name.length} characters long; use at most 214 (npm's limit).`);
  }
  return name;
}

export function checkDirectory(tree: Tree, directory: string): string {
  const cleaned = normalizePath(directory.trim()).replace(/^\.\//, '').replace(/\/+$/, '');
  if (cleaned === '' || cleaned === '.') {
    throw new ExtensionOptionError(
      'directory',
      directory,
      'is the workspace root; give a folder for the extension, e.g. apps/my-ext.',
    );
  }
  if (cleaned.startsWith('/') || /^[a-zA-Z]:/.test(cleaned) || cleaned.split('/').includes('..')) {
    throw new ExtensionOptionError(
      'directory',
      directory,
      "must be a folder inside the workspace, relative to its root and without '..' (e.g. apps/my-ext).",
    );
  }
  if (tree.exists(cleaned)) {
    throw new ExtensionOptionError(
      'directory',
      directory,
      'already exists; choose another --directory (or --name), or remove the folder first.',
    );
  }
  return cleaned;
}

export function checkImage(image: string): string {
  let parsed;
  try {
    parsed = parseImageReference(image);
  } catch (e) {
    throw new ExtensionOptionError('image', image, (e as Error).message);
  }
  if (parsed.tag !== undefined || parsed.digest !== undefined) {
    throw new ExtensionOptionError(
      'image',
      image,
      'must be a repository without a tag or digest (e.g. acme/my-ext); the tag comes from --extensionVersion.',
    );
  }
  return image;
}

export function checkVersion(version: string): string {
  if (version === 'latest') {
    throw new ExtensionOptionError(
      'extensionVersion',
      version,
      "'latest' is not a release: use a semver such as 0.1.0.",
    );
  }
  if (version.includes('+')) {
    throw new ExtensionOptionError(
      'extensionVersion',
      version,
      "cannot be an image tag: Docker tags do not allow '+'; drop the build metadata (e.g. 1.2.3).",
    );
  }
  if (valid(version) !== version) {
    throw new ExtensionOptionError(
      'extensionVersion',
      version,
      'is not a semver version: write MAJOR.MINOR.PATCH, e.g. 0.1.0.',
    );
  }
  return version;
}

export function checkPlatforms(value: string[] | string | undefined): string[] {
  const platforms = value === undefined ? ['linux/amd64', 'linux/arm64'] : list(value);
  if (platforms.length === 0) {
    throw new ExtensionOptionError('platforms', value, 'is empty; give at least linux/amd64,linux/arm64.');
  }
  for (const platform of platforms) {
    const m = PLATFORM.exec(platform);
    if (!m) {
      throw new ExtensionOptionError('platforms', platform, 'is not a platform: write os/arch, e.g. linux/arm64.');
    }
    if (m[1] !== 'linux') {
      throw new ExtensionOptionError(
        'platforms',
        platform,
        'is not a Linux platform: Docker Desktop runs extensions as Linux images on every host (use linux/amd64,linux/arm64).',
      );
    }
    if (!LINUX_ARCHES.includes(m[2])) {
      throw new ExtensionOptionError(
        'platforms',
        platform,
        `has an unknown architecture '${m[2]}': use one of ${LINUX_ARCHES.join(', ')}.`,
      );
    }
  }
  const duplicate = platforms.find((p, i) => platforms.indexOf(p) !== i);
  if (duplicate) throw new ExtensionOptionError('platforms', platforms, `lists ${duplicate} twice.`);
  const missing = ['linux/amd64', 'linux/arm64'].filter((p) => !platforms.includes(p));
  if (missing.length) {
    throw new ExtensionOptionError(
      'platforms',
      platforms.join(','),
      `lacks ${missing.join(' and ')}: Docker Desktop pulls the variant for the user's CPU, and installation fails where there is none. Include linux/amd64,linux/arm64.`,
    );
  }
  return platforms;
}

export function checkCategories(value: string[] | string | undefined): string[] {
  const categories = list(value);
  for (const category of categories) {
    if (!EXTENSION_CATEGORIES.includes(category)) {
      throw new ExtensionOptionError(
        'categories',
        category,
        `is not a Marketplace category: use one or more of ${EXTENSION_CATEGORIES.join(', ')}.`,
      );
    }
  }
  return [...new Set(categories)];
}

function checkApiVersion(value: string | undefined, ui: ExtensionUi): { apiVersion: string; clientVersion?: string } {
  const apiVersion = value?.trim() || DEFAULT_API_VERSION;
  if (validRange(apiVersion) === null) {
    throw new ExtensionOptionError('apiVersion', value, `is not a semver range: write e.g. "${DEFAULT_API_VERSION}".`);
  }
  if (ui !== 'react') return { apiVersion };
  const clientVersion = extensionApiClientVersion(apiVersion);
  if (!clientVersion) {
    throw new ExtensionOptionError(
      'apiVersion',
      value,
      `admits APIs older than any @docker/extension-api-client (${EXTENSION_API_CLIENT_VERSIONS.join(', ')}); require at least ${EXTENSION_API_CLIENT_VERSIONS[0]}.`,
    );
  }
  return { apiVersion, clientVersion };
}

function titleFromName(name: string): string {
  return name
    .split(/[._-]+/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}

function checkProjectFree(tree: Tree, option: string, value: string, projectName: string): void {
  const existing = getProjects(tree).get(projectName);
  if (existing) {
    throw new ExtensionOptionError(
      option,
      value,
      `a project named '${projectName}' already exists at ${existing.root}; choose another --name.`,
    );
  }
}

/** Every option checked and defaulted before anything is written: a failed generator writes no file. */
export function normalizeOptions(tree: Tree, schema: ExtensionGeneratorSchema): NormalizedExtensionOptions {
  const name = checkName(schema.name);
  const ui: ExtensionUi = schema.ui ?? 'html';
  const backend: ExtensionBackend = schema.backend ?? 'none';
  if (!['react', 'html', 'none'].includes(ui)) {
    throw new ExtensionOptionError('ui', ui, 'must be react, html or none.');
  }
  if (!['none', 'go'].includes(backend)) {
    throw new ExtensionOptionError('backend', backend, 'must be none or go.');
  }
  if (ui === 'none' && backend === 'none') {
    throw new ExtensionOptionError(
      'ui',
      ui,
      'with --backend none leaves nothing for metadata.json to run: choose --ui html|react or --backend go (host binaries come later with the host-binary generator).',
    );
  }
  const projectRoot = checkDirectory(
    tree,
    schema.directory ?? joinPathFragments(getWorkspaceLayout(tree).appsDir, name),
  );
  checkProjectFree(tree, 'name', name, name);
  const { apiVersion, clientVersion } = checkApiVersion(schema.apiVersion, ui);
  let uiProject: NormalizedExtensionOptions['uiProject'];
  if (ui === 'react') {
    uiProject = { name: `${name}-ui`, root: `${projectRoot}/ui`, clientVersion: clientVersion as string };
    checkProjectFree(tree, 'name', name, uiProject.name);
  }
  const additionalUrls = list(schema.additionalUrls).map((item) => {
    const eq = item.indexOf('=');
    if (eq <= 0) {
      throw new ExtensionOptionError(
        'additionalUrls',
        item,
        'write each link as title=url, e.g. Documentation=https://example.com/docs.',
      );
    }
    return { title: item.slice(0, eq).trim(), url: checkUrl('additionalUrls', item.slice(eq + 1).trim()) };
  });
  if (schema.accountInfo !== undefined && schema.accountInfo !== '' && schema.accountInfo !== 'required') {
    throw new ExtensionOptionError('accountInfo', schema.accountInfo, "must be 'required' or left out.");
  }
  const title = optionalText('title', schema.title) ?? titleFromName(name);
  return {
    name,
    projectRoot,
    offsetFromRoot: offsetFromRoot(projectRoot),
    title,
    description: optionalText('description', schema.description),
    vendor: optionalText('vendor', schema.vendor),
    image: checkImage(schema.image?.trim() || name),
    version: checkVersion((schema.extensionVersion ?? '0.1.0').trim()),
    apiVersion,
    platforms: checkPlatforms(schema.platforms),
    ui,
    backend,
    categories: checkCategories(schema.categories),
    publisherUrl: schema.publisherUrl ? checkUrl('publisherUrl', schema.publisherUrl.trim()) : undefined,
    iconUrl: schema.iconUrl ? checkUrl('iconUrl', schema.iconUrl.trim()) : undefined,
    screenshots: list(schema.screenshots).map((url) => checkUrl('screenshots', url)),
    detailedDescription: optionalText('detailedDescription', schema.detailedDescription),
    changelog: optionalText('changelog', schema.changelog),
    additionalUrls,
    accountInfo: schema.accountInfo === 'required' ? 'required' : undefined,
    uiProject,
    socket: backend === 'go' ? `${name}.sock` : undefined,
    skipInstall: schema.skipInstall ?? false,
    skipFormat: schema.skipFormat ?? false,
  };
}
