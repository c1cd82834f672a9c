import { readFile } from 'node:fs/promises';
import { BuildxError } from './buildx-error';
import { type Builder, createBuilderCommand, inspectBuilder } from './builder';
import { type BuildxVersion, readBuildxVersion } from './buildx-version';
import { qemuBinfmtPath, type TargetPlatformRun } from './emulation';
import { CONTAINERD_STORE_FIX } from './failure-advice';
import { type Engine, readEngine, usesContainerdImageStore } from './engine';

export interface PreflightRequest {
  /** Builder name (option `builder`); the current builder when absent. */
  builder?: string;
  platforms: string[];
  /** RUN steps on the target platform (from the Dockerfile), which need emulation on a foreign platform. */
  targetRuns: TargetPlatformRun[];
  /** Dockerfile path for messages. */
  dockerfile: string;
  load: boolean;
}

export interface Preflight {
  engine: Engine;
  buildx: BuildxVersion;
  builder: Builder;
}

/** What the pure checks need to know about the machine. */
export interface BuilderFacts {
  builder: Builder;
  /** Only asked for the docker driver. */
  containerdImageStore?: boolean;
  buildx: Pick<BuildxVersion, 'major' | 'minor'>;
  engine: Engine;
  /** State of `/proc/sys/fs/binfmt_misc/qemu-<arch>` per architecture, when the builder is local and Linux. */
  binfmt?: Record<string, 'enabled' | 'disabled' | 'missing'>;
}

/** `linux/arm64/v8` and `linux/arm64` are the same platform; a platform without a variant matches any variant. */
export function platformMatches(requested: string, offered: string): boolean {
  const norm = (p: string) =>
    p
      .trim()
      .toLowerCase()
      .replace(/^(linux\/arm64)\/v8$/, '$1')
      .split('/');
  const [ro, ra, rv] = norm(requested);
  const [oo, oa, ov] = norm(offered);
  return ro === oo && ra === oa && (rv === undefined || rv === ov);
}

/** Indents advice lines under a message. */
function indented(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

function emulationFix(builder: Builder, platform: string, facts: BuilderFacts): string {
  const arch = platform.split('/')[1];
  const binfmt = facts.binfmt?.[arch];
  const path = qemuBinfmtPath(arch);
  const state = binfmt && path ? `  ${path} is ${binfmt === 'missing' ? 'missing' : binfmt}.\n` : '';
  return (
    state +
    `  Fix (Linux): sudo apt-get install qemu-user-static binfmt-support   (or: docker run --privileged --rm tonistiigi/binfmt --install ${arch})\n` +
    `  Docker Desktop ships QEMU; there, update Docker Desktop.\n` +
    `  Or add a native ${arch} node: docker buildx create --append --name ${builder.name} --platform ${platform} <endpoint of a ${arch} machine>\n` +
    `  Or move those RUN steps into a stage 'FROM --platform=$BUILDPLATFORM …' and COPY its output into the final stage.`
  );
}

/** Problems that stop the builder from producing the request; one message each, with the command that fixes it. */
export function builderProblems(request: PreflightRequest, facts: BuilderFacts): string[] {
  const { builder } = facts;
  const who = `Builder '${builder.name}' (driver ${builder.driver})`;
  const problems: string[] = [];
  for (const node of builder.nodes) {
    if (node.status !== undefined && node.status !== 'running') {
      problems.push(
        `${who}: node '${node.name}' is ${node.status}${node.error ? ` (${node.error})` : ''}.\n` +
          `  Fix: docker buildx inspect --bootstrap ${builder.name}   (or recreate it: docker buildx rm ${builder.name} && ${createBuilderCommand(builder.name)})`,
      );
    }
  }
  if (builder.driver === 'docker' && facts.containerdImageStore === false) {
    problems.push(
      `${who} uses the engine's classic image store, which can neither export an OCI image layout nor build several platforms.\n` +
        indented(`Fix: ${CONTAINERD_STORE_FIX}`),
    );
  }
  const offered = builder.nodes.flatMap((n) => n.platforms);
  for (const platform of request.platforms) {
    if (offered.some((o) => platformMatches(platform, o))) continue;
    if (request.targetRuns.length === 0) continue; // COPY-only stages build for any platform without emulation
    const first = request.targetRuns[0];
    problems.push(
      `${who} cannot run ${platform} programs: it lists ${offered.length ? offered.join(', ') : 'no platforms'}.\n` +
        `  ${request.dockerfile} runs commands on the target platform (stage '${first.stage}', line ${first.line}` +
        `${request.targetRuns.length > 1 ? `, and ${request.targetRuns.length - 1} more RUN` : ''}), so ${platform} needs emulation or a native node.\n` +
        emulationFix(builder, platform, facts),
    );
  }
  // load builds the engine's own platform a second time (from cache), so it must be one of the platforms.
  if (request.load && !request.platforms.some((p) => platformMatches(p, facts.engine.platform))) {
    problems.push(
      `load: the engine runs ${facts.engine.platform}, which is not among the platforms built (${request.platforms.join(', ')}).\n` +
        `  Fix: add ${facts.engine.platform} to platforms, or build without load.`,
    );
  }
  return problems;
}

async function binfmtStates(platforms: string[]): Promise<BuilderFacts['binfmt']> {
  if (process.platform !== 'linux') return undefined;
  const states: NonNullable<BuilderFacts['binfmt']> = {};
  for (const platform of platforms) {
    const arch = platform.split('/')[1];
    const path = qemuBinfmtPath(arch);
    if (!path) continue;
    try {
      states[arch] = (await readFile(path, 'utf8')).startsWith('enabled') ? 'enabled' : 'disabled';
    } catch {
      states[arch] = 'missing';
    }
  }
  return states;
}

/**
 * Before any work: the engine answers, buildx is there and new enough, and the builder can make every
 * requested platform. Throws one BuildxError listing every problem found.
 */
export async function preflightBuild(request: PreflightRequest): Promise<Preflight> {
  const engine = await readEngine();
  const buildx = await readBuildxVersion();
  const builder = await inspectBuilder(request.builder);
  const local = builder.driver === 'docker' || builder.driver === 'docker-container';
  const facts: BuilderFacts = {
    builder,
    buildx,
    engine,
    containerdImageStore: builder.driver === 'docker' ? await usesContainerdImageStore() : undefined,
    binfmt: local ? await binfmtStates(request.platforms) : undefined,
  };
  const problems = builderProblems(request, facts);
  if (problems.length > 0) throw new BuildxError(problems.join('\n'));
  return { engine, buildx, builder };
}
