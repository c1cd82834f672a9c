// What the rules see of an image: per platform its labels and a read-only view of its files.

export type FileType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface FileInfo {
  /** Path in the image, root-relative without a leading slash: `ui/index.html`. */
  path: string;
  type: FileType;
  mode: number;
  size: number;
  /** Target as stored: a symlink's raw target, a hard link's image path. */
  linkname?: string;
  /** The first bytes of a regular file (all of it when `complete`), when the rules asked for them. */
  content?: Buffer;
  complete: boolean;
}

export interface FileLookup {
  /** The entry the path leads to after following symlinks and hard links. */
  entry?: FileInfo;
  /** Why the path leads nowhere: absent, a loop, a directory on the way that is a file. */
  problem?: string;
  /** Links followed on the way, for messages. */
  via: string[];
}

export interface ImageFileView {
  lookup(path: string): FileLookup;
  /** Every entry at `dir` or below it, without following links. */
  under(dir: string): FileInfo[];
}

export interface PlatformUnderTest {
  /** `linux/arm64` style name. */
  platform: string;
  os: string;
  architecture: string;
  variant?: string;
  labels: Record<string, string>;
  files: ImageFileView;
}

export interface ImageUnderTest {
  /** Image manifests of the index (attestations excluded). */
  platforms: PlatformUnderTest[];
  /** References or tags whose tag part the tag rule checks. */
  tags: string[];
}

/** Paths the rules read contents of, and how many bytes of each they need. */
export type WantedFiles = Map<string, number>;
