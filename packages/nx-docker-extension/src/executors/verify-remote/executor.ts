import type { ExecutorContext } from '@nx/devkit';
import { join } from 'node:path';
import verifyExecutor from '../verify/executor';
import type { VerifyRemoteExecutorSchema } from './schema';

/**
 * verify against the registry. Its own executor, not `verify --remote`, so that targetDefaults keyed by
 * `nx-docker-extension:verify` (cache: true) never make a registry check replayable from the cache.
 */
export default async function verifyRemoteExecutor(
  options: VerifyRemoteExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const projectRoot = context.projectsConfigurations?.projects[context.projectName ?? '']?.root ?? '.';
  return verifyExecutor(
    { ...options, remote: true, reportPath: options.reportPath ?? join('dist', projectRoot, 'verify-remote.json') },
    context,
  );
}
