import type { CreateNodesV2 } from '@nx/devkit';

// Skeleton: the inference itself is issue 6 (plugin/). Registered so the plugin loads in a workspace.
export interface DockerExtensionPluginOptions {
  buildTargetName?: string;
  verifyTargetName?: string;
  pushTargetName?: string;
}

export const createNodesV2: CreateNodesV2<DockerExtensionPluginOptions> = [
  '**/metadata.json',
  async () => [],
];

export const createNodes = createNodesV2;
