export interface VerifyExecutorSchema {
  /** OCI layout to check, relative to the workspace root; default dist/<projectRoot>/image. */
  imagePath?: string;
  /** Check the image in its registry (image.json's first tag, or `image`). */
  remote?: boolean;
  /** Registry reference to check; implies remote. */
  image?: string;
  /** Marketplace profile: label and tag rules fail instead of warning. */
  marketplace?: boolean;
  /** Warnings fail too. */
  strict?: boolean;
  /** Platforms the index must hold; default linux/amd64, linux/arm64. */
  platforms?: string[];
  /** Rule id → reason for switching it off. */
  disabledRules?: Record<string, string>;
  /** JSON report path, relative to the workspace root; default dist/<projectRoot>/verify.json. */
  reportPath?: string;
}
