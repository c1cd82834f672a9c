// metadata.json of a Docker Desktop extension: its shape, every problem with it, and the files it names.

export const DESKTOP_PLUGIN_IMAGE = '${DESKTOP_PLUGIN_IMAGE}';
export const HOST_OSES = ['darwin', 'windows', 'linux'] as const;
export type HostOs = (typeof HOST_OSES)[number];

export interface ExtensionMetadata {
  icon?: string;
  ui?: { 'dashboard-tab'?: DashboardTab };
  vm?: { image?: string; composefile?: string; exposes?: { socket?: string } };
  host?: { binaries?: Partial<Record<HostOs, { path?: string }[]>>[] };
}

export interface DashboardTab {
  title?: string;
  root?: string;
  src?: string;
  backend?: { socket?: string };
}

export interface MetadataProblem {
  /** Where in metadata.json, as a dotted path: `vm.composefile`, `host.binaries[0].darwin[1].path`. */
  at: string;
  found: string;
  expected: string;
}

export interface ParsedMetadata {
  /** The parsed document when it is a JSON object (even one with problems, so other rules can still look). */
  metadata?: ExtensionMetadata;
  /** Set when the text is not JSON at all. */
  syntaxError?: string;
  problems: MetadataProblem[];
}

const ROOT_KEYS = ['icon', 'ui', 'vm', 'host'];

export function parseMetadata(text: string): ParsedMetadata {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return { syntaxError: (e as Error).message, problems: [] };
  }
  const problems = validateMetadata(value);
  return isObject(value) ? { metadata: value as ExtensionMetadata, problems } : { problems };
}

/** Every way the document differs from the extension metadata schema (not just the first). */
export function validateMetadata(value: unknown): MetadataProblem[] {
  const problems: MetadataProblem[] = [];
  const add = (at: string, found: string, expected: string) => problems.push({ at, found, expected });
  if (!isObject(value)) {
    add('(root)', describe(value), 'a JSON object');
    return problems;
  }
  for (const key of Object.keys(value)) {
    if (!ROOT_KEYS.includes(key)) add(key, `extra root key '${key}'`, `only ${ROOT_KEYS.join(', ')} at the root`);
  }
  if (!('ui' in value) && !('vm' in value) && !('host' in value)) {
    add('(root)', 'none of ui, vm, host', 'at least one of ui, vm, host');
  }
  if ('icon' in value) checkFilePath(value.icon, 'icon', add);
  if ('ui' in value) checkUi(value.ui, add);
  if ('vm' in value) checkVm(value.vm, add);
  if ('host' in value) checkHost(value.host, add);
  return problems;
}

type Add = (at: string, found: string, expected: string) => void;

function checkUi(ui: unknown, add: Add): void {
  if (!checkObject(ui, 'ui', ['dashboard-tab'], add)) return;
  if (!('dashboard-tab' in ui)) {
    add('ui', 'no dashboard-tab', 'ui.dashboard-tab with title, root and src');
    return;
  }
  const tab = ui['dashboard-tab'];
  if (!checkObject(tab, 'ui.dashboard-tab', ['title', 'root', 'src', 'backend'], add)) return;
  checkText(tab.title, 'ui.dashboard-tab.title', add);
  checkFilePath(tab.root, 'ui.dashboard-tab.root', add);
  checkFilePath(tab.src, 'ui.dashboard-tab.src', add);
  if ('backend' in tab && checkObject(tab.backend, 'ui.dashboard-tab.backend', ['socket'], add)) {
    checkText(tab.backend.socket, 'ui.dashboard-tab.backend.socket', add);
  }
}

function checkVm(vm: unknown, add: Add): void {
  if (!checkObject(vm, 'vm', ['image', 'composefile', 'exposes'], add)) return;
  if ('image' in vm) checkText(vm.image, 'vm.image', add);
  if ('composefile' in vm) checkFilePath(vm.composefile, 'vm.composefile', add);
  if ('exposes' in vm && checkObject(vm.exposes, 'vm.exposes', ['socket'], add)) {
    checkText(vm.exposes.socket, 'vm.exposes.socket', add);
  }
}

function checkHost(host: unknown, add: Add): void {
  if (!checkObject(host, 'host', ['binaries'], add)) return;
  if (!('binaries' in host)) {
    add('host', 'no binaries', 'host.binaries: an array');
    return;
  }
  if (!Array.isArray(host.binaries)) {
    add('host.binaries', describe(host.binaries), 'an array of { darwin, windows, linux } objects');
    return;
  }
  host.binaries.forEach((group: unknown, i: number) => {
    const at = `host.binaries[${i}]`;
    if (!checkObject(group, at, [...HOST_OSES], add)) return;
    for (const os of HOST_OSES) {
      if (!(os in group)) continue;
      const list = group[os];
      if (!Array.isArray(list)) {
        add(`${at}.${os}`, describe(list), 'an array of { "path": "/<file>" }');
        continue;
      }
      list.forEach((item: unknown, j: number) => {
        const itemAt = `${at}.${os}[${j}]`;
        if (!checkObject(item, itemAt, ['path'], add)) return;
        if (!('path' in item)) add(itemAt, 'no path', '{ "path": "/<file>" }');
        else if (checkFilePath(item.path, `${itemAt}.path`, add) && !(item.path as string).startsWith('/')) {
          add(`${itemAt}.path`, `'${item.path}'`, 'an absolute path in the image, e.g. /darwin/kubectl');
        }
      });
    }
  });
}

function checkObject(value: unknown, at: string, keys: string[], add: Add): value is Record<string, unknown> {
  if (!isObject(value)) {
    add(at, describe(value), 'an object');
    return false;
  }
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) add(`${at}.${key}`, `unknown key '${key}'`, `only ${keys.join(', ')}`);
  }
  return true;
}

function checkText(value: unknown, at: string, add: Add): boolean {
  if (typeof value !== 'string' || value.trim() === '') {
    add(at, describe(value), 'a non-empty string');
    return false;
  }
  return true;
}

function checkFilePath(value: unknown, at: string, add: Add): boolean {
  if (!checkText(value, at, add)) return false;
  if ((value as string).split(/[\\/]/).includes('..')) {
    add(at, `'${value}'`, 'a path inside the image, without ..');
    return false;
  }
  return true;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.trim() === '' ? 'an empty string' : `the string '${value}'`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** A path from metadata.json as a path in the image (root-relative, no leading slash, `.`/`//` removed). */
export function imagePath(path: string): string {
  return path
    .split(/[\\/]+/)
    .filter((part) => part !== '' && part !== '.')
    .join('/');
}

export interface HostBinary {
  os: HostOs;
  /** As written in metadata.json. */
  path: string;
}

/** Host binaries named in metadata.json, skipping entries the schema rule already reports as malformed. */
export function hostBinaries(metadata: ExtensionMetadata | undefined): HostBinary[] {
  const out: HostBinary[] = [];
  const groups = metadata?.host?.binaries;
  if (!Array.isArray(groups)) return out;
  for (const group of groups) {
    if (!isObject(group)) continue;
    for (const os of HOST_OSES) {
      const list = group[os];
      if (!Array.isArray(list)) continue;
      for (const item of list) {
        if (isObject(item) && typeof item.path === 'string' && item.path.trim() !== '' && !item.path.includes('..')) {
          out.push({ os, path: item.path });
        }
      }
    }
  }
  return out;
}

/** The dashboard tab, when metadata.json declares one with string root and src. */
export function dashboardTab(metadata: ExtensionMetadata | undefined): { root: string; src: string } | undefined {
  const tab = isObject(metadata?.ui) ? metadata?.ui?.['dashboard-tab'] : undefined;
  if (!isObject(tab) || typeof tab.root !== 'string' || typeof tab.src !== 'string') return undefined;
  if (tab.root.includes('..') || tab.src.includes('..')) return undefined;
  return { root: tab.root, src: tab.src };
}

export function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
