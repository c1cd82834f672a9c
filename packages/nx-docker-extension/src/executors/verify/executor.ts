import { ExecutorContext, logger } from '@nx/devkit';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ImageSummary, imageSummaryPath, readImageSummary } from '../../oci/image-summary';
import { RegistryClient } from '../../registry';
import { formatVerifyReport, layoutSource, registrySource, verifyImage } from '../../verify';
import type { VerifyExecutorSchema } from './schema';

/** Checks the built layout (or the pushed image) with verifyImage; this only reads options, prints and writes the report. */
export default async function verifyExecutor(
  options: VerifyExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const project = context.projectName ?? 'project';
  const projectRoot = context.projectsConfigurations?.projects[project]?.root ?? '.';
  const imagePath = resolve(context.root, options.imagePath ?? join('dist', projectRoot, 'image'));
  const summaryPath = imageSummaryPath(imagePath);
  const reportPath = resolve(context.root, options.reportPath ?? join('dist', projectRoot, 'verify.json'));
  try {
    await rm(reportPath, { force: true }); // a stale report must not outlive a failed run
    const summary: ImageSummary | undefined = existsSync(summaryPath) ? await readImageSummary(summaryPath) : undefined;
    const remote = Boolean(options.remote || options.image);
    let reference: string | undefined;
    if (remote && context.target?.cache) {
      // Nx cannot hash what a registry holds: the next identical run would replay this verdict unasked.
      logger.warn(
        `verify ${project}: this target is cached, so a later identical run replays this result without asking the registry; use the never-cached inferred target (\`nx run ${project}:verify-remote\` unless renamed), or add --skip-nx-cache.`,
      );
    }
    if (remote) {
      reference = options.image ?? summary?.tags[0];
      if (!reference) {
        throw new Error(
          `nothing to check in a registry: set the verify option image (e.g. 127.0.0.1:5000/acme/my-ext:1.0.0), or run the build target so ${summaryPath} lists tags.`,
        );
      }
    }
    const source = reference ? registrySource(reference, new RegistryClient()) : await layoutSource(imagePath);
    const report = await verifyImage(source, {
      profile: options.marketplace ? 'marketplace' : 'default',
      strict: options.strict,
      platforms: options.platforms,
      disabledRules: options.disabledRules,
      tags: reference ? [reference] : (summary?.tags ?? []),
      expectedDigest: summary?.indexDigest,
    });
    await mkdir(dirname(reportPath), { recursive: true });
    await writeFile(reportPath, JSON.stringify(report, null, 2) + '\n');
    logger.info(formatVerifyReport(report));
    logger.info(`Report: ${reportPath}`);
    return { success: report.passed };
  } catch (e) {
    logger.error(`verify ${project}: ${(e as Error).message}`);
    return { success: false };
  }
}
