// Per-platform rules on the files metadata.json names: metadata itself, icon, UI, compose file.
import { parse as parseYaml } from 'yaml';
import { Finding, finding } from './finding';
import { FileInfo, FileLookup, PlatformUnderTest } from './image-view';
import { dashboardTab, DESKTOP_PLUGIN_IMAGE, imagePath, parseMetadata, ParsedMetadata, stringField } from './metadata';
import { COMPOSE_MAX_BYTES, METADATA_MAX_BYTES, METADATA_PATH } from './wanted-files';

/** What every per-platform rule needs: the platform and its metadata.json, read once. */
export interface PlatformContext {
  p: PlatformUnderTest;
  /** Set when metadata.json is readable text (even if not valid JSON). */
  parsed?: ParsedMetadata;
  /** Set when metadata.json cannot be used at all. */
  metadataFinding?: Finding;
}

export type CheckResult = Finding[] | { notApplicable: string };

export function platformContext(p: PlatformUnderTest): PlatformContext {
  const fail = (found: string, expected = 'a JSON file at the image root (COPY metadata.json .)') => ({
    p,
    metadataFinding: finding('fail', p.platform, '/metadata.json', found, expected),
  });
  const file = regularFile(p.files.lookup(METADATA_PATH));
  if ('missing' in file) return fail(file.missing);
  if (file.entry.size > METADATA_MAX_BYTES)
    return fail(`${file.entry.size} bytes`, `at most ${METADATA_MAX_BYTES} bytes`);
  if (!file.entry.content || !file.entry.complete) return fail('a file whose contents were not read');
  const parsed = parseMetadata(file.entry.content.toString('utf8'));
  if (parsed.syntaxError)
    return {
      p,
      parsed,
      metadataFinding: finding(
        'fail',
        p.platform,
        '/metadata.json',
        `text that is not JSON (${parsed.syntaxError})`,
        'valid JSON',
      ),
    };
  return { p, parsed };
}

export function checkMetadataPresent(ctx: PlatformContext): CheckResult {
  return ctx.metadataFinding ? [ctx.metadataFinding] : [];
}

export function checkMetadataSchema(ctx: PlatformContext): CheckResult {
  if (!ctx.parsed || ctx.parsed.syntaxError) return { notApplicable: 'metadata.json is unreadable' };
  return ctx.parsed.problems.map((problem) =>
    finding('fail', ctx.p.platform, `/metadata.json ${problem.at}`, problem.found, problem.expected),
  );
}

export function checkIcon(ctx: PlatformContext): CheckResult {
  const metadata = ctx.parsed?.metadata;
  if (!metadata) return { notApplicable: 'metadata.json is unreadable' };
  const icon = stringField(metadata.icon);
  if (!icon) {
    return [
      finding(
        'fail',
        ctx.p.platform,
        '/metadata.json icon',
        'no icon',
        '"icon": "<image file in the image, e.g. docker.svg>"',
      ),
    ];
  }
  const where = `/${imagePath(icon)}`;
  const file = regularFile(ctx.p.files.lookup(imagePath(icon)));
  if ('missing' in file) {
    return [
      finding(
        'fail',
        ctx.p.platform,
        where,
        file.missing,
        'the icon file metadata.json names (e.g. COPY docker.svg .)',
      ),
    ];
  }
  if (file.entry.size === 0)
    return [finding('fail', ctx.p.platform, where, 'an empty file', 'an svg, png or jpeg image')];
  const kind = file.entry.content ? imageKind(file.entry.content) : undefined;
  if (!kind) {
    return [
      finding('warn', ctx.p.platform, where, 'a file that is not a recognized image', 'an svg, png or jpeg image'),
    ];
  }
  return [];
}

export function checkUiEntry(ctx: PlatformContext): CheckResult {
  const tab = dashboardTab(ctx.parsed?.metadata);
  if (!tab) return { notApplicable: 'no ui.dashboard-tab' };
  const path = imagePath(`${tab.root}/${tab.src}`);
  const file = regularFile(ctx.p.files.lookup(path));
  if ('missing' in file) {
    const root = ctx.p.files.lookup(imagePath(tab.root));
    const found = root.entry ? file.missing : `no /${imagePath(tab.root)} folder`;
    return [finding('fail', ctx.p.platform, `/${path}`, found, 'the UI entry file ui.dashboard-tab.root/src names')];
  }
  return [];
}

export function checkUiNodeModules(ctx: PlatformContext): CheckResult {
  const tab = dashboardTab(ctx.parsed?.metadata);
  if (!tab) return { notApplicable: 'no ui.dashboard-tab' };
  const dirs = new Set<string>();
  for (const entry of ctx.p.files.under(imagePath(tab.root))) {
    const parts = entry.path.split('/');
    const at = parts.indexOf('node_modules');
    if (at >= 0) dirs.add(parts.slice(0, at + 1).join('/'));
  }
  return listed([...dirs].sort(), (dir) =>
    finding(
      'fail',
      ctx.p.platform,
      `/${dir}`,
      'a node_modules folder under the UI root',
      'only the built UI bundle (copy the build output, not the project)',
    ),
  );
}

export function checkUiSymlinks(ctx: PlatformContext): CheckResult {
  const tab = dashboardTab(ctx.parsed?.metadata);
  if (!tab) return { notApplicable: 'no ui.dashboard-tab' };
  const links = ctx.p.files
    .under(imagePath(tab.root))
    .filter((e) => e.type === 'symlink')
    .sort((a, b) => a.path.localeCompare(b.path));
  return listed(links, (link) =>
    finding(
      'fail',
      ctx.p.platform,
      `/${link.path}`,
      `a symlink to '${link.linkname}'`,
      'regular files only under the UI root (symlinks break the install on Windows)',
    ),
  );
}

export function checkVmBackend(ctx: PlatformContext): CheckResult {
  const vm = ctx.parsed?.metadata?.vm;
  if (typeof vm !== 'object' || vm === null || Array.isArray(vm)) return { notApplicable: 'no vm section' };
  const hasImage = 'image' in vm;
  const hasCompose = 'composefile' in vm;
  const subject = '/metadata.json vm';
  const expected = `exactly one of "image": "${DESKTOP_PLUGIN_IMAGE}" or "composefile": "<file>"`;
  if (hasImage && hasCompose) return [finding('fail', ctx.p.platform, subject, 'both image and composefile', expected)];
  if (!hasImage && !hasCompose)
    return [finding('fail', ctx.p.platform, subject, 'neither image nor composefile', expected)];
  if (hasImage && typeof vm.image === 'string' && vm.image !== DESKTOP_PLUGIN_IMAGE) {
    return [
      finding(
        'warn',
        ctx.p.platform,
        '/metadata.json vm.image',
        `'${vm.image}'`,
        `'${DESKTOP_PLUGIN_IMAGE}' (Docker Desktop puts in this extension's own image and tag)`,
      ),
    ];
  }
  return [];
}

export function checkComposeFile(ctx: PlatformContext): CheckResult {
  const compose = stringField(ctx.parsed?.metadata?.vm?.composefile);
  if (!compose) return { notApplicable: 'no vm.composefile' };
  const where = `/${imagePath(compose)}`;
  const file = regularFile(ctx.p.files.lookup(imagePath(compose)));
  if ('missing' in file)
    return [finding('fail', ctx.p.platform, where, file.missing, 'the compose file vm.composefile names')];
  if (file.entry.size > COMPOSE_MAX_BYTES)
    return [
      finding(
        'fail',
        ctx.p.platform,
        where,
        `${file.entry.size} bytes`,
        `a compose file of at most ${COMPOSE_MAX_BYTES} bytes`,
      ),
    ];
  if (!file.entry.content || !file.entry.complete)
    return [finding('fail', ctx.p.platform, where, 'a file whose contents were not read', 'a readable compose file')];
  let doc: unknown;
  try {
    doc = parseYaml(file.entry.content.toString('utf8'));
  } catch (e) {
    return [
      finding(
        'fail',
        ctx.p.platform,
        where,
        `text that is not YAML (${(e as Error).message.split('\n')[0]})`,
        'a compose file',
      ),
    ];
  }
  const services = (doc as { services?: unknown } | null)?.services;
  if (
    typeof services !== 'object' ||
    services === null ||
    Array.isArray(services) ||
    Object.keys(services).length === 0
  ) {
    return [finding('fail', ctx.p.platform, where, 'no services', 'a compose file with a services section')];
  }
  const images = Object.entries(services as Record<string, { image?: unknown }>).map(([name, service]) => ({
    name,
    image: typeof service?.image === 'string' ? service.image : undefined,
  }));
  const own = images.filter((s) => s.image?.includes(DESKTOP_PLUGIN_IMAGE));
  if (own.length === 0) {
    const found = images.map((s) => `${s.name} (image ${s.image ?? 'none'})`).join(', ');
    return [
      finding(
        'fail',
        ctx.p.platform,
        where,
        `services ${found}`,
        `a service with image: ${DESKTOP_PLUGIN_IMAGE}, kept literally (Docker Desktop fills it in at install)`,
      ),
    ];
  }
  return images
    .filter((s) => s.image !== undefined && !s.image.includes(DESKTOP_PLUGIN_IMAGE))
    .map((s) =>
      finding(
        'warn',
        ctx.p.platform,
        `${where} services.${s.name}.image`,
        `'${s.image}'`,
        `${DESKTOP_PLUGIN_IMAGE}, or an image published for every platform (Docker Desktop pulls it as named)`,
      ),
    );
}

const MAX_VIA = 4;

/** The regular file a lookup leads to, or what was found instead, phrased for a message. */
export function regularFile(lookup: FileLookup): { entry: FileInfo } | { missing: string } {
  const shown = lookup.via.slice(0, MAX_VIA).map((v) => `/${v}`);
  const more = lookup.via.length > MAX_VIA ? ` -> … (${lookup.via.length} links)` : '';
  const via = lookup.via.length ? ` (via ${shown.join(' -> ')}${more})` : '';
  if (lookup.problem) return { missing: `${lookup.problem}${via}` };
  if (!lookup.entry) return { missing: `no such file${via}` };
  if (lookup.entry.type !== 'file')
    return { missing: `a ${lookup.entry.type === 'other' ? 'special file' : lookup.entry.type}${via}` };
  return { entry: lookup.entry };
}

const MAX_LISTED = 10;

/** One finding per item, at most MAX_LISTED, the last one saying how many more there are. */
function listed<T>(items: T[], make: (item: T) => Finding): Finding[] {
  const out = items.slice(0, MAX_LISTED).map(make);
  if (items.length > MAX_LISTED) {
    const last = out[out.length - 1];
    const more = ` (and ${items.length - MAX_LISTED} more)`;
    out[out.length - 1] = {
      ...last,
      found: last.found + more,
      message: last.message.replace(/; expected/, `${more}; expected`),
    };
  }
  return out;
}

function imageKind(head: Buffer): string | undefined {
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.subarray(0, 4).toString('latin1') === 'GIF8') return 'gif';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x00000100) return 'ico';
  if (head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP')
    return 'webp';
  if (/<svg[\s>]/i.test(head.toString('utf8'))) return 'svg';
  return undefined;
}
