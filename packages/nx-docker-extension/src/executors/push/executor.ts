import { ExecutorContext, logger } from '@nx/devkit';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { imageSummaryPath, readImageSummary } from '../../oci/image-summary';
import { BlobLocations } from '../../registry/blob-locations';
import { describeTagResult, pushLayout } from '../../registry/push-layout';
import type { PushExecutorSchema } from './schema';

/** Pushes dist/<projectRoot>/image to its tags; the work is pushLayout, this only reads options and prints. */
export default async function pushExecutor(
  options: PushExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const project = context.projectName ?? 'project';
  const projectRoot = context.projectsConfigurations?.projects[project]?.root ?? '.';
  const imagePath = resolve(context.root, options.imagePath ?? join('dist', projectRoot, 'image'));
  const summaryPath = imageSummaryPath(imagePath);
  try {
    // image.json is what build tagged; it must describe this very layout
    const summary = existsSync(summaryPath) ? await readImageSummary(summaryPath) : undefined;
    const tags = options.tags?.length ? options.tags : (summary?.tags ?? []);
    if (!tags.length) {
      throw new Error(
        `No tags to push for ${project}: ${summary ? `${summaryPath} lists none` : `${summaryPath} is missing (run the build target)`}; or set the push option tags.`,
      );
    }
    const results = await pushLayout(imagePath, tags, {
      force: options.force,
      allowLatest: options.allowLatest,
      insecureRegistries: options.insecureRegistries,
      verbose: options.verbose,
      expectIndexDigest: summary ? { digest: summary.indexDigest, source: summaryPath } : undefined,
      // each push is its own Nx task: blobs another extension pushed to this registry are mounted, not re-sent
      blobLocations: BlobLocations.load(),
      log: (line) => logger.info(line),
    });
    for (const result of results) logger.info(describeTagResult(result));
    return { success: true };
  } catch (e) {
    logger.error(`push ${project}: ${(e as Error).message}`);
    return { success: false };
  }
}
