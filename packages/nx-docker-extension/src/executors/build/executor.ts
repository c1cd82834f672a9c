import { logger, type ExecutorContext } from '@nx/devkit';
import { mkdir, mkdtemp, rename, rm, rmdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { buildxBuildArgs, formatCommand } from '../../buildx/build-args';
import { BuildxError } from '../../buildx/buildx-error';
import { targetPlatformRuns } from '../../buildx/emulation';
import { platformMatches, preflightBuild } from '../../buildx/preflight';
import { rewriteTimestampSupport } from '../../buildx/reproducible';
import { runBuildxBuild } from '../../buildx/run-buildx-build';
import { summarizeLayout, writeImageSummary, type ImageSummary } from '../../oci/image-summary';
import { readOciLayout } from '../../oci/layout';
import { wrapSingleManifest } from '../../oci/single-manifest-index';
import { checkBuildInputs, readProjectFacts } from './build-inputs';
import { planBuild, type BuildPlan } from './build-plan';
import { removeAbandonedStaging, replaceDirectory, stagingPrefix } from './replace-directory';
import type { BuildExecutorSchema } from './schema';

/** Reads the layout buildx wrote and checks it holds exactly the requested platforms. */
async function summarize(dir: string, plan: BuildPlan): Promise<ImageSummary> {
  await rmdir(join(dir, 'ingest')).catch(() => undefined); // BuildKit's empty upload folder, not part of the layout
  const summary = await summarizeLayout(await wrapSingleManifest(await readOciLayout(dir)), plan.tags);
  const built = summary.platforms.map((p) => p.platform);
  const missing = plan.platforms.filter((p) => !built.some((b) => platformMatches(p, b)));
  if (missing.length > 0 || built.length !== plan.platforms.length) {
    throw new BuildxError(
      `${plan.project}: buildx produced ${built.join(', ')}, but ${plan.platforms.join(', ')} were requested.`,
    );
  }
  return summary;
}

export default async function buildExecutor(
  options: BuildExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  try {
    const plan = planBuild(options, await readProjectFacts(context));
    const inputs = await checkBuildInputs(plan, context.root);
    const targetRuns = targetPlatformRuns(inputs.dockerfileText, plan.target, `${plan.project}: ${plan.dockerfile}`);
    const pre = await preflightBuild({ ...plan, targetRuns, load: plan.load });
    if (plan.rewriteTimestamp) {
      const support = rewriteTimestampSupport(pre.builder, pre.engine);
      if (!support.supported) {
        plan.rewriteTimestamp = false;
        logger.warn(
          `${plan.project}: SOURCE_DATE_EPOCH is set, but ${support.why}: it cannot clamp file times in layers (rewrite-timestamp needs BuildKit 0.13+, Docker Engine 26+), so two builds of the same sources may differ. Upgrade the engine or builder for reproducible images.`,
        );
      }
    }
    const verbose = plan.verbose || context.isVerbose;
    if (verbose)
      logger.info(
        `${pre.buildx.text}; builder ${pre.builder.name} (${pre.builder.driver}); engine ${pre.engine.platform}`,
      );
    const run = async (args: string[]) => {
      if (verbose) logger.info(`$ ${formatCommand('docker', args)}`);
      await runBuildxBuild(args, { cwd: context.root, progress: plan.progress, failure: plan });
    };

    const output = join(context.root, plan.outputPath);
    await mkdir(dirname(output), { recursive: true });
    // Built beside the artifact and swapped in only when complete: a failed build leaves the previous one.
    await removeAbandonedStaging(output);
    const staging = await mkdtemp(stagingPrefix(output));
    let summary: ImageSummary;
    try {
      const ociDir = relative(context.root, staging);
      await run(buildxBuildArgs({ ...plan, ...inputs, ociDir, load: false }));
      summary = await summarize(staging, plan);
      await rm(join(context.root, plan.summaryPath), { force: true });
      await replaceDirectory(staging, output);
      const summaryTmp = `${join(context.root, plan.summaryPath)}.${process.pid}.tmp`;
      await writeImageSummary(summaryTmp, summary);
      await rename(summaryTmp, join(context.root, plan.summaryPath));
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    if (plan.load) {
      // A second build of the engine's platform, from cache: `--output oci` + `--load` in one build writes an
      // index.json naming a blob it never wrote (dockerd 26.1, buildx 0.13.1).
      const host = plan.platforms.filter((p) => platformMatches(p, pre.engine.platform)).slice(0, 1);
      await run(buildxBuildArgs({ ...plan, ...inputs, platforms: host, load: true }));
    }

    logger.info(
      `${plan.project}: built ${summary.platforms.map((p) => p.platform).join(', ')} → ${plan.outputPath}\n` +
        `  index ${summary.indexDigest}  tags ${summary.tags.join(', ')}` +
        (summary.attestations ? `  (${summary.attestations} attestation manifests)` : '') +
        summary.platforms.map((p) => `\n  ${p.platform.padEnd(12)} ${p.digest}`).join('') +
        (plan.load ? `\n  loaded ${pre.engine.platform} into the engine as ${plan.tags.join(', ')}` : ''),
    );
    return { success: true };
  } catch (e) {
    const error = e as Error;
    const known = ['BuildxError', 'BuildOptionsError', 'OciLayoutError', 'DockerfileError', 'ImageReferenceError'];
    logger.error(known.includes(error.name) ? error.message : (error.stack ?? String(e)));
    return { success: false };
  }
}
