// Per-platform rules on host binaries: present in every variant, executable, built for the variant's CPU.
import { hostBinaryArch } from './binary-arch';
import { CheckResult, PlatformContext, regularFile } from './file-checks';
import { Finding, finding } from './finding';
import { HostBinary, hostBinaries, imagePath } from './metadata';

function binariesOf(ctx: PlatformContext): HostBinary[] | { notApplicable: string } {
  if (!ctx.parsed?.metadata) return { notApplicable: 'metadata.json is unreadable' };
  const list = hostBinaries(ctx.parsed.metadata);
  return list.length ? list : { notApplicable: 'no host binaries' };
}

export function checkHostBinaryPresent(ctx: PlatformContext): CheckResult {
  const list = binariesOf(ctx);
  if (!Array.isArray(list)) return list;
  const out: Finding[] = [];
  for (const binary of list) {
    const file = regularFile(ctx.p.files.lookup(imagePath(binary.path)));
    if ('missing' in file) {
      out.push(
        finding(
          'fail',
          ctx.p.platform,
          binary.path,
          file.missing,
          `the ${binary.os} binary metadata.json names, in every variant (Docker Desktop installs whichever variant matches the user's CPU)`,
        ),
      );
    }
  }
  return out;
}

export function checkHostBinaryExecutable(ctx: PlatformContext): CheckResult {
  const list = binariesOf(ctx);
  if (!Array.isArray(list)) return list;
  const out: Finding[] = [];
  for (const binary of list) {
    if (binary.os === 'windows') continue; // Windows ignores the mode bits
    const file = regularFile(ctx.p.files.lookup(imagePath(binary.path)));
    if ('missing' in file) continue; // host-binary-present reports it
    if ((file.entry.mode & 0o111) === 0) {
      out.push(
        finding(
          'fail',
          ctx.p.platform,
          binary.path,
          `mode ${(file.entry.mode & 0o7777).toString(8).padStart(4, '0')}`,
          'an executable file (COPY --chmod=0755)',
        ),
      );
    }
  }
  return out;
}

export function checkHostBinaryWindowsName(ctx: PlatformContext): CheckResult {
  const list = binariesOf(ctx);
  if (!Array.isArray(list)) return list;
  const windows = list.filter((b) => b.os === 'windows');
  if (windows.length === 0) return { notApplicable: 'no windows binaries' };
  return windows
    .filter((b) => !/\.(exe|cmd)$/i.test(b.path))
    .map((b) =>
      finding('fail', ctx.p.platform, b.path, 'a windows binary without .exe or .cmd', 'a name ending in .exe or .cmd'),
    );
}

const WANTED_FORMAT = { darwin: ['macho', 'macho-universal'], linux: ['elf'], windows: ['pe'] } as const;
const FORMAT_NAME = { darwin: 'Mach-O', linux: 'ELF', windows: 'PE' } as const;

export function checkHostBinaryArch(ctx: PlatformContext): CheckResult {
  const list = binariesOf(ctx);
  if (!Array.isArray(list)) return list;
  const arch = ctx.p.architecture;
  const out: Finding[] = [];
  for (const binary of list) {
    const file = regularFile(ctx.p.files.lookup(imagePath(binary.path)));
    if ('missing' in file) continue; // host-binary-present reports it
    if (binary.os === 'windows' && /\.cmd$/i.test(binary.path)) continue; // a batch file runs anywhere
    const fail = (level: 'fail' | 'warn', found: string, expected: string) =>
      out.push(finding(level, ctx.p.platform, binary.path, found, expected));
    const format = FORMAT_NAME[binary.os];
    const expectedHere = `${format} ${arch}${binary.os === 'darwin' ? ' or universal' : ''} for the ${ctx.p.platform} variant`;
    if (!file.entry.content) {
      fail('fail', 'a file whose first bytes were not read', expectedHere);
      continue;
    }
    const header = hostBinaryArch(file.entry.content);
    if (header.format === 'script') continue; // #! scripts are architecture-neutral
    if (!(WANTED_FORMAT[binary.os] as readonly string[]).includes(header.format)) {
      fail('fail', header.description, `a ${format} executable for ${binary.os}: ${expectedHere}`);
      continue;
    }
    if (header.problem) {
      fail('fail', `${header.description} whose header cannot be read: ${header.problem}`, expectedHere);
      continue;
    }
    if (header.archs.includes(arch)) continue;
    if (binary.os === 'windows' && windowsRunsAnyway(header.archs[0], arch)) {
      fail('warn', header.description, `${expectedHere} (it runs, but under emulation or as 32-bit)`);
      continue;
    }
    fail('fail', header.description, expectedHere);
  }
  return out;
}

/** Windows runs x86 programs on x64, and x86/x64 programs on Arm64 through emulation. */
function windowsRunsAnyway(binaryArch: string, variantArch: string): boolean {
  if (variantArch === 'amd64') return binaryArch === '386';
  if (variantArch === 'arm64') return binaryArch === 'amd64' || binaryArch === '386';
  return false;
}
