import type { VerifyExecutorSchema } from '../verify/schema';

/** verify's options minus `remote` (always on); the report defaults to dist/<projectRoot>/verify-remote.json. */
export type VerifyRemoteExecutorSchema = Omit<VerifyExecutorSchema, 'remote'>;
