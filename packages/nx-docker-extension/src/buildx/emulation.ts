import { copySpec, findStage, finalStage, parentStage, parseDockerfile, stageOnBuildPlatform } from '../dockerfile';
import { DockerfileError, type Dockerfile, type Stage } from '../dockerfile';

/** A RUN step that executes on the platform being built (so a foreign platform needs QEMU or a native node). */
export interface TargetPlatformRun {
  stage: string;
  line: number;
}

function stageLabel(stage: Stage): string {
  return stage.name ?? `#${stage.index}`;
}

/** Stages the target needs: its FROM-parent chain and every stage it copies from, transitively. */
function neededStages(df: Dockerfile, target: Stage): Stage[] {
  const seen = new Map<number, Stage>();
  const visit = (stage: Stage) => {
    if (seen.has(stage.index)) return;
    seen.set(stage.index, stage);
    const parent = parentStage(df, stage);
    if (parent) visit(parent);
    for (const instruction of stage.instructions) {
      const from = copySpec(instruction)?.from;
      const source = from !== undefined ? findStage(df, from) : undefined;
      if (source && source.index < stage.index) visit(source);
    }
  };
  visit(target);
  return [...seen.values()].sort((a, b) => a.index - b.index);
}

/** True when a stage runs on the target platform: no `--platform` of its own, and not built FROM a stage that has one. */
function onTargetPlatform(df: Dockerfile, stage: Stage): boolean {
  if (stageOnBuildPlatform(stage)) return false;
  if (stage.platform !== undefined) return /TARGETPLATFORM/.test(stage.platform);
  const parent = parentStage(df, stage);
  return parent ? onTargetPlatform(df, parent) : true;
}

/**
 * RUN steps that execute on each target platform. Empty means any platform builds without emulation
 * (COPY-only final stage, work done in `FROM --platform=$BUILDPLATFORM` stages).
 */
export function targetPlatformRuns(dockerfileText: string, target?: string, where = 'Dockerfile'): TargetPlatformRun[] {
  const df = parseDockerfile(dockerfileText);
  let final: Stage;
  try {
    final = finalStage(df, target);
  } catch (e) {
    if (e instanceof DockerfileError) throw new DockerfileError(`${where}: ${e.message}.`, e.line);
    throw e;
  }
  const runs: TargetPlatformRun[] = [];
  for (const stage of neededStages(df, final)) {
    if (!onTargetPlatform(df, stage)) continue;
    for (const instruction of stage.instructions) {
      if (instruction.keyword === 'RUN') runs.push({ stage: stageLabel(stage), line: instruction.startLine });
    }
  }
  return runs;
}

const QEMU_NAMES: Record<string, string> = {
  amd64: 'x86_64',
  arm64: 'aarch64',
  arm: 'arm',
  '386': 'i386',
  riscv64: 'riscv64',
  ppc64le: 'ppc64le',
  s390x: 's390x',
};

/** binfmt_misc entry that lets this Linux kernel run another architecture's programs through QEMU. */
export function qemuBinfmtPath(architecture: string): string | undefined {
  const name = QEMU_NAMES[architecture];
  return name ? `/proc/sys/fs/binfmt_misc/qemu-${name}` : undefined;
}
