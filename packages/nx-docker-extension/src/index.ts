// Entry point Nx loads with require(): project inference for folders holding metadata.json + Dockerfile.
export { createNodes, createNodesV2 } from './plugin/create-nodes';
export type { DockerExtensionPluginOptions } from './plugin/create-nodes';
export { createDependencies } from './plugin/create-dependencies';
