import type { CreateDependencies } from '@nx/devkit';

// Skeleton: graph edges from Dockerfile COPY paths are issue 6 (plugin/).
export const createDependencies: CreateDependencies = async () => [];
