export interface PushExecutorSchema {
  /** OCI layout to push, relative to the workspace root; default dist/<projectRoot>/image. */
  imagePath?: string;
  /** Full references; default: image.json's tags. */
  tags?: string[];
  force?: boolean;
  allowLatest?: boolean;
  insecureRegistries?: string[];
  verbose?: boolean;
}
