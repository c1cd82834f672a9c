// Which credentials Docker's own config gives a registry: `auths`, `credHelpers`, `credsStore` — decided on plain data.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DOCKER_HUB } from './image-reference';

/** The parts of `config.json` that matter for registry auth. */
export interface DockerConfig {
  auths?: Record<string, DockerConfigAuth>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

export interface DockerConfigAuth {
  /** base64 of `user:password`. */
  auth?: string;
  username?: string;
  password?: string;
  /** OAuth refresh token from `docker login` against a token server; exchanged for access tokens. */
  identitytoken?: string;
  /** A bearer token to send as is. */
  registrytoken?: string;
}

export interface Credentials {
  username?: string;
  password?: string;
  identityToken?: string;
  registryToken?: string;
}

/** Where credentials for one registry come from; the helper case still needs a process to run. */
export type CredentialSource =
  | { kind: 'helper'; helper: string; serverUrl: string; configKey: 'credHelpers' | 'credsStore' }
  | { kind: 'inline'; credentials: Credentials; configKey: string }
  | { kind: 'none' };

/** Docker keeps Docker Hub credentials under this legacy key. */
export const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/';

/** `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DOCKER_CONFIG || join(homedir(), '.docker'), 'config.json');
}

/** `https://127.0.0.1:5001/v2/` → `127.0.0.1:5001`; Docker Hub's many spellings → `docker.io`. */
export function normalizeConfigKey(key: string): string {
  const host = key
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .split('/')[0]
    .toLowerCase();
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? DOCKER_HUB : host;
}

/** Docker's own server address for a registry, as `docker login` stores it and credential helpers expect it. */
export function credentialServerUrl(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_CONFIG_KEY : registry;
}

function decodeAuth(auth: string): { username: string; password: string } | undefined {
  const text = Buffer.from(auth, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

function fromAuthEntry(entry: DockerConfigAuth): Credentials | undefined {
  if (entry.identitytoken) return { username: entry.username, identityToken: entry.identitytoken };
  if (entry.registrytoken) return { registryToken: entry.registrytoken };
  if (entry.auth) return decodeAuth(entry.auth);
  if (entry.username && entry.password) return { username: entry.username, password: entry.password };
  return undefined;
}

/** Docker's precedence: a per-registry helper, then the default store, then inline `auths`. */
export function credentialSourceFor(config: DockerConfig, registry: string): CredentialSource {
  const wanted = normalizeConfigKey(registry);
  const serverUrl = credentialServerUrl(wanted);
  for (const [key, helper] of Object.entries(config.credHelpers ?? {})) {
    if (helper && normalizeConfigKey(key) === wanted)
      return { kind: 'helper', helper, serverUrl, configKey: 'credHelpers' };
  }
  if (config.credsStore) return { kind: 'helper', helper: config.credsStore, serverUrl, configKey: 'credsStore' };
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    if (normalizeConfigKey(key) !== wanted || !entry || typeof entry !== 'object') continue;
    const credentials = fromAuthEntry(entry);
    if (credentials) return { kind: 'inline', credentials, configKey: key };
  }
  return { kind: 'none' };
}

/**
 * What `docker-credential-<name> get` printed. Username `<token>` means the secret is an identity token.
 * Returns undefined for "no credentials"; throws (without the output, which holds secrets) when unreadable.
 */
export function parseCredentialHelperOutput(stdout: string, helper: string): Credentials | undefined {
  let parsed: { Username?: unknown; Secret?: unknown };
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new Error(`docker-credential-${helper} get did not print JSON; check that the helper works.`);
  }
  const username = typeof parsed.Username === 'string' ? parsed.Username : '';
  const secret = typeof parsed.Secret === 'string' ? parsed.Secret : '';
  if (!secret) return undefined;
  if (username === '<token>') return { identityToken: secret };
  return { username, password: secret };
}

/** Helpers report a missing entry with this text (and a non-zero exit): not an error, just anonymous. */
export function isCredentialsNotFound(output: string): boolean {
  return /credentials not found/i.test(output);
}
