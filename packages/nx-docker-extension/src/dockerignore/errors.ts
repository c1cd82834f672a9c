/** A .dockerignore that Docker itself would refuse (the build fails with the same complaint). */
export class DockerignoreError extends Error {
  constructor(
    message: string,
    /** The pattern as it appears after cleaning, `!` included. */
    readonly pattern: string,
  ) {
    super(message);
    this.name = 'DockerignoreError';
  }
}
