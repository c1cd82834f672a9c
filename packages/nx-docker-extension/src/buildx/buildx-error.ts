/**
 * A build problem explained for the user: what failed and what to do. Executors print the message as is
 * (no stack trace), so it must read on its own.
 */
export class BuildxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BuildxError';
  }
}
