// Which CPU a host binary is for, read from the first bytes of the file (ELF, Mach-O thin or universal, PE, scripts).

export type BinaryFormat = 'elf' | 'macho' | 'macho-universal' | 'pe' | 'script' | 'unknown';

export interface BinaryArch {
  format: BinaryFormat;
  /** Architectures in OCI terms (amd64, arm64, 386, arm, …); several for a universal Mach-O, none for a script. */
  archs: string[];
  /** What the header says, for messages: "ELF x86-64", "Mach-O universal (x86_64, arm64)", "PE AMD64". */
  description: string;
  /** Set when the header is cut short or inconsistent; the format is then known but the architecture is not. */
  problem?: string;
}

/** Bytes of a file's start that are enough for every format here (PE headers sit at e_lfanew, usually < 512). */
export const BINARY_HEAD_BYTES = 4096;

const ELF_MACHINES: Record<number, [string, string]> = {
  3: ['386', 'x86 (i386)'],
  8: ['mips', 'MIPS'],
  20: ['ppc', 'PowerPC'],
  21: ['ppc64', 'PowerPC64'],
  22: ['s390x', 'S/390'],
  40: ['arm', 'ARM'],
  62: ['amd64', 'x86-64'],
  183: ['arm64', 'AArch64'],
  243: ['riscv64', 'RISC-V'],
  258: ['loong64', 'LoongArch'],
};

const CPU_ARCH_ABI64 = 0x01000000;
const CPU_ARCH_ABI64_32 = 0x02000000;
const MACHO_CPUS: Record<number, [string, string]> = {
  7: ['386', 'i386'],
  [7 | CPU_ARCH_ABI64]: ['amd64', 'x86_64'],
  12: ['arm', 'arm'],
  [12 | CPU_ARCH_ABI64]: ['arm64', 'arm64'],
  [12 | CPU_ARCH_ABI64_32]: ['arm64_32', 'arm64_32'],
  18: ['ppc', 'ppc'],
  [18 | CPU_ARCH_ABI64]: ['ppc64', 'ppc64'],
};

const PE_MACHINES: Record<number, [string, string]> = {
  0x014c: ['386', 'i386'],
  0x8664: ['amd64', 'AMD64'],
  0xaa64: ['arm64', 'ARM64'],
  0xa641: ['arm64ec', 'ARM64EC'],
  0x01c4: ['arm', 'ARMNT'],
  0x0200: ['ia64', 'IA64'],
};

/** More fat entries than this means a Java class file (same 0xCAFEBABE magic), as Apple's own tools assume. */
const MAX_FAT_ARCHS = 30;

export function hostBinaryArch(head: Buffer): BinaryArch {
  if (head.length >= 4 && head.readUInt32BE(0) === 0x7f454c46) return elfArch(head);
  if (head.length >= 4) {
    const be = head.readUInt32BE(0);
    const le = head.readUInt32LE(0);
    if (be === 0xfeedface || be === 0xfeedfacf) return machoArch(head, false);
    if (le === 0xfeedface || le === 0xfeedfacf) return machoArch(head, true);
    if (be === 0xcafebabe || be === 0xcafebabf) {
      const fat = fatArch(head, false, be === 0xcafebabf);
      if (fat) return fat;
    }
    if (le === 0xcafebabe || le === 0xcafebabf) {
      const fat = fatArch(head, true, le === 0xcafebabf);
      if (fat) return fat;
    }
  }
  if (head.length >= 2 && head[0] === 0x4d && head[1] === 0x5a) return peArch(head);
  if (head.length >= 2 && head[0] === 0x23 && head[1] === 0x21) {
    const line = head.subarray(0, Math.min(head.length, 80)).toString('latin1').split(/\r?\n/)[0];
    return { format: 'script', archs: [], description: `script (${line.trim()})` };
  }
  return { format: 'unknown', archs: [], description: `not an executable (starts with ${hexStart(head)})` };
}

function elfArch(head: Buffer): BinaryArch {
  if (head.length < 20) return cut('elf', 'ELF', head, 20);
  const bits = head[4] === 2 ? '64-bit' : head[4] === 1 ? '32-bit' : undefined;
  const little = head[5] === 1 ? true : head[5] === 2 ? false : undefined;
  if (!bits || little === undefined) {
    return {
      format: 'elf',
      archs: [],
      description: 'ELF',
      problem: `ELF header has class ${head[4]} / data ${head[5]}, which is not valid`,
    };
  }
  const machine = little ? head.readUInt16LE(18) : head.readUInt16BE(18);
  const known = ELF_MACHINES[machine];
  let arch = known?.[0] ?? `elf-machine-${machine}`;
  if (arch === 'ppc64' && little) arch = 'ppc64le';
  return { format: 'elf', archs: [arch], description: `ELF ${bits} ${known?.[1] ?? `machine ${machine}`}` };
}

function machoArch(head: Buffer, little: boolean): BinaryArch {
  if (head.length < 8) return cut('macho', 'Mach-O', head, 8);
  const cpu = little ? head.readInt32LE(4) : head.readInt32BE(4);
  const [arch, name] = cpuName(cpu);
  return { format: 'macho', archs: [arch], description: `Mach-O ${name}` };
}

function fatArch(head: Buffer, little: boolean, wide: boolean): BinaryArch | undefined {
  if (head.length < 8) return cut('macho-universal', 'Mach-O universal', head, 8);
  const u32 = (at: number) => (little ? head.readUInt32LE(at) : head.readUInt32BE(at));
  const count = u32(4);
  if (count === 0 || count > MAX_FAT_ARCHS) return undefined;
  const entry = wide ? 32 : 20;
  const needed = 8 + count * entry;
  if (head.length < needed) return cut('macho-universal', 'Mach-O universal', head, needed);
  const archs: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const at = 8 + i * entry;
    const cpu = little ? head.readInt32LE(at) : head.readInt32BE(at);
    const [arch, name] = cpuName(cpu);
    archs.push(arch);
    names.push(name);
  }
  return { format: 'macho-universal', archs, description: `Mach-O universal (${names.join(', ')})` };
}

function cpuName(cpu: number): [string, string] {
  return MACHO_CPUS[cpu] ?? [`macho-cpu-${cpu}`, `CPU type ${cpu}`];
}

function peArch(head: Buffer): BinaryArch {
  if (head.length < 0x40) return cut('pe', 'PE', head, 0x40);
  const at = head.readUInt32LE(0x3c);
  if (at + 6 > head.length) {
    return {
      format: 'pe',
      archs: [],
      description: 'MZ executable',
      problem: `its PE header offset ${at} lies beyond the first ${head.length} bytes read`,
    };
  }
  if (head.readUInt32BE(at) !== 0x50450000) {
    return {
      format: 'pe',
      archs: [],
      description: 'MZ executable',
      problem: `no PE signature at offset ${at} (a DOS program?)`,
    };
  }
  const machine = head.readUInt16LE(at + 4);
  const known = PE_MACHINES[machine];
  return {
    format: 'pe',
    archs: [known?.[0] ?? `pe-machine-0x${machine.toString(16)}`],
    description: `PE ${known?.[1] ?? `machine 0x${machine.toString(16)}`}`,
  };
}

function cut(format: BinaryFormat, name: string, head: Buffer, needed: number): BinaryArch {
  return {
    format,
    archs: [],
    description: name,
    problem: `the file is cut short: ${head.length} bytes, its header needs ${needed}`,
  };
}

function hexStart(head: Buffer): string {
  if (head.length === 0) return 'nothing: the file is empty';
  return head.subarray(0, 4).toString('hex').replace(/(..)/g, '$1 ').trim();
}
