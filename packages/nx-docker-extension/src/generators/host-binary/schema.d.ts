export type HostOs = 'darwin' | 'windows' | 'linux';

export interface HostBinaryGeneratorSchema {
  project: string;
  name: string;
  os?: HostOs[] | string;
  url?: string;
  windowsArm64?: boolean;
  skipFormat?: boolean;
}
