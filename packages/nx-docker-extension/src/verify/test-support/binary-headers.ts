// The first bytes of executables, built by hand: enough for verify's header parsers, nothing that runs.

export const CPU_X86_64 = 0x01000007;
export const CPU_ARM64 = 0x0100000c;
export const ELF_X86_64 = 62;
export const ELF_AARCH64 = 183;
export const PE_AMD64 = 0x8664;
export const PE_ARM64 = 0xaa64;
export const PE_I386 = 0x014c;

export function elfHeader(machine: number, opts: { bits?: 1 | 2; little?: boolean } = {}): Buffer {
  const b = Buffer.alloc(64);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = opts.bits ?? 2;
  const little = opts.little ?? true;
  b[5] = little ? 1 : 2;
  if (little) b.writeUInt16LE(machine, 18);
  else b.writeUInt16BE(machine, 18);
  return b;
}

export function machoHeader(cpu: number, opts: { little?: boolean; bits64?: boolean } = {}): Buffer {
  const b = Buffer.alloc(32);
  const magic = opts.bits64 === false ? 0xfeedface : 0xfeedfacf;
  if (opts.little ?? true) {
    b.writeUInt32LE(magic, 0);
    b.writeInt32LE(cpu, 4);
  } else {
    b.writeUInt32BE(magic, 0);
    b.writeInt32BE(cpu, 4);
  }
  return b;
}

export function fatHeader(cpus: number[], opts: { little?: boolean; wide?: boolean } = {}): Buffer {
  const entry = opts.wide ? 32 : 20;
  const b = Buffer.alloc(8 + cpus.length * entry + 16);
  const w = (v: number, at: number) => (opts.little ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
  w(opts.wide ? 0xcafebabf : 0xcafebabe, 0);
  w(cpus.length, 4);
  cpus.forEach((cpu, i) => {
    const at = 8 + i * entry;
    if (opts.little) b.writeInt32LE(cpu, at);
    else b.writeInt32BE(cpu, at);
  });
  return b;
}

export function peHeader(machine: number, lfanew = 0x80, length = 512): Buffer {
  const b = Buffer.alloc(length);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(lfanew, 0x3c);
  if (lfanew + 6 <= length) {
    b.writeUInt32BE(0x50450000, lfanew);
    b.writeUInt16LE(machine, lfanew + 4);
  }
  return b;
}
