/** Where a build secret comes from: a file or an environment variable (never its value). */
export interface SecretSource {
  src?: string;
  env?: string;
}

export type Progress = 'auto' | 'plain' | 'tty' | 'quiet' | 'rawjson';

/** Everything `docker buildx build` is told, already validated and resolved by the caller. */
export interface BuildxBuildOptions {
  dockerfile: string;
  context: string;
  platforms: string[];
  tags: string[];
  /** Directory for `--output type=oci,tar=false` (an OCI image layout). */
  ociDir?: string;
  /** Clamp file and config timestamps to SOURCE_DATE_EPOCH (BuildKit ≥ 0.13 `rewrite-timestamp`). */
  rewriteTimestamp?: boolean;
  /** Also load the result into the engine's image store (`--load`). */
  load?: boolean;
  buildArgs?: Record<string, string>;
  buildContexts?: Record<string, string>;
  secrets?: Record<string, SecretSource>;
  target?: string;
  builder?: string;
  cacheFrom?: string[];
  cacheTo?: string[];
  /** false: no provenance attestation; true or 'min'/'max': attach one in that mode. */
  provenance?: boolean | 'min' | 'max';
  sbom?: boolean;
  pull?: boolean;
  noCache?: boolean;
  progress?: Progress;
}

/** Quotes one field of buildx's comma-separated flag values (`--output`, `--secret`) when it needs it. */
export function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function sortedEntries<T>(record: Record<string, T> | undefined): [string, T][] {
  return Object.entries(record ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function secretFlag(id: string, source: SecretSource): string {
  const from = source.env !== undefined ? `env=${source.env}` : `src=${source.src ?? ''}`;
  return [`id=${id}`, from].map(csvField).join(',');
}

function provenanceFlag(value: BuildxBuildOptions['provenance']): string {
  if (value === undefined || value === false) return '--provenance=false';
  if (value === true) return '--provenance=true';
  return `--provenance=mode=${value}`;
}

/**
 * The argv after `docker` for one `docker buildx build`. Pure: the same options always give the same
 * array (maps are sorted), so tests and `--verbose` show exactly what runs.
 */
export function buildxBuildArgs(o: BuildxBuildOptions): string[] {
  const args = ['buildx', 'build'];
  if (o.builder) args.push('--builder', o.builder);
  args.push('--file', o.dockerfile);
  if (o.platforms.length > 0) args.push('--platform', o.platforms.join(','));
  for (const tag of o.tags) args.push('--tag', tag);
  if (o.target) args.push('--target', o.target);
  for (const [name, value] of sortedEntries(o.buildArgs)) args.push('--build-arg', `${name}=${value}`);
  for (const [name, value] of sortedEntries(o.buildContexts)) args.push('--build-context', `${name}=${value}`);
  for (const [id, source] of sortedEntries(o.secrets)) args.push('--secret', secretFlag(id, source));
  for (const spec of o.cacheFrom ?? []) args.push('--cache-from', spec);
  for (const spec of o.cacheTo ?? []) args.push('--cache-to', spec);
  // Always explicit: buildx's own default differs between versions and drivers.
  args.push(provenanceFlag(o.provenance), `--sbom=${o.sbom ? 'true' : 'false'}`);
  if (o.pull) args.push('--pull');
  if (o.noCache) args.push('--no-cache');
  if (o.progress) args.push('--progress', o.progress);
  if (o.ociDir !== undefined) {
    const fields = ['type=oci', 'tar=false', `dest=${o.ociDir}`];
    if (o.rewriteTimestamp) fields.push('rewrite-timestamp=true');
    args.push('--output', fields.map(csvField).join(','));
  }
  if (o.load) args.push('--load');
  args.push(o.context);
  return args;
}

/** A command line a user can paste into a POSIX shell (for `verbose` and advice); never used to run anything. */
export function formatCommand(command: string, args: string[]): string {
  return [command, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
