import { hostBinaryArch } from './binary-arch';
import {
  CPU_ARM64 as ARM64,
  CPU_X86_64 as X86_64,
  elfHeader as elf,
  fatHeader as fat,
  machoHeader as macho,
  peHeader as pe,
} from '../verify/test-support/binary-headers';

describe('hostBinaryArch: ELF', () => {
  it.each([
    [62, 'amd64', 'ELF 64-bit x86-64'],
    [183, 'arm64', 'ELF 64-bit AArch64'],
    [40, 'arm', 'ELF 64-bit ARM'],
    [3, '386', 'ELF 64-bit x86 (i386)'],
  ])('machine %d is %s', (machine, arch, description) => {
    expect(hostBinaryArch(elf(machine))).toEqual({ format: 'elf', archs: [arch], description });
  });

  it('reads e_machine in big-endian files', () => {
    expect(hostBinaryArch(elf(21, { little: false })).archs).toEqual(['ppc64']);
    expect(hostBinaryArch(elf(21, { little: true })).archs).toEqual(['ppc64le']);
  });

  it('names 32-bit ELF files and unknown machines', () => {
    const r = hostBinaryArch(elf(9999, { bits: 1 }));
    expect(r.archs).toEqual(['elf-machine-9999']);
    expect(r.description).toBe('ELF 32-bit machine 9999');
  });

  it('reports a header cut short', () => {
    const r = hostBinaryArch(elf(62).subarray(0, 12));
    expect(r.format).toBe('elf');
    expect(r.archs).toEqual([]);
    expect(r.problem).toMatch(/cut short: 12 bytes, its header needs 20/);
  });

  it('reports an invalid class/data byte', () => {
    const b = elf(62);
    b[5] = 7;
    expect(hostBinaryArch(b).problem).toMatch(/not valid/);
  });
});

describe('hostBinaryArch: Mach-O', () => {
  it('reads 64-bit thin binaries in both byte orders', () => {
    expect(hostBinaryArch(macho(X86_64))).toEqual({ format: 'macho', archs: ['amd64'], description: 'Mach-O x86_64' });
    expect(hostBinaryArch(macho(ARM64, { little: false }))).toEqual({
      format: 'macho',
      archs: ['arm64'],
      description: 'Mach-O arm64',
    });
  });

  it('reads 32-bit thin binaries and keeps arm64_32 apart from arm64', () => {
    expect(hostBinaryArch(macho(7, { bits64: false })).archs).toEqual(['386']);
    expect(hostBinaryArch(macho(0x0200000c)).archs).toEqual(['arm64_32']);
  });

  it('lists every architecture of a universal binary (32-bit fat header, big-endian)', () => {
    expect(hostBinaryArch(fat([X86_64, ARM64]))).toEqual({
      format: 'macho-universal',
      archs: ['amd64', 'arm64'],
      description: 'Mach-O universal (x86_64, arm64)',
    });
  });

  it('reads 64-bit fat headers and little-endian fat headers', () => {
    expect(hostBinaryArch(fat([ARM64, X86_64], { wide: true })).archs).toEqual(['arm64', 'amd64']);
    expect(hostBinaryArch(fat([ARM64], { little: true })).archs).toEqual(['arm64']);
    expect(hostBinaryArch(fat([X86_64, ARM64], { little: true, wide: true })).archs).toEqual(['amd64', 'arm64']);
  });

  it('reports a fat header whose entries are cut short', () => {
    const r = hostBinaryArch(fat([X86_64, ARM64]).subarray(0, 20));
    expect(r.format).toBe('macho-universal');
    expect(r.problem).toMatch(/needs 48/);
  });

  it('does not take a Java class file (also 0xCAFEBABE) for a universal binary', () => {
    const cls = Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0x00, 0x00, 0x00, 0x34, 0, 0]);
    expect(hostBinaryArch(cls).format).toBe('unknown');
  });
});

describe('hostBinaryArch: PE', () => {
  it.each([
    ['0x8664', 0x8664, 'amd64', 'PE AMD64'],
    ['0xaa64', 0xaa64, 'arm64', 'PE ARM64'],
    ['0x014c', 0x014c, '386', 'PE i386'],
  ])('machine %s is %s', (_hex, machine, arch, description) => {
    expect(hostBinaryArch(pe(machine))).toEqual({ format: 'pe', archs: [arch], description });
  });

  it('follows e_lfanew wherever it points inside the bytes read', () => {
    expect(hostBinaryArch(pe(0xaa64, 0x200, 1024)).archs).toEqual(['arm64']);
  });

  it('reports a PE header beyond the bytes read', () => {
    const r = hostBinaryArch(pe(0x8664, 5000, 512));
    expect(r.format).toBe('pe');
    expect(r.problem).toMatch(/offset 5000 lies beyond the first 512 bytes/);
  });

  it('reports an MZ file without PE signature', () => {
    const b = pe(0x8664);
    b.writeUInt32BE(0, 0x80);
    expect(hostBinaryArch(b).problem).toMatch(/no PE signature at offset 128/);
  });
});

describe('hostBinaryArch: scripts and other files', () => {
  it('treats #! scripts as architecture-neutral', () => {
    expect(hostBinaryArch(Buffer.from('#!/bin/sh\necho hi\n'))).toEqual({
      format: 'script',
      archs: [],
      description: 'script (#!/bin/sh)',
    });
  });

  it('names the first bytes of anything else', () => {
    expect(hostBinaryArch(Buffer.from('hello'))).toEqual({
      format: 'unknown',
      archs: [],
      description: 'not an executable (starts with 68 65 6c 6c)',
    });
    expect(hostBinaryArch(Buffer.alloc(0)).description).toMatch(/empty/);
  });
});
