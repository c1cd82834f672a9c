/** What the plugin reads from one extension folder (a Dockerfile and metadata.json side by side). */
export interface ExtensionFolder {
  /** Project root, relative to the workspace, `/`-separated (`.` for the workspace root). */
  root: string;
  name: string;
  /** Where the name came from, so an error can say what to change. */
  nameFrom: 'project.json' | 'package.json' | 'folder';
  /** From package.json's `dockerExtension` (the one place for the image and its platforms). */
  image?: string;
  version?: string;
  platforms?: string[];
  /** The ignore file Docker would use (`Dockerfile.dockerignore` wins over `.dockerignore`), relative to root. */
  dockerignoreFile?: string;
  /** Things that will make build fail, for the targets' descriptions; empty when all is well. */
  problems: string[];
}
